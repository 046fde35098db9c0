//! Measured values and how re-posting them is recorded.

use serde::{Deserialize, Serialize};

use crate::{DomainError, DomainResult, Problem, text::check_max_len};

/// The longest comment accepted, in characters.
pub const COMMENT_MAX_LEN: usize = 2000;

/// A measured value: always a finite number (−0 is stored as 0).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct MeasureValue(f64);

impl MeasureValue {
    /// Invalid (field "value", "must be a finite number") for NaN and infinities.
    pub fn new(v: f64) -> DomainResult<Self> {
        if !v.is_finite() {
            return Err(DomainError::invalid("value", Problem::NotFinite));
        }
        Ok(MeasureValue(v + 0.0))
    }

    /// The number.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for MeasureValue {
    type Error = DomainError;

    fn try_from(v: f64) -> Result<Self, Self::Error> {
        MeasureValue::new(v)
    }
}

impl From<MeasureValue> for f64 {
    fn from(v: MeasureValue) -> f64 {
        v.0
    }
}

str_enum! {
    /// Where a measure came from.
    pub enum MeasureSource in "source" {
        /// Posted with an API token.
        Api = "api" / "API",
        /// Uploaded as a CSV file.
        Csv = "csv" / "Fichier CSV",
        /// Typed into the web form.
        Form = "form" / "Formulaire",
        /// Imported from another tool.
        Import = "import" / "Import",
        /// Demonstration data.
        Demo = "demo" / "Démonstration",
        /// Fetched from Matomo's Reporting API by the job runner (cookieless counts are
        /// estimates).
        Matomo = "matomo" / "Matomo (estimation sans cookie)",
        /// Fetched from a URL answering JSON by the job runner.
        Json = "json" / "URL JSON",
        /// Fetched from a URL answering CSV by the job runner (`csv` stays an uploaded file).
        CsvUrl = "csv_url" / "URL CSV",
    }
}

/// Comment: trimmed, empty → None, ≤ 2000 chars (field "comment").
pub fn normalize_comment(c: Option<&str>) -> DomainResult<Option<String>> {
    match c.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(text) => {
            check_max_len("comment", text, COMMENT_MAX_LEN)?;
            Ok(Some(text.to_owned()))
        }
    }
}

/// A comment as compared: trimmed, blank meaning none.
fn tidy(c: Option<&str>) -> Option<&str> {
    c.map(str::trim).filter(|c| !c.is_empty())
}

str_enum! {
    /// What posting a measure did to its period.
    pub enum Change in "change" {
        /// The period had no value: one was created.
        Created = "created" / "Créée",
        /// The period's value or comment was replaced; the old one goes to history.
        Updated = "updated" / "Modifiée",
        /// The same value and comment were already there: nothing to do.
        Unchanged = "unchanged" / "Inchangée",
    }
}

/// Posting a period that already has a value replaces it (history keeps the old one);
/// re-posting the same value and comment is a no-op.
///
/// Values are equal when their bits are, once −0 is read as 0; comments are compared trimmed,
/// a blank comment being no comment.
pub fn classify_change(
    existing: Option<(f64, Option<&str>)>,
    value: MeasureValue,
    comment: Option<&str>,
) -> Change {
    let Some((old_value, old_comment)) = existing else {
        return Change::Created;
    };
    let same_value = (old_value + 0.0).to_bits() == (value.get() + 0.0).to_bits();
    if same_value && tidy(old_comment) == tidy(comment) {
        Change::Unchanged
    } else {
        Change::Updated
    }
}
