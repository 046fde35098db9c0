//! The State-scale reads of issue 23: the portfolio's matrix and the efficiency chart, timed
//! with the other reads (before and after doubling the measures), against the portfolio
//! summary read in the same run (target: at most twice its time). The products get two years
//! of monthly spend first, so that the efficiency figures are computed, not skipped.

use std::{net::SocketAddr, time::Instant};

use anyhow::bail;
use chrono::{Months, NaiveDate};
use pilote_domain::{Period, Periodicity, Spend};
use pilote_store::{
    Actor, DbConnection, StoreResult,
    repo::{matrix_versions, spend},
    transaction,
};

use crate::{
    http::{Client, request},
    portfolio::BenchProduct,
    report::{Figure, factor, millis},
};

/// The reads this module adds to the timed ones: (label, path).
pub const ROUTES: [(&str, &str); 2] = [
    ("GET /api/v1/portfolio/matrix", "/api/v1/portfolio/matrix"),
    (
        "GET /charts/portfolio/efficiency.svg",
        "/charts/portfolio/efficiency.svg",
    ),
];

/// The baseline they are compared with.
const BASELINE: &str = "GET /api/v1/portfolio";

/// Writes 25 months of spend per product (the efficiency's two years and the month before).
pub fn spend(
    conn: &mut DbConnection,
    products: &[BenchProduct],
    today: NaiveDate,
) -> StoreResult<()> {
    let this_month = Period::containing(Periodicity::Month, today).start();
    for chunk in products.chunks(100) {
        transaction::write(conn, |c| {
            for (n, product) in chunk.iter().enumerate() {
                for back in 1..=25_u32 {
                    let Some(month) = this_month.checked_sub_months(Months::new(back)) else {
                        continue;
                    };
                    let amount = 20_000 + 500 * i64::from(back) + 37 * n as i64;
                    spend::upsert(c, product.id, Spend { month, amount }, Actor::System, today)?;
                }
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// Each added read's median against the portfolio summary's, from the same series of reads.
pub fn ratios(backend: &str, reads: &[(&'static str, f64)], when: &str) -> Vec<Figure> {
    let Some(&(_, baseline)) = reads.iter().find(|(what, _)| *what == BASELINE) else {
        return Vec::new();
    };
    reads
        .iter()
        .filter(|(what, _)| ROUTES.iter().any(|(label, _)| label == what))
        .map(|&(what, ms)| {
            let ratio = ms / baseline.max(1e-9);
            Figure::new(backend, format!("{what} against {BASELINE}, {when}"))
                .value(millis(ms))
                .baseline(millis(baseline) + " (" + BASELINE + ")")
                .ratio(factor(ratio))
                .target("≤ 2× the portfolio", ratio <= 2.0)
        })
        .collect()
}

/// The added reads when nothing they computed can be reused: before each request every
/// product's matrix version is moved (as a change to every product would), so the server
/// recomputes every matrix. The worst case of the cache the steady-state reads hit; medians
/// of `repeats`, against the portfolio summary's median `baseline` from the warm reads.
pub fn cold(
    conn: &mut DbConnection,
    addr: SocketAddr,
    token: &str,
    repeats: usize,
    backend: &str,
    baseline: f64,
) -> anyhow::Result<Vec<Figure>> {
    let mut client = Client::new(addr);
    let mut figures = Vec::new();
    for (what, path) in ROUTES {
        let bytes = request("GET", path, Some(token), None);
        let mut times = Vec::with_capacity(repeats);
        for _ in 0..repeats.max(1) {
            transaction::write(conn, matrix_versions::bump_all)?;
            let started = Instant::now();
            let reply = client.send(&bytes)?;
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            if reply.status != 200 {
                bail!("{what}: HTTP {} {}", reply.status, reply.text());
            }
            times.push(ms);
        }
        times.sort_by(f64::total_cmp);
        let ms = times[times.len() / 2];
        figures.push(
            Figure::new(
                backend,
                format!("{what}, every matrix recomputed (cold), against {BASELINE}"),
            )
            .value(millis(ms))
            .baseline(millis(baseline) + " (" + BASELINE + ", warm)")
            .ratio(factor(ms / baseline.max(1e-9))),
        );
    }
    Ok(figures)
}

/// The summary's median among `reads`.
pub fn baseline(reads: &[(&'static str, f64)]) -> Option<f64> {
    reads
        .iter()
        .find(|(what, _)| *what == BASELINE)
        .map(|&(_, ms)| ms)
}
