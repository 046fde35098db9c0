//! `pilote sync betagouv --url` end to end, through the real binary, against a local HTTP
//! server serving the sample, then a changed copy of it (a new product, a new phase, a renamed
//! product, a product renamed on both sides), on both backends.

use std::{
    io::{BufRead, BufReader, Write},
    net::TcpListener,
    process::Command,
    sync::{Arc, Mutex},
};

use pilote_domain::{Phase, Slug};
use pilote_store::{
    Actor, Backend,
    repo::{phases, products, sheets},
    testing::TestDb,
    transaction,
};
use serde_json::{Value, json};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/betagouv/startups.json"
);

/// A one-file HTTP server: every GET gets the current body.
struct Catalogue {
    url: String,
    body: Arc<Mutex<Vec<u8>>>,
}

impl Catalogue {
    fn serve(body: Vec<u8>) -> Catalogue {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!(
            "http://{}/api/v2.7/startups.json",
            listener.local_addr().expect("address")
        );
        let body = Arc::new(Mutex::new(body));
        let served = Arc::clone(&body);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut line = String::new();
                // The request line and headers, up to the blank line.
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                    if line == "\r\n" {
                        break;
                    }
                    line.clear();
                }
                let body = served.lock().expect("body").clone();
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        Catalogue { url, body }
    }

    fn set(&self, body: Vec<u8>) {
        *self.body.lock().expect("body") = body;
    }
}

fn sync(url: &str, database: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_pilote"))
        .env_remove("DATABASE_URL")
        .env_remove("PILOTE_CONFIG")
        .env("RUST_LOG", "warn")
        .args(["sync", "betagouv", "--url", url, "--database-url", database])
        .output()
        .expect("run pilote");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn attributes<'a>(json: &'a mut Value, id: &str) -> &'a mut Value {
    json["data"]
        .as_array_mut()
        .expect("data")
        .iter_mut()
        .find(|s| s["id"] == id)
        .map(|s| &mut s["attributes"])
        .unwrap_or_else(|| panic!("no {id}"))
}

fn scenario(backend: Backend) {
    let db = TestDb::new(backend);
    let sample = std::fs::read(SAMPLE).expect("sample");
    let catalogue = Catalogue::serve(sample.clone());

    let first = sync(&catalogue.url, db.url());
    assert!(first.contains("lus 80, nouveaux 80"), "{first}");
    let again = sync(&catalogue.url, db.url());
    assert!(again.contains("Aucun changement"), "{again}");
    assert!(again.contains("conflits 0"), "{again}");

    // Someone renames `dialogue` in Pilote; the catalogue renames it too, differently.
    let mut conn = db.conn();
    let dialogue = Slug::parse("dialogue").expect("slug");
    transaction::write(&mut conn, |c| {
        let (id, mut product) = products::find(c, &dialogue)?;
        product.name = "Dialogue (Pilote)".to_owned();
        products::update(c, id, &product, Actor::System)
    })
    .expect("edit in Pilote");
    // And sets agora's thematiques in Pilote, which the catalogue changes too.
    let agora = Slug::parse("agora").expect("slug");
    transaction::write(&mut conn, |c| {
        let (id, _) = products::find(c, &agora)?;
        let mut sheet = sheets::get(c, id)?;
        sheet.thematiques = vec!["Démocratie".into(), "Participation".into()];
        sheets::set(c, id, sheet, Actor::System).map(|_| ())
    })
    .expect("sheet in Pilote");

    // The changed catalogue: a new product, agora renamed, dora's next phase, dialogue renamed.
    let mut json: Value = serde_json::from_slice(&sample).expect("json");
    attributes(&mut json, "agora")["name"] = "Agora 2".into();
    attributes(&mut json, "dialogue")["name"] = "Dialogue (catalogue)".into();
    attributes(&mut json, "agora")["thematiques"] = json!(["Citoyenneté"]);
    attributes(&mut json, "agora")["accessibility_status"] = "totalement conforme".into();
    attributes(&mut json, "dora")["stats_url"] = "https://dora.example.org/stats".into();
    let dora = attributes(&mut json, "dora");
    let last = dora["phases"]
        .as_array()
        .and_then(|p| p.last())
        .cloned()
        .expect("phases");
    assert_eq!(last["name"], "acceleration", "{last}");
    dora["phases"]
        .as_array_mut()
        .expect("phases")
        .push(json!({"name": "consolidation", "start": "2026-09-01"}));
    let mut new = json["data"][0].clone();
    new["id"] = "nouveau-produit".into();
    new["attributes"]["name"] = "Nouveau produit".into();
    json["data"].as_array_mut().expect("data").push(new);
    catalogue.set(serde_json::to_vec(&json).expect("json"));

    let changed = sync(&catalogue.url, db.url());
    assert!(
        changed.contains("lus 81, nouveaux 1, modifiés 2"),
        "{changed}"
    );
    assert!(changed.contains("nouveau  nouveau-produit"), "{changed}");
    assert!(
        changed.contains("modifié  agora: name, accessibility_status"),
        "{changed}"
    );
    assert!(
        changed.contains("modifié  dora: phases, links"),
        "{changed}"
    );
    assert!(changed.contains("conflit  agora thematiques"), "{changed}");
    assert!(
        changed.contains(
            "conflit  dialogue name : Pilote « Dialogue (Pilote) », catalogue « Dialogue (catalogue) »"
        ),
        "{changed}"
    );

    let name = |conn: &mut pilote_store::DbConnection, slug: &str| {
        products::find(conn, &Slug::parse(slug).expect("slug"))
            .expect(slug)
            .1
            .name
    };
    assert_eq!(name(&mut conn, "agora"), "Agora 2");
    assert_eq!(
        name(&mut conn, "dialogue"),
        "Dialogue (Pilote)",
        "never overwritten"
    );
    assert_eq!(name(&mut conn, "nouveau-produit"), "Nouveau produit");
    let (id, _) = products::find(&mut conn, &Slug::parse("dora").expect("slug")).expect("dora");
    let history = phases::history(&mut conn, id).expect("history");
    let current = history.current().expect("running");
    assert_eq!(current.phase, Phase::Perennisation);
    assert_eq!(current.started_on.to_string(), "2026-09-01");
    assert_eq!(products::count(&mut conn).expect("count"), 81);
    let sheet = |conn: &mut pilote_store::DbConnection, slug: &str| {
        let (id, _) = products::find(conn, &Slug::parse(slug).expect("slug")).expect(slug);
        sheets::get(conn, id).expect("sheet")
    };
    let dora_sheet = sheet(&mut conn, "dora");
    assert_eq!(
        dora_sheet.links.stats.as_deref(),
        Some("https://dora.example.org/stats")
    );
    let agora_sheet = sheet(&mut conn, "agora");
    assert_eq!(
        agora_sheet.thematiques,
        ["Démocratie", "Participation"],
        "never overwritten"
    );
    assert_eq!(
        agora_sheet.accessibility_status,
        Some(pilote_domain::AccessibilityStatus::FullyCompliant)
    );

    // The conflict was reported once: Pilote's value stays, and nothing is left to do.
    let last = sync(&catalogue.url, db.url());
    assert!(last.contains("Aucun changement"), "{last}");
    assert!(last.contains("conflits 0"), "{last}");
}

both_backends!(sync => scenario);
