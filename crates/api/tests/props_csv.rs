//! Property tests of the measure files' reader (`service::sheet`, the spreadsheet way in):
//! whatever the bytes, it never panics and every refusal names its line (or the file);
//! well-formed CSV files round-trip, whichever separator, line ending or byte-order mark they
//! use.

use std::collections::HashMap;

use chrono::NaiveDate;
use pilote_api::{
    ApiError,
    service::{
        measures::check_rows,
        sheet::{Columns, Sheet},
    },
};
use pilote_domain::{Periodicity, RawRow, french_input::parse_date};
use pilote_store::IndicatorId;
use proptest::prelude::*;

/// A one-product file's rows, as the API and the page read them.
fn parse_csv(bytes: &[u8]) -> Result<Vec<RawRow>, ApiError> {
    Sheet::read(bytes, Columns::OneProduct)?.measures()
}

/// `lines[N]` or `lines[N].column`, N ≥ 1, or the file as a whole (its encoding).
fn names_a_line(field: &str) -> bool {
    if field == "file" {
        return true;
    }
    let Some(rest) = field.strip_prefix("lines[") else {
        return false;
    };
    let Some((number, column)) = rest.split_once(']') else {
        return false;
    };
    number.parse::<u64>().is_ok_and(|n| n >= 1)
        && (column.is_empty() || [".indicator", ".period", ".value", ".comment"].contains(&column))
}

fn check_refusal(error: &ApiError) -> Result<(), TestCaseError> {
    match error {
        ApiError::Refused(refused) => {
            let field = refused.field().unwrap_or_default();
            prop_assert!(names_a_line(field), "{field}")
        }
        ApiError::InvalidMany(problems) => {
            prop_assert!(!problems.is_empty());
            for (field, _) in problems {
                prop_assert!(names_a_line(field), "{field}");
            }
        }
        other => prop_assert!(false, "unexpected refusal {other:?}"),
    }
    Ok(())
}

/// A small workbook as Excel saves one, for the damaged-workbook property (built once).
fn workbook() -> Vec<u8> {
    static BOOK: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BOOK.get_or_init(build_workbook).clone()
}

fn build_workbook() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (column, name) in ["indicateur", "période", "valeur"].into_iter().enumerate() {
        sheet.write_string(0, column as u16, name).expect("cell");
    }
    sheet.write_string(1, 0, "delai").expect("cell");
    sheet.write_string(1, 1, "30/11/2026").expect("cell");
    sheet.write_number(1, 2, 1234.5).expect("cell");
    book.save_to_buffer().expect("xlsx")
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (700_000_i32..760_000).prop_filter_map("a date", NaiveDate::from_num_days_from_ce_opt)
}

/// A comment as a spreadsheet would write it: separators, quotes, accents, line breaks
/// inside, no blank at either end (cells are trimmed).
fn comment() -> impl Strategy<Value = Option<String>> {
    proptest::option::of("[a-zé«»]([a-zé\"«»€;,\n ]{0,30}[a-zé«»])?")
}

fn row() -> impl Strategy<Value = (String, NaiveDate, f64, Option<String>)> {
    (
        "[a-z][a-z0-9-]{0,20}",
        date(),
        -1.0e12_f64..1.0e12,
        comment(),
    )
}

