//! Pilote's charts: domain data in, SVG or PNG bytes out.
//!
//! Pure functions, no database and no HTTP: each takes a plain description of a chart built
//! from `pilote_domain` types, a validated [`Size`] and a [`Format`]. SVG output carries a
//! French `<title>` and `<desc>` and escapes every string; PNG text uses the embedded DejaVu
//! Sans, never the machine's fonts. See `docs/charts.md`.

mod axis;
mod dashboard;
mod drift;
mod drift_draw;
mod efficiency;
mod efficiency_draw;
mod error;
mod font;
/// French formatting lives in the domain, shared with the pages and the CLI.
pub use pilote_domain::french;
mod heading;
mod indicator;
mod marks;
pub mod palette;
mod phases;
mod plot;
mod render;
mod series;
mod size;
mod sparkline;
mod svg;
mod text;
mod timeline;
mod timeline_draw;

pub use dashboard::{Dashboard, DashboardPanel};
pub use drift::{DriftPoint, DriftScatter};
pub use efficiency::{EfficiencyPoint, EfficiencyScatter};
pub use error::ChartError;
pub use indicator::{ForecastLine, IndicatorChart};
pub use phases::PortfolioPhases;
pub use size::{Format, Size};
pub use sparkline::Sparkline;
pub use text::MIN_FONT_PX;
pub use timeline::{Timeline, TimelineRow, TimelineSegment};

/// Renders an indicator's series against its objective (see [`IndicatorChart`]).
pub fn indicator_chart(
    data: &IndicatorChart,
    size: Size,
    format: Format,
) -> Result<Vec<u8>, ChartError> {
    render::render(data, size, format)
}

/// Renders a product's indicators as small multiples, north star first.
pub fn dashboard_chart(
    data: &Dashboard,
    size: Size,
    format: Format,
) -> Result<Vec<u8>, ChartError> {
    render::render(data, size, format)
}

/// Renders the number of products per phase, stopped ones apart.
pub fn phases_chart(
    data: &PortfolioPhases,
    size: Size,
    format: Format,
) -> Result<Vec<u8>, ChartError> {
    render::render(data, size, format)
}

/// Renders every product's phases over time.
pub fn timeline_chart(data: &Timeline, size: Size, format: Format) -> Result<Vec<u8>, ChartError> {
    render::render(data, size, format)
}

/// Renders budget drift against schedule drift, one dot per product.
pub fn drift_chart(data: &DriftScatter, size: Size, format: Format) -> Result<Vec<u8>, ChartError> {
    render::render(data, size, format)
}

/// Renders cost per active user against one-year growth of use, one dot per product.
pub fn efficiency_chart(
    data: &EfficiencyScatter,
    size: Size,
    format: Format,
) -> Result<Vec<u8>, ChartError> {
    render::render(data, size, format)
}

/// Renders a sparkline; build its size with [`Size::sparkline`] (16 px and up).
pub fn sparkline(data: &Sparkline, size: Size, format: Format) -> Result<Vec<u8>, ChartError> {
    render::render(data, size, format)
}
