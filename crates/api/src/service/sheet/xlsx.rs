//! An `.xlsx` workbook's first visible worksheet into lines of typed cells (calamine): numbers
//! as numbers, date cells as dates (Excel's serial days, either date system), text trimmed.

use std::io::Cursor;

use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx};
use chrono::NaiveDate;
use pilote_domain::{DomainError, MAX_BATCH_ROWS};

use super::{Line, Value};

/// Whether the bytes are a zip archive, as every `.xlsx` (and `.ods`) file is.
pub(super) fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Whether the bytes are an OLE compound file: an Excel 97-2003 workbook (`.xls`), or an
/// `.xlsx` encrypted with a password, which Excel stores that way.
pub(super) fn is_ole(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// The refusal of an OLE compound file ([`is_ole`]).
pub(super) fn old_or_protected() -> DomainError {
    DomainError::rule(
        "file",
        "an Excel 97-2003 workbook (.xls) or a password-protected one is not read: save it as \
         .xlsx without password or as \"CSV UTF-8\"",
        "Les classeurs Excel 97-2003 (.xls) ou protégés par un mot de passe ne sont pas lus : \
         enregistrez-le au format .xlsx sans mot de passe ou « CSV UTF-8 ».",
    )
}

/// The most cells read from a sheet: a batch's rows times a few columns, with room for notes.
/// Beyond, the sheet is refused rather than held in memory.
const MAX_CELLS: usize = MAX_BATCH_ROWS * 8;

/// The lines of the workbook's first visible worksheet, or a refusal naming why it cannot be
/// read.
pub(super) fn lines(bytes: &[u8]) -> Result<Vec<Line>, DomainError> {
    // The zip and XML parsers below read bytes anyone signed in may upload: should one of
    // them panic on a crafted file, that file is refused like any unreadable one rather than
    // taking the request's worker down.
    std::panic::catch_unwind(|| read(bytes)).unwrap_or_else(|_| {
        log::warn!("the xlsx reader panicked on an upload");
        Err(refused_workbook())
    })
}

fn read(bytes: &[u8]) -> Result<Vec<Line>, DomainError> {
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(bytes, &e))?;
    let Some(name) = workbook
        .sheets_metadata()
        .iter()
        .find(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
        .map(|s| s.name.clone())
    else {
        return Err(DomainError::rule(
            "file",
            "the workbook has no visible worksheet",
            "Le classeur n'a aucune feuille de calcul visible.",
        ));
    };
    let mut cells = workbook
        .worksheet_cells_reader(&name)
        .map_err(|e| unreadable(bytes, &e))?;
    let mut lines: Vec<Line> = Vec::new();
    let mut count = 0;
    while let Some(cell) = cells.next_cell().map_err(|e| unreadable(bytes, &e))? {
        let (row, column) = cell.get_position();
        let value = value(cell.get_value());
        if value == Value::Empty {
            continue;
        }
        count += 1;
        if count > MAX_CELLS {
            return Err(DomainError::rule(
                "file",
                format!("the worksheet holds more than {MAX_CELLS} cells"),
                format!("La feuille contient plus de {MAX_CELLS} cellules."),
            ));
        }
        let number = u64::from(row) + 1;
        match lines.last_mut() {
            Some(line) if line.number == number => line.cells.push((column, value)),
            _ => lines.push(Line {
                number,
                cells: vec![(column, value)],
            }),
        }
    }
    // Cells come row by row, left to right; an out-of-order file is put back in order.
    lines.sort_by_key(|l| l.number);
    for line in &mut lines {
        line.cells.sort_by_key(|(column, _)| *column);
    }
    Ok(lines)
}

/// A cell's value as the reader takes it.
fn value(cell: &DataRef<'_>) -> Value {
    let text = |s: &str| {
        let s = s.trim();
        if s.is_empty() {
            Value::Empty
        } else {
            Value::Text(s.to_owned())
        }
    };
    match cell {
        DataRef::Empty => Value::Empty,
        DataRef::String(s) => text(s),
        DataRef::SharedString(s) => text(s),
        // Whole numbers fit an f64 exactly up to 2^53, far beyond any measure.
        DataRef::Int(i) => Value::Number(*i as f64),
        DataRef::Float(f) => Value::Number(*f),
        DataRef::Bool(b) => Value::Text(if *b { "VRAI" } else { "FAUX" }.to_owned()),
        DataRef::DateTime(d) if d.is_datetime() => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(day))
                .map_or_else(|| Value::Number(d.as_f64()), Value::Date)
        }
        // A duration (`[hh]:mm`) is a number of days to Excel.
        DataRef::DateTime(d) => Value::Number(d.as_f64()),
        DataRef::DateTimeIso(s) => s
            .get(..10)
            .and_then(|day| day.parse().ok())
            .map_or_else(|| text(s), Value::Date),
        DataRef::DurationIso(s) => text(s),
        DataRef::Error(e) => Value::Error(e.to_string()),
    }
}

/// The refusal of a zip archive that is not a readable `.xlsx` workbook, saying what it seems
/// to be (an OpenDocument spreadsheet, a password-protected workbook).
fn unreadable(bytes: &[u8], error: &calamine::XlsxError) -> DomainError {
    log::info!("unreadable xlsx upload: {error}");
    // An OpenDocument file starts with its uncompressed `mimetype` entry.
    let head = &bytes[..bytes.len().min(100)];
    let ods = head
        .windows(b"opendocument.spreadsheet".len())
        .any(|w| w == b"opendocument.spreadsheet");
    if ods {
        return DomainError::rule(
            "file",
            "an OpenDocument spreadsheet (.ods) is not read: save it as .xlsx or \"CSV UTF-8\"",
            "Les classeurs OpenDocument (.ods) ne sont pas lus : enregistrez-le au format .xlsx \
             ou « CSV UTF-8 ».",
        );
    }
    refused_workbook()
}

/// The refusal of a zip archive that is not a readable workbook.
fn refused_workbook() -> DomainError {
    DomainError::rule(
        "file",
        "the file is a zip archive but not a readable .xlsx workbook (a password-protected \
         one?): save it again as .xlsx or \"CSV UTF-8\"",
        "Le fichier n'est pas un classeur .xlsx lisible (protégé par un mot de passe ?) : \
         enregistrez-le à nouveau au format .xlsx ou « CSV UTF-8 ».",
    )
}
