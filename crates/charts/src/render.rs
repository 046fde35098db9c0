//! From a chart description to SVG or PNG bytes, on either plotters backend.

use image::{
    ExtendedColorType, ImageEncoder,
    codecs::png::{CompressionType, FilterType, PngEncoder},
};
use plotters::{
    coord::Shift,
    prelude::{BitMapBackend, DrawingArea, DrawingBackend, IntoDrawingArea, SVGBackend},
};

use crate::{ChartError, Format, Size, font, palette, svg};

/// A plotters backend whose errors may be boxed into [`ChartError`]: every backend Pilote
/// draws on. Named once so that each drawing function says `DB: Backend` and not the
/// `where DB::ErrorType: 'static` clause plotters' error conversion needs.
pub(crate) trait Backend: DrawingBackend<ErrorType: 'static> {}

impl<B: DrawingBackend<ErrorType: 'static>> Backend for B {}

/// The whole or a part of the canvas a chart draws on.
pub(crate) type Area<B> = DrawingArea<B, Shift>;

/// A chart that can draw itself on any plotters backend.
pub(crate) trait Chart {
    /// The accessible name (SVG `<title>`), in French.
    fn title(&self) -> String;
    /// What the chart shows, in French, for screen readers (SVG `<desc>`).
    fn description(&self) -> String;
    /// Draws on the whole `area`, already filled with the background.
    fn draw<DB: Backend>(&self, area: &Area<DB>, size: Size) -> Result<(), ChartError>;
}

/// Renders `chart` at `size` in `format`.
pub(crate) fn render(
    chart: &impl Chart,
    size: Size,
    format: Format,
) -> Result<Vec<u8>, ChartError> {
    font::ensure_registered()?;
    let (w, h) = (size.width(), size.height());
    match format {
        Format::Svg => {
            let mut out = String::with_capacity(16 * 1024);
            {
                let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
                root.fill(&palette::BACKGROUND)?;
                chart.draw(&root, size)?;
                root.present()?;
            }
            let out = svg::with_title_and_desc(out, &chart.title(), &chart.description());
            Ok(out.into_bytes())
        }
        Format::Png => {
            // Size bounds keep this under 48 MB.
            let mut pixels = vec![0u8; w as usize * h as usize * 3];
            {
                let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
                root.fill(&palette::BACKGROUND)?;
                chart.draw(&root, size)?;
                root.present()?;
            }
            encode_png(&pixels, w, h)
        }
    }
}

/// Fast deflate: charts are flat colours, so the file is barely larger and encoding is
/// several times quicker than the default level.
fn encode_png(pixels: &[u8], w: u32, h: u32) -> Result<Vec<u8>, ChartError> {
    let mut out = Vec::with_capacity(pixels.len() / 8);
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive)
        .write_image(pixels, w, h, ExtendedColorType::Rgb8)
        .map_err(|e| ChartError::Encode(e.to_string()))?;
    Ok(out)
}
