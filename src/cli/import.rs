//! `pilote import betagouv PATH`: the beta.gouv.fr catalogue into Pilote.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use pilote_api::Settings;

use super::DatabaseArgs;
use crate::import::{ImportOptions, import_betagouv};

/// What to import.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import the beta.gouv.fr catalogue: incubators, products, phase histories and events.
    #[command(after_help = "\
Examples:
  pilote import betagouv ../beta.gouv.fr/content          # _startups/ and _incubators/
  pilote import betagouv startups.json --dry-run          # what would change, nothing written
  pilote import betagouv startups.json --strict           # refuse data that needs repairs

Importing the same data again changes nothing. Exit status: 0 when imported (or when a dry
run succeeded), 1 on an error or when --strict found anomalies. See docs/import.md.")]
    Betagouv(BetagouvArgs),
}

/// Options of `pilote import betagouv`.
#[derive(Debug, Args)]
pub struct BetagouvArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// A `startups.json` file (the public API's shape) or a content directory with `_startups/`.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// Treat every anomaly as an error: report them and write nothing.
    #[arg(long)]
    pub strict: bool,
    /// Print the report of what would change without writing anything.
    #[arg(long)]
    pub dry_run: bool,
}

/// Runs `pilote import ...`.
pub fn run(settings: &Settings, command: ImportCommand) -> anyhow::Result<()> {
    match command {
        ImportCommand::Betagouv(args) => {
            let db = args.database.open(settings)?;
            let mut conn = db.get()?;
            let options = ImportOptions {
                strict: args.strict,
                dry_run: args.dry_run,
            };
            let report = import_betagouv(&mut conn, &args.path, options)
                .with_context(|| format!("cannot import {}", args.path.display()))?;
            print!("{report}");
            if report.refused() {
                anyhow::bail!(
                    "{} anomalies with --strict: nothing was written",
                    report.catalogue.anomalies.len()
                );
            }
            Ok(())
        }
    }
}
