//! `pilote import betagouv | measures | all`: data into Pilote.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use pilote_api::Settings;
use pilote_store::{StoreError, copy};

use super::{DatabaseArgs, progress::Progress};
use crate::{
    import::{
        ImportOptions, import_betagouv_with_progress,
        measures::{FileFormat, import_measures},
    },
    refusal::{Problem, Refusal},
};

/// What to import.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import the beta.gouv.fr catalogue: incubators, products, phase histories and events.
    #[command(after_help = "\
Exemples :
  pilote import betagouv ../beta.gouv.fr/content          # _startups/ et _incubators/
  pilote import betagouv startups.json --dry-run          # ce qui changerait, sans rien écrire
  pilote import betagouv startups.json --strict           # refuser des données à réparer

Importer les mêmes données une seconde fois ne change rien. Codes de sortie : 0 importé (ou
simulation réussie), 1 erreur, 3 anomalies refusées par --strict. Voir docs/import.md.")]
    Betagouv(BetagouvArgs),
    /// Import a product's (or the portfolio's) measures from a CSV or JSON file.
    #[command(after_help = "\
Exemples :
  pilote import measures mesures.csv --product dialogue             # export Excel français accepté
  pilote import measures mesures.csv --product dialogue --dry-run
  pilote import measures portefeuille.json                          # fichier de `export measures`
  pilote import measures portefeuille.csv --dry-run                 # colonne product en tête

CSV : colonnes indicator,period,value,comment (comment facultative), précédées de product pour
un fichier de portefeuille (sinon --product est requis), séparateur `,` ou `;`,
virgule décimale, BOM et fins de ligne Windows acceptés. Toutes les lignes sont vérifiées
d'abord : une seule erreur et rien n'est écrit (chaque erreur citée avec sa ligne et sa
colonne, code de sortie 3). Une valeur corrigée garde l'ancienne dans l'historique ; la même
valeur est « inchangée ». Voir docs/import.md.")]
    Measures(MeasuresImportArgs),
    /// Load a full JSON dump (`pilote export all`) into an empty database.
    #[command(after_help = "\
Exemples :
  pilote import all dump.json --database-url postgres://pilote@localhost/pilote
  pilote import all dump.json --database-url sqlite://nouvelle.db

La base doit être vide (code de sortie 4 sinon) ; tout est chargé en une transaction, les
identifiants gardés. Voir docs/import.md.")]
    All(AllImportArgs),
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

/// Options of `pilote import measures`.
#[derive(Debug, Args)]
pub struct MeasuresImportArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// A `.csv`, `.xlsx` or `.json` file.
    #[arg(value_name = "FILE")]
    pub path: PathBuf,
    /// The product the values belong to (required for one product's CSV or JSON; picks one
    /// product out of a portfolio file, CSV with a `product` column or JSON).
    #[arg(long, value_name = "SLUG")]
    pub product: Option<String>,
    /// The file's format, when its name does not end in .csv, .xlsx or .json.
    #[arg(long, value_enum)]
    pub format: Option<FileFormat>,
    /// Check and report what would change without writing anything.
    #[arg(long)]
    pub dry_run: bool,
}

/// Options of `pilote import all`.
#[derive(Debug, Args)]
pub struct AllImportArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// A dump written by `pilote export all`.
    #[arg(value_name = "FILE")]
    pub path: PathBuf,
}

/// Runs `pilote import ...`.
pub fn run(settings: &Settings, command: ImportCommand) -> anyhow::Result<()> {
    match command {
        ImportCommand::Betagouv(args) => betagouv(settings, &args),
        ImportCommand::Measures(args) => measures(settings, &args),
        ImportCommand::All(args) => all(settings, &args),
    }
}

fn betagouv(settings: &Settings, args: &BetagouvArgs) -> anyhow::Result<()> {
    let db = args.database.open(settings)?;
    let mut conn = db.get()?;
    let options = ImportOptions {
        strict: args.strict,
        dry_run: args.dry_run,
    };
    let mut progress: Option<Progress> = None;
    let report =
        import_betagouv_with_progress(&mut conn, &args.path, options, &mut |done, total| {
            let bar = progress.get_or_insert_with(|| Progress::new("produits", total as u64));
            bar.inc(done as u64 - bar.done());
        });
    if let Some(bar) = progress {
        bar.finish();
    }
    let report =
        report.with_context(|| format!("impossible d'importer {}", args.path.display()))?;
    print!("{report}");
    if report.refused() {
        return Err(Refusal::invalid(
            format!(
                "{} anomalies avec --strict : rien n'a été écrit",
                report.catalogue.anomalies.len()
            ),
            Vec::new(),
        )
        .into());
    }
    Ok(())
}

fn measures(settings: &Settings, args: &MeasuresImportArgs) -> anyhow::Result<()> {
    let format = args
        .format
        .or_else(|| FileFormat::of_path(&args.path))
        .ok_or_else(|| {
            Refusal::Usage(format!(
                "{} : extension inconnue, précisez --format csv, xlsx ou json",
                args.path.display()
            ))
        })?;
    let bytes = std::fs::read(&args.path)
        .with_context(|| format!("impossible de lire {}", args.path.display()))?;
    let db = args.database.open(settings)?;
    let mut conn = db.get()?;
    let today = chrono::Utc::now().date_naive();
    let mut progress: Option<Progress> = None;
    let report = import_measures(
        &mut conn,
        &bytes,
        format,
        args.product.as_deref(),
        args.dry_run,
        today,
        &mut |done, total| {
            let bar = progress.get_or_insert_with(|| Progress::new("produits", total as u64));
            bar.inc(done as u64 - bar.done());
        },
    );
    if let Some(bar) = progress {
        bar.finish();
    }
    let report = report.with_context(|| format!("import de {} refusé", args.path.display()))?;
    println!("{report}");
    Ok(())
}

fn all(settings: &Settings, args: &AllImportArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.path)
        .with_context(|| format!("impossible de lire {}", args.path.display()))?;
    let dump = copy::dump::parse(&text).map_err(|e| match e {
        StoreError::Domain(pilote_domain::DomainError::Invalid { field, problem }) => {
            Refusal::invalid(
                format!(
                    "{} n'est pas un export de Pilote lisible :",
                    args.path.display()
                ),
                vec![Problem {
                    location: field,
                    problem: problem.french(),
                }],
            )
            .into()
        }
        other => anyhow::Error::from(other),
    })?;
    drop(text);
    let db = args.database.open(settings)?;
    let mut conn = db.get()?;
    let mut progress = Progress::new("import", dump.rows());
    let loaded = copy::import_dump(&mut conn, &dump, &mut |n| progress.inc(n));
    progress.finish();
    let tables = loaded.map_err(|e| match e {
        StoreError::NotEmpty { table } => Refusal::NotEmpty(format!(
            "la base cible n'est pas vide (la table {table} a des lignes) : `pilote import all` \
             ne remplit qu'une base vide, rien n'a été écrit"
        ))
        .into(),
        StoreError::Domain(pilote_domain::DomainError::Invalid { field, problem }) => {
            Refusal::invalid(
                format!("{} refusé, rien n'a été écrit :", args.path.display()),
                vec![Problem {
                    location: field,
                    problem: problem.french(),
                }],
            )
            .into()
        }
        other => anyhow::Error::from(other).context("impossible de charger l'export"),
    })?;
    let rows: u64 = tables.iter().map(|t| t.rows).sum();
    println!("Export chargé : {} tables, {rows} lignes.", tables.len());
    Ok(())
}
