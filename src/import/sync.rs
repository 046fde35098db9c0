//! `pilote sync betagouv`: the public API's `startups.json`, fetched over HTTP(S), compared
//! with what Pilote holds, and its difference applied (`pilote_store::repo::sync`).

use std::{fmt::Write as _, time::Duration};

use anyhow::Context;
use pilote_store::{
    DbConnection,
    repo::sync::{self, SyncChanges},
    transaction,
};

use super::{Catalogue, betagouv};

/// The beta.gouv.fr public API's catalogue, v2.7.
pub const DEFAULT_URL: &str = "https://beta.gouv.fr/api/v2.7/startups.json";

/// The largest catalogue accepted (the whole one is about 2 MB).
const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// What a sync read and did.
#[derive(Debug)]
pub struct SyncReport {
    pub url: String,
    pub catalogue: Catalogue,
    pub changes: SyncChanges,
    pub dry_run: bool,
}

/// Downloads the catalogue at `url` (bounded in time and size).
pub fn fetch(url: &str) -> anyhow::Result<String> {
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .new_agent();
    let mut response = agent
        .get(url)
        .header("Accept", "application/json")
        .call()
        .with_context(|| format!("impossible de lire le catalogue à {url}"))?;
    response
        .body_mut()
        .with_config()
        .limit(MAX_BYTES)
        .read_to_string()
        .with_context(|| format!("réponse illisible de {url}"))
}

/// Fetches `url` and applies the difference in one transaction (rolled back with `dry_run`).
pub fn sync_betagouv(
    conn: &mut DbConnection,
    url: &str,
    dry_run: bool,
) -> anyhow::Result<SyncReport> {
    let text = fetch(url)?;
    let catalogue = betagouv::read_json(&text, url)?;
    let write =
        |c: &mut DbConnection| sync::apply(c, &catalogue.incubators, &catalogue.products_out);
    let changes = if dry_run {
        transaction::dry_run(conn, write)?
    } else {
        transaction::write(conn, write)?
    };
    Ok(SyncReport {
        url: url.to_owned(),
        catalogue,
        changes,
        dry_run,
    })
}

impl std::fmt::Display for SyncReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = &self.changes;
        let mut out = String::new();
        if self.dry_run {
            out.push_str("Simulation (--dry-run) : rien n'a été écrit.\n");
        }
        let _ = writeln!(out, "Catalogue lu à {}", self.url);
        let _ = writeln!(
            out,
            "produits     lus {}, nouveaux {}, modifiés {}, inchangés {}, ignorés {}, conflits {}",
            self.catalogue.products.read,
            c.created.len(),
            c.updated.len(),
            c.unchanged,
            self.catalogue.products.skipped_total(),
            c.conflicts.len()
        );
        let _ = writeln!(
            out,
            "incubateurs  nouveaux {}, événements ajoutés {}, anomalies {}",
            c.incubators.imported,
            c.events_added,
            self.catalogue.anomalies.len()
        );
        for slug in &c.created {
            let _ = writeln!(out, "  nouveau  {slug}");
        }
        for line in &c.updated {
            let _ = writeln!(out, "  modifié  {line}");
        }
        for k in &c.conflicts {
            let _ = writeln!(
                out,
                "  conflit  {} {} : Pilote « {} », catalogue « {} » — la valeur de Pilote est gardée",
                k.product, k.field, k.pilote, k.catalogue
            );
        }
        if !c.changed() {
            out.push_str("Aucun changement.\n");
        }
        f.write_str(&out)
    }
}
