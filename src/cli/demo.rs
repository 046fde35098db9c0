//! `pilote demo` and `serve --demo`.

use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use clap::Args;
use pilote_api::{Settings, demo_accounts::DemoAccount};
use pilote_store::{Database, DbConnection, repo::products};

use super::DatabaseArgs;
use crate::refusal::Refusal;

/// The seed used when none is given: the same demo on every machine.
pub const DEFAULT_SEED: u64 = 2026;

/// Options of `pilote demo`.
#[derive(Debug, Args)]
#[command(after_help = "\
Exemples :
  pilote demo                                             # portefeuille synthétique, graine 2026
  pilote demo --seed 7 --today 2026-11-23                 # le même portefeuille partout
  pilote demo --from-betagouv ../beta.gouv.fr/content     # le vrai catalogue, mesures synthétiques
  pilote demo --from-betagouv startups.json --database-url sqlite://demo.db

La base doit être vide (code de sortie 4 sinon). Voir docs/usage.md.")]
pub struct DemoArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Seed of the generator: the same seed and date give the same portfolio.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// The day the demo takes as today (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<NaiveDate>,
    /// Build the portfolio from the beta.gouv.fr catalogue (`startups.json` or a content
    /// directory): real incubators, names and phase histories; synthetic indicators and
    /// measures.
    #[arg(long, value_name = "PATH")]
    pub from_betagouv: Option<PathBuf>,
}

/// Loads the demo into an empty database; refuses a database that has products.
pub fn run(settings: &Settings, args: &DemoArgs) -> anyhow::Result<()> {
    let db = args.database.open(settings)?;
    let mut conn = db.get()?;
    if products::count(&mut conn)? > 0 {
        return Err(Refusal::NotEmpty(
            "la base contient déjà des produits : la démonstration ne remplit qu'une base vide"
                .to_owned(),
        )
        .into());
    }
    let today = args
        .today
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    if let Some(path) = &args.from_betagouv {
        let loaded = crate::demo::from_betagouv::load(&mut conn, path, args.seed, today)
            .with_context(|| {
                format!(
                    "impossible de charger la démonstration depuis {}",
                    path.display()
                )
            })?;
        let s = loaded.summary;
        println!(
            "Portefeuille de démonstration chargé depuis le catalogue beta.gouv.fr : {} incubateurs, {} produits (noms et historiques de phases réels), {} décisions de comité, {} indicateurs, {} mesures synthétiques.",
            s.incubators, s.products, s.decisions, s.indicators, s.measures
        );
        let accounts = crate::demo::accounts::provision(&mut conn, true, today)
            .context("impossible de créer les comptes de démonstration")?;
        for account in &accounts {
            println!("{}", crate::demo::accounts::line(account));
        }
        if loaded.anomalies > 0 {
            println!(
                "{} anomalies réparées dans le catalogue : `pilote import betagouv {} --dry-run` les détaille.",
                loaded.anomalies,
                path.display()
            );
        }
        return Ok(());
    }
    let summary = crate::demo::load(&mut conn, args.seed, today)
        .context("impossible de charger la démonstration")?;
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
    let accounts = crate::demo::accounts::provision(&mut conn, true, today)
        .context("impossible de créer les comptes de démonstration")?;
    for account in &accounts {
        println!("{}", crate::demo::accounts::line(account));
    }
    Ok(())
}

/// Loads the demo at start-up when the database has no product yet, then gives the demo
/// accounts fresh passwords (creating them with a fresh demo) and logs them; returns them.
/// A database with products but no demo account (real data) gets none.
pub fn load_if_empty(db: &Database, seed: u64) -> anyhow::Result<Vec<DemoAccount>> {
    let mut conn = db.get()?;
    let today = chrono::Utc::now().date_naive();
    let fresh = products::count(&mut conn)? == 0;
    if fresh {
        load_portfolio(&mut conn, seed, today)?;
    }
    let accounts = crate::demo::accounts::provision(&mut conn, fresh, today)
        .context("impossible de préparer les comptes de démonstration")?;
    for account in &accounts {
        // Demo passwords only, generated for this process: printing them is the point.
        log::info!("{}", crate::demo::accounts::line(account));
    }
    Ok(accounts)
}

fn load_portfolio(conn: &mut DbConnection, seed: u64, today: NaiveDate) -> anyhow::Result<()> {
    let summary =
        crate::demo::load(conn, seed, today).context("impossible de charger la démonstration")?;
    log::info!(
        "demo portfolio loaded: {} products, {} measures",
        summary.products,
        summary.measures
    );
    Ok(())
}
