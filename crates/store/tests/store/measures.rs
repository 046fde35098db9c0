//! Measures: batches, corrections kept in history, refusals that write nothing.

use pilote_domain::{DateRange, DomainError, MeasureSource, MeasureValue, Period, Periodicity};
use pilote_store::{
    Actor, IndicatorId, ProductId, StoreError,
    repo::{
        audit,
        measures::{self, MeasureInput, UpsertCounts},
    },
    transaction,
};

use crate::common::{date, seed_indicator};

const TODAY: &str = "2026-11-23";

fn input(indicator: IndicatorId, day: &str, value: f64, comment: Option<&str>) -> MeasureInput {
    MeasureInput {
        indicator,
        period: Period::containing(Periodicity::Week, date(day)),
        value: MeasureValue::new(value).expect("finite"),
        comment: comment.map(str::to_owned),
    }
}

fn post(
    conn: &mut pilote_store::DbConnection,
    product: ProductId,
    batch: &[MeasureInput],
) -> Result<UpsertCounts, StoreError> {
    transaction::write(conn, |c| {
        measures::upsert(
            c,
            product,
            batch,
            MeasureSource::Api,
            Actor::System,
            date(TODAY),
        )
    })
}

both_backends! {
    fn a_batch_counts_created_updated_unchanged_and_keeps_history(db) {
        let mut conn = db.conn();
        let (product, ind) = seed_indicator(&mut conn);
        let first = post(&mut conn, product, &[
            input(ind, "2026-11-02", 100.0, None),
            input(ind, "2026-11-11", 120.0, Some("semaine calme")),
        ]).expect("first batch");
        assert_eq!(first, UpsertCounts { created: 2, updated: 0, unchanged: 0 });

        // Any date files into its week: Wednesday 2026-11-04 is the week of Monday 2026-11-02.
        let second = post(&mut conn, product, &[
            input(ind, "2026-11-04", 110.0, Some("correction")),
            input(ind, "2026-11-09", 120.0, Some("semaine calme")),
            input(ind, "2026-11-16", 130.0, None),
        ]).expect("second batch");
        assert_eq!(second, UpsertCounts { created: 1, updated: 1, unchanged: 1 });

        let series = measures::series(&mut conn, ind, None).expect("series");
        let values: Vec<_> = series.iter().map(|m| (m.period, m.value)).collect();
        assert_eq!(values, [
            (date("2026-11-02"), 110.0),
            (date("2026-11-09"), 120.0),
            (date("2026-11-16"), 130.0),
        ]);
        let history = measures::history(&mut conn, ind, Period::containing(Periodicity::Week, date("2026-11-02")))
            .expect("history");
        assert_eq!(history.len(), 2);
        assert_eq!((history[0].value, history[0].replaced_at), (110.0, None));
        assert_eq!(history[0].comment.as_deref(), Some("correction"));
        assert_eq!(history[1].value, 100.0);
        assert!(history[1].replaced_at.is_some());
        assert_eq!(measures::latest(&mut conn, ind).expect("latest"), Some((date("2026-11-16"), 130.0)));

        let range = DateRange::new(date("2026-11-05"), date("2026-11-30")).expect("range");
        assert_eq!(measures::series(&mut conn, ind, Some(&range)).expect("range").len(), 2);
        let posts = audit::for_entity(&mut conn, "product", "mon-produit").expect("audit");
        assert_eq!(posts.iter().filter(|e| e.action == "measures.post").count(), 2);
    }

    fn reposting_the_same_batch_is_a_no_op(db) {
        let mut conn = db.conn();
        let (product, ind) = seed_indicator(&mut conn);
        let batch = [input(ind, "2026-11-02", 1.5, Some("ok"))];
        post(&mut conn, product, &batch).expect("first");
        let again = post(&mut conn, product, &batch).expect("again");
        assert_eq!(again, UpsertCounts { created: 0, updated: 0, unchanged: 1 });
        let history = measures::history(&mut conn, ind, batch[0].period).expect("history");
        assert_eq!(history.len(), 1);
    }

    fn a_bad_row_refuses_the_whole_batch(db) {
        let mut conn = db.conn();
        let (product, ind) = seed_indicator(&mut conn);
        post(&mut conn, product, &[input(ind, "2026-11-02", 1.0, None)]).expect("seed value");

        let cases = [
            (vec![input(ind, "2026-11-09", 2.0, None), input(ind, "2026-11-30", 3.0, None)], "measures[1].period"),
            (vec![input(ind, "2026-11-09", 2.0, None), input(ind, "2026-11-10", 3.0, None)], "measures[1]"),
            (vec![input(ind, "2026-11-02", 9.0, None), input(IndicatorId(9_999), "2026-11-09", 3.0, None)], "measures[1].indicator"),
            (vec![MeasureInput { period: Period::containing(Periodicity::Month, date("2026-10-01")), ..input(ind, "2026-10-01", 3.0, None) }], "measures[0].period"),
        ];
        for (batch, field) in cases {
            let err = post(&mut conn, product, &batch).expect_err(field);
            match err {
                StoreError::Domain(DomainError::Invalid { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: unexpected {other:?}"),
            }
        }
        let series = measures::series(&mut conn, ind, None).expect("series");
        assert_eq!(series.iter().map(|m| m.value).collect::<Vec<_>>(), [1.0]);
    }

    fn a_token_cannot_post_to_another_products_indicator(db) {
        use pilote_store::repo::products;
        let mut conn = db.conn();
        let (_, ind) = seed_indicator(&mut conn);
        let other = products::insert(&mut conn, &crate::common::product("autre", "dinum", "2025-01-06"), Actor::System)
            .expect("other product");
        let err = post(&mut conn, other, &[input(ind, "2026-11-02", 1.0, None)]).expect_err("foreign indicator");
        assert!(matches!(err, StoreError::Domain(DomainError::Invalid { .. })), "{err:?}");
    }

    fn large_batches_are_chunked(db) {
        let mut conn = db.conn();
        let (product, ind) = seed_indicator(&mut conn);
        let start = date("2000-01-03");
        let batch: Vec<_> = (0..1_400)
            .map(|w| MeasureInput {
                indicator: ind,
                period: Period::containing(Periodicity::Week, start + chrono::Duration::weeks(w)),
                value: MeasureValue::new(w as f64).expect("finite"),
                comment: None,
            })
            .collect();
        let counts = post(&mut conn, product, &batch).expect("big batch");
        assert_eq!(counts.created, 1_400);
        let replaced: Vec<_> = batch.iter().map(|m| MeasureInput { value: MeasureValue::new(m.value.get() + 1.0).expect("finite"), ..m.clone() }).collect();
        let counts = post(&mut conn, product, &replaced).expect("big correction");
        assert_eq!(counts.updated, 1_400);
        assert_eq!(measures::series(&mut conn, ind, None).expect("series").len(), 1_400);
    }

    fn concurrent_corrections_of_one_period_keep_every_value(db) {
        let mut conn = db.conn();
        let (product, ind) = seed_indicator(&mut conn);
        post(&mut conn, product, &[input(ind, "2026-11-02", 100.0, None)]).expect("first value");
        drop(conn);
        let writers: Vec<_> = [200.0, 300.0, 400.0]
            .into_iter()
            .map(|value| {
                let pool = db.db.clone();
                std::thread::spawn(move || {
                    let mut conn = pool.get().expect("connection");
                    post(&mut conn, product, &[input(ind, "2026-11-02", value, None)])
                })
            })
            .collect();
        for writer in writers {
            assert_eq!(writer.join().expect("writer").expect("post").updated, 1);
        }
        let mut conn = db.conn();
        let history = measures::history(&mut conn, ind, Period::containing(Periodicity::Week, date("2026-11-02")))
            .expect("history");
        let mut values: Vec<f64> = history.iter().map(|v| v.value).collect();
        values.sort_by(f64::total_cmp);
        assert_eq!(values, [100.0, 200.0, 300.0, 400.0], "every posted value is kept");
    }

    fn a_writer_waits_for_another_writer_of_the_same_product(db) {
        use std::sync::{Arc, Barrier, atomic::{AtomicBool, Ordering}};
        let mut conn = db.conn();
        let (product, ind) = seed_indicator(&mut conn);
        drop(conn);
        let barrier = Arc::new(Barrier::new(2));
        let committed = Arc::new(AtomicBool::new(false));
        let holder = {
            let (pool, barrier, committed) = (db.db.clone(), barrier.clone(), committed.clone());
            std::thread::spawn(move || {
                let mut conn = pool.get().expect("connection");
                transaction::write(&mut conn, |c| {
                    pilote_store::transaction::lock_product(c, product)?;
                    barrier.wait();
                    // Long enough for the other writer to reach the lock and wait on it.
                    std::thread::sleep(std::time::Duration::from_millis(400));
                    committed.store(true, Ordering::SeqCst);
                    Ok(())
                })
                .expect("holder")
            })
        };
        barrier.wait();
        let mut conn = db.conn();
        post(&mut conn, product, &[input(ind, "2026-11-02", 1.0, None)]).expect("post");
        assert!(committed.load(Ordering::SeqCst), "the post went through while another writer held the product");
        holder.join().expect("holder thread");
    }

    fn a_large_correction_batch_replaces_every_value_and_keeps_every_old_one(db) {
        // Over a thousand rows: PostgreSQL copies and updates them in bulk (one COPY, one
        // UPDATE … FROM unnest), SQLite inserts them in statements of each fixed size (1 234 =
        // 1 000 + 2 × 100 + 3 × 10 + 4 × 1); every replaced value, its comment (some NULL), the new author
        // and the suspect flag must land where they belong.
        let mut conn = db.conn();
        let (product, ind) = seed_indicator(&mut conn);
        let monday = |week: u64| (date("2003-01-06") + chrono::Days::new(7 * week)).to_string();
        let first: Vec<_> = (0..1_234)
            .map(|w| input(ind, &monday(w), w as f64, (w % 2 == 0).then_some("premier envoi")))
            .collect();
        assert_eq!(post(&mut conn, product, &first).expect("first").created, 1_234);
        let second: Vec<_> = (0..1_234)
            .map(|w| input(ind, &monday(w), w as f64 + 0.5, (w % 3 == 0).then_some("corrigé")))
            .collect();
        let token_actor = Actor::System;
        let counts = transaction::write(&mut conn, |c| {
            measures::upsert(c, product, &second, MeasureSource::Csv, token_actor, date(TODAY))
        })
        .expect("corrections");
        assert_eq!(counts, UpsertCounts { created: 0, updated: 1_234, unchanged: 0 });
        let series = measures::series(&mut conn, ind, None).expect("series");
        assert_eq!(series.len(), 1_234);
        for (w, m) in series.iter().enumerate() {
            assert_eq!(m.period.to_string(), monday(w as u64), "week {w}");
            assert_eq!(m.value, w as f64 + 0.5, "week {w}");
            assert_eq!(m.comment.as_deref(), (w % 3 == 0).then_some("corrigé"), "week {w}");
            assert_eq!(m.source, MeasureSource::Csv, "week {w}");
            assert!(!m.suspect, "week {w}");
        }
        for w in [0_u64, 1, 599, 1_233] {
            let period = Period::containing(Periodicity::Week, date(&monday(w)));
            let versions = measures::history(&mut conn, ind, period).expect("history");
            let values: Vec<_> = versions.iter().map(|v| v.value).collect();
            assert_eq!(values, [w as f64 + 0.5, w as f64], "week {w}");
            assert_eq!(versions[1].comment.as_deref(), (w % 2 == 0).then_some("premier envoi"));
            assert_eq!(versions[1].source, MeasureSource::Api);
            // Timestamps written in bulk read back as timestamps, in order.
            assert!(versions[1].recorded_at <= versions[0].recorded_at, "week {w}");
            assert_eq!(versions[1].replaced_at, Some(versions[0].recorded_at), "week {w}");
        }
    }

    fn concurrent_writers_through_the_pool_all_commit(db) {
        // `Database::write` queues SQLite's writers in the process instead of letting them
        // poll the database's lock: 16 threads posting at once must all commit, and each
        // (indicator, period) keep every accepted value in its history.
        let mut conn = db.conn();
        let (product, ind) = seed_indicator(&mut conn);
        drop(conn);
        let threads: Vec<_> = (0..16)
            .map(|t| {
                let pool = db.db.clone();
                std::thread::spawn(move || {
                    for round in 0..10 {
                        let value = f64::from(t * 100 + round);
                        let day = if t % 2 == 0 { "2026-11-02" } else { "2026-11-09" };
                        pool.write(move |c| {
                            measures::upsert(c, product, &[input(ind, day, value, None)],
                                MeasureSource::Api, Actor::System, date(TODAY))
                        })
                        .expect("concurrent post");
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("writer thread");
        }
        let mut conn = db.conn();
        for day in ["2026-11-02", "2026-11-09"] {
            let period = Period::containing(Periodicity::Week, date(day));
            let versions = measures::history(&mut conn, ind, period).expect("history");
            assert_eq!(versions.len(), 80, "{day}: 8 threads × 10 values, each kept");
        }
    }
}
