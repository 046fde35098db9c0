//! The one error type of the crate.

use std::error::Error;

use plotters::drawing::DrawingAreaErrorKind;

/// Why a chart could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// A requested dimension is outside the accepted bounds (callers answer 422).
    #[error("{dimension} must be between {min} and {max} pixels, got {value}")]
    SizeOutOfRange {
        /// "width" or "height".
        dimension: &'static str,
        /// The value asked for.
        value: u32,
        /// Smallest accepted value.
        min: u32,
        /// Largest accepted value.
        max: u32,
    },
    /// The embedded font could not be parsed (a broken build, never user input).
    #[error("the embedded font could not be loaded")]
    Font,
    /// plotters reported an error while drawing.
    #[error("drawing failed: {0}")]
    Draw(String),
    /// The PNG encoder failed.
    #[error("PNG encoding failed: {0}")]
    Encode(String),
}

impl ChartError {
    /// The request field at fault, for a validation error: "width" or "height".
    pub fn field(&self) -> Option<&'static str> {
        match self {
            ChartError::SizeOutOfRange { dimension, .. } => Some(dimension),
            _ => None,
        }
    }
}

// Lets `?` be used on every plotters call, whatever the backend.
impl<E: Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        ChartError::Draw(e.to_string())
    }
}
