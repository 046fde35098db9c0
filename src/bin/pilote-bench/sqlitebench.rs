//! SQLite's own rate for the single-value post's transaction, in plain SQL: what
//! [`crate::pgbench`] measures on PostgreSQL. The product's row read in a write transaction
//! (`BEGIN IMMEDIATE`: SQLite locks the whole database for one writer), the replaced value
//! copied into `measure_history`, the value upserted, an audit row, `COMMIT`; one connection
//! (SQLite lets one writer in), set up as the server's are (WAL, `synchronous = NORMAL`), one
//! transaction after the other for the load's duration, on the bench's database as the server
//! left it. Each transaction is sent as text, parsed every time, as `pgbench` sends its script.
//! Also with 32 posts a transaction: the most the server's group commit could gain.

use std::time::{Duration, Instant};

use anyhow::bail;
use chrono::{Days, NaiveDate, Utc};
use diesel::connection::SimpleConnection;
use pilote_store::DatabaseUrl;

use crate::{portfolio::BenchProduct, rng::Rng};

/// One post's statements: a random indicator among the bench's and a random stored week, as
/// the HTTP load posts.
fn post(indicator: i64, period: NaiveDate, value: usize) -> String {
    let now = Utc::now().naive_utc().format("%Y-%m-%d %H:%M:%S%.6f");
    format!(
        "SELECT p.id, i.slug FROM products p JOIN incubators i ON i.id = p.incubator_id WHERE p.id = (SELECT product_id FROM indicators WHERE id = {indicator});
INSERT INTO measure_history (measure_id, value, comment, source, author_user_id, author_token_id, recorded_at, replaced_at, suspect) SELECT id, value, comment, source, author_user_id, author_token_id, recorded_at, '{now}', suspect FROM measures WHERE indicator_id = {indicator} AND period = '{period}';
INSERT INTO measures (indicator_id, period, value, comment, source, author_user_id, author_token_id, recorded_at, suspect) VALUES ({indicator}, '{period}', {value}, NULL, 'api', NULL, NULL, '{now}', 0) ON CONFLICT (indicator_id, period) DO UPDATE SET value = excluded.value, comment = excluded.comment, source = excluded.source, author_user_id = excluded.author_user_id, author_token_id = excluded.author_token_id, recorded_at = excluded.recorded_at, suspect = excluded.suspect;
INSERT INTO audit_log (at, actor, action, entity, entity_key, before, after) VALUES ('{now}', 'system', 'measures.post', 'product', 'sqlitebench', NULL, '{{}}');
"
    )
}

/// Posts per second of [`post`] on one connection for `load`, `per_commit` posts in each
/// transaction: 1 is the engine's rate for the post's transaction; more is what a group commit
/// (the server's writer commits the posts waiting together) could reach at best.
pub fn tps(
    url: &str,
    products: &[BenchProduct],
    weeks: usize,
    newest: NaiveDate,
    load: Duration,
    per_commit: usize,
) -> anyhow::Result<f64> {
    let indicators: Vec<i64> = products
        .iter()
        .flat_map(|p| p.indicators.iter().map(|i| i.0))
        .collect();
    if indicators.is_empty() || weeks == 0 {
        bail!("no indicator or week to write");
    }
    let mut conn = DatabaseUrl::parse(url)?.establish()?;
    let mut rng = Rng::new(23);
    let started = Instant::now();
    let mut done = 0u64;
    while started.elapsed() < load {
        let mut transaction = String::from("BEGIN IMMEDIATE;\n");
        for _ in 0..per_commit.max(1) {
            let indicator = indicators[rng.below(indicators.len())];
            let period = newest - Days::new(7 * rng.below(weeks) as u64);
            transaction.push_str(&post(indicator, period, rng.below(100_000)));
        }
        transaction.push_str("COMMIT;");
        conn.batch_execute(&transaction)?;
        done += per_commit.max(1) as u64;
    }
    Ok(done as f64 / started.elapsed().as_secs_f64())
}