fn quoted(cell: &str) -> String {
    format!("\"{}\"", cell.replace('"', "\"\""))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_bytes_never_panic_and_refusals_name_a_line(
        bytes in proptest::collection::vec(any::<u8>(), 0..1_500),
    ) {
        if let Err(error) = parse_csv(&bytes) {
            check_refusal(&error)?;
        }
    }

    #[test]
    fn damaged_workbooks_never_panic_and_refusals_name_the_file_or_a_cell(
        flips in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<proptest::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = workbook();
        for (at, byte) in flips {
            let at = at.index(bytes.len());
            bytes[at] = byte;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        if let Err(error) = parse_csv(&bytes) {
            check_refusal(&error)?;
        }
    }

    #[test]
    fn csv_looking_text_never_panics(
        lines in proptest::collection::vec("[a-z0-9,;\"\\r\\n .\\-é]{0,40}", 0..20),
        semicolon in any::<bool>(),
    ) {
        let header = if semicolon { "indicator;period;value;comment" } else { "indicator,period,value,comment" };
        let text = format!("{header}\n{}", lines.join("\n"));
        if let Err(error) = parse_csv(text.as_bytes()) {
            check_refusal(&error)?;
        }
    }

    #[test]
    fn well_formed_files_round_trip(
        rows in proptest::collection::vec(row(), 0..40),
        semicolon in any::<bool>(),
        crlf in any::<bool>(),
        bom in any::<bool>(),
    ) {
        let (separator, end) = (if semicolon { ";" } else { "," }, if crlf { "\r\n" } else { "\n" });
        let mut text = if bom { "\u{feff}".to_owned() } else { String::new() };
        text += &["indicator", "period", "value", "comment"].join(separator);
        text += end;
        for (indicator, period, value, comment) in &rows {
            // French files write a decimal comma, which a comma-separated file must quote.
            let value = if semicolon { value.to_string().replace('.', ",") } else { quoted(&value.to_string()) };
            let comment = comment.as_deref().map(quoted).unwrap_or_default();
            text += &[indicator.clone(), period.to_string(), value, comment].join(separator);
            text += end;
        }
        let parsed = parse_csv(text.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e:?}\n{text}")))?;
        prop_assert_eq!(parsed.len(), rows.len());
        for (got, (indicator, period, value, comment)) in parsed.iter().zip(&rows) {
            prop_assert_eq!(&got.indicator, indicator);
            prop_assert_eq!(got.period, *period);
            prop_assert_eq!(got.value, *value);
            prop_assert_eq!(&got.comment, comment);
        }
    }

    #[test]
    fn a_bad_cell_is_named_by_its_line_and_column(
        count in 1_usize..30,
        bad in any::<proptest::sample::Index>(),
        column in prop_oneof![Just("period"), Just("value")],
        junk in prop_oneof![
            "[a-zA-Z/ ]{1,12}",
            Just("NaN".to_owned()),
            Just("inf".to_owned()),
            Just("-Infinity".to_owned()),
        ],
    ) {
        let bad = bad.index(count);
        let mut text = "indicator,period,value,comment\n".to_owned();
        for i in 0..count {
            // One week each: the rows' check refuses two values for one period.
            let week = (NaiveDate::from_ymd_opt(2026, 1, 5).expect("date") + chrono::Days::new(7 * i as u64)).to_string();
            let (period, value) = match (i == bad, column) {
                (true, "period") => (junk.clone(), "1".to_owned()),
                (true, _) => (week, junk.clone()),
                _ => (week, "1".to_owned()),
            };
            text += &format!("visites,{period},{value},\n");
        }
        // The whole way in: "NaN" or "inf" are no French numbers, refused by the reader.
        let indicators = HashMap::from([("visites".to_owned(), (IndicatorId(1), Periodicity::Week))]);
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        match parse_csv(text.as_bytes()).and_then(|rows| check_rows(rows, &indicators, today)) {
            Err(ApiError::InvalidMany(problems)) => {
                let fields: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
                // The header is line 1.
                let expected = format!("lines[{}].{column}", bad + 2);
                prop_assert_eq!(fields, vec![expected.as_str()]);
            }
            other => prop_assert!(false, "{other:?}"),
        }
    }

    #[test]
    fn any_period_cell_is_a_date_that_round_trips_or_is_named(
        cell in prop_oneof!["\\PC{0,14}", "[0-9]{1,6}-[0-9]{1,3}-[0-9]{1,3}", date().prop_map(|d| d.to_string())],
    ) {
        let text = format!("indicator,period,value\nvisites,{},1\n", quoted(&cell));
        match parse_csv(text.as_bytes()) {
            Ok(rows) => {
                prop_assert_eq!(rows.len(), 1);
                prop_assert_eq!(rows[0].period.to_string().parse::<NaiveDate>().ok(), Some(rows[0].period));
                prop_assert_eq!(parse_date(&cell), Some(rows[0].period));
            }
            Err(ApiError::InvalidMany(problems)) => {
                let fields: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
                prop_assert_eq!(fields, vec!["lines[2].period"]);
            }
            Err(other) => check_refusal(&other)?,
        }
    }
}
