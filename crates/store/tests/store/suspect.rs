//! Suspect values: stored but flagged, judged against the series as the batch leaves it,
//! cleared by a member (audited), kept in history.

use pilote_domain::{MeasureSource, MeasureValue, Period, Periodicity, Suspicion};
use pilote_store::{
    Actor, IndicatorId, ProductId, StoreError,
    repo::{
        audit,
        measures::{self, MeasureInput, Posted},
    },
    transaction,
};

use crate::common::{date, seed_indicator};

const TODAY: &str = "2026-11-23";

/// The week `n` weeks after Monday 2026-06-01.
fn week(n: u64) -> Period {
    let monday = date("2026-06-01")
        .checked_add_days(chrono::Days::new(7 * n))
        .expect("date");
    Period::containing(Periodicity::Week, monday)
}

fn input(indicator: IndicatorId, n: u64, value: f64) -> MeasureInput {
    MeasureInput {
        indicator,
        period: week(n),
        value: MeasureValue::new(value).expect("finite"),
        comment: None,
    }
}

fn post(
    conn: &mut pilote_store::DbConnection,
    product: ProductId,
    batch: &[MeasureInput],
) -> Posted {
    transaction::write(conn, |c| {
        measures::post(
            c,
            product,
            batch,
            MeasureSource::Api,
            Actor::System,
            date(TODAY),
        )
    })
    .expect("posted")
}

fn flags(conn: &mut pilote_store::DbConnection, ind: IndicatorId) -> Vec<bool> {
    measures::series(conn, ind, None)
        .expect("series")
        .iter()
        .map(|m| m.suspect)
        .collect()
}

