//! The portfolio's matrices read from the figures kept on write (`measure_months`,
//! `measure_latest`) are the matrices computed from the measures, on the demo portfolio and on
//! both backends: at the demo's date, later (stale values), and in the past (the yearly
//! report's date, when latest values are after the matrix date).

use chrono::NaiveDate;
use pilote_store::{
    Backend, ProductId,
    repo::{matrix_portfolio, products},
    testing::TestDb,
    transaction,
};

fn d(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

fn the_kept_figures_give_the_measures_matrices(backend: Backend) {
    let today = d("2025-06-18");
    let db = TestDb::new(backend);
    let mut conn = db.conn();
    pilote::demo::load(&mut conn, 2024, today).expect("demo");
    let ids: Vec<ProductId> = products::overviews(&mut conn, None, today)
        .expect("overviews")
        .into_iter()
        .map(|o| o.id)
        .collect();
    assert!(ids.len() >= 40, "{} products", ids.len());
    for at in [
        "2025-06-18",
        "2025-06-01",
        "2025-09-30",
        "2024-12-31",
        "2023-03-15",
    ] {
        let at = d(at);
        let (kept, reference) = transaction::read(&mut conn, |c| {
            Ok((
                matrix_portfolio::of_products(c, &ids, at)?,
                matrix_portfolio::of_products_from_measures(c, &ids, at)?,
            ))
        })
        .expect("matrices");
        assert_eq!(kept.len(), ids.len());
        for id in &ids {
            assert_eq!(kept.get(id), reference.get(id), "product {id:?} at {at}");
        }
        // Not a comparison of empty matrices (the demo has no spend in 2023).
        assert!(
            at < d("2024-01-01")
                || kept
                    .values()
                    .any(|m| m.efficiency.current.cost_per_active_user.is_some()),
            "at {at}"
        );
    }
}

#[test]
fn demo_matrices_from_the_kept_figures_sqlite() {
    the_kept_figures_give_the_measures_matrices(Backend::Sqlite);
}

#[test]
fn demo_matrices_from_the_kept_figures_postgres() {
    the_kept_figures_give_the_measures_matrices(Backend::Postgres);
}
