//! The header line's column names, and each data line's cells read into a row: the same rules
//! for CSV text and a workbook's typed cells.

use std::collections::HashMap;

use pilote_domain::{
    DomainError, Problem, RawRow,
    french::numeric_date,
    french_input::{parse_date, parse_decimal, serial_date},
};

use super::{Columns, Format, Line, SheetRow, Value, letters, quote_cell};

/// A column the reader knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    Product,
    Indicator,
    Period,
    Value,
    Comment,
}

impl Column {
    const ALL: [Column; 5] = [
        Column::Product,
        Column::Indicator,
        Column::Period,
        Column::Value,
        Column::Comment,
    ];

    /// Its English name: the header's, and the last part of its problems' field paths.
    pub fn key(self) -> &'static str {
        match self {
            Column::Product => "product",
            Column::Indicator => "indicator",
            Column::Period => "period",
            Column::Value => "value",
            Column::Comment => "comment",
        }
    }

    /// Its French name, in the header and in messages.
    pub fn french(self) -> &'static str {
        match self {
            Column::Product => "produit",
            Column::Indicator => "indicateur",
            Column::Period => "période",
            Column::Value => "valeur",
            Column::Comment => "commentaire",
        }
    }

    /// The column a field path's last part names (`value`).
    pub fn of_key(key: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.key() == key)
    }

    /// The column a header cell names, in English or French, case and accents ignored.
    fn of_header(name: &str) -> Option<Column> {
        let name = plain(name);
        Column::ALL
            .into_iter()
            .find(|c| name == c.key() || name == plain(c.french()))
    }
}

/// Lower case without accents: `Période` is `periode`.
fn plain(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            other => other,
        })
        .collect()
}

/// A cell as a message quotes it: a number with a decimal point, a date `JJ/MM/AAAA`.
fn shown(value: &Value) -> String {
    match value {
        Value::Empty => quote_cell(""),
        Value::Text(text) | Value::Error(text) => quote_cell(text),
        Value::Number(n) => quote_cell(&n.to_string()),
        Value::Date(d) => quote_cell(&numeric_date(*d)),
    }
}

/// The columns the header line names, by column index; refused (`lines[N]`, N the header's
/// line) with the names expected, written with the file's own separator, and what is wrong.
pub(super) fn header(
    line: &Line,
    format: Format,
    columns: Columns,
) -> Result<Vec<(Column, u32)>, DomainError> {
    let mut found: Vec<(Column, u32)> = Vec::new();
    let mut en = Vec::new();
    let mut fr = Vec::new();
    for (index, value) in &line.cells {
        let letter = letters(*index);
        let column = match value {
            Value::Text(name) => Column::of_header(name),
            _ => None,
        }
        .filter(|c| *c != Column::Product || columns == Columns::ProductAllowed);
        match column {
            None => {
                en.push(format!(
                    "column {letter}: {} is not a column name",
                    shown(value)
                ));
                fr.push(format!(
                    "colonne {letter} : {} n'est pas un nom de colonne",
                    shown(value)
                ));
            }
            Some(column) if found.iter().any(|(c, _)| *c == column) => {
                en.push(format!("column {letter}: {} a second time", column.key()));
                fr.push(format!(
                    "colonne {letter} : {} une deuxième fois",
                    column.french()
                ));
            }
            Some(column) => found.push((column, *index)),
        }
    }
    for column in [Column::Indicator, Column::Period, Column::Value] {
        if !found.iter().any(|(c, _)| *c == column) {
            en.push(format!("the column {} is missing", column.key()));
            fr.push(format!("il manque la colonne {}", column.french()));
        }
    }
    if en.is_empty() {
        return Ok(found);
    }
    let names = |name: fn(Column) -> &'static str, separator: &str| {
        [
            Column::Indicator,
            Column::Period,
            Column::Value,
            Column::Comment,
        ]
        .map(name)
        .join(separator)
    };
    let (expected_fr, expected_en) = match format {
        Format::Csv { separator, .. } => {
            let separator = separator.to_string();
            (
                names(Column::french, &separator),
                names(Column::key, &separator),
            )
        }
        Format::Xlsx => (
            format!("{}, une par cellule", names(Column::french, ", ")),
            format!("{}, one per cell", names(Column::key, ", ")),
        ),
    };
    let portfolio = if columns == Columns::ProductAllowed {
        (
            " (and product first, for several products)",
            " (et produit en tête, pour plusieurs produits)",
        )
    } else {
        ("", "")
    };
    Err(DomainError::rule(
        format!("lines[{}]", line.number),
        format!(
            "the header line must name the columns {expected_en}{} (comment optional; in French \
             too: {}): {}",
            portfolio.0,
            names(Column::french, ";"),
            en.join("; ")
        ),
        format!(
            "La ligne d'en-tête doit nommer les colonnes {expected_fr}{} (commentaire \
             facultatif ; en anglais aussi : {}) : {}.",
            portfolio.1,
            names(Column::key, ";"),
            fr.join(" ; ")
        ),
    ))
}

