//! Renders every chart on realistic data into `docs/img/` (PNG) and `target/gallery/` (SVG):
//! `cargo run -p pilote-charts --example gallery --release`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::{fs, path::Path};

use pilote_charts::{ChartError, Format, PortfolioPhases, Size, Sparkline};

type Render<'a> = Box<dyn Fn(Size, Format) -> Result<Vec<u8>, ChartError> + 'a>;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let img = root.join("docs/img");
    let svg = root.join("target/gallery");
    fs::create_dir_all(&img)?;
    fs::create_dir_all(&svg)?;
    let indicator = common::indicator();
    let dashboard = common::dashboard();
    let timeline = common::timeline(common::NAMES.len());
    let drift = common::drift();
    let today = common::d(2025, 11, 24);
    let phases = PortfolioPhases::from_statuses(
        "Incubateur de la DINUM",
        (0..40).map(|i| common::history(i, today).status()),
    );
    let spark = Sparkline {
        label: indicator.title.clone(),
        points: indicator.points.clone(),
    };
    let charts: Vec<(&str, Size, Render)> = vec![
        (
            "indicator",
            Size::DEFAULT,
            Box::new(|s, f| pilote_charts::indicator_chart(&indicator, s, f)),
        ),
        (
            "dashboard",
            Size::new(1200, 700)?,
            Box::new(|s, f| pilote_charts::dashboard_chart(&dashboard, s, f)),
        ),
        (
            "timeline",
            Size::new(1000, 500)?,
            Box::new(|s, f| pilote_charts::timeline_chart(&timeline, s, f)),
        ),
        (
            "phases",
            Size::DEFAULT,
            Box::new(|s, f| pilote_charts::phases_chart(&phases, s, f)),
        ),
        (
            "drift",
            Size::new(900, 560)?,
            Box::new(|s, f| pilote_charts::drift_chart(&drift, s, f)),
        ),
        (
            "sparkline",
            Size::sparkline(160, 40)?,
            Box::new(|s, f| pilote_charts::sparkline(&spark, s, f)),
        ),
    ];
    for (name, size, render) in charts {
        fs::write(img.join(format!("{name}.png")), render(size, Format::Png)?)?;
        fs::write(svg.join(format!("{name}.svg")), render(size, Format::Svg)?)?;
    }
    Ok(())
}
