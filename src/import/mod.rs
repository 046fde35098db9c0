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
pub mod measures;

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
    let catalogue = betagouv::read(path)?;
    if options.strict && !catalogue.anomalies.is_empty() {
        return Ok(ImportReport {
            catalogue,
            changes: None,
            dry_run: options.dry_run,
        });
    }
    let write =
        |c: &mut DbConnection| import::apply(c, &catalogue.incubators, &catalogue.products_out);
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

fn line(out: &mut String, what: &str, tally: &Tally, changes: Option<&Changes>, extra: &str) {
    let _ = write!(out, "{what:<11} read {:>4}", tally.read);
    if let Some(c) = changes {
        let _ = write!(
            out,
            ", imported {}, updated {}, unchanged {}, removed {}",
            c.imported, c.updated, c.unchanged, c.removed
        );
    }
    let _ = write!(out, ", skipped {}", tally.skipped_total());
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
            out.push_str("Dry run: nothing was written.\n");
        }
        let placeholders = format!(", placeholders {}", c.placeholders);
        line(
            &mut out,
            "incubators",
            &c.incubators_tally,
            ch.map(|x| &x.incubators),
            &placeholders,
        );
        line(
            &mut out,
            "products",
            &c.products,
            ch.map(|x| &x.products),
            "",
        );
        let filled = format!(
            ", stops {}, zero-length added {}",
            c.phase_stops, c.phases_filled
        );
        line(
            &mut out,
            "phases",
            &c.phases,
            ch.map(|x| &x.phases),
            &filled,
        );
        line(&mut out, "events", &c.events, ch.map(|x| &x.events), "");
        if let Some(ch) = ch {
            let d = ch.decisions;
            let _ = writeln!(
                out,
                "decisions  from committee events: imported {}, removed {}",
                d.imported, d.removed
            );
        }
        let _ = writeln!(out, "anomalies  {}", c.anomalies.len());
        for a in &c.anomalies {
            let _ = writeln!(out, "  {} {}: {}", a.subject, a.location, a.problem);
        }
        match ch {
            None => {
                out.push_str("Refused (--strict): the data has anomalies; nothing was written.\n")
            }
            Some(ch) if !ch.changed() => {
                out.push_str("No change: the database already holds this data.\n")
            }
            Some(ch) => {
                for detail in &ch.details {
                    let _ = writeln!(out, "  changed {detail}");
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
