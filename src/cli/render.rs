//! `pilote render`: the charts of a product or of the portfolio as files, for a review pack,
//! without a running server. Same data and drawing as the `/charts` routes.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, ValueEnum};
use pilote_api::{Settings, service::chart_data};
use pilote_charts::{Format, Size};
use pilote_domain::Slug;
use pilote_store::{
    repo::{indicators, matrix_portfolio::MatrixCache, products},
    transaction,
};

use super::DatabaseArgs;

/// Which files to write.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Formats {
    Svg,
    Png,
    Both,
}

impl Formats {
    fn list(self) -> &'static [Format] {
        match self {
            Formats::Svg => &[Format::Svg],
            Formats::Png => &[Format::Png],
            Formats::Both => &[Format::Svg, Format::Png],
        }
    }
}

/// Options of `pilote render`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["product", "portfolio"])))]
#[command(after_help = "\
Exemples :
  pilote render --product dialogue --out graphiques/                 # tableau de bord et indicateurs
  pilote render --portfolio --format both --out graphiques/          # phases, frise, dérive
  pilote render --portfolio --incubator dinum --format png --out graphiques/

Voir docs/charts.md.")]
pub struct RenderArgs {
    /// The product whose dashboard and indicator charts to write.
    #[arg(long, value_name = "SLUG")]
    pub product: Option<String>,
    /// Write the portfolio charts (phases, timeline, drift, efficiency) instead.
    #[arg(long)]
    pub portfolio: bool,
    /// Only this incubator's products, with --portfolio.
    #[arg(long, value_name = "SLUG", requires = "portfolio")]
    pub incubator: Option<String>,
    /// The directory to write into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[arg(long, value_enum, default_value_t = Formats::Both)]
    pub format: Formats,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

fn write(dir: &Path, stem: &str, format: Format, bytes: &[u8]) -> anyhow::Result<PathBuf> {
    let path = dir.join(format!("{stem}.{}", format.extension()));
    std::fs::write(&path, bytes)
        .with_context(|| format!("impossible d'écrire {}", path.display()))?;
    Ok(path)
}

/// Writes the charts and lists the files written.
pub fn run(settings: &Settings, args: &RenderArgs) -> anyhow::Result<()> {
    let db = args.database.open(settings)?;
    let mut conn = db.get()?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("impossible de créer {}", args.out.display()))?;
    let today = chrono::Utc::now().date_naive();
    let mut written = Vec::new();
    if let Some(slug) = &args.product {
        let slug = Slug::parse(slug)?;
        let (dashboard, charts) = transaction::read(&mut conn, |c| {
            let id = products::id_of(c, &slug)?;
            let dashboard = chart_data::dashboard(c, id, today)?;
            let mut charts = Vec::new();
            for (_, indicator) in indicators::list(c, id)? {
                let chart = chart_data::indicator(c, id, &indicator.key, today)?;
                charts.push((indicator.key.to_string(), chart));
            }
            Ok((dashboard, charts))
        })
        .with_context(|| format!("impossible de lire le produit {slug}"))?;
        for &format in args.format.list() {
            let bytes = pilote_charts::dashboard_chart(&dashboard, Size::new(1200, 800)?, format)?;
            written.push(write(&args.out, "dashboard", format, &bytes)?);
            for (key, chart) in &charts {
                let bytes = pilote_charts::indicator_chart(chart, Size::new(800, 400)?, format)?;
                written.push(write(&args.out, key, format, &bytes)?);
            }
        }
    } else {
        let incubator = args.incubator.as_deref().map(Slug::parse).transpose()?;
        let (phases, timeline, drift, efficiency) = transaction::read(&mut conn, |c| {
            Ok((
                chart_data::portfolio_phases(c, incubator.as_ref(), today)?,
                chart_data::timeline(c, incubator.as_ref(), today)?,
                chart_data::drift(c, incubator.as_ref(), today)?,
                // One render: nothing to keep between calls.
                chart_data::efficiency(c, &MatrixCache::default(), incubator.as_ref(), today)?,
            ))
        })?;
        let timeline_height = timeline.natural_height();
        for &format in args.format.list() {
            let bytes = pilote_charts::phases_chart(&phases, Size::new(800, 400)?, format)?;
            written.push(write(&args.out, "phases", format, &bytes)?);
            let size = Size::new(1200, timeline_height)?;
            let bytes = pilote_charts::timeline_chart(&timeline, size, format)?;
            written.push(write(&args.out, "timeline", format, &bytes)?);
            let bytes = pilote_charts::drift_chart(&drift, Size::new(900, 600)?, format)?;
            written.push(write(&args.out, "drift", format, &bytes)?);
            let size = Size::new(900, 600)?;
            let bytes = pilote_charts::efficiency_chart(&efficiency, size, format)?;
            written.push(write(&args.out, "efficiency", format, &bytes)?);
        }
    }
    for path in &written {
        println!("{}", path.display());
    }
    Ok(())
}
