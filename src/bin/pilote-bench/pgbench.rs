//! PostgreSQL's own rate for the single-value post's transaction, in plain SQL through
//! `pgbench` (issue 23): the product's row locked, the replaced value copied into
//! `measure_history`, the value upserted, an audit row; 8 clients, on the bench's database
//! as the server left it, at the same moment.

use std::{path::Path, process::Command, time::Duration};

use anyhow::{Context, bail};
use chrono::NaiveDate;

use crate::portfolio::BenchProduct;

/// The transaction, as `pgbench` runs it: a random indicator among the bench's (their ids are
/// consecutive) and a random stored week, as the HTTP load posts.
fn script(first: i64, last: i64, weeks: usize, newest: NaiveDate) -> String {
    format!(
        r"\set ind random({first}, {last})
\set w random(0, {last_week})
\set v random(0, 99999)
BEGIN;
SELECT p.id, i.slug FROM products p JOIN incubators i ON i.id = p.incubator_id WHERE p.id = (SELECT product_id FROM indicators WHERE id = :ind) FOR UPDATE OF p;
INSERT INTO measure_history (measure_id, value, comment, source, author_user_id, author_token_id, recorded_at, replaced_at, suspect) SELECT id, value, comment, source, author_user_id, author_token_id, recorded_at, now(), suspect FROM measures WHERE indicator_id = :ind AND period = DATE '{newest}' - 7 * :w;
INSERT INTO measures (indicator_id, period, value, comment, source, author_user_id, author_token_id, recorded_at, suspect) VALUES (:ind, DATE '{newest}' - 7 * :w, :v, NULL, 'api', NULL, NULL, now(), false) ON CONFLICT (indicator_id, period) DO UPDATE SET value = excluded.value, comment = excluded.comment, source = excluded.source, author_user_id = excluded.author_user_id, author_token_id = excluded.author_token_id, recorded_at = excluded.recorded_at, suspect = excluded.suspect;
INSERT INTO audit_log (at, actor, action, entity, entity_key, before, after) VALUES (now(), 'system', 'measures.post', 'product', 'pgbench', NULL, '{{}}');
END;
",
        last_week = weeks.saturating_sub(1)
    )
}

/// Transactions per second of [`script`] with `clients` clients for `load`.
pub fn tps(
    url: &str,
    workdir: &Path,
    products: &[BenchProduct],
    weeks: usize,
    newest: NaiveDate,
    clients: usize,
    load: Duration,
) -> anyhow::Result<f64> {
    let ids: Vec<i64> = products
        .iter()
        .flat_map(|p| p.indicators.iter().map(|i| i.0))
        .collect();
    let (first, last) = match (ids.iter().min(), ids.iter().max()) {
        (Some(&first), Some(&last)) if (last - first + 1) as usize == ids.len() => (first, last),
        _ => bail!("the bench's indicator ids are not consecutive"),
    };
    let path = workdir.join("pgbench-single-post.sql");
    std::fs::write(&path, script(first, last, weeks, newest))?;
    let seconds = load.as_secs().max(1).to_string();
    let clients = clients.to_string();
    let output = Command::new("pgbench")
        .args(["-n", "-c", &clients, "-j", "2", "-T", &seconds, "-f"])
        .arg(&path)
        .arg(url)
        .output()
        .context("pgbench (Debian: apt-get install postgresql-contrib or postgresql-client)")?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "pgbench failed: {}{}",
            text,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    text.lines()
        .find_map(|line| line.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse::<f64>().ok())
        .with_context(|| format!("no tps in pgbench's output: {text}"))
}
