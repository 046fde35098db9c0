//! `kill -9` under write load: every measure the server acknowledged (2xx) survives, with its
//! value, and the SQLite file passes `PRAGMA integrity_check`.
//!
//! A writer thread posts single measures and batches of up to 50 rows. Write `n` puts the value
//! `n + 0.25` (unique, exact in binary) at key `n % KEYS`, so keys are first created, then
//! replaced in later rounds. The server is killed at a seeded random moment; the request then
//! in flight may be stored or not, but whole or not at all.

use std::{
    collections::HashMap,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
        mpsc,
    },
    thread,
    time::Duration,
};

use chrono::NaiveDate;
use diesel::{QueryableByName, RunQueryDsl, sql_types::Text};
use pilote_domain::Slug;
use pilote_store::{
    Backend, Database, DbConnection, PoolOptions,
    repo::{indicators, measures, products},
};
use serde_json::json;

use super::{ADMIN, Client, PASSWORD, Rng, catalogue, seed, site, week};

const PRODUCT: &str = "ecrit-sous-crash";
const INDICATORS: [&str; 4] = ["visites", "demarches", "comptes", "delai"];
/// Keys per indicator: weekly periods over the last ~9 years.
const WEEKS: usize = 480;
const KEYS: usize = INDICATORS.len() * WEEKS;

/// A key's place: (indicator, period).
type Key = (String, NaiveDate);

fn key(n: usize) -> Key {
    let k = n % KEYS;
    (
        INDICATORS[k % INDICATORS.len()].to_owned(),
        week(1 + (k / INDICATORS.len()) as u64),
    )
}

fn value(n: usize) -> f64 {
    n as f64 + 0.25
}

/// What a writer saw before the server died.
struct Written {
    /// The writes (their numbers) answered 2xx.
    acknowledged: Vec<usize>,
    /// The writes of the request that got no answer: stored or not, both are correct.
    in_flight: Vec<usize>,
    next: usize,
    /// Any answer other than 2xx while the server was up: a failure.
    refusals: Vec<String>,
}

fn writer(client: Client, mut next: usize, mut rng: Rng, acks: Arc<AtomicUsize>) -> Written {
    let mut written = Written {
        acknowledged: Vec::new(),
        in_flight: Vec::new(),
        next,
        refusals: Vec::new(),
    };
    let path = format!("/api/v1/products/{PRODUCT}/measures");
    loop {
        // Half single measures, half batches of up to 50 rows.
        let size = if rng.below(2) == 0 {
            1
        } else {
            2 + rng.below(49) as usize
        };
        let writes: Vec<usize> = (next..next + size).collect();
        next += size;
        let rows: Vec<_> = writes
            .iter()
            .map(|&n| {
                let (indicator, period) = key(n);
                json!({"indicator": indicator, "period": period, "value": value(n)})
            })
            .collect();
        match client.post(&path, &json!({ "measures": rows })) {
            Ok((status, _)) if (200..300).contains(&status) => {
                written.acknowledged.extend(&writes);
                acks.fetch_add(writes.len(), Ordering::SeqCst);
            }
            Ok((status, body)) => {
                written.refusals.push(format!("{status}: {body}"));
                break;
            }
            Err(_) => {
                // The server is gone.
                written.in_flight = writes;
                break;
            }
        }
    }
    written.next = next;
    written
}

