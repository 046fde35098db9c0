//! `pilote collect`: one pass of the job runner (due sources, the scheduled sync), for
//! deployments that schedule it with cron rather than run it inside `pilote serve`.

use clap::Args;
use pilote_api::Settings;

use super::DatabaseArgs;
use crate::runner::JobRunner;

/// Options of `pilote collect`.
#[derive(Debug, Args)]
#[command(after_help = "\
Exemples :
  pilote collect                                  # les sources dues, une fois
  */15 * * * * pilote collect --database-url postgres://pilote@db/pilote

Chaque source due est collectée une seule fois, même si plusieurs serveurs ou tâches cron
partagent la base. Le résultat de chaque source (valeurs écrites ou erreur) s'affiche sur la
page de son indicateur. Voir docs/connectors.md.")]
pub struct CollectArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// Runs one pass and says what it did.
pub fn run(settings: &Settings, args: &CollectArgs) -> anyhow::Result<()> {
    let db = args.database.open(settings)?;
    let pass = JobRunner::new(settings, db)?.pass()?;
    println!(
        "{} source(s) collectée(s){}.",
        pass.sources,
        if pass.synced {
            ", synchronisation beta.gouv.fr faite"
        } else {
            ""
        }
    );
    Ok(())
}
