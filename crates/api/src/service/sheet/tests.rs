use chrono::NaiveDate;
use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};

use super::*;

fn day(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// The rows of a one-product file: (field, indicator, period, value, comment).
fn rows(bytes: &[u8]) -> Vec<(String, String, NaiveDate, f64, Option<String>)> {
    Sheet::read(bytes, Columns::OneProduct)
        .expect("readable")
        .measures()
        .expect("valid")
        .into_iter()
        .map(|r| (r.field, r.indicator, r.period, r.value, r.comment))
        .collect()
}

/// What both worked examples hold: `delai` on line 2 (1 234,5 with a comment) and line 4.
fn two_weeks(second: f64) -> Vec<(String, String, NaiveDate, f64, Option<String>)> {
    vec![
        (
            "lines[2]".to_owned(),
            "delai".to_owned(),
            day("2026-11-30"),
            1234.5,
            Some("enquête été".to_owned()),
        ),
        (
            "lines[4]".to_owned(),
            "delai".to_owned(),
            day("2026-11-23"),
            second,
            None,
        ),
    ]
}

/// Every problem of a file: (field, English, French).
fn problems(bytes: &[u8]) -> Vec<(String, String, String)> {
    let error = match Sheet::read(bytes, Columns::OneProduct) {
        Ok(sheet) => sheet.measures().expect_err("refused"),
        Err(e) => e,
    };
    match error {
        ApiError::InvalidMany(problems) => problems
            .into_iter()
            .map(|(f, p)| (f, p.to_string(), p.french()))
            .collect(),
        ApiError::Refused(e) => vec![(
            e.field().unwrap_or_default().to_owned(),
            e.to_string(),
            e.french(),
        )],
        other => panic!("{other:?}"),
    }
}

/// A Windows-1252 text, as French Excel's « CSV (séparateur : point-virgule) » writes it.
fn windows_1252(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

#[test]
fn french_excel_s_csv_is_read_whole() {
    // Windows-1252, `;`, CRLF, French header with accents and capitals, French dates and
    // numbers (a no-break space groups thousands), a line of separators, blank lines.
    let text = "Indicateur;PÉRIODE;Valeur;Commentaire\r\n\
                delai;30/11/2026;1\u{A0}234,5;enquête été\r\n\
                ;;;\r\n\
                delai;2026-11-23;12;\r\n\
                \r\n;;;\r\n";
    let bytes = windows_1252(text);
    assert!(std::str::from_utf8(&bytes).is_err(), "not UTF-8");
    let sheet = Sheet::read(&bytes, Columns::OneProduct).expect("readable");
    assert_eq!(
        sheet.layout().format(),
        Format::Csv {
            encoding: Encoding::Windows1252,
            separator: ';'
        }
    );
    assert_eq!(rows(&bytes), two_weeks(12.0));
}

#[test]
fn utf8_with_a_byte_order_mark_and_commas_are_read() {
    let rows =
        rows("\u{FEFF}indicator,period,value,comment\ndelai,2026-11-01,\"12,5\",été\n".as_bytes());
    assert_eq!(rows[0].3, 12.5);
    assert_eq!(rows[0].4.as_deref(), Some("été"));
}

#[test]
fn columns_are_found_by_name_in_any_order() {
    let bytes = b"valeur;commentaire;indicateur;periode\n3;ok;delai;01/11/2026\n";
    let sheet = Sheet::read(bytes, Columns::OneProduct).expect("readable");
    assert_eq!(rows(bytes)[0].1, "delai");
    let place = sheet.layout().place("lines[2].period").expect("place");
    assert_eq!(place.french(), "ligne 2, colonne D (période)");
    assert_eq!(place.english(), "line 2, column D (period)");
    assert_eq!(
        sheet.layout().place("lines[7]").map(|p| p.french()),
        Some("ligne 7".to_owned())
    );
    assert_eq!(sheet.layout().place("file"), None);
}

#[test]
fn a_wrong_header_says_what_with_the_file_s_separator() {
    let said = problems("indicateur;période;valor\nx;2026-11-01;1\n".as_bytes());
    assert_eq!(said.len(), 1);
    let (field, en, fr) = &said[0];
    assert_eq!(field, "lines[1]");
    assert!(
        fr.starts_with(
            "La ligne d'en-tête doit nommer les colonnes indicateur;période;valeur;commentaire"
        ),
        "{fr}"
    );
    assert!(
        fr.contains("colonne C : \"valor\" n'est pas un nom de colonne"),
        "{fr}"
    );
    assert!(fr.contains("il manque la colonne valeur"), "{fr}");
    assert!(en.contains("indicator;period;value;comment"), "{en}");
    let commas = problems(b"indicator,period\nx,2026-11-01\n");
    assert!(
        commas[0]
            .2
            .contains("indicateur,période,valeur,commentaire")
    );
    // The `product` column is the command line's portfolio files' only.
    let product = problems(b"product;indicator;period;value\np;x;2026-11-01;1\n");
    assert!(
        product[0].2.contains("colonne A : \"product\""),
        "{product:?}"
    );
    let twice = problems(b"indicator;period;value;valeur\n");
    assert!(twice[0].2.contains("colonne D : valeur une deuxième fois"));
    assert_eq!(problems(b"\r\n;;;\r\n")[0].0, "file");
}

#[test]
fn bad_cells_are_quoted_and_named_by_their_place() {
    let bytes = b"indicator;period;value\ndelai;hier;12,5,3\n;30/11/2026;\nx;2026-11-01;1;extra\n";
    let said = problems(bytes);
    let fields: Vec<&str> = said.iter().map(|(f, _, _)| f.as_str()).collect();
    assert_eq!(
        fields,
        [
            "lines[2].period",
            "lines[2].value",
            "lines[3].indicator",
            "lines[3].value",
            "lines[4]"
        ]
    );
    assert_eq!(
        said[0].1,
        "\"hier\" is not a date (DD/MM/YYYY or YYYY-MM-DD)"
    );
    assert_eq!(
        said[0].2,
        "\"hier\" n'est pas une date (JJ/MM/AAAA ou AAAA-MM-JJ)"
    );
    assert_eq!(said[1].1, "\"12,5,3\" is not a number");
    assert!(said[4].2.starts_with("La cellule D4 contient \"extra\""));
    // Located for the API: the cell in English, the French alongside.
    let sheet = Sheet::read(bytes, Columns::OneProduct).expect("readable");
    let located = sheet.layout().locate(sheet.measures().expect_err("bad"));
    let ApiError::InvalidMany(located) = located else {
        panic!("{located:?}")
    };
    assert_eq!(located[0].0, "lines[2].period");
    assert_eq!(
        located[0].1.to_string(),
        "line 2, column B (period): \"hier\" is not a date (DD/MM/YYYY or YYYY-MM-DD)"
    );
    assert_eq!(
        located[1].1.french(),
        "ligne 2, colonne C (valeur) : \"12,5,3\" n'est pas un nombre (par exemple 1 234,5)"
    );
}

#[test]
fn lines_are_counted_as_a_spreadsheet_shows_them() {
    // A blank line (skipped by the csv crate, but a line in the spreadsheet), a comment
    // spanning two lines, Windows line ends: the bad value is on line 7.
    let text = b"indicator,period,value,comment\r\ndelai,2026-11-02,1,\r\n\r\n\
                 delai,2026-11-09,2,\"deux\r\nlignes\"\r\ndelai,2026-11-16,3,\r\n\
                 delai,2026-11-23,abc,\r\n";
    assert_eq!(problems(text)[0].0, "lines[7].value");
    let good = rows(b"indicator,period,value\n\ndelai,2026-11-02,1\n\n\ndelai,2026-11-09,2\n");
    let fields: Vec<&str> = good.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(fields, ["lines[3]", "lines[6]"]);
    // Old Mac line ends too.
    let mac = rows(b"indicator,period,value\rdelai,2026-11-02,1\r");
    assert_eq!(mac[0].0, "lines[2]");
}

#[test]
fn other_encodings_are_refused_by_name() {
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("indicator".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let said = problems(&utf16);
    assert_eq!(said[0].0, "file");
    assert!(said[0].2.contains("UTF-16"), "{said:?}");
    // `téléphone` in MS-DOS's code page 850: `é` is 0x82.
    let dos = b"indicator;period;value;comment\nx;2026-11-01;1;t\x82l\x82phone\n";
    let said = problems(dos);
    assert_eq!(said[0].0, "lines[2]");
    assert!(
        said[0]
            .2
            .starts_with("Le fichier n'est ni en UTF-8 ni en Windows-1252 (octet 0x82"),
        "{said:?}"
    );
    // Mac Roman's `è` is a byte Windows-1252 leaves undefined.
    assert!(
        problems(b"indicator;period;value\nx;2026-11-01;1\nmo\x8Fre\n")[0]
            .1
            .contains("0x8F")
    );
    // A Windows-1252 line pasted into a UTF-8 file.
    let mixed = [
        "indicator;period;value;comment\nx;2026-11-01;1;été\n".as_bytes(),
        &windows_1252("x;2026-11-02;1;été\n"),
    ]
    .concat();
    let said = problems(&mixed);
    assert_eq!(said[0].0, "lines[2]");
    assert!(said[0].2.contains("mélange deux encodages"), "{said:?}");
    assert!(
        problems(b"\xEF\xBB\xBFindicator\n\xE9t\xE9\n")[0]
            .2
            .contains("marque de l'UTF-8")
    );
    assert!(
        problems(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest")[0]
            .2
            .contains("97-2003")
    );
}

/// A workbook as Excel saves one: a header row, then typed cells.
fn workbook(write: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    write(sheet);
    book.save_to_buffer().expect("xlsx")
}

#[test]
fn xlsx_cells_are_read_by_type() {
    let date = CellFormat::new().set_num_format("dd/mm/yyyy");
    let bytes = workbook(|s| {
        for (column, name) in ["Indicateur", "Période", "Valeur", "Commentaire"]
            .into_iter()
            .enumerate()
        {
            s.write_string(0, column as u16, name).expect("cell");
        }
        // A date cell, a plain number, an integer.
        let d = ExcelDateTime::from_ymd(2026, 11, 30).expect("date");
        s.write_string(1, 0, "delai").expect("cell");
        s.write_datetime_with_format(1, 1, &d, &date).expect("cell");
        s.write_number(1, 2, 1234.5).expect("cell");
        s.write_string(1, 3, "enquête été").expect("cell");
        // A serial day number left in a General cell; a value typed as text, French way.
        s.write_string(3, 0, "delai").expect("cell");
        s.write_number(3, 1, 46_349.0).expect("cell");
        s.write_string(3, 2, "1 234,5").expect("cell");
    });
    let sheet = Sheet::read(&bytes, Columns::OneProduct).expect("readable");
    assert_eq!(sheet.layout().format(), Format::Xlsx);
    assert_eq!(rows(&bytes), two_weeks(1234.5));
}

#[test]
fn xlsx_problems_name_their_cell() {
    let bytes = workbook(|s| {
        // The header starts in column B, as a sheet with a margin column.
        for (column, name) in ["period", "indicator", "value"].into_iter().enumerate() {
            s.write_string(2, column as u16 + 1, name).expect("cell");
        }
        s.write_string(3, 1, "2026-11-02").expect("cell");
        s.write_string(3, 2, "delai").expect("cell");
        s.write_string(3, 3, "douze").expect("cell");
        s.write_number(4, 1, 12.0).expect("cell");
        s.write_string(4, 2, "delai").expect("cell");
        s.write_number(4, 3, 1.0).expect("cell");
    });
    let said = problems(&bytes);
    assert_eq!(said[0].0, "lines[4].value");
    let sheet = Sheet::read(&bytes, Columns::OneProduct).expect("readable");
    let place = sheet.layout().place(&said[0].0).expect("place");
    assert_eq!(place.french(), "ligne 4, colonne D (valeur)");
    assert_eq!(said[1].0, "lines[5].period");
    assert_eq!(said[1].1, "\"12\" is not a date (DD/MM/YYYY or YYYY-MM-DD)");
    let header = problems(&workbook(|s| {
        s.write_string(0, 0, "indicator").expect("cell");
    }));
    assert!(
        header[0]
            .2
            .contains("indicateur, période, valeur, commentaire, une par cellule")
    );
    let unreadable = problems(b"PK\x03\x04 not really a zip");
    assert_eq!(unreadable[0].0, "file");
    assert!(
        unreadable[0]
            .2
            .contains("n'est pas un classeur .xlsx lisible")
    );
}

#[test]
fn a_portfolio_file_gives_each_row_its_product() {
    let sheet = Sheet::read(
        b"produit;indicateur;periode;valeur\nbeta;delai;2026-11-02;1\n",
        Columns::ProductAllowed,
    )
    .expect("readable");
    assert!(sheet.layout().has_product());
    let rows = sheet.rows().expect("rows");
    assert_eq!(rows[0].product.as_deref(), Some("beta"));
    assert_eq!(rows[0].row.field, "lines[2]");
}

#[test]
fn column_letters_go_on_past_z() {
    assert_eq!(letters(0), "A");
    assert_eq!(letters(25), "Z");
    assert_eq!(letters(26), "AA");
    assert_eq!(letters(27), "AB");
    assert_eq!(letters(701), "ZZ");
    assert_eq!(letters(702), "AAA");
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
