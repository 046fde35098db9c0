//! Importing an existing portfolio into Pilote: `pilote import betagouv PATH`.
//!
//! Reading and repairing happen before the database is touched, so `--strict` can refuse a
//! catalogue with anomalies without writing anything; the writes are one transaction.

use std::{collections::BTreeMap, fmt::Write as _, path::Path};

use pilote_domain::Anomaly;
use pilote_store::{
    DbConnection,
    repo::import::{self, Changes, ImportChanges, IncubatorInput, ProductInput},
    transaction,
};

pub mod betagouv;
mod betagouv_sheet;
pub mod file_error;
pub mod measures;
pub mod sync;

/// How many records of one kind the files held, and which were left out and why.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub read: usize,
    pub skipped: BTreeMap<String, usize>,
}

impl Tally {
    /// Records left out, whatever the reason.
    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }
}

/// A catalogue read and repaired, ready to be written.
#[derive(Debug, Default)]
pub struct Catalogue {
    pub incubators: Vec<IncubatorInput>,
    pub incubators_tally: Tally,
    /// Incubators named by products but without a file of their own.
    pub placeholders: usize,
    pub products: Tally,
    pub products_out: Vec<ProductInput>,
    pub phases: Tally,
    /// Zero-length records added for phases a product skipped.
    pub phases_filled: usize,
    /// Stop statuses (`abandon`...): they end a history instead of becoming a record.
    pub phase_stops: usize,
    /// Phases going back to an earlier one, kept as returns.
    pub phase_returns: usize,
    pub events: Tally,
    pub anomalies: Vec<Anomaly>,
}

/// How an import should behave.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Any anomaly is an error: nothing is written.
    pub strict: bool,
    /// Report what would change, write nothing.
    pub dry_run: bool,
}

/// What an import read, wrote and found.
#[derive(Debug)]
pub struct ImportReport {
    pub catalogue: Catalogue,
    /// `None` when nothing was attempted (`--strict` with anomalies).
    pub changes: Option<ImportChanges>,
    pub dry_run: bool,
}

impl ImportReport {
    /// Whether the import was refused (strict mode with anomalies).
    pub fn refused(&self) -> bool {
        self.changes.is_none()
    }
}

/// Reads the beta.gouv catalogue at `path` and imports it in one transaction.
pub fn import_betagouv(
    conn: &mut DbConnection,
    path: &Path,
    options: ImportOptions,
) -> anyhow::Result<ImportReport> {
    import_betagouv_with_progress(conn, path, options, &mut |_, _| {})
}

/// Products written per step of the progress report.
const PROGRESS_STEP: usize = 20;

