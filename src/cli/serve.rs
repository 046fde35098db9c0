//! `pilote serve`.

use anyhow::Context;
use clap::Args;
use pilote_api::{Application, Settings};

use super::{DatabaseArgs, demo};

/// Options of `pilote serve`.
#[derive(Debug, Args)]
#[command(after_help = "\
Exemples :
  pilote serve                                            # http://127.0.0.1:8080, sqlite://pilote.db
  pilote serve --demo                                     # avec le portefeuille de démonstration
  pilote serve --bind 0.0.0.0:8080 --database-url postgres://pilote@db/pilote

Les migrations sont appliquées au démarrage. Voir docs/usage.md et docs/configuration.md.")]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long, env = "PILOTE_BIND", value_name = "ADDR")]
    pub bind: Option<String>,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Load the demo portfolio first if the database has no product yet.
    #[arg(long)]
    pub demo: bool,
}

/// Migrates, loads the demo if asked and the database is empty, then serves.
pub fn run(settings: &Settings, args: ServeArgs) -> anyhow::Result<()> {
    let bind = args.bind.as_deref().unwrap_or(&settings.bind);
    settings
        .check(bind)
        .map_err(|problem| anyhow::anyhow!("unsafe settings: {problem}"))?;
    let db = args.database.open(settings)?;
    let accounts = if args.demo {
        demo::load_if_empty(&db, demo::DEFAULT_SEED)?
    } else {
        Vec::new()
    };
    if settings.connectors.runner {
        let every = std::time::Duration::from_secs(settings.connectors.tick_secs.max(1));
        crate::runner::JobRunner::new(settings, db.clone())?
            .spawn(every)
            .context("impossible de lancer le planificateur")?;
    }
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build_with_demo(settings, bind, db, accounts)
            .with_context(|| format!("impossible d'écouter sur {bind}"))?;
        log::info!("Pilote listening on port {}", app.port());
        app.run_until_stopped()
            .await
            .context("le serveur s'est arrêté sur une erreur")
    })
}
