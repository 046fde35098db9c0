//! `pilote migrate-db --from URL --to URL`: moves a whole database to another one, typically
//! the embedded SQLite file to PostgreSQL when a deployment outgrows one process.

use anyhow::Context;
use clap::Args;
use pilote_api::Settings;
use pilote_store::{Database, StoreError, copy};

use crate::refusal::Refusal;

/// Options of `pilote migrate-db`.
#[derive(Debug, Args)]
#[command(after_help = "\
Exemples :
  pilote migrate-db --from sqlite://pilote.db --to postgres://pilote@localhost/pilote
  pilote migrate-db --from postgres://pilote@localhost/pilote --to sqlite://copie.db

La base cible doit être vide (code de sortie 4 sinon). Voir docs/operations.md.")]
pub struct MigrateDbArgs {
    /// The database to copy from (sqlite://PATH or postgres://...); migrated first, else
    /// unchanged.
    #[arg(long, value_name = "URL")]
    pub from: String,
    /// The database to copy into: migrated, and refused unless every table is empty.
    #[arg(long, value_name = "URL")]
    pub to: String,
}

/// Copies every table, checks both sides equal row for row, and prints the counts.
pub fn run(settings: &Settings, args: &MigrateDbArgs) -> anyhow::Result<()> {
    let options = settings.database.pool_options();
    let from = Database::open(&args.from, &options).context("URL --from inutilisable")?;
    let to = Database::open(&args.to, &options).context("URL --to inutilisable")?;
    // The source must have the columns the copy reads; migrating it is what `serve` would do.
    from.migrate()
        .context("impossible de migrer la base source")?;
    let copied = copy::copy_database(&from, &to).map_err(|e| match e {
        StoreError::NotEmpty { table } => anyhow::Error::from(Refusal::NotEmpty(format!(
            "la base cible n'est pas vide (la table {table} a des lignes) : la copie ne remplit \
             qu'une base vide, rien n'a été écrit"
        ))),
        other => anyhow::Error::from(other).context("impossible de copier la base"),
    })?;
    for table in &copied {
        println!(
            "{:<22} {:>9} lignes  sha256 {}",
            table.table, table.rows, table.sha256
        );
    }
    println!("Copie terminée : les deux bases sont identiques, table par table.");
    Ok(())
}