/// One data line as a row, or every problem of its cells.
pub(super) fn row(
    line: &Line,
    columns: &[(Column, u32)],
) -> Result<SheetRow, Vec<(String, Problem)>> {
    let field = format!("lines[{}]", line.number);
    let mut problems = Vec::new();
    let by_index: HashMap<u32, Column> = columns.iter().map(|(c, i)| (*i, *c)).collect();
    let mut cells: HashMap<Column, &Value> = HashMap::new();
    for (index, value) in &line.cells {
        match by_index.get(index) {
            Some(column) => {
                cells.insert(*column, value);
            }
            None => {
                let cell = format!("{}{}", letters(*index), line.number);
                problems.push((
                    field.clone(),
                    Problem::rule(
                        format!(
                            "cell {cell} holds {} but its column has no name in the header line",
                            shown(value)
                        ),
                        format!(
                            "La cellule {cell} contient {} mais sa colonne n'a pas de nom sur la \
                             ligne d'en-tête.",
                            shown(value)
                        ),
                    ),
                ));
            }
        }
    }
    let cell = |column: Column| cells.get(&column).copied().unwrap_or(&Value::Empty);
    let mut at = |column: Column, problem: Problem| {
        problems.push((format!("{field}.{}", column.key()), problem));
    };
    let mut text = |column: Column, required: bool| match cell(column) {
        Value::Empty if required => {
            at(column, Problem::Empty);
            None
        }
        Value::Empty => None,
        Value::Text(text) => Some(text.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Date(d) => Some(numeric_date(*d)),
        Value::Error(e) => {
            at(column, shows_error(e));
            None
        }
    };
    let product = columns
        .iter()
        .any(|(c, _)| *c == Column::Product)
        .then(|| text(Column::Product, true))
        .flatten();
    let indicator = text(Column::Indicator, true);
    let comment = text(Column::Comment, false);
    let period = match cell(Column::Period) {
        Value::Date(d) => Some(*d),
        Value::Number(n) => serial_date(*n),
        Value::Text(t) => parse_date(t),
        Value::Empty | Value::Error(_) => None,
    };
    if period.is_none() {
        let problem = match cell(Column::Period) {
            Value::Error(e) => shows_error(e),
            Value::Empty => Problem::Empty,
            other => {
                let quoted = shown(other);
                Problem::rule(
                    format!("{quoted} is not a date (DD/MM/YYYY or YYYY-MM-DD)"),
                    format!("{quoted} n'est pas une date (JJ/MM/AAAA ou AAAA-MM-JJ)"),
                )
            }
        };
        at(Column::Period, problem);
    }
    let value = match cell(Column::Value) {
        Value::Number(n) => Some(*n),
        Value::Text(t) => parse_decimal(t),
        _ => None,
    };
    if value.is_none() {
        let problem = match cell(Column::Value) {
            Value::Error(e) => shows_error(e),
            Value::Empty => Problem::rule(
                "is empty: a number is expected",
                "La cellule est vide : un nombre est attendu.",
            ),
            other => {
                let quoted = shown(other);
                Problem::rule(
                    format!("{quoted} is not a number"),
                    format!("{quoted} n'est pas un nombre (par exemple 1 234,5)"),
                )
            }
        };
        at(Column::Value, problem);
    }
    match (indicator, period, value) {
        (Some(indicator), Some(period), Some(value)) if problems.is_empty() => Ok(SheetRow {
            product,
            row: RawRow {
                field,
                indicator,
                period,
                value,
                comment,
            },
        }),
        _ => Err(problems),
    }
}

/// A cell showing a formula's error.
fn shows_error(error: &str) -> Problem {
    Problem::rule(
        format!("the cell shows the error {error}"),
        format!("La cellule affiche l'erreur {error}."),
    )
}
