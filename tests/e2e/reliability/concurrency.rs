//! 64 clients at once: no 5xx (SQLite's "database is locked" never reaches a client), no lost
//! write (the history of a contended period holds every accepted value, and the current value
//! is one of them).
//!
//! Client `c` works on product `c % 4`. Each round it posts one value to the hot period (the
//! same indicator and week for all 64 clients), then a batch of two rows: a week of its own,
//! and its product's warm week (shared by the 16 clients of that product). Every value
//! is distinct, so every accepted post makes exactly one version.

use std::{
    collections::{BTreeSet, HashMap},
    sync::{Arc, Barrier},
    thread,
};

use chrono::NaiveDate;
use serde_json::{Value, json};

use pilote_store::Backend;

use super::{ADMIN, Client, PASSWORD, catalogue, site, week};
use crate::helpers::Server;

const CLIENTS: usize = 64;
const ROUNDS: usize = 4;
const PRODUCTS: [&str; 4] = ["charge-a", "charge-b", "charge-c", "charge-d"];
const HOT_PRODUCT: &str = PRODUCTS[0];

fn hot_week() -> NaiveDate {
    week(1)
}

fn warm_week() -> NaiveDate {
    week(2)
}

fn own_week(client: usize, round: usize) -> NaiveDate {
    week(3 + ((client / PRODUCTS.len()) * ROUNDS + round) as u64)
}

/// What one client posted and how the server answered.
struct Post {
    product: &'static str,
    rows: Vec<(NaiveDate, f64)>,
    status: u16,
    body: String,
}

fn client(c: usize, client: Client, start: Arc<Barrier>) -> Vec<Post> {
    let product = PRODUCTS[c % PRODUCTS.len()];
    let mut posts = Vec::new();
    start.wait();
    for round in 0..ROUNDS {
        let value = |slot: usize| (c * 100 + round * 10 + slot) as f64 + 0.5;
        let requests = [
            (HOT_PRODUCT, vec![(hot_week(), value(0))]),
            (
                product,
                vec![(own_week(c, round), value(1)), (warm_week(), value(2))],
            ),
        ];
        for (product, rows) in requests {
            let measures: Vec<Value> = rows
                .iter()
                .map(|(period, value)| json!({"indicator": "visites", "period": period, "value": value}))
                .collect();
            let (status, body) = client
                .post(
                    &format!("/api/v1/products/{product}/measures"),
                    &json!({ "measures": measures }),
                )
                .unwrap_or_else(|e| (0, format!("transport error: {e}")));
            posts.push(Post {
                product,
                rows,
                status,
                body,
            });
        }
    }
    posts
}

/// Every version of one period, current first: (value, replaced or not).
fn history(server: &Server, token: &str, product: &str, period: NaiveDate) -> Vec<(f64, bool)> {
    let reply = server.get_as(
        &format!(
            "/api/v1/products/{product}/indicators/visites/measures/{period}/history?per_page=500"
        ),
        token,
    );
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    reply.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|v| {
            (
                v["value"].as_f64().expect("value"),
                v["replaced_at"].is_string(),
            )
        })
        .collect()
}

fn sixty_four_clients(backend: Backend) {
    let site = site(backend);
    let server = site.start(&[]);
    let admin = server.login(ADMIN, PASSWORD);
    catalogue(&server, &admin, &PRODUCTS, &["visites"]);

    let start = Arc::new(Barrier::new(CLIENTS));
    let workers: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (http, start) = (Client::new(&server.base, &admin), start.clone());
            thread::spawn(move || client(c, http, start))
        })
        .collect();
    let posts: Vec<Post> = workers
        .into_iter()
        .flat_map(|w| w.join().expect("client thread"))
        .collect();
    assert_eq!(posts.len(), CLIENTS * ROUNDS * 2);

    let failed: Vec<String> = posts
        .iter()
        .filter(|p| p.status != 200)
        .map(|p| format!("{} {}: {}", p.product, p.status, p.body))
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} posts failed, e.g. {:?}",
        failed.len(),
        posts.len(),
        &failed[..failed.len().min(5)]
    );

    // Accepted values per (product, period).
    let mut accepted: HashMap<(&str, NaiveDate), Vec<f64>> = HashMap::new();
    for post in &posts {
        for &(period, value) in &post.rows {
            accepted
                .entry((post.product, period))
                .or_default()
                .push(value);
        }
    }
    assert_eq!(accepted[&(HOT_PRODUCT, hot_week())].len(), CLIENTS * ROUNDS);
    for ((product, period), values) in &accepted {
        let versions = history(&server, &admin, product, *period);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<BTreeSet<_>>();
        let kept: Vec<f64> = versions.iter().map(|v| v.0).collect();
        assert_eq!(
            (kept.len(), bits(&kept)),
            (values.len(), bits(values)),
            "{product} {period}: the history holds every accepted value, once"
        );
        let (current, replaced) = versions[0];
        assert!(
            !replaced,
            "{product} {period}: the current version comes first"
        );
        assert!(values.contains(&current));
        assert!(
            versions[1..].iter().all(|v| v.1),
            "older versions are replaced"
        );
    }
}

both_backends!(sixty_four_concurrent_clients_lose_nothing => sixty_four_clients);
