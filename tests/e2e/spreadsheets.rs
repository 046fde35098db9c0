//! The one reader of measure files end to end, on SQLite and PostgreSQL, with files made the
//! way French Excel saves them: a Windows-1252 « CSV (séparateur : point-virgule) » with a
//! French header, `30/11/2026` dates and `1 234,5` values, and an `.xlsx` workbook (date
//! cells, serial day numbers), each through the API, the page (preview, then confirmation)
//! and `pilote import measures`; the comment « enquête été » comes out intact everywhere.
//! Refusals name their cell the same way on each (« ligne 3, colonne C (valeur) », `line 3,
//! column C (value)`), and nothing is written; the preview warns of suspect values.

use std::process::Output;

use chrono::{Datelike, Days, NaiveDate, Utc};
use pilote_store::Backend;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::json;

use crate::{
    commands::{ok, run},
    helpers::Reply,
    pages::{
        client::{call, csrf_field, input_value, post_multipart_bytes, text},
        sign_in_as,
    },
    world::{PRODUCT, World},
};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const MEMBER: &str = "member@test.gouv.fr";
const UPLOAD: &str = "/produits/mon-produit/mesures/csv";

/// French text as Windows-1252 bytes, as Excel writes its « CSV (séparateur : point-virgule) »:
/// for the Latin-1 letters and the no-break space the tests use, one byte each, the code point.
fn windows_1252(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| {
            let byte = u8::try_from(u32::from(c)).expect("a Latin-1 character");
            assert!(!(0x80..0xA0).contains(&byte), "where Windows-1252 differs");
            byte
        })
        .collect()
}

/// A workbook as Excel saves one: a header row, then (indicator, date, value, comment) rows,
/// the date a date cell, or a plain serial number when `serial`.
fn workbook(rows: &[(&str, NaiveDate, f64, &str)], serial: bool) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (column, name) in ["Indicateur", "Période", "Valeur", "Commentaire"]
        .into_iter()
        .enumerate()
    {
        sheet.write_string(0, column as u16, name).expect("cell");
    }
    for (row, (indicator, day, value, comment)) in (1u32..).zip(rows) {
        sheet.write_string(row, 0, *indicator).expect("cell");
        let cell = ExcelDateTime::from_ymd(day.year() as u16, day.month() as u8, day.day() as u8)
            .expect("date");
        if serial {
            sheet.write_number(row, 1, cell.to_excel()).expect("cell");
        } else {
            sheet
                .write_datetime_with_format(row, 1, &cell, &date)
                .expect("cell");
        }
        sheet.write_number(row, 2, *value).expect("cell");
        if !comment.is_empty() {
            sheet.write_string(row, 3, *comment).expect("cell");
        }
    }
    book.save_to_buffer().expect("xlsx")
}

/// Monday of the week `weeks` before the current one.
fn monday(weeks: u64) -> NaiveDate {
    let today = Utc::now().date_naive();
    let this = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
    this - Days::new(7 * weeks)
}