/// [`import_betagouv`], telling `progress` how many products of how many are written.
pub fn import_betagouv_with_progress(
    conn: &mut DbConnection,
    path: &Path,
    options: ImportOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> anyhow::Result<ImportReport> {
    let catalogue = betagouv::read(path)?;
    if options.strict && !catalogue.anomalies.is_empty() {
        return Ok(ImportReport {
            catalogue,
            changes: None,
            dry_run: options.dry_run,
        });
    }
    let total = catalogue.products_out.len();
    let write = |c: &mut DbConnection| {
        // Incubators first, then products a few at a time: the same writes as one call,
        // with room to report progress in between.
        let mut changes = import::apply(c, &catalogue.incubators, &[])?;
        progress(0, total);
        let mut done = 0;
        for chunk in catalogue.products_out.chunks(PROGRESS_STEP) {
            add(&mut changes, import::apply(c, &[], chunk)?);
            done += chunk.len();
            progress(done, total);
        }
        Ok(changes)
    };
    let changes = if options.dry_run {
        transaction::dry_run(conn, write)?
    } else {
        transaction::write(conn, write)?
    };
    Ok(ImportReport {
        catalogue,
        changes: Some(changes),
        dry_run: options.dry_run,
    })
}

/// Adds one step's changes to the total.
fn add(total: &mut ImportChanges, step: ImportChanges) {
    for (sum, part) in [
        (&mut total.incubators, step.incubators),
        (&mut total.products, step.products),
        (&mut total.phases, step.phases),
        (&mut total.events, step.events),
        (&mut total.decisions, step.decisions),
    ] {
        sum.imported += part.imported;
        sum.updated += part.updated;
        sum.unchanged += part.unchanged;
        sum.removed += part.removed;
    }
    total.details.extend(step.details);
}

fn line(out: &mut String, what: &str, tally: &Tally, changes: Option<&Changes>, extra: &str) {
    let _ = write!(out, "{what:<12} lus {:>4}", tally.read);
    if let Some(c) = changes {
        let _ = write!(
            out,
            ", importés {}, mis à jour {}, inchangés {}, retirés {}",
            c.imported, c.updated, c.unchanged, c.removed
        );
    }
    let _ = write!(out, ", ignorés {}", tally.skipped_total());
    let reasons: Vec<String> = tally
        .skipped
        .iter()
        .map(|(reason, n)| format!("{reason}: {n}"))
        .collect();
    if !reasons.is_empty() {
        let _ = write!(out, " ({})", reasons.join("; "));
    }
    let _ = writeln!(out, "{extra}");
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = &self.catalogue;
        let ch = self.changes.as_ref();
        let mut out = String::new();
        if self.dry_run {
            out.push_str("Simulation (--dry-run) : rien n'a été écrit.\n");
        }
        let placeholders = format!(", provisoires {}", c.placeholders);
        line(
            &mut out,
            "incubateurs",
            &c.incubators_tally,
            ch.map(|x| &x.incubators),
            &placeholders,
        );
        line(
            &mut out,
            "produits",
            &c.products,
            ch.map(|x| &x.products),
            "",
        );
        let filled = format!(
            ", arrêts {}, ajoutées de durée nulle {}, retours à une phase antérieure {}",
            c.phase_stops, c.phases_filled, c.phase_returns
        );
        line(
            &mut out,
            "phases",
            &c.phases,
            ch.map(|x| &x.phases),
            &filled,
        );
        line(&mut out, "événements", &c.events, ch.map(|x| &x.events), "");
        if let Some(ch) = ch {
            let d = ch.decisions;
            let _ = writeln!(
                out,
                "décisions   issues des comités : importées {}, retirées {}",
                d.imported, d.removed
            );
        }
        let _ = writeln!(out, "anomalies    {}", c.anomalies.len());
        for a in &c.anomalies {
            let _ = writeln!(out, "  {} {}: {}", a.subject, a.location, a.problem);
        }
        match ch {
            None => out.push_str(
                "Refusé (--strict) : les données ont des anomalies ; rien n'a été écrit.\n",
            ),
            Some(ch) if !ch.changed() => {
                out.push_str("Aucun changement : la base contient déjà ces données.\n")
            }
            Some(ch) => {
                for detail in &ch.details {
                    let _ = writeln!(out, "  modifié {detail}");
                }
            }
        }
        f.write_str(&out)
    }
}

impl Tally {
    pub(crate) fn skip(&mut self, reason: &str) {
        self.skipped_n(reason, 1);
    }

    pub(crate) fn skipped_n(&mut self, reason: &str, n: usize) {
        if n > 0 {
            *self.skipped.entry(reason.to_owned()).or_default() += n;
        }
    }
}

impl Catalogue {
    pub(crate) fn anomaly(&mut self, subject: &str, location: &str, problem: &str) {
        self.anomalies.push(Anomaly {
            subject: subject.to_owned(),
            location: location.to_owned(),
            problem: problem.to_owned(),
        });
    }
}

/// The YAML between the first two `---` lines.
pub(crate) fn front_matter(text: &str) -> Option<&str> {
    let rest = text.trim_start_matches('\u{feff}').strip_prefix("---")?;
    let end = rest.find("\n---")?;
    Some(&rest[..end])
}
