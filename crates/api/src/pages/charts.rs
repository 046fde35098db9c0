//! Charts inlined in pages as SVG (no extra request, no cookie on `<img>`, works offline),
//! each with a text alternative and its data as a table for those who cannot see it.

use pilote_charts::{ChartError, Size};

use crate::error::ApiError;

/// A chart ready for `_chart.html`.
pub struct ChartBlock {
    /// Its heading.
    pub title: String,
    /// The text alternative: what the chart says, in a sentence.
    pub alt: String,
    /// The SVG, from pilote_charts, which escapes every string it draws.
    pub svg: String,
    /// The data table's column headings.
    pub headers: Vec<&'static str>,
    /// The data table's rows, already formatted.
    pub rows: Vec<Vec<String>>,
}

/// A chart size known to be within bounds.
pub fn size(width: u32, height: u32) -> Result<Size, ApiError> {
    Size::new(width, height).map_err(|e| ApiError::Internal(Box::new(e)))
}

/// The SVG as text, without its XML declaration (which has no place inside HTML).
pub fn svg(bytes: Result<Vec<u8>, ChartError>) -> Result<String, ApiError> {
    let bytes = bytes.map_err(|e| ApiError::Internal(Box::new(e)))?;
    let text = String::from_utf8(bytes).map_err(|e| ApiError::Internal(Box::new(e)))?;
    Ok(match text.find("<svg") {
        Some(start) => text[start..].to_owned(),
        None => text,
    })
}
