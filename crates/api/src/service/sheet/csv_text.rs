//! Decoded CSV text into lines of cells, each on the line a spreadsheet shows.

use super::{Line, Value};

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

/// The separator and the lines of a CSV text. French spreadsheets write `;`-separated files
/// (the comma is their decimal mark): the first line that holds anything tells which the
/// file uses. Cells are trimmed (spaces and no-break spaces); a line of separators only has
/// no cells.
pub(super) fn lines(text: &str) -> (char, Vec<Line>) {
    // Windows (`\r\n`) and old Mac (`\r`) line ends as `\n`: the csv crate reads them, but its
    // line count after them is off, and every problem names the line a spreadsheet shows.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let Some(first) = text.split('\n').find(|l| {
        l.chars()
            .any(|c| !c.is_whitespace() && c != ';' && c != ',')
    }) else {
        // Separators and blank lines only: no cell at all.
        return (';', Vec::new());
    };
    let separator = if first.contains(';') { ';' } else { ',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if separator == ';' { b';' } else { b',' })
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut counter = LineCounter::new(text.as_bytes());
    let mut lines = Vec::new();
    for record in reader.records() {
        // The text is UTF-8 and the reader flexible: nothing is left for it to refuse, but a
        // record it could not read would be a line with no cells, not a panic.
        let Ok(record) = record else { continue };
        let number = record.position().map_or(0, |p| counter.at(p.byte()));
        let cells = record
            .iter()
            .zip(0u32..)
            .filter(|(cell, _)| !cell.is_empty())
            .map(|(cell, column)| (column, Value::Text(cell.to_owned())))
            .collect();
        lines.push(Line { number, cells });
    }
    (separator, lines)
}
