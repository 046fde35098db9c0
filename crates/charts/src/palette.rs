//! Every colour of every chart, in one place.
//!
//! Okabe–Ito colours (distinguishable with the common colour-vision deficiencies). Phases keep
//! the same colour in every chart; meaning never rests on colour alone (labels, markers and
//! line styles say it too). Text is near-black or dark grey on white, and text on a coloured
//! chip picks black or white, whichever contrasts more; the tests check WCAG AA (4.5:1).

use pilote_domain::{ObjectiveStatus, Phase, ProductStatus};
use plotters::style::RGBColor;

/// Page background.
pub const BACKGROUND: RGBColor = RGBColor(0xFF, 0xFF, 0xFF);
/// Titles, values, axis labels.
pub const TEXT: RGBColor = RGBColor(0x1A, 0x1A, 0x1A);
/// Secondary text (subtitles, legends): 7:1 on white.
pub const TEXT_MUTED: RGBColor = RGBColor(0x59, 0x59, 0x59);
/// Axis lines.
pub const AXIS: RGBColor = RGBColor(0x59, 0x59, 0x59);
/// Grid lines: light enough to stay behind the data.
pub const GRID: RGBColor = RGBColor(0xE3, 0xE3, 0xE3);
/// The band behind periods with no measure.
pub const GAP: RGBColor = RGBColor(0xEE, 0xEE, 0xEE);

/// Okabe–Ito black.
pub const BLACK: RGBColor = RGBColor(0x00, 0x00, 0x00);
/// Okabe–Ito orange.
pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
/// Okabe–Ito sky blue.
pub const SKY_BLUE: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
/// Okabe–Ito bluish green.
pub const BLUISH_GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
/// Okabe–Ito blue.
pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
/// Okabe–Ito vermillion.
pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
/// Okabe–Ito reddish purple.
pub const REDDISH_PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
/// Neutral grey for stopped products and missing data: 4.5:1 on white.
pub const GREY: RGBColor = RGBColor(0x76, 0x76, 0x76);

/// The measured series.
pub const SERIES: RGBColor = BLUE;
/// The objective: trajectory and target.
pub const TARGET: RGBColor = VERMILLION;
/// Overdue phase segments.
pub const OVERDUE: RGBColor = VERMILLION;
/// Today's line.
pub const TODAY: RGBColor = TEXT;

/// The fixed colour of a phase. Blue is kept for series, so perennisation takes purple.
pub fn phase(phase: Phase) -> RGBColor {
    match phase {
        Phase::Investigation => SKY_BLUE,
        Phase::Construction => ORANGE,
        Phase::Acceleration => BLUISH_GREEN,
        Phase::Perennisation => REDDISH_PURPLE,
    }
}

/// The colour of a product status: its phase's, or grey when stopped.
pub fn status(status: ProductStatus) -> RGBColor {
    match status {
        ProductStatus::Active(p) => phase(p),
        ProductStatus::Stopped => GREY,
    }
}

/// The colour of an objective status.
pub fn objective(status: ObjectiveStatus) -> RGBColor {
    match status {
        ObjectiveStatus::OnTrack | ObjectiveStatus::Achieved => BLUISH_GREEN,
        ObjectiveStatus::AtRisk => ORANGE,
        ObjectiveStatus::OffTrack => VERMILLION,
        ObjectiveStatus::NoData => GREY,
    }
}

/// Black or white, whichever reads better on `background`.
pub fn text_on(background: RGBColor) -> RGBColor {
    let white = RGBColor(0xFF, 0xFF, 0xFF);
    if contrast(BLACK, background) >= contrast(white, background) {
        BLACK
    } else {
        white
    }
}

/// WCAG 2 contrast ratio between two colours, from 1 to 21.
pub fn contrast(a: RGBColor, b: RGBColor) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// WCAG 2 relative luminance.
fn luminance(c: RGBColor) -> f64 {
    let channel = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.039_28 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.0) + 0.7152 * channel(c.1) + 0.0722 * channel(c.2)
}

/// `#rrggbb`, as plotters writes colours in SVG.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    const AA: f64 = 4.5;

    #[test]
    fn contrast_formula_matches_known_values() {
        assert!((contrast(BLACK, BACKGROUND) - 21.0).abs() < 1e-9);
        assert!((contrast(BACKGROUND, BACKGROUND) - 1.0).abs() < 1e-9);
        // #767676 is the classic lightest grey passing AA on white.
        assert!(contrast(GREY, BACKGROUND) >= AA);
    }

    #[test]
    fn text_colours_pass_aa_on_the_background() {
        for c in [TEXT, TEXT_MUTED, AXIS] {
            assert!(contrast(c, BACKGROUND) >= AA, "{}", hex(c));
        }
        // Labels on the gap band too.
        for c in [TEXT, TEXT_MUTED] {
            assert!(contrast(c, GAP) >= AA, "{} on gap", hex(c));
        }
    }

    #[test]
    fn text_on_every_chip_passes_aa() {
        let chips = ProductStatus::ALL
            .into_iter()
            .map(status)
            .chain(ObjectiveStatus::ALL.into_iter().map(objective))
            .chain([SERIES, TARGET, OVERDUE]);
        for bg in chips {
            let ratio = contrast(text_on(bg), bg);
            assert!(
                ratio >= AA,
                "{} on {}: {ratio:.2}",
                hex(text_on(bg)),
                hex(bg)
            );
        }
    }

    #[test]
    fn phase_colours_are_distinct_and_not_the_series_colour() {
        let colours: Vec<_> = ProductStatus::ALL.into_iter().map(status).collect();
        for (i, a) in colours.iter().enumerate() {
            assert_ne!(*a, SERIES);
            for b in &colours[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
