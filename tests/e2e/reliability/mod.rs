//! The reliability suite (issue 9): crashes, concurrency and hostile input against the real
//! binary, on SQLite and PostgreSQL, over loopback. `docs/testing.md` lists each test, its time
//! bound and how to run it alone.
//!
//! Randomised tests print their seed; `RELIABILITY_SEED=N` replays one.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{Datelike, Days, NaiveDate, Utc};
use serde_json::{Value, json};

use pilote_store::Backend;

use crate::helpers::Server;
use crate::world::{PASSWORD, Site};

mod concurrency;
mod crash;
mod injection;
mod jwt;
mod schemathesis;

const ADMIN: &str = "admin@test.gouv.fr";

/// A fresh database with an administrator, and the directory the servers run in.
pub fn site(backend: Backend) -> Site {
    let site = Site::new(backend);
    site.user(ADMIN, &["--role", "admin"]);
    site
}

/// Creates incubator `dinum`, then each product with the given weekly indicators, as admin.
pub fn catalogue(server: &Server, admin: &str, products: &[&str], indicators: &[&str]) {
    let created = server.json_as(
        "POST",
        "/api/v1/incubators",
        Some(admin),
        &json!({"slug": "dinum", "name": "DINUM", "administration": "État"}),
    );
    assert_eq!(created.status, 201, "{:?}", created.body);
    for product in products {
        let created = server.json_as(
            "POST",
            "/api/v1/products",
            Some(admin),
            &json!({"slug": product, "name": product, "pitch": "Tenir sous la charge",
                "incubator": "dinum", "sponsor": "DINUM", "started_on": "2015-01-05"}),
        );
        assert_eq!(created.status, 201, "{:?}", created.body);
        for key in indicators {
            let created = server.json_as(
                "POST",
                &format!("/api/v1/products/{product}/indicators"),
                Some(admin),
                &json!({"key": key, "label": key, "unit": "u", "direction": "increase",
                    "principle": "used", "periodicity": "week"}),
            );
            assert_eq!(created.status, 201, "{:?}", created.body);
        }
    }
}

/// The Monday `weeks` weeks before this week's: a complete period, never in the future.
pub fn week(weeks: u64) -> NaiveDate {
    let today = Utc::now().date_naive();
    let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
    monday - Days::new(7 * weeks)
}

/// A keep-alive HTTP client for worker threads, which must see transport errors (a killed
/// server) instead of panicking as `Server::send` does.
pub struct Client {
    agent: ureq::Agent,
    base: String,
    token: String,
}

impl Client {
    pub fn new(base: &str, token: &str) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Client {
            agent,
            base: base.to_owned(),
            token: token.to_owned(),
        }
    }

    /// POSTs JSON; the status and body, or the transport error.
    pub fn post(&self, path: &str, body: &Value) -> Result<(u16, String), ureq::Error> {
        let mut response = self
            .agent
            .post(&format!("{}{path}", self.base))
            .header("Authorization", &format!("Bearer {}", self.token))
            .content_type("application/json")
            .send(body.to_string())?;
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string()?;
        Ok((status, text))
    }
}

/// The seed of a randomised test: `RELIABILITY_SEED` or the clock, printed for replay.
pub fn seed(test: &str) -> u64 {
    let seed = std::env::var("RELIABILITY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    eprintln!("{test}: seed {seed} (RELIABILITY_SEED={seed} replays it)");
    seed
}

/// SplitMix64: a few lines instead of a dependency, and stable across versions.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}