both_backends! {
    fn a_post_locked_by_slug_judges_and_keeps_history_as_one_locked_by_id(db) {
        // The API's path: the product locked by its slug (PostgreSQL: one statement that also
        // reads its incubators, indicators and the authorisation version), the rows checked
        // against the indicators read with the lock, then stored.
        let mut conn = db.conn();
        let (product, ind) = seed_indicator(&mut conn);
        let history: Vec<_> = [100.0, 98.0, 102.0, 99.0, 101.0, 97.0, 103.0, 100.0, 99.0]
            .iter()
            .enumerate()
            .map(|(i, v)| input(ind, i as u64, *v))
            .collect();
        post(&mut conn, product, &history);
        let write = |conn: &mut pilote_store::DbConnection| {
            transaction::write(conn, move |c| {
                let locked = measures::Target::lock_slug(c, "mon-produit")?;
                assert_eq!(locked.product, product);
                assert_eq!(locked.incubators.len(), 1);
                assert_eq!(locked.auth_version.is_some(), matches!(c, pilote_store::DbConnection::Pg(_)));
                let batch = locked.target.check(&[input(ind, 8, 1000.0), input(ind, 9, 101.0)], date(TODAY))?;
                measures::post_to(c, &locked.target, &batch, MeasureSource::Api, Actor::System)
            })
            .expect("posted")
        };
        let posted = write(&mut conn);
        assert_eq!((posted.counts.created, posted.counts.updated), (1, 1));
        assert_eq!(posted.suspects.len(), 1, "the tenfold correction is judged");
        assert_eq!(posted.suspects[0].index, 0);
        let versions = measures::history(&mut conn, ind, week(8)).expect("history");
        assert_eq!(versions.iter().map(|v| v.value).collect::<Vec<_>>(), [1000.0, 99.0]);
        let again = write(&mut conn);
        assert_eq!((again.counts.created, again.counts.updated, again.counts.unchanged), (0, 0, 2));
        let unknown = transaction::write(&mut conn, |c| {
            measures::Target::lock_slug(c, "pas-un-produit").map(|_| ())
        });
        assert!(matches!(unknown, Err(StoreError::NotFound { what: "product" })), "{unknown:?}");
    }

    fn an_outlier_is_stored_and_flagged(db) {
        let mut conn = db.conn();
        let (product, ind) = seed_indicator(&mut conn);
        // Eight weeks around 100 (median 100, MAD 2), then a tenfold typo in the same batch:
        // it is judged against the batch's own earlier weeks.
        let mut batch: Vec<_> = [100.0, 98.0, 102.0, 99.0, 101.0, 97.0, 103.0, 100.0]
            .iter()
            .enumerate()
            .map(|(i, v)| input(ind, i as u64, *v))
            .collect();
        batch.push(input(ind, 8, 1000.0));
        let posted = post(&mut conn, product, &batch);
        assert_eq!(posted.counts.created, 9);
        assert_eq!(posted.suspects.len(), 1);
        assert_eq!(posted.suspects[0].index, 8);
        assert!(matches!(posted.suspects[0].suspicion, Suspicion::FarFromMedian { .. }));
        assert_eq!(flags(&mut conn, ind), [vec![false; 8], vec![true]].concat());

        // The preview says the same without writing.
        let again = [input(ind, 9, 2000.0)];
        let periodicities = std::collections::HashMap::from([(ind, Periodicity::Week)]);
        let batch = measures::CheckedBatch::check(again.to_vec(), &periodicities, date(TODAY))
            .expect("checked");
        let preview = transaction::read(&mut conn, |c| measures::suspects(c, &batch)).expect("preview");
        assert_eq!(preview.len(), 1);
        assert_eq!(flags(&mut conn, ind).len(), 9);

        // Correcting the typo clears the flag; history keeps the flagged version.
        let fixed = post(&mut conn, product, &[input(ind, 8, 104.0)]);
        assert!(fixed.suspects.is_empty());
        assert_eq!(fixed.counts.updated, 1);
        let versions = measures::history(&mut conn, ind, week(8)).expect("history");
        assert_eq!(
            versions.iter().map(|v| (v.value, v.suspect)).collect::<Vec<_>>(),
            [(104.0, false), (1000.0, true)]
        );
    }

    fn a_member_clears_the_flag_and_the_audit_log_says_so(db) {
        let mut conn = db.conn();
        let (product, ind) = seed_indicator(&mut conn);
        let batch: Vec<_> = [-5.0, -4.0, 3.0].iter().enumerate().map(|(i, v)| input(ind, i as u64, *v)).collect();
        let posted = post(&mut conn, product, &batch);
        // Too few weeks for the distance rule; the sign changed.
        assert_eq!(posted.suspects.len(), 1);
        assert_eq!(posted.suspects[0].suspicion, Suspicion::SignChange);

        let cleared = transaction::write(&mut conn, |c| {
            measures::clear_suspect(c, product, ind, week(2), Actor::System)
        }).expect("cleared");
        assert!(cleared);
        assert_eq!(flags(&mut conn, ind), [false, false, false]);
        // Clearing again changes nothing and records nothing.
        let again = transaction::write(&mut conn, |c| {
            measures::clear_suspect(c, product, ind, week(2), Actor::System)
        }).expect("no-op");
        assert!(!again);
        let entries = audit::for_entity(&mut conn, "product", "mon-produit").expect("audit");
        let cleared: Vec<_> = entries.iter().filter(|e| e.action == "measures.clear_suspect").collect();
        assert_eq!(cleared.len(), 1);
        assert!(cleared[0].before.as_deref().is_some_and(|b| b.contains("\"suspect\":true")));

        // Re-posting the same value keeps it cleared.
        let same = post(&mut conn, product, &[input(ind, 2, 3.0)]);
        assert_eq!((same.counts.unchanged, same.suspects.len()), (1, 0));
        assert_eq!(flags(&mut conn, ind), [false, false, false]);

        // A period without a value: NotFound.
        let missing = transaction::write(&mut conn, |c| {
            measures::clear_suspect(c, product, ind, week(20), Actor::System)
        });
        assert!(matches!(missing, Err(StoreError::NotFound { what: "measure" })));
    }
}
