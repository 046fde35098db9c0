//! The full JSON dump of a database (`pilote export all` / `pilote import all`): every table
//! of [`super::TABLES`] in foreign-key order, its columns named once, its rows as arrays in
//! primary-key order, one row per line.
//!
//! The text depends only on the stored values, never on the backend: integers and floats as
//! JSON numbers (floats in their shortest exact form), dates `YYYY-MM-DD`, timestamps
//! `YYYY-MM-DDTHH:MM:SS.ffffff` (UTC, always six fractional digits, nine only for a value
//! finer than the microsecond), so that dumping, loading into either backend and dumping
//! again gives the same bytes.

use chrono::{NaiveDate, NaiveDateTime, Timelike};
use pilote_domain::DomainError;
use serde_json::Value;

use crate::error::{StoreError, StoreResult};

/// What a dump says it is, in its `format` field.
pub const FORMAT: &str = "pilote-dump";
/// The dump layout's version: bumped when the layout (not the schema) changes.
pub const VERSION: u64 = 1;

/// A value as written in, and read back from, a dump.
pub(super) trait DumpValue: Sized {
    fn write(&self, out: &mut String);
    /// `None` when the JSON value does not fit the column's type.
    fn read(value: &Value) -> Option<Self>;
}

impl DumpValue for i64 {
    fn write(&self, out: &mut String) {
        out.push_str(&self.to_string());
    }
    fn read(value: &Value) -> Option<Self> {
        value.as_i64()
    }
}

impl DumpValue for i32 {
    fn write(&self, out: &mut String) {
        out.push_str(&self.to_string());
    }
    fn read(value: &Value) -> Option<Self> {
        value.as_i64().and_then(|v| i32::try_from(v).ok())
    }
}

impl DumpValue for bool {
    fn write(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
    fn read(value: &Value) -> Option<Self> {
        value.as_bool()
    }
}

impl DumpValue for f64 {
    fn write(&self, out: &mut String) {
        // serde_json writes the shortest text that reads back to the same bits (ryu), and the
        // workspace enables `float_roundtrip` so that reading it back is exact too. Stored
        // values are finite (the domain refuses the others); a non-finite one would be `null`
        // and refused on load rather than silently changed.
        out.push_str(&Value::from(*self).to_string());
    }
    fn read(value: &Value) -> Option<Self> {
        value.as_f64()
    }
}

impl DumpValue for String {
    fn write(&self, out: &mut String) {
        out.push_str(&Value::from(self.as_str()).to_string());
    }
    fn read(value: &Value) -> Option<Self> {
        value.as_str().map(str::to_owned)
    }
}

impl DumpValue for NaiveDate {
    fn write(&self, out: &mut String) {
        out.push_str(&format!("\"{}\"", self.format("%Y-%m-%d")));
    }
    fn read(value: &Value) -> Option<Self> {
        NaiveDate::parse_from_str(value.as_str()?, "%Y-%m-%d").ok()
    }
}

impl DumpValue for NaiveDateTime {
    fn write(&self, out: &mut String) {
        // The store writes microseconds (PostgreSQL's precision); nine digits only for a
        // finer value some other writer left, so that nothing is rounded away.
        let fraction = if self.nanosecond().is_multiple_of(1_000) {
            "%.6f"
        } else {
            "%.9f"
        };
        out.push_str(&format!(
            "\"{}\"",
            self.format(&format!("%Y-%m-%dT%H:%M:%S{fraction}"))
        ));
    }
    fn read(value: &Value) -> Option<Self> {
        NaiveDateTime::parse_from_str(value.as_str()?, "%Y-%m-%dT%H:%M:%S%.f").ok()
    }
}

impl<T: DumpValue> DumpValue for Option<T> {
    fn write(&self, out: &mut String) {
        match self {
            Some(value) => value.write(out),
            None => out.push_str("null"),
        }
    }
    fn read(value: &Value) -> Option<Self> {
        if value.is_null() {
            Some(None)
        } else {
            T::read(value).map(Some)
        }
    }
}

/// A dump's text, parsed and checked against this build's tables and columns.
#[derive(Debug)]
pub struct Dump {
    /// Each table's rows, in [`super::TABLES`] order.
    pub(super) tables: Vec<Vec<Value>>,
}

impl Dump {
    /// Every row the dump holds, all tables together (for progress reports).
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|rows| rows.len() as u64).sum()
    }
}

/// A dump at fault: the precise English for the API and logs, a plain French sentence for
/// the CLI (these are format errors of a file a program wrote, not of anything typed).
pub(super) fn invalid(field: impl Into<String>, problem: impl Into<String>) -> StoreError {
    let field = field.into();
    let fr = format!("Ce fichier n'est pas une sauvegarde Pilote valide (champ {field}).");
    StoreError::Domain(DomainError::rule(field, problem.into(), fr))
}

