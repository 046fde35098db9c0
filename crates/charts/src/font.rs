//! The embedded font: PNG text never depends on the fonts of the machine.

use std::sync::OnceLock;

use plotters::style::{FontStyle, register_font};

use crate::ChartError;

/// DejaVu Sans (Bitstream Vera licence, `assets/DejaVuSans-LICENSE.txt`): covers French
/// accents, « », —, ’ and the no-break spaces of French typography.
static DEJAVU_SANS: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// The family every chart asks for; SVG viewers fall back to their own sans-serif.
pub(crate) const FAMILY: &str = "sans-serif";

/// Registers the font with plotters once per process; plotters needs it for text layout in
/// SVG too (label sizes), not only for PNG rasterising.
pub(crate) fn ensure_registered() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        // Bold falls back to Normal inside plotters, so one face is enough.
        register_font(FAMILY, FontStyle::Normal, DEJAVU_SANS).is_ok()
    });
    if ok { Ok(()) } else { Err(ChartError::Font) }
}
