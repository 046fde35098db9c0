//! `pilote sync betagouv`: keeps the portfolio in step with the beta.gouv.fr catalogue.

use clap::{Args, Subcommand};
use pilote_api::Settings;

use super::DatabaseArgs;
use crate::import::sync::{DEFAULT_URL, sync_betagouv};

/// What to keep in step.
#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Apply the difference of the beta.gouv.fr public catalogue: new products, renamed ones,
    /// new phases and events; never overwrites what was entered in Pilote.
    #[command(after_help = "\
Exemples :
  pilote sync betagouv                                     # l'API publique de beta.gouv.fr
  pilote sync betagouv --url http://miroir.example/startups.json --dry-run

Un champ modifié dans Pilote n'est jamais écrasé : si le catalogue l'a changé aussi, c'est un
conflit, signalé, et la valeur de Pilote est gardée. Une seconde synchronisation dit « Aucun
changement ». Codes de sortie : 0 synchronisé, 1 erreur (catalogue injoignable ou illisible).
Voir docs/import.md.")]
    Betagouv(SyncBetagouvArgs),
}

/// Options of `pilote sync betagouv`.
#[derive(Debug, Args)]
pub struct SyncBetagouvArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Where to read `startups.json` (the public API's v2.7 shape).
    #[arg(long, value_name = "URL", default_value = DEFAULT_URL)]
    pub url: String,
    /// Print the report of what would change without writing anything.
    #[arg(long)]
    pub dry_run: bool,
}

/// Runs `pilote sync ...`.
pub fn run(settings: &Settings, command: SyncCommand) -> anyhow::Result<()> {
    match command {
        SyncCommand::Betagouv(args) => {
            let db = args.database.open(settings)?;
            let mut conn = db.get()?;
            let report = sync_betagouv(&mut conn, &args.url, args.dry_run)?;
            print!("{report}");
            Ok(())
        }
    }
}