#[derive(QueryableByName)]
struct Integrity {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

/// `PRAGMA integrity_check` on a fresh connection to the file the killed server left.
fn integrity_check(url: &str) {
    let db = Database::open(url, &PoolOptions::default()).expect("open after the crash");
    let mut conn = db.get().expect("connection");
    let DbConnection::Sqlite(sqlite) = &mut *conn else {
        panic!("not SQLite: {url}");
    };
    let rows: Vec<Integrity> = diesel::sql_query("PRAGMA integrity_check")
        .load(sqlite)
        .expect("integrity_check");
    let verdict: Vec<&str> = rows.iter().map(|r| r.integrity_check.as_str()).collect();
    assert_eq!(verdict, ["ok"], "PRAGMA integrity_check after kill -9");
}

/// Every stored (indicator, period) → value of the product.
fn stored(url: &str) -> HashMap<Key, f64> {
    let db = Database::open(url, &PoolOptions::default()).expect("open");
    let mut conn = db.get().expect("connection");
    let product =
        products::id_of(&mut conn, &Slug::parse(PRODUCT).expect("slug")).expect("product");
    let mut all = HashMap::new();
    for name in INDICATORS {
        let (id, _) = indicators::find(&mut conn, product, &Slug::parse(name).expect("slug"))
            .expect("indicator");
        for m in measures::series(&mut conn, id, None).expect("series") {
            all.insert((name.to_owned(), m.period), m.value);
        }
    }
    all
}

fn crash_and_recover(backend: Backend, rounds: usize) {
    let seed = seed(&format!("crash on {backend:?}"));
    let mut rng = Rng::new(seed);
    let site = site(backend);
    let url = site.db.url().to_owned();
    let mut server = site.start(&[]);
    let admin = server.login(ADMIN, PASSWORD);
    catalogue(&server, &admin, &[PRODUCT], &INDICATORS);

    // Per key: the last acknowledged write, and a later unanswered one that may have landed.
    let mut expected: HashMap<Key, (Option<usize>, Option<usize>)> = HashMap::new();
    let mut next = 0;
    for round in 0..rounds {
        let acks = Arc::new(AtomicUsize::new(0));
        let (done, finished) = mpsc::channel();
        let client = Client::new(&server.base, &admin);
        let writer_rng = Rng::new(rng.next());
        let counter = acks.clone();
        thread::spawn(move || {
            let _ = done.send(writer(client, next, writer_rng, counter));
        });
        // Kill at a random moment once writes are flowing: 20 to 1 500 ms after the first
        // acknowledgement.
        while acks.load(Ordering::SeqCst) == 0 {
            if let Ok(written) = finished.try_recv() {
                panic!(
                    "the writer stopped before any write: {:?}",
                    written.refusals
                );
            }
            thread::sleep(Duration::from_millis(5));
        }
        let delay = 20 + rng.below(1_480);
        thread::sleep(Duration::from_millis(delay));
        drop(server); // SIGKILL, then wait.
        let written = finished
            .recv_timeout(Duration::from_secs(120))
            .expect("the writer ends once the server is gone");
        eprintln!(
            "round {round}: killed after {delay} ms, {} writes acknowledged, {} in flight",
            written.acknowledged.len(),
            written.in_flight.len()
        );
        assert!(
            written.refusals.is_empty(),
            "refused while up: {:?}",
            written.refusals
        );
        for &n in &written.acknowledged {
            expected.insert(key(n), (Some(n), None));
        }
        for &n in &written.in_flight {
            expected.entry(key(n)).or_default().1 = Some(n);
        }
        next = written.next;

        if backend == Backend::Sqlite {
            integrity_check(&url);
        }
        server = site.start(&[]);
        assert_eq!(server.get("/readyz").0, 200);
        let stored = stored(&url);
        let mut wrong = Vec::new();
        for (key, (acked, unanswered)) in &expected {
            let got = stored.get(key).copied();
            let fine =
                got == acked.map(value) || (unanswered.is_some() && got == unanswered.map(value));
            if !fine {
                wrong.push((key.clone(), acked.map(value), got));
            }
        }
        assert!(
            wrong.is_empty(),
            "seed {seed}, round {round}: {} acknowledged measures lost or changed, e.g. {:?}",
            wrong.len(),
            &wrong[..wrong.len().min(5)]
        );
        assert!(
            stored.keys().all(|k| expected.contains_key(k)),
            "a measure was stored that was never sent"
        );
        let landed = written
            .in_flight
            .iter()
            .filter(|&&n| stored.get(&key(n)) == Some(&value(n)))
            .count();
        assert!(
            landed == 0 || landed == written.in_flight.len(),
            "the unanswered batch was half stored: {landed} of {}",
            written.in_flight.len()
        );
        // From now on what is stored is what later rounds must find.
        for (key, entry) in expected.iter_mut() {
            if let Some(n) = entry.1.take()
                && stored.get(key) == Some(&value(n))
            {
                entry.0 = Some(n);
            }
        }
        expected.retain(|_, e| e.0.is_some());
    }
}

#[test]
fn kill_9_under_writes_loses_no_acknowledged_measure_on_sqlite() {
    crash_and_recover(Backend::Sqlite, 3);
}

#[test]
fn kill_9_under_writes_loses_no_acknowledged_measure_on_postgres() {
    crash_and_recover(Backend::Postgres, 3);
}
