//! The one reader of measure files, for the API's upload (`measures.csv`), the page's preview
//! and `pilote import measures`: a CSV file (UTF-8 with or without byte-order mark, or
//! Windows-1252, French Excel's default; `;` or `,`) or an `.xlsx` workbook, told apart by
//! their bytes, read into the rows the batch check takes.
//!
//! The header line names the columns, in French or English and in any order (`indicateur;
//! période;valeur;commentaire`); cells are read the French way (`30/11/2026`, `1 234,5`);
//! blank lines and lines of separators only are skipped. Every problem is named by a field
//! path (`lines[3].value`, the line a spreadsheet shows) that [`Layout::place`] turns into
//! the cell (« ligne 3, colonne C (valeur) »), and [`Layout::locate`] into the API's English.

mod cells;
mod csv_text;
mod encoding;
mod xlsx;

use actix_web::web;
use futures_util::StreamExt;
use pilote_domain::{DomainError, Problem, RawRow};

pub use self::{
    cells::Column,
    encoding::{Encoding, decode},
};
use crate::error::ApiError;

/// The largest file accepted (10 MiB); beyond it, 413.
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

/// The content type of an `.xlsx` workbook, which the API's upload takes besides `text/csv`.
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// What kind of file was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// CSV text in this encoding, cells separated by this character (`;` or `,`).
    Csv { encoding: Encoding, separator: char },
    /// An `.xlsx` workbook (its first visible worksheet).
    Xlsx,
}

/// One cell's content as the file holds it: CSV cells are all text, a workbook's are typed.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Empty,
    Text(String),
    Number(f64),
    Date(chrono::NaiveDate),
    /// A formula's error (`#DIV/0!`), as the spreadsheet shows it.
    Error(String),
}

/// One line of the file: its number as the spreadsheet shows it (the first is 1) and its
/// non-empty cells with their column (0 is A).
#[derive(Clone, Debug, PartialEq)]
struct Line {
    number: u64,
    cells: Vec<(u32, Value)>,
}

/// Where a file's columns are: what locates its problems.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    format: Format,
    columns: Vec<(Column, u32)>,
}

/// A place in the file, as the spreadsheet shows it: a line, and a column when one is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub line: u64,
    pub column: Option<(Column, u32)>,
}

impl Place {
    /// « ligne 3, colonne C (valeur) », « ligne 3 ».
    pub fn french(&self) -> String {
        self.say("ligne", "colonne", Column::french)
    }

    /// "line 3, column C (value)", "line 3".
    pub fn english(&self) -> String {
        self.say("line", "column", Column::key)
    }

    fn say(&self, line: &str, column: &str, name: fn(Column) -> &'static str) -> String {
        match self.column {
            Some((c, index)) => format!(
                "{line} {}, {column} {} ({})",
                self.line,
                letters(index),
                name(c)
            ),
            None => format!("{line} {}", self.line),
        }
    }
}

