//! `pilote demo` and `serve --demo`.

use anyhow::Context;
use chrono::NaiveDate;
use clap::Args;
use pilote_api::Settings;
use pilote_store::{Database, repo::products};

use super::DatabaseArgs;

/// The seed used when none is given: the same demo on every machine.
pub const DEFAULT_SEED: u64 = 2026;

/// Options of `pilote demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Seed of the generator: the same seed and date give the same portfolio.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// The day the demo takes as today (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<NaiveDate>,
}

/// Loads the demo into an empty database; refuses a database that has products.
pub fn run(settings: &Settings, args: &DemoArgs) -> anyhow::Result<()> {
    let db = args.database.open(settings)?;
    let mut conn = db.get()?;
    if products::count(&mut conn)? > 0 {
        anyhow::bail!("the database already holds products: the demo only fills an empty one");
    }
    let today = args
        .today
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let summary = crate::demo::load(&mut conn, args.seed, today).context("cannot load the demo")?;
    println!(
        "Portefeuille de démonstration chargé : {} incubateurs, {} produits, {} indicateurs, {} mesures, {} décisions, {} contrats de réussite, {} revues signées.",
        summary.incubators,
        summary.products,
        summary.indicators,
        summary.measures,
        summary.decisions,
        summary.contracts,
        summary.reviews
    );
    Ok(())
}

/// Loads the demo at start-up when the database has no product yet.
pub fn load_if_empty(db: &Database, seed: u64) -> anyhow::Result<()> {
    let mut conn = db.get()?;
    if products::count(&mut conn)? > 0 {
        return Ok(());
    }
    let today = chrono::Utc::now().date_naive();
    let summary = crate::demo::load(&mut conn, seed, today).context("cannot load the demo")?;
    log::info!(
        "demo portfolio loaded: {} products, {} measures",
        summary.products,
        summary.measures
    );
    Ok(())
}
