//! Pulses: freshness and the north star's latest value, for the portfolio and for one product,
//! read in one query whatever the number of measures.

use pilote_domain::{MeasureSource, MeasureValue, Period, Periodicity};
use pilote_store::{
    Actor, IndicatorId, ProductId,
    repo::{
        indicators,
        measures::{self, MeasureInput},
        products,
        pulse::{self, Pulse},
    },
    transaction,
};

use crate::{
    catalogue::indicator,
    common::{date, product, seed},
};

const TODAY: &str = "2026-11-23";

fn post(
    conn: &mut pilote_store::DbConnection,
    product: ProductId,
    rows: &[(IndicatorId, &str, f64)],
) {
    let inputs: Vec<MeasureInput> = rows
        .iter()
        .map(|(indicator, day, value)| MeasureInput {
            indicator: *indicator,
            period: Period::containing(Periodicity::Week, date(day)),
            value: MeasureValue::new(*value).expect("finite"),
            comment: None,
        })
        .collect();
    transaction::write(conn, |c| {
        measures::upsert(
            c,
            product,
            &inputs,
            MeasureSource::Api,
            Actor::System,
            date(TODAY),
        )
    })
    .expect("post");
}

both_backends! {
    fn pulses_give_the_latest_values_and_who_is_late(db) {
        let mut conn = db.conn();
        let (_, late) = seed(&mut conn);
        let star = indicators::insert(&mut conn, late, &indicator("demarches", true)).expect("star");
        let other = indicators::insert(&mut conn, late, &indicator("usagers", false)).expect("other");
        // Posted out of order; the week of 2026-11-16 is the last complete one.
        post(&mut conn, late, &[
            (star, "2026-11-16", 150.0),
            (star, "2026-11-02", 100.0),
            (star, "2026-11-09", 120.0),
            (other, "2026-11-02", 7.0),
        ]);
        // A correction: the latest value is the replacing one.
        post(&mut conn, late, &[(star, "2026-11-18", 155.0)]);

        let on_time = products::insert(&mut conn, &product("a-l-heure", "dinum", "2025-01-06"), Actor::System)
            .expect("product");
        let visits = indicators::insert(&mut conn, on_time, &indicator("visites", true)).expect("star");
        post(&mut conn, on_time, &[(visits, "2026-11-16", 3.0), (visits, "2026-10-05", 1.0)]);
        let silent = products::insert(&mut conn, &product("sans-indicateur", "dinum", "2025-01-06"), Actor::System)
            .expect("product");

        let all = pulse::pulses(&mut conn, date(TODAY)).expect("pulses");
        let late_pulse = all.get(&late).expect("late product's pulse");
        assert!(late_pulse.late, "usagers has no value for the last complete week");
        assert_eq!(late_pulse.last_posted, Some(date("2026-11-16")));
        let north_star = late_pulse.north_star.as_ref().expect("north star");
        assert_eq!(north_star.key.as_ref(), "demarches");
        assert_eq!(north_star.unit, "démarches");
        assert_eq!((north_star.period, north_star.value), (date("2026-11-16"), 155.0));

        let on_time_pulse = all.get(&on_time).expect("on-time product's pulse");
        assert!(!on_time_pulse.late);
        assert_eq!(
            on_time_pulse.north_star.as_ref().map(|n| (n.period, n.value)),
            Some((date("2026-11-16"), 3.0))
        );
        assert!(!all.contains_key(&silent), "no indicator, no pulse");

        assert_eq!(&pulse::pulse(&mut conn, late, date(TODAY)).expect("one"), late_pulse);
        assert_eq!(pulse::pulse(&mut conn, silent, date(TODAY)).expect("one"), Pulse::default());
        // Weeks later nobody posted: both are late, their latest values unchanged.
        let later = pulse::pulses(&mut conn, date("2027-01-20")).expect("pulses");
        assert!(later.values().all(|p| p.late));
        assert_eq!(later.get(&on_time).map(|p| p.last_posted), Some(Some(date("2026-11-16"))));
    }

    fn a_correction_of_an_older_period_leaves_the_latest_value_alone(db) {
        let mut conn = db.conn();
        let (_, product) = seed(&mut conn);
        let star = indicators::insert(&mut conn, product, &indicator("demarches", true)).expect("star");
        post(&mut conn, product, &[(star, "2026-11-16", 150.0), (star, "2026-11-09", 120.0)]);
        post(&mut conn, product, &[(star, "2026-11-02", 90.0), (star, "2026-11-09", 125.0)]);
        let north_star = |conn: &mut pilote_store::DbConnection| {
            pulse::pulse(conn, product, date(TODAY))
                .expect("pulse")
                .north_star
                .map(|n| (n.period, n.value))
        };
        assert_eq!(north_star(&mut conn), Some((date("2026-11-16"), 150.0)));
        assert_eq!(north_star(&mut conn), measures::latest(&mut conn, star).expect("latest"));
    }

    fn a_copy_rebuilds_the_latest_values_from_the_measures(db) {
        let mut conn = db.conn();
        let (_, product) = seed(&mut conn);
        let star = indicators::insert(&mut conn, product, &indicator("demarches", true)).expect("star");
        let other = indicators::insert(&mut conn, product, &indicator("usagers", false)).expect("other");
        post(&mut conn, product, &[(star, "2026-11-16", 150.0), (other, "2026-11-09", 7.0)]);
        post(&mut conn, product, &[(star, "2026-11-16", 151.0)]);
        let before = pulse::pulses(&mut conn, date(TODAY)).expect("pulses");
        drop(conn);

        // The copy carries no `measure_latest` row: the target rebuilds them.
        let target = pilote_store::testing::TestDb::new(db.db.backend());
        pilote_store::copy::copy_database(&db.db, &target.db).expect("copy");
        let copied = pulse::pulses(&mut target.conn(), date(TODAY)).expect("pulses");
        assert_eq!(copied, before);

        // Rebuilding in place gives the same values as the writes kept.
        let mut conn = db.conn();
        transaction::write(&mut conn, pilote_store::repo::latest::rebuild).expect("rebuild");
        assert_eq!(pulse::pulses(&mut conn, date(TODAY)).expect("pulses"), before);
    }
}
