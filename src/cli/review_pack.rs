//! `pilote review-pack`: a review's pack as a self-contained HTML file (charts inlined as
//! SVG), without a running server. The very page `GET /produits/{slug}/revues/{id}` serves.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use pilote_api::{Settings, service::review_pack};
use pilote_domain::Slug;
use pilote_store::ReviewId;

use super::DatabaseArgs;

/// Options of `pilote review-pack`.
#[derive(Debug, Args)]
#[command(after_help = "\
Exemples :
  pilote review-pack --product dialogue --review 3 --out revue-dialogue.html

Voir docs/contract.md.")]
pub struct ReviewPackArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The product's slug.
    #[arg(long, value_name = "SLUG")]
    pub product: String,
    /// The review's id (as in `/api/v1/reviews/{id}`).
    #[arg(long, value_name = "ID")]
    pub review: i64,
    /// The HTML file to write.
    #[arg(long, value_name = "FILE.html")]
    pub out: PathBuf,
}

/// Writes the pack; an unknown product or review, or one of another product, is an error.
pub fn run(settings: &Settings, args: &ReviewPackArgs) -> anyhow::Result<()> {
    let slug =
        Slug::parse(&args.product).context("--product n'est pas un identifiant de produit")?;
    let db = args.database.open(settings)?;
    let mut conn = db.get()?;
    let html = review_pack::build(&mut conn, &slug, ReviewId(args.review)).with_context(|| {
        format!(
            "impossible de construire le dossier de la revue {}",
            args.review
        )
    })?;
    std::fs::write(&args.out, html)
        .with_context(|| format!("impossible d'écrire {}", args.out.display()))?;
    println!("Dossier de revue écrit dans {}.", args.out.display());
    Ok(())
}
