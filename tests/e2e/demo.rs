//! The demo portfolio: what it contains, and that it reproduces exactly from its seed.

use std::{collections::BTreeSet, time::Instant};

use chrono::NaiveDate;
use pilote::demo::{self, DemoSummary};
use pilote_domain::{Period, Periodicity, Phase, ProductStatus, SlotState, is_late};
use pilote_store::{
    Database, DbConnection, StoreError,
    repo::{
        contract_status, contracts, indicators, matrix, measures, phases, products, reviews, spend,
    },
};

use crate::commands::fresh_sqlite;

const SEED: u64 = 2024;

fn today() -> NaiveDate {
    // A Wednesday, so that the week in progress and the last complete week differ.
    NaiveDate::from_ymd_opt(2025, 6, 18).expect("valid date")
}

fn load(db: &Database, seed: u64) -> DemoSummary {
    let mut conn = db.get().expect("connection");
    let started = Instant::now();
    let summary = demo::load(&mut conn, seed, today()).expect("demo loads");
    eprintln!("demo loaded in {:?}: {summary:?}", started.elapsed());
    summary
}

/// Whether any weekly indicator of the product lacks a value for the last complete week.
fn is_product_late(conn: &mut DbConnection, product: pilote_store::ProductId) -> bool {
    indicators::list(conn, product)
        .expect("indicators")
        .into_iter()
        .filter(|(_, i)| i.periodicity == Periodicity::Week)
        .any(|(id, _)| {
            let latest = measures::latest(conn, id)
                .expect("latest")
                .map(|(start, _)| Period::containing(Periodicity::Week, start));
            is_late(Periodicity::Week, latest, today())
        })
}

#[test]
fn demo_portfolio_is_realistic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = fresh_sqlite(dir.path(), "demo.sqlite").1;
    let summary = load(&db, SEED);
    let mut conn = db.get().expect("connection");
    let conn = &mut *conn;

    assert_eq!(summary.incubators, 3);
    assert!(summary.products >= 40, "{summary:?}");
    assert!(summary.measures > 5_000, "{summary:?}");
    let overviews = products::overviews(conn, None, today()).expect("overviews");
    assert_eq!(overviews.len(), summary.products);
    let incubators: BTreeSet<_> = overviews
        .iter()
        .map(|o| o.product.incubator.clone())
        .collect();
    assert_eq!(incubators.len(), 3);

    for status in ProductStatus::ALL {
        assert!(
            overviews.iter().any(|o| o.status == status),
            "no product is {status}"
        );
    }
    let stopped = overviews
        .iter()
        .filter(|o| o.status == ProductStatus::Stopped)
        .count();
    assert!((3..=6).contains(&stopped), "{stopped} stopped");
    let overdue = overviews
        .iter()
        .filter(|o| o.overdue_since.is_some())
        .count();
    assert!((1..=8).contains(&overdue), "{overdue} overdue");
    assert!(overviews.iter().any(|o| !o.product.published));

    let five_years_ago = today() - chrono::Days::new(4 * 365 + 1);
    let three_months_ago = today() - chrono::Days::new(90);
    let mut late = 0;
    let mut indicator_count = 0;
    let mut decision_count = 0;
    let mut corrected = Vec::new();
    for o in &overviews {
        let created = o.product.created_on;
        assert!(
            (five_years_ago..=three_months_ago).contains(&created),
            "{}",
            o.product.slug
        );
        let list = indicators::list(conn, o.id).expect("indicators");
        assert!((2..=5).contains(&list.len()), "{}", o.product.slug);
        assert_eq!(list.iter().filter(|(_, i)| i.north_star).count(), 1);
        indicator_count += list.len();
        for (id, indicator) in &list {
            let series = measures::series(conn, *id, None).expect("series");
            assert!(!series.is_empty(), "{} {}", o.product.slug, indicator.key);
            for m in &series {
                if m.comment.is_some() {
                    corrected.push((*id, m.period));
                }
                assert!(
                    m.period >= created,
                    "{} measured before creation",
                    o.product.slug
                );
                if indicator.unit == "%" {
                    assert!((0.0..=100.0).contains(&m.value), "{}", indicator.key);
                }
                if indicator.key.as_ref() == "facilite-utilisation" {
                    assert!((1.0..=7.0).contains(&m.value), "{}", m.value);
                }
            }
        }
        let decisions = phases::decisions(conn, o.id).expect("decisions");
        decision_count += decisions.len();
        if o.status != ProductStatus::Active(Phase::Investigation) {
            assert!(
                !decisions.is_empty(),
                "{} moved without a decision",
                o.product.slug
            );
        }
        if o.status != ProductStatus::Stopped && is_product_late(conn, o.id) {
            late += 1;
        }
    }
    assert_eq!(indicator_count, summary.indicators);
    assert_eq!(decision_count, summary.decisions);
    assert!((2..=8).contains(&late), "{late} late teams");
    contracts_are_realistic(conn, &overviews, &summary);

    // One product's north star was corrected twice: history keeps the first values.
    assert_eq!(corrected.len(), 2, "{corrected:?}");
    for (id, start) in corrected {
        let period = Period::from_start(Periodicity::Week, start).expect("a Monday");
        let versions = measures::history(conn, id, period).expect("history");
        assert_eq!(versions.len(), 2);
        assert_ne!(versions[0].value, versions[1].value);
    }
}

