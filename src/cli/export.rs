//! `pilote export measures | all`: data out of Pilote, to standard output or a file.

use std::{io::Write, path::PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use pilote_api::Settings;
use pilote_domain::Slug;
use pilote_store::{StoreError, copy};

use super::{DatabaseArgs, progress::Progress};
use crate::{
    import::measures::FileFormat,
    refusal::{Problem, Refusal},
};

/// What to export.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write the measures of one product, or of the whole portfolio, as CSV or JSON.
    #[command(after_help = "\
Exemples :
  pilote export measures --product dialogue > dialogue.csv
  pilote export measures --product dialogue --format json --out dialogue.json
  pilote export measures --format json --out portefeuille.json     # tous les produits

Un produit : les colonnes indicator,period,value,comment (celles de l'API measures.csv) ou le
corps JSON de POST /measures ; le portefeuille : une colonne product en tête, ou une liste
\"products\". `pilote import measures` relit ces fichiers. Codes de sortie : docs/usage.md.")]
    Measures(MeasuresExportArgs),
    /// Write the whole database as one JSON dump (every table, deterministic order).
    #[command(after_help = "\
Exemples :
  pilote export all > dump.json
  pilote export all --database-url postgres://pilote@db/pilote --out dump.json

Le même contenu donne toujours les mêmes octets, quel que soit le moteur (SQLite ou
PostgreSQL). `pilote import all dump.json` le recharge dans une base vide. Codes de sortie :
docs/usage.md.")]
    All(AllExportArgs),
    /// Write the published products' measures as open data (CSV, JSON, Table Schema, Data
    /// Package; Licence Ouverte 2.0, Etalab), ready for a data.gouv.fr upload.
    #[command(after_help = "\
Exemple :
  pilote export opendata donnees-ouvertes/

Seuls les produits publiés y figurent ; ni dépenses, ni commentaires, ni auteurs. Les mêmes
fichiers sont servis sous /api/v1/opendata/. Codes de sortie : docs/usage.md.")]
    Opendata(super::opendata::OpendataArgs),
}

/// Options of `pilote export measures`.
#[derive(Debug, Args)]
pub struct MeasuresExportArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The product whose measures to write (default: every product).
    #[arg(long, value_name = "SLUG")]
    pub product: Option<String>,
    /// csv (default) or json.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: FileFormat,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Options of `pilote export all`.
#[derive(Debug, Args)]
pub struct AllExportArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Writes `text` to the file, or to standard output.
fn emit(out: Option<&PathBuf>, text: &str) -> anyhow::Result<()> {
    match out {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("impossible d'écrire {}", path.display())),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                // `pilote export all | head` : the reader has what it wanted.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.context("impossible d'écrire sur la sortie standard"),
            }
        }
    }
}

/// Runs `pilote export ...`.
pub fn run(settings: &Settings, command: ExportCommand) -> anyhow::Result<()> {
    match command {
        ExportCommand::Measures(args) => {
            let product = args
                .product
                .as_deref()
                .map(|p| {
                    Slug::parse(p).map_err(|e| Refusal::Usage(format!("--product {p:?} : {e}")))
                })
                .transpose()?;
            let db = args.database.open(settings)?;
            let mut conn = db.get()?;
            let today = chrono::Utc::now().date_naive();
            let text = crate::import::measures::export_measures(
                &mut conn,
                product.as_ref(),
                args.format,
                today,
            )
            .map_err(|e| {
                let unknown = e
                    .chain()
                    .any(|c| matches!(c.downcast_ref(), Some(StoreError::NotFound { .. })));
                match (unknown, &product) {
                    (true, Some(slug)) => Refusal::invalid(
                        "rien n'a été exporté :",
                        vec![Problem {
                            location: "--product".to_owned(),
                            problem: format!("produit inconnu : {slug}"),
                        }],
                    )
                    .into(),
                    _ => e.context("impossible d'exporter les mesures"),
                }
            })?;
            emit(args.out.as_ref(), &text)
        }
        ExportCommand::Opendata(args) => super::opendata::run(settings, &args),
        ExportCommand::All(args) => {
            let db = args.database.open(settings)?;
            let mut conn = db.get()?;
            let total = copy::row_counts(&mut conn)?
                .iter()
                .map(|(_, rows)| rows)
                .sum();
            let mut progress = Progress::new("export", total);
            let text = copy::export_dump(&mut conn, &mut |n| progress.inc(n))
                .context("impossible d'exporter la base")?;
            progress.finish();
            emit(args.out.as_ref(), &text)
        }
    }
}
