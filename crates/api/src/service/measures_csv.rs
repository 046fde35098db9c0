//! Reading a measures CSV file (`indicator,period,value,comment`), as French spreadsheets
//! write it: the API's upload, the page's preview and `pilote import measures` share it.

use actix_web::web;
use chrono::NaiveDate;
use futures_util::StreamExt;
use pilote_domain::{DomainError, Problem};

use crate::{error::ApiError, service::measures::RawRow};

/// The largest CSV body accepted (10 MiB); beyond it, 413.
pub const LIMIT: usize = 10 * 1024 * 1024;

/// Reads a body up to `limit` bytes, answering 413 beyond without reading the rest.
pub async fn read_limited(mut payload: web::Payload, limit: usize) -> Result<Vec<u8>, ApiError> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| ApiError::BadRequest("the body could not be read".into()))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The longest part of a cell an error message quotes, in characters.
const QUOTED_CHARS: usize = 40;

/// A cell as an error message quotes it, so that a person finds it in the file: in double
/// quotes, with quotes, backslashes and control characters escaped (the message goes into
/// JSON, HTML and terminals), cut after `QUOTED_CHARS` characters with `…` (a cell may be a
/// whole pasted paragraph).
pub fn quote_cell(cell: &str) -> String {
    let mut chars = cell.chars();
    let head: String = chars.by_ref().take(QUOTED_CHARS).collect();
    let more = if chars.next().is_some() { "…" } else { "" };
    // Debug's quoting: `"` and `\` escaped, control characters as `\n`, `\u{1b}`.
    let quoted = format!("{head:?}");
    let open = quoted.strip_suffix('"').unwrap_or(&quoted);
    format!("{open}{more}\"")
}

/// The spreadsheet line number of a record's byte offset. The csv crate's own count names the
/// line above the record when blank lines precede it; counting the line ends before the
/// record's first byte cannot be wrong. Offsets only grow, so each byte is counted once.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    fn at(&mut self, byte: u64) -> u64 {
        let mut byte = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        // The crate gives a record's position from before the blank lines it skipped; a
        // record never starts with a line end, so those belong before it.
        while self.bytes.get(byte) == Some(&b'\n') {
            byte += 1;
        }
        if let Some(between) = self.bytes.get(self.offset..byte) {
            self.line += between.iter().filter(|b| **b == b'\n').count() as u64;
            self.offset = byte;
        }
        self.line
    }
}

