//! Text styles and measuring, so labels fit where they are put.

use plotters::{
    coord::Shift,
    prelude::{DrawingArea, DrawingBackend},
    style::{IntoFont, RGBColor, TextStyle},
};

use crate::font::FAMILY;

/// The embedded font at `px` pixels, in `color`.
pub(crate) fn style(px: f64, color: RGBColor) -> TextStyle<'static> {
    (FAMILY, px).into_font().color(&color)
}

/// Width of `text` in pixels; a generous estimate if the font cannot measure it.
pub(crate) fn width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
) -> u32 {
    area.estimate_text_size(text, style)
        .map(|(w, _)| w)
        .unwrap_or_else(|_| (text.chars().count() as f64 * style.font.get_size() * 0.6) as u32)
}

/// `text` cut with "…" so that it is at most `max` pixels wide (empty if even "…" is not).
pub(crate) fn fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
    max: u32,
) -> String {
    let text = crate::svg::clean(text);
    if width(area, &text, style) <= max {
        return text;
    }
    let chars: Vec<char> = text.chars().collect();
    // Binary search on the number of characters kept: long names in 1 000 rows stay cheap.
    let (mut lo, mut hi) = (0usize, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid].iter().collect::<String>() + "…";
        if width(area, &candidate, style) <= max {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    if lo == 0 {
        if width(area, "…", style) <= max {
            return "…".to_owned();
        }
        return String::new();
    }
    let kept: String = chars[..lo].iter().collect();
    kept.trim_end().to_owned() + "…"
}

/// A rectangle in pixels, for label collision checks.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Boxed {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

impl Boxed {
    /// Whether two boxes overlap (touching is fine).
    pub fn overlaps(&self, other: &Boxed) -> bool {
        self.x0 < other.x1 && other.x0 < self.x1 && self.y0 < other.y1 && other.y0 < self.y1
    }

    /// Whether `self` lies within `outer`.
    pub fn inside(&self, outer: &Boxed) -> bool {
        self.x0 >= outer.x0 && self.x1 <= outer.x1 && self.y0 >= outer.y0 && self.y1 <= outer.y1
    }
}