fn day(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// The product's values as the API's CSV export gives them, one line each.
fn exported(w: &World) -> String {
    let reply = w
        .server()
        .get_as(&format!("{PRODUCT}/measures.csv"), &w.member);
    assert_eq!(reply.status, 200);
    reply.body.as_str().expect("CSV").to_owned()
}

/// The member, signed in on the pages: the session cookie and the form's CSRF token.
fn page_session(w: &World) -> (String, String) {
    let cookie = sign_in_as(w.server(), MEMBER);
    let form = call(
        w.server(),
        "GET",
        "/produits/mon-produit/mesures",
        &cookie,
        None,
    );
    assert_eq!(form.status, 200);
    let csrf = csrf_field(text(&form));
    (cookie, csrf)
}

/// The page's preview of a file.
fn preview(w: &World, (cookie, csrf): &(String, String), name: &str, file: &[u8]) -> Reply {
    post_multipart_bytes(
        w.server(),
        UPLOAD,
        cookie,
        &[
            ("csrf", None, csrf.as_bytes()),
            ("fichier", Some(name), file),
        ],
    )
}

/// Confirms a preview: the file it carries, posted back.
fn confirm(w: &World, (cookie, csrf): &(String, String), preview: &Reply) -> Reply {
    let carried = input_value(text(preview), "fichier");
    post_multipart_bytes(
        w.server(),
        &format!("{UPLOAD}/confirmer"),
        cookie,
        &[
            ("csrf", None, csrf.as_bytes()),
            ("fichier", None, carried.as_bytes()),
        ],
    )
}

/// `pilote import measures FILE --product mon-produit` on the world's database.
fn import(w: &World, file: &str) -> Output {
    let args = ["import", "measures", file, "--product", "mon-produit"];
    run(
        w.dir(),
        &[&args[..], &["--database-url", w.db_url()]].concat(),
    )
}

/// The first problem of an API refusal: (field, problem).
fn first_problem(reply: &Reply) -> (String, String) {
    let detail = &reply.body["error"]["details"][0];
    (
        detail["field"].as_str().unwrap_or_default().to_owned(),
        detail["problem"].as_str().unwrap_or_default().to_owned(),
    )
}

fn scenario(backend: Backend) {
    let w = World::on(backend).start();
    w.weekly_indicators(&[
        ("demarches", "increase"),
        ("delai", "decrease"),
        ("visites", "increase"),
    ]);
    let session = page_session(&w);
    let path = format!("{PRODUCT}/measures.csv");

    // French Excel's CSV: Windows-1252, `;`, CRLF, French header, a no-break space in
    // `1 234,5`, a trailing line of separators. Through the API, then through the page.
    let excel = windows_1252(
        "indicateur;période;valeur;commentaire\r\n\
         demarches;30/11/2026;1\u{A0}234,5;enquête été\r\n;;;\r\n",
    );
    assert!(std::str::from_utf8(&excel).is_err(), "not UTF-8");
    let posted = w.server().post_file(&path, &w.member, "text/csv", &excel);
    assert_eq!(posted.status, 200, "{:?}", posted.body);
    assert_eq!(posted.body["created"], 1);
    assert!(
        exported(&w).contains("demarches,2026-11-30,1234.5,enquête été"),
        "{}",
        exported(&w)
    );
    // The same file on the page: the same reading, so nothing would change.
    let same = preview(&w, &session, "mesures.csv", &excel);
    assert_eq!(same.status, 200, "{:?}", same.body);
    assert!(text(&same).contains("Inchangée"), "{}", text(&same));
    let page_file = windows_1252(
        "Indicateur;Période;Valeur;Commentaire\r\n\
         delai;23/11/2026;1 234,5;enquête été\r\n\r\n",
    );
    let shown = preview(&w, &session, "mesures.csv", &page_file);
    assert_eq!(shown.status, 200, "{:?}", shown.body);
    assert!(text(&shown).contains("Créée"), "{}", text(&shown));
    assert!(
        !exported(&w).contains("delai,"),
        "the preview writes nothing"
    );
    let confirmed = confirm(&w, &session, &shown);
    assert_eq!(confirmed.status, 303, "{:?}", confirmed.body);
    assert!(
        exported(&w).contains("delai,2026-11-23,1234.5,enquête été"),
        "{}",
        exported(&w)
    );

    // An `.xlsx` workbook: date cells through the API, serial numbers through the page and
    // the command line.
    let book = workbook(
        &[("demarches", day("2026-11-16"), 987.25, "enquête été")],
        false,
    );
    let posted = w.server().post_file(&path, &w.member, XLSX, &book);
    assert_eq!(posted.status, 200, "{:?}", posted.body);
    assert_eq!(posted.body["created"], 1);
    assert!(exported(&w).contains("demarches,2026-11-16,987.25,enquête été"));
    let corrected = workbook(&[("demarches", day("2026-11-16"), 990.5, "corrigé")], true);
    let shown = preview(&w, &session, "mesures.xlsx", &corrected);
    assert_eq!(shown.status, 200, "{:?}", shown.body);
    assert!(text(&shown).contains("Modifiée"), "{}", text(&shown));
    assert!(text(&shown).contains("987,25"), "the old value");
    let confirmed = confirm(&w, &session, &shown);
    assert_eq!(confirmed.status, 303, "{:?}", confirmed.body);
    assert!(exported(&w).contains("demarches,2026-11-16,990.5,corrigé"));
    let cli_book = workbook(&[("delai", day("2026-11-09"), 4.0, "enquête été")], true);
    std::fs::write(w.dir().join("mesures.xlsx"), &cli_book).expect("write");
    let imported = import(&w, "mesures.xlsx");
    assert!(ok(&imported).contains("1 créées"), "{}", ok(&imported));
    assert!(exported(&w).contains("delai,2026-11-09,4,enquête été"));

    // Refusals name the cell, the same on each way in, and write nothing.
    let before = exported(&w);
    let bad = {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for (column, name) in ["indicator", "period", "value"].into_iter().enumerate() {
            sheet.write_string(0, column as u16, name).expect("cell");
        }
        for row in [1, 2] {
            sheet.write_string(row, 0, "delai").expect("cell");
            sheet.write_string(row, 1, "02/11/2026").expect("cell");
        }
        sheet.write_number(1, 2, 1.0).expect("cell");
        sheet.write_string(2, 2, "douze").expect("cell");
        book.save_to_buffer().expect("xlsx")
    };
    let refused = w.server().post_file(&path, &w.member, XLSX, &bad);
    assert_eq!(refused.status, 422, "{:?}", refused.body);
    assert_eq!(
        first_problem(&refused),
        (
            "lines[3].value".to_owned(),
            "line 3, column C (value): \"douze\" is not a number".to_owned()
        )
    );
    let page = preview(&w, &session, "mesures.xlsx", &bad);
    assert_eq!(page.status, 422);
    assert!(
        text(&page).contains(
            "ligne 3, colonne C (valeur)</td><td>&#34;douze&#34; n&#39;est pas un nombre"
        ),
        "{}",
        text(&page)
    );
    std::fs::write(w.dir().join("bad.xlsx"), &bad).expect("write");
    let cli = import(&w, "bad.xlsx");
    assert_eq!(cli.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&cli.stderr)
            .contains("ligne 3, colonne C (valeur) : \"douze\" n'est pas un nombre"),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    // An MS-DOS file (`é` is 0x82 there) is refused by name, never stored mis-decoded.
    let dos = b"indicator;period;value;comment\r\ndelai;02/11/2026;1;t\x82l\x82phone\r\n";
    let refused = w.server().post_file(&path, &w.member, "text/csv", dos);
    assert_eq!(refused.status, 422, "{:?}", refused.body);
    let (field, problem) = first_problem(&refused);
    assert_eq!(field, "lines[2]");
    assert!(
        problem.contains("neither UTF-8 nor Windows-1252 (byte 0x82"),
        "{problem}"
    );
    let page = preview(&w, &session, "mesures.csv", dos);
    assert_eq!(page.status, 422);
    assert!(
        text(&page).contains("n&#39;est ni en UTF-8 ni en Windows-1252 (octet 0x82"),
        "{}",
        text(&page)
    );
    // A header the reader does not know says what it expects, with the file's separator.
    let header = preview(&w, &session, "mesures.csv", b"indic;periode;valeur\r\n");
    assert_eq!(header.status, 422);
    assert!(text(&header).contains("indicateur;période;valeur;commentaire"));
    assert_eq!(exported(&w), before, "nothing written");

    // The preview warns of a suspect value as the single-value form does.
    let history: Vec<_> = (2..=9)
        .map(|week| json!({"indicator": "visites", "period": monday(week), "value": 100 + week}))
        .collect();
    w.expect(
        200,
        "POST",
        &format!("{PRODUCT}/measures"),
        Some(&w.member),
        Some(&json!({ "measures": history })),
    );
    let outlier = format!(
        "indicateur;période;valeur\r\nvisites;{};100000\r\n",
        monday(1)
    );
    let shown = preview(&w, &session, "mesures.csv", outlier.as_bytes());
    assert_eq!(shown.status, 200, "{:?}", shown.body);
    assert!(
        text(&shown).contains("Une valeur semble suspecte"),
        "{}",
        text(&shown)
    );
    assert!(
        text(&shown).contains("Valeur très éloignée"),
        "{}",
        text(&shown)
    );
}

both_backends!(excel_files_through_api_page_and_cli => scenario);