/// Parses CSV text into rows; every malformed line is reported as `lines[N].column`, N being
/// the line number a spreadsheet shows (the header is line 1). Comma- or semicolon-separated,
/// as the header line says; with commas, a decimal comma must be quoted (`"12,5"`).
pub fn parse_csv(bytes: &[u8]) -> Result<Vec<RawRow>, ApiError> {
    // Excel's "CSV UTF-8" starts with a byte-order mark, which would glue itself to the first
    // header name.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // Windows line ends: the csv crate reads them, but its line count after `\r\n` is off, and
    // error messages must name the line a spreadsheet shows.
    let unix: Vec<u8>;
    let bytes = if bytes.windows(2).any(|w| w == b"\r\n") {
        // Byte-wise, so that a file that is not UTF-8 still fails as such, line by line.
        unix = bytes
            .iter()
            .enumerate()
            .filter(|&(i, &b)| !(b == b'\r' && bytes.get(i + 1) == Some(&b'\n')))
            .map(|(_, &b)| b)
            .collect();
        &unix[..]
    } else {
        bytes
    };
    // French spreadsheets write `;`-separated files (the comma is their decimal mark): the
    // header line tells which separator the file uses.
    let header_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let delimiter = if header_line.contains(&b';') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| ApiError::BadRequest(format!("malformed CSV: {e}")))?
        .clone();
    let expected = ["indicator", "period", "value", "comment"];
    let names: Vec<&str> = headers.iter().collect();
    if names != expected && names != expected[..3] {
        return Err(DomainError::rule(
            "lines[1]",
            "the header must be indicator,period,value,comment",
            "La première ligne doit être indicator,period,value,comment (ou indicator;period;value;comment).",
        )
        .into());
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut lines = LineCounter::new(bytes);
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.at(p.byte()));
                problems.push((
                    format!("lines[{line}]"),
                    Problem::rule(
                        format!("malformed CSV line: {e}"),
                        "Ligne illisible (guillemets ou nombre de colonnes).",
                    ),
                ));
                continue;
            }
        };
        // Where the record starts: a quoted comment may span lines.
        let line = record.position().map_or(0, |p| lines.at(p.byte()));
        let field = format!("lines[{line}]");
        let cell = |n: usize| record.get(n).unwrap_or("");
        let period = cell(1).parse::<NaiveDate>().map_err(|_| {
            let quoted = quote_cell(cell(1));
            problems.push((
                format!("{field}.period"),
                Problem::rule(
                    format!("{quoted} is not a date (YYYY-MM-DD)"),
                    format!("{quoted} n'est pas une date (AAAA-MM-JJ)"),
                ),
            ))
        });
        // A French spreadsheet writes 12,5 for 12.5; thousands separators are not accepted.
        let value = cell(2).replace(',', ".").parse::<f64>().map_err(|_| {
            let quoted = quote_cell(cell(2));
            problems.push((
                format!("{field}.value"),
                Problem::rule(
                    format!("{quoted} is not a number"),
                    format!("{quoted} n'est pas un nombre"),
                ),
            ))
        });
        if let (Ok(period), Ok(value)) = (period, value) {
            let comment = cell(3);
            rows.push(RawRow {
                field,
                indicator: cell(0).to_owned(),
                period,
                value,
                comment: (!comment.is_empty()).then(|| comment.to_owned()),
            });
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(ApiError::InvalidMany(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &[u8]) -> Vec<(String, String, f64, Option<String>)> {
        parse_csv(text)
            .expect("valid CSV")
            .into_iter()
            .map(|r| (r.field, r.indicator, r.value, r.comment))
            .collect()
    }

    #[test]
    fn french_excel_exports_are_read() {
        // BOM, semicolons, decimal comma, Windows line ends.
        let rows =
            parsed(b"\xEF\xBB\xBFindicator;period;value;comment\r\ndelai;2026-11-01;12,5;ok\r\n");
        assert_eq!(
            rows,
            [(
                "lines[2]".to_owned(),
                "delai".to_owned(),
                12.5,
                Some("ok".to_owned())
            )]
        );
    }

    #[test]
    fn comma_files_with_quoted_decimals_are_read() {
        let rows = parsed(b"indicator,period,value\ndelai,2026-11-01,\"12,5\"\n");
        assert_eq!(rows[0].2, 12.5);
    }

    #[test]
    fn a_bad_cell_is_quoted_in_its_problem() {
        let error = parse_csv(b"indicator;period;value\ndelai;hier;12,5,3\n").expect_err("bad");
        let ApiError::InvalidMany(problems) = error else {
            panic!("{error:?}")
        };
        let said: Vec<(String, String, String)> = problems
            .iter()
            .map(|(f, p)| (f.clone(), p.to_string(), p.french()))
            .collect();
        assert_eq!(
            said,
            [
                (
                    "lines[2].period".to_owned(),
                    "\"hier\" is not a date (YYYY-MM-DD)".to_owned(),
                    "\"hier\" n'est pas une date (AAAA-MM-JJ)".to_owned()
                ),
                (
                    "lines[2].value".to_owned(),
                    "\"12,5,3\" is not a number".to_owned(),
                    "\"12,5,3\" n'est pas un nombre".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn lines_are_counted_as_a_spreadsheet_shows_them() {
        // A blank line (skipped by the csv crate, but a line in the spreadsheet), a comment
        // spanning two lines, Windows line ends: the bad value is on line 7.
        let text = b"indicator,period,value,comment\r\ndelai,2026-11-02,1,\r\n\r\n\
                     delai,2026-11-09,2,\"deux\r\nlignes\"\r\ndelai,2026-11-16,3,\r\n\
                     delai,2026-11-23,abc,\r\n";
        let error = parse_csv(text).expect_err("bad");
        let ApiError::InvalidMany(problems) = error else {
            panic!("{error:?}")
        };
        assert_eq!(problems[0].0, "lines[7].value");
        let good =
            parsed(b"indicator,period,value\n\ndelai,2026-11-02,1\n\n\ndelai,2026-11-09,2\n");
        let fields: Vec<&str> = good.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(fields, ["lines[3]", "lines[6]"]);
    }

    #[test]
    fn quoted_cells_are_escaped_and_cut() {
        assert_eq!(quote_cell(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(quote_cell("l1\nl2"), r#""l1\nl2""#);
        assert_eq!(quote_cell("éé"), "\"éé\"");
        let long = "x".repeat(100);
        assert_eq!(quote_cell(&long), format!("\"{}…\"", "x".repeat(40)));
        assert_eq!(
            quote_cell(&"y".repeat(40)),
            format!("\"{}\"", "y".repeat(40))
        );
    }

    #[test]
    fn a_wrong_header_is_refused() {
        let error = parse_csv(b"indicateur,periode,valeur\nx,2026-11-01,1\n").expect_err("header");
        let ApiError::Refused(refused) = error else {
            panic!("{error:?}")
        };
        assert_eq!(refused.field(), Some("lines[1]"));
        assert!(refused.french().starts_with("La première ligne doit être"));
    }
}
