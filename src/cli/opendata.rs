//! `pilote export opendata DIR`: the open data files the API serves under
//! `/api/v1/opendata/` (measures of the published products as CSV and JSON, their Table
//! Schema, the Data Package, the appels à candidatures' funnel), written to a directory ready for a data.gouv.fr upload.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use pilote_api::{Settings, service::opendata};
use pilote_store::{repo, transaction};

use super::DatabaseArgs;

/// Options of `pilote export opendata`.
#[derive(Debug, Args)]
pub struct OpendataArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The directory to write into (created if needed; the six files are replaced).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// Runs `pilote export opendata DIR`.
pub fn run(settings: &Settings, args: &OpendataArgs) -> anyhow::Result<()> {
    let db = args.database.open(settings)?;
    let mut conn = db.get()?;
    let measures = transaction::read(&mut conn, repo::opendata::published_measures)
        .context("impossible de lire les mesures publiées")?;
    let funnels = transaction::read(&mut conn, |c| repo::campaigns::funnels(c, None))
        .context("impossible de lire l'entonnoir des appels à candidatures")?;
    let products = transaction::read(&mut conn, repo::opendata::published_products)
        .context("impossible de lire les fiches des produits publiés")?;
    let files = opendata::files(&measures, &funnels, &products)
        .context("impossible de produire les fichiers de données ouvertes")?;
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("impossible de créer {}", args.dir.display()))?;
    for (name, bytes) in files {
        let path = args.dir.join(name);
        std::fs::write(&path, bytes)
            .with_context(|| format!("impossible d'écrire {}", path.display()))?;
    }
    println!(
        "Données ouvertes écrites dans {} : {} valeurs de produits publiés, sous Licence Ouverte 2.0.",
        args.dir.display(),
        measures.len()
    );
    Ok(())
}
