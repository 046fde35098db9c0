//! Output size and format, validated once at the edge.

use crate::ChartError;

/// Output format of a chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Self-contained SVG with `<title>` and `<desc>`.
    Svg,
    /// PNG, 8-bit RGB, text drawn with the embedded font.
    Png,
}

impl Format {
    /// The HTTP content type.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Svg => "image/svg+xml",
            Format::Png => "image/png",
        }
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Svg => "svg",
            Format::Png => "png",
        }
    }

    /// The format for a file extension ("svg" or "png", any case).
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "svg" => Some(Format::Svg),
            "png" => Some(Format::Png),
            _ => None,
        }
    }
}

/// Width and height in pixels, within bounds (see [`Size::new`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Size {
    width: u32,
    height: u32,
}

impl Size {
    /// Smallest width or height of a chart.
    pub const MIN: u32 = 200;
    /// Largest width or height of any chart (4000² RGB is 48 MB: the memory cap).
    pub const MAX: u32 = 4000;
    /// Smallest width or height of a sparkline, which lives inside a table row.
    pub const SPARKLINE_MIN: u32 = 16;
    /// The size of the slides' charts.
    pub const DEFAULT: Size = Size {
        width: 800,
        height: 400,
    };
    /// The size of a sparkline in a list page.
    pub const SPARKLINE: Size = Size {
        width: 120,
        height: 32,
    };

    /// A chart size: each dimension between 200 and 4000 px, else
    /// [`ChartError::SizeOutOfRange`] naming the dimension.
    pub fn new(width: u32, height: u32) -> Result<Size, ChartError> {
        Size::bounded(width, height, Size::MIN)
    }

    /// A sparkline size: each dimension between 16 and 4000 px.
    pub fn sparkline(width: u32, height: u32) -> Result<Size, ChartError> {
        Size::bounded(width, height, Size::SPARKLINE_MIN)
    }

    fn bounded(width: u32, height: u32, min: u32) -> Result<Size, ChartError> {
        for (dimension, value) in [("width", width), ("height", height)] {
            if !(min..=Size::MAX).contains(&value) {
                return Err(ChartError::SizeOutOfRange {
                    dimension,
                    value,
                    min,
                    max: Size::MAX,
                });
            }
        }
        Ok(Size { width, height })
    }

    /// Width in pixels.
    pub fn width(self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(self) -> u32 {
        self.height
    }

    /// How much to scale fonts and strokes compared to the 800×400 reference.
    pub(crate) fn scale(self) -> f64 {
        let by_width = f64::from(self.width) / 800.0;
        let by_height = f64::from(self.height) / 400.0;
        by_width.min(by_height).clamp(0.7, 3.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_name_the_dimension() {
        assert!(Size::new(200, 4000).is_ok());
        let err = Size::new(199, 400).expect_err("too narrow");
        assert_eq!(err.field(), Some("width"));
        assert_eq!(
            err.to_string(),
            "width must be between 200 and 4000 pixels, got 199"
        );
        let err = Size::new(800, 4001).expect_err("too tall");
        assert_eq!(err.field(), Some("height"));
        assert!(Size::sparkline(120, 32).is_ok());
        assert!(Size::sparkline(15, 32).is_err());
    }

    #[test]
    fn formats() {
        assert_eq!(Format::from_extension("PNG"), Some(Format::Png));
        assert_eq!(Format::from_extension("gif"), None);
        assert_eq!(Format::Svg.content_type(), "image/svg+xml");
    }
}