/// Parses a dump and checks its format, version, tables and columns; rows are checked as
/// they are loaded.
pub fn parse(text: &str) -> StoreResult<Dump> {
    let mut root: Value = serde_json::from_str(text).map_err(|e| {
        invalid(
            format!("line {}, column {}", e.line(), e.column()),
            format!("not JSON: {e}"),
        )
    })?;
    if root.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(invalid("format", format!("must be {FORMAT:?}")));
    }
    match root.get("version").and_then(Value::as_u64) {
        Some(VERSION) => {}
        other => {
            return Err(invalid(
                "version",
                format!("version {other:?} is not supported; this Pilote reads version {VERSION}"),
            ));
        }
    }
    let Some(tables) = root.get_mut("tables").and_then(Value::as_array_mut) else {
        return Err(invalid("tables", "must be an array"));
    };
    let names: Vec<String> = tables
        .iter()
        .map(|t| {
            t.get("table")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned()
        })
        .collect();
    if names != super::TABLES {
        return Err(invalid(
            "tables",
            format!(
                "the dump holds tables {names:?}; this Pilote expects {:?} (a dump of another version?)",
                super::TABLES
            ),
        ));
    }
    let mut rows_of = Vec::with_capacity(tables.len());
    for (table, (name, columns)) in tables.iter_mut().zip(super::COLUMNS) {
        let got: Vec<&str> = table
            .get("columns")
            .and_then(Value::as_array)
            .map(|cols| cols.iter().map(|c| c.as_str().unwrap_or("?")).collect())
            .unwrap_or_default();
        if got != *columns {
            return Err(invalid(
                format!("tables.{name}.columns"),
                format!("are {got:?}; this Pilote expects {columns:?}"),
            ));
        }
        // Taken rather than cloned: a dump can be large.
        let Some(rows) = table.get_mut("rows").and_then(Value::as_array_mut) else {
            return Err(invalid(format!("tables.{name}.rows"), "must be an array"));
        };
        rows_of.push(std::mem::take(rows));
    }
    Ok(Dump { tables: rows_of })
}

/// Reads one row's cells as the column types, naming the cell at fault.
pub(super) fn cell<T: DumpValue>(
    table: &str,
    index: usize,
    column: &str,
    row: &[Value],
    position: usize,
) -> StoreResult<T> {
    let value = row.get(position).unwrap_or(&Value::Null);
    T::read(value).ok_or_else(|| {
        invalid(
            format!("tables.{table}.rows[{index}].{column}"),
            format!("{value} does not fit the column"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written<T: DumpValue>(value: &T) -> String {
        let mut out = String::new();
        value.write(&mut out);
        out
    }

    fn round_trip<T: DumpValue + PartialEq + std::fmt::Debug>(value: T) {
        let text = written(&value);
        let json: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(T::read(&json), Some(value), "{text}");
    }

    #[test]
    fn floats_read_back_bit_for_bit() {
        for value in [
            0.1 + 0.2,
            1.0 / 3.0,
            123_456_789.123_456_79,
            1e-300,
            -2.5e17,
            0.0,
            12345.5,
            f64::MAX,
            f64::MIN_POSITIVE,
        ] {
            let text = written(&value);
            let json: Value = serde_json::from_str(&text).expect("JSON");
            assert_eq!(
                f64::read(&json).map(f64::to_bits),
                Some(value.to_bits()),
                "{text}"
            );
        }
    }

    #[test]
    fn timestamps_have_one_canonical_form() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        let micro = day.and_hms_micro_opt(5, 4, 3, 20).expect("time");
        assert_eq!(written(&micro), "\"2026-11-23T05:04:03.000020\"");
        let whole = day.and_hms_opt(5, 4, 3).expect("time");
        assert_eq!(written(&whole), "\"2026-11-23T05:04:03.000000\"");
        let nano = day.and_hms_nano_opt(5, 4, 3, 7).expect("time");
        assert_eq!(written(&nano), "\"2026-11-23T05:04:03.000000007\"");
        for value in [micro, whole, nano] {
            round_trip(value);
        }
        assert_eq!(written(&day), "\"2026-11-23\"");
        round_trip(day);
    }

    #[test]
    fn text_and_nulls_are_json() {
        round_trip("guillemets \" et \\ et\nligne, « accents »".to_owned());
        round_trip(Some(3_i64));
        round_trip(None::<i64>);
        round_trip(true);
        assert_eq!(written(&None::<String>), "null");
        assert_eq!(i32::read(&Value::from(i64::MAX)), None, "out of range");
        assert_eq!(NaiveDate::read(&Value::from("23/11/2026")), None);
    }

    #[test]
    fn foreign_files_are_refused_by_name() {
        let field = |text: &str| match parse(text) {
            Err(StoreError::Domain(DomainError::Invalid { field, .. })) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field("[1, 2"), "line 1, column 5");
        assert_eq!(field(r#"{"format": "autre"}"#), "format");
        assert_eq!(
            field(r#"{"format": "pilote-dump", "version": 2, "tables": []}"#),
            "version"
        );
        assert_eq!(
            field(r#"{"format": "pilote-dump", "version": 1, "tables": []}"#),
            "tables"
        );
    }
}