/// Every running product past investigation has a contract, spend, and at least two signed
/// reviews; statuses compute, and drifts and objective statuses vary across the portfolio.
fn contracts_are_realistic(
    conn: &mut DbConnection,
    overviews: &[products::ProductOverview],
    summary: &DemoSummary,
) {
    let mut drifts = Vec::new();
    let mut statuses = BTreeSet::new();
    let mut verdicts = BTreeSet::new();
    let mut contract_count = 0;
    let mut review_count = 0;
    for o in overviews {
        let past_investigation =
            matches!(o.status, ProductStatus::Active(p) if p != Phase::Investigation);
        let contract = contracts::find(conn, o.id).expect("contract");
        assert_eq!(contract.is_some(), past_investigation, "{}", o.product.slug);
        if !past_investigation {
            continue;
        }
        contract_count += 1;
        assert!(!spend::list(conn, o.id).expect("spend").is_empty());
        let signed = reviews::list(conn, o.id).expect("reviews");
        assert!(signed.len() >= 2, "{}", o.product.slug);
        for r in &signed {
            assert!(r.signed_at.is_some());
            assert!(r.decision_id.is_none(), "a review changed phases");
            verdicts.insert(r.review.verdict);
        }
        review_count += signed.len();
        let status = contract_status::at(conn, o.id, today()).expect("status");
        assert!(!status.objectives.is_empty(), "{}", o.product.slug);
        statuses.extend(status.objectives.iter().map(|l| l.status));
        drifts.extend(status.budget.drift);
    }
    assert_eq!(contract_count, summary.contracts);
    assert_eq!(review_count, summary.reviews);
    assert!(
        drifts.iter().any(|d| *d < 0.0) && drifts.iter().any(|d| *d > 0.1),
        "{drifts:?}"
    );
    assert!(statuses.len() >= 3, "{statuses:?}");
    assert_eq!(verdicts.len(), 3, "{verdicts:?}");
}