/// A column's letters as a spreadsheet shows them: 0 is A, 25 is Z, 26 is AA.
pub fn letters(index: u32) -> String {
    let mut n = u64::from(index) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rest = (n - 1) % 26;
        // `rest` is below 26: a letter.
        out.push(char::from(b'A' + u8::try_from(rest).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

impl Layout {
    /// What kind of file it was.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Whether the file has a `product` column (a portfolio file of the CLI).
    pub fn has_product(&self) -> bool {
        self.columns.iter().any(|(c, _)| *c == Column::Product)
    }

    /// The place a problem's field path names: `lines[3].value` is line 3 and the column
    /// holding the values; `lines[3]` the line alone. `None` for other paths (`file`).
    pub fn place(&self, field: &str) -> Option<Place> {
        let rest = field.strip_prefix("lines[")?;
        let (line, after) = rest.split_once(']')?;
        let line = line.parse().ok()?;
        let column = after.strip_prefix('.').and_then(|name| {
            let column = Column::of_key(name)?;
            let (_, index) = self.columns.iter().find(|(c, _)| *c == column)?;
            Some((column, *index))
        });
        Some(Place { line, column })
    }

    /// The error with each problem that names a line said with its place, for the API's
    /// English (`line 3, column C (value): "abc" is not a number`); the French follows, so
    /// that whoever prints the problem says the same.
    pub fn locate(&self, error: ApiError) -> ApiError {
        let located = |field: &str, problem: Problem| match self.place(field) {
            Some(place) => Problem::rule(
                format!("{}: {problem}", place.english()),
                format!("{} : {}", place.french(), problem.french()),
            ),
            None => problem,
        };
        match error {
            ApiError::InvalidMany(problems) => ApiError::InvalidMany(
                problems
                    .into_iter()
                    .map(|(field, problem)| {
                        let problem = located(&field, problem);
                        (field, problem)
                    })
                    .collect(),
            ),
            ApiError::Refused(DomainError::Invalid { field, problem }) => {
                let problem = located(&field, problem);
                ApiError::Refused(DomainError::Invalid { field, problem })
            }
            other => other,
        }
    }
}

/// One data row of a file: its product when the file has a `product` column, and the row.
#[derive(Clone, Debug, PartialEq)]
pub struct SheetRow {
    pub product: Option<String>,
    pub row: RawRow,
}

/// A file read as far as its header: the format, the columns and the data lines.
#[derive(Debug)]
pub struct Sheet {
    layout: Layout,
    lines: Vec<Line>,
}

/// Which columns a caller takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Columns {
    /// One product's values (the API, the page).
    OneProduct,
    /// A `product` column allowed (`pilote import measures`'s portfolio files).
    ProductAllowed,
}

impl Sheet {
    /// Reads a file: CSV or `.xlsx` by its bytes, its encoding, its header. Refused (422, in
    /// both languages) when the encoding, the workbook or the header is not one this reader
    /// takes; the cells are read by [`Sheet::rows`].
    pub fn read(bytes: &[u8], columns: Columns) -> Result<Sheet, ApiError> {
        if xlsx::is_ole(bytes) {
            return Err(xlsx::old_or_protected().into());
        }
        let (format, lines) = if xlsx::is_zip(bytes) {
            (Format::Xlsx, xlsx::lines(bytes)?)
        } else {
            let (text, encoding) = decode(bytes)?;
            let (separator, lines) = csv_text::lines(&text);
            (
                Format::Csv {
                    encoding,
                    separator,
                },
                lines,
            )
        };
        let mut lines = lines.into_iter().filter(|l| !l.cells.is_empty());
        let Some(header) = lines.next() else {
            return Err(DomainError::rule(
                "file",
                "the file is empty: a header line then one line per value are expected",
                "Le fichier est vide : une ligne d'en-tête puis une ligne par valeur sont attendues.",
            )
            .into());
        };
        let columns = cells::header(&header, format, columns)?;
        Ok(Sheet {
            layout: Layout { format, columns },
            lines: lines.collect(),
        })
    }

    /// Where the file's columns are.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Every data row, or every cell at fault (`lines[N].value`, ...), all of them at once.
    pub fn rows(&self) -> Result<Vec<SheetRow>, ApiError> {
        let mut rows = Vec::with_capacity(self.lines.len());
        let mut problems = Vec::new();
        for line in &self.lines {
            match cells::row(line, &self.layout.columns) {
                Ok(row) => rows.push(row),
                Err(mut found) => problems.append(&mut found),
            }
        }
        if problems.is_empty() {
            Ok(rows)
        } else {
            Err(ApiError::InvalidMany(problems))
        }
    }

    /// The rows of a one-product file ([`Columns::OneProduct`]), for the batch check.
    pub fn measures(&self) -> Result<Vec<RawRow>, ApiError> {
        Ok(self.rows()?.into_iter().map(|r| r.row).collect())
    }
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

#[cfg(test)]
mod tests;
