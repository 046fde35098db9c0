//! The command line (`pilote serve | migrate | migrate-db | demo | user add ...`): `main`
//! parses and dispatches.

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use pilote_api::Settings;
use pilote_store::Database;

mod collect;
mod demo;
mod digest;
mod export;
mod import;
mod migrate_db;
mod opendata;
pub mod progress;
mod render;
mod review_pack;
mod serve;
mod sync;
mod user;

/// Pilote: the portfolio of public digital products, phase by phase, number by number.
#[derive(Debug, Parser)]
#[command(
    name = "pilote",
    version,
    about,
    after_help = "\
Exemples :
  pilote serve --demo
  pilote import betagouv startups.json
  pilote export all > dump.json

Codes de sortie : 0 succès, 1 erreur, 2 usage, 3 données refusées, 4 base non vide.
`pilote COMMANDE --help` détaille chaque commande ; voir docs/usage.md."
)]
pub struct Cli {
    /// Settings file layered over the defaults (TOML).
    #[arg(long, global = true, env = "PILOTE_CONFIG", value_name = "FILE")]
    pub config: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (migrations run first).
    Serve(serve::ServeArgs),
    /// Apply pending database migrations and exit.
    #[command(
        after_help = "Exemple :\n  pilote migrate --database-url postgres://pilote@localhost/pilote"
    )]
    Migrate(MigrateArgs),
    /// Copy a whole database into an empty one (SQLite to PostgreSQL, or back).
    MigrateDb(migrate_db::MigrateDbArgs),
    /// Fill an empty database with a synthetic demo portfolio.
    Demo(demo::DemoArgs),
    /// Write a product's or the portfolio's charts as SVG/PNG files.
    Render(render::RenderArgs),
    /// Print or post the weekly digest (late teams, suspect values, overdue products...).
    #[command(after_help = "\
Exemples :
  pilote digest                                   # la semaine dernière, en Markdown
  pilote digest --incubator dinum --week 2026-W47 --format html > synthese.html
  pilote digest --webhook https://mattermost.example.gouv.fr/hooks/xxx

Le webhook reçoit {\"text\": ...} en Markdown (Mattermost, Slack) ; un envoi refusé est
réessayé avec une attente qui double, puis la commande sort en erreur (code 1). Planifier la
synthèse (cron, timer systemd, CronJob Kubernetes) : docs/digest.md.")]
    Digest(digest::DigestArgs),
    /// Run the due indicators' sources (and the scheduled sync) once, for cron.
    Collect(collect::CollectArgs),
    /// Write a contract review's pack (printable French HTML, charts inlined) to a file.
    ReviewPack(review_pack::ReviewPackArgs),
    /// Import data: the beta.gouv.fr catalogue, measures (CSV/JSON), a full dump.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Export data: measures (CSV/JSON), or the whole database as a JSON dump, the open data files.
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// Keep the portfolio in step with the beta.gouv.fr catalogue (its public API).
    #[command(subcommand)]
    Sync(sync::SyncCommand),
    /// Manage users.
    #[command(subcommand)]
    User(user::UserCommand),
}

/// `pilote migrate`: which database, and whether to rebuild the aggregates.
#[derive(Debug, Clone, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Recompute the aggregates kept on write (latest values, monthly figures) from the
    /// measures.
    #[arg(long)]
    pub rebuild_aggregates: bool,
}

/// Which database to use.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// sqlite://PATH (default sqlite://pilote.db) or postgres://USER@HOST:PORT/DB.
    #[arg(long, env = "DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,
}

impl DatabaseArgs {
    /// Opens the pool the settings and flags describe, and migrates it.
    pub fn open(&self, settings: &Settings) -> anyhow::Result<Database> {
        let url = self
            .database_url
            .as_deref()
            .unwrap_or(&settings.database_url);
        let db = Database::open(url, &settings.database.pool_options())
            .context("URL de la base inutilisable")?;
        let applied = db.migrate().context("impossible de migrer la base")?;
        if !applied.is_empty() {
            log::info!("applied migrations: {}", applied.join(", "));
        }
        Ok(db)
    }
}

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let settings =
        Settings::load(cli.config.as_deref()).context("impossible de lire la configuration")?;
    match cli.command {
        Command::Serve(args) => serve::run(&settings, args),
        Command::Migrate(args) => {
            let db = args.database.open(&settings)?;
            if args.rebuild_aggregates {
                db.rebuild_derived()
                    .context("impossible de recalculer les agrégats")?;
                println!("Agrégats recalculés depuis les valeurs.");
            }
            println!("Base de données à jour.");
            Ok(())
        }
        Command::MigrateDb(args) => migrate_db::run(&settings, &args),
        Command::Demo(args) => demo::run(&settings, &args),
        Command::Render(args) => render::run(&settings, &args),
        Command::ReviewPack(args) => review_pack::run(&settings, &args),
        Command::Digest(args) => digest::run(&settings, &args),
        Command::Collect(args) => collect::run(&settings, &args),
        Command::Import(command) => import::run(&settings, command),
        Command::Export(command) => export::run(&settings, command),
        Command::Sync(command) => sync::run(&settings, command),
        Command::User(command) => user::run(&settings, command),
    }
}