#[test]
fn demo_is_deterministic_and_refuses_a_filled_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (
        fresh_sqlite(dir.path(), "a.sqlite").1,
        fresh_sqlite(dir.path(), "b.sqlite").1,
    );
    assert_eq!(load(&a, SEED), load(&b, SEED));

    let mut ca = a.get().expect("connection");
    let mut cb = b.get().expect("connection");
    let (ca, cb) = (&mut *ca, &mut *cb);
    let oa = products::overviews(ca, None, today()).expect("overviews");
    let ob = products::overviews(cb, None, today()).expect("overviews");
    let describe = |o: &products::ProductOverview| {
        (
            o.product.clone(),
            o.status,
            o.phase_started_on,
            o.overdue_since,
        )
    };
    assert_eq!(
        oa.iter().map(describe).collect::<Vec<_>>(),
        ob.iter().map(describe).collect::<Vec<_>>()
    );
    for (pa, pb) in oa.iter().zip(&ob).step_by(7) {
        let ia = indicators::list(ca, pa.id).expect("indicators");
        let ib = indicators::list(cb, pb.id).expect("indicators");
        assert_eq!(
            ia.iter().map(|(_, i)| i).collect::<Vec<_>>(),
            ib.iter().map(|(_, i)| i).collect::<Vec<_>>()
        );
        let values = |conn: &mut DbConnection, id| {
            measures::series(conn, id, None)
                .expect("series")
                .into_iter()
                .map(|m| (m.period, m.value))
                .collect::<Vec<_>>()
        };
        assert_eq!(values(ca, ia[0].0), values(cb, ib[0].0));
    }

    // A database that already holds a portfolio is refused, and left as it was.
    let before = products::count(ca).expect("count");
    let refused = demo::load(ca, SEED, today());
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "{refused:?}"
    );
    assert_eq!(products::count(ca).expect("count"), before);

    // Another seed gives another portfolio.
    let c = fresh_sqlite(dir.path(), "c.sqlite").1;
    load(&c, SEED + 1);
    let mut cc = c.get().expect("connection");
    let oc = products::overviews(&mut cc, None, today()).expect("overviews");
    assert_ne!(
        oa.iter().map(describe).collect::<Vec<_>>(),
        oc.iter().map(describe).collect::<Vec<_>>()
    );
}

/// The demo shows every case of the steering-by-impact views: a few suspect values, objectives
/// that will and will not make their deadline, costs per active user falling and rising,
/// complete and incomplete matrices.
#[test]
fn demo_shows_impact_in_every_shade() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = fresh_sqlite(dir.path(), "impact.sqlite").1;
    load(&db, SEED);
    let mut conn = db.get().expect("connection");
    let conn = &mut *conn;
    let (mut suspects, mut meet, mut miss, mut falling, mut rising) = (0, 0, 0, 0, 0);
    let (mut complete, mut incomplete) = (0, 0);
    for o in products::overviews(conn, None, today()).expect("overviews") {
        for (id, _) in indicators::list(conn, o.id).expect("indicators") {
            let series = measures::series(conn, id, None).expect("series");
            suspects += series.iter().filter(|m| m.suspect).count();
        }
        if o.status == ProductStatus::Stopped {
            continue;
        }
        if contracts::find(conn, o.id).expect("contract").is_some() {
            let status = contract_status::at(conn, o.id, today()).expect("status");
            for line in status.objectives {
                match line.forecast.will_meet_deadline {
                    Some(true) => meet += 1,
                    Some(false) => miss += 1,
                    None => {}
                }
            }
        }
        let m = matrix::at(conn, o.id, today()).expect("matrix");
        match m.efficiency.cost_grew_slower_than_use {
            Some(true) => falling += 1,
            Some(false) => rising += 1,
            None => {}
        }
        if m.slots.iter().all(|s| s.state == SlotState::Ok) {
            complete += 1;
        } else {
            incomplete += 1;
        }
    }
    let figures = format!(
        "suspects {suspects}, will meet {meet}, will miss {miss}, cost falling {falling}, \
         rising {rising}, matrices complete {complete}, incomplete {incomplete}"
    );
    eprintln!("{figures}");
    assert!((2..=6).contains(&suspects), "{figures}");
    assert!(meet >= 2 && miss >= 2, "{figures}");
    assert!(falling >= 2 && rising >= 1, "{figures}");
    assert!(complete >= 2 && incomplete >= 2, "{figures}");
}
