//! Text styles and measuring, so labels fit where they are put.

use plotters::{
    coord::CoordTranslate,
    prelude::{Circle, Color, DrawingArea, Text},
    style::{
        IntoFont, RGBColor, TextStyle,
        text_anchor::{HPos, Pos, VPos},
    },
};

use crate::{
    ChartError,
    font::FAMILY,
    palette,
    render::{Area, Backend},
};

/// The smallest font size any chart asks for, whatever its size or scale. plotters writes an
/// SVG `font-size` of the size / 1.24, so this is 10 px of SVG text: a chart shown at its
/// drawn width (the pages never shrink one below it, see `docs/charts.md`) keeps every label
/// at 9 px or more, on paper and on a phone.
pub const MIN_FONT_PX: f64 = 12.5;

/// The embedded font at `px` pixels (at least [`MIN_FONT_PX`]), in `color`.
pub(crate) fn style(px: f64, color: RGBColor) -> TextStyle<'static> {
    (FAMILY, px.max(MIN_FONT_PX)).into_font().color(&color)
}

/// Width of `text` in pixels; a generous estimate if the font cannot measure it.
pub(crate) fn width<DB: Backend>(area: &Area<DB>, text: &str, style: &TextStyle<'_>) -> u32 {
    area.estimate_text_size(text, style)
        .map(|(w, _)| w)
        .unwrap_or_else(|_| (text.chars().count() as f64 * style.font.get_size() * 0.6) as u32)
}

/// `text` cut with "…" so that it is at most `max` pixels wide (empty if even "…" is not).
pub(crate) fn fit<DB: Backend>(
    area: &Area<DB>,
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

/// The plotting area of a chart (inside its axes), in the coordinates of `area`, whose base
/// pixel is `base`.
pub(crate) fn plot_frame<DB: Backend, CT: CoordTranslate>(
    plot: &DrawingArea<DB, CT>,
    base: (i32, i32),
) -> Boxed {
    let (xs, ys) = plot.get_pixel_range();
    Boxed {
        x0: xs.start - base.0,
        y0: ys.start - base.1,
        x1: xs.end - base.0,
        y1: ys.end - base.1,
    }
}

/// Draws each dot (filled with its colour, outlined in the text colour) and marks it `placed`,
/// then its label by `label_dots`: labels come after all dots, so that no dot hides under a
/// label. The scatter charts share it.
pub(crate) fn labelled_dots<DB: Backend>(
    area: &Area<DB>,
    frame: Boxed,
    dots: &[((i32, i32), RGBColor, &str)],
    r: i32,
    scale: f64,
    placed: &mut Vec<Boxed>,
) -> Result<(), ChartError> {
    for &((x, y), colour, _) in dots {
        area.draw(&Circle::new((x, y), r, colour.filled()))?;
        area.draw(&Circle::new((x, y), r, palette::TEXT.stroke_width(1)))?;
        placed.push(Boxed {
            x0: x - r,
            y0: y - r,
            x1: x + r,
            y1: y + r,
        });
    }
    let labels = dots.iter().map(|&(at, _, name)| (at, name));
    label_dots(area, frame, labels, r, scale, placed)
}

/// Puts each dot's label at the first free spot among right, left, above and below it, inside
/// the plot's `frame` (never across an axis or onto its figures) and over no dot or label
/// already `placed`; a label that fits nowhere is left out (the charts' descriptions list
/// every point). The scatter charts share it.
fn label_dots<'a, DB: Backend>(
    area: &Area<DB>,
    frame: Boxed,
    dots: impl Iterator<Item = ((i32, i32), &'a str)>,
    r: i32,
    scale: f64,
    placed: &mut Vec<Boxed>,
) -> Result<(), ChartError> {
    let label_style = style(12.0 * scale, palette::TEXT);
    // The line height of the font actually used (sizes have a floor, see `style`).
    let lh = (label_style.font.get_size() * 1.25) as i32;
    let g = r + (3.0 * scale) as i32;
    for ((x, y), name) in dots {
        let name = fit(area, name, &label_style, (160.0 * scale) as u32);
        let w = width(area, &name, &label_style) as i32;
        let candidates = [
            (x + g, y - lh / 2),
            (x - g - w, y - lh / 2),
            (x - w / 2, y - g - lh),
            (x - w / 2, y + g),
        ];
        let spot = candidates
            .into_iter()
            .map(|(x0, y0)| Boxed {
                x0,
                y0,
                x1: x0 + w,
                y1: y0 + lh,
            })
            .find(|b| b.inside(&frame) && !placed.iter().any(|o| o.overlaps(b)));
        if let Some(b) = spot {
            area.draw(&Text::new(
                name,
                (b.x0, b.y0 + lh / 2),
                label_style.pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
            placed.push(b);
        }
    }
    Ok(())
}
