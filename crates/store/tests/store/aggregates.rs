//! The monthly figures kept on write (`measure_months`) equal a recompute from the measures
//! after random posts and corrections, a rebuild and a copy; the portfolio's matrices read
//! from them equal the matrices computed from the measures, now and in the past.

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate};
use pilote_domain::{
    Aggregation, MatrixRole, MeasureSource, MeasureValue, MonthFigures, Period, Periodicity,
    Principle, Spend, monthly_figures_of,
};
use pilote_store::{
    Actor, DbConnection, IndicatorId, ProductId,
    repo::{
        aggregates, indicators,
        matrix_portfolio::{self, MatrixCache},
        matrix_versions,
        measures::{self, MeasureInput},
        spend,
    },
    transaction,
};

use crate::{
    catalogue::indicator,
    common::{date, seed},
};

const TODAY: &str = "2026-11-23";

/// A small deterministic generator (xorshift64*): the same "random" cases every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

type Model = BTreeMap<(i64, NaiveDate), f64>;

fn stored(
    conn: &mut DbConnection,
    ids: &[IndicatorId],
) -> BTreeMap<(i64, NaiveDate), MonthFigures> {
    transaction::read(conn, |c| {
        aggregates::between(c, ids, (date("1900-01-01"), date("9999-12-01")))
    })
    .expect("aggregates")
    .into_iter()
    .flat_map(|(id, months)| months.into_iter().map(move |(m, f)| ((id.0, m), f)))
    .collect()
}

fn recomputed(model: &Model) -> BTreeMap<(i64, NaiveDate), MonthFigures> {
    let mut by_indicator: BTreeMap<i64, Vec<(NaiveDate, f64)>> = BTreeMap::new();
    for (&(id, period), &value) in model {
        by_indicator.entry(id).or_default().push((period, value));
    }
    by_indicator
        .into_iter()
        .flat_map(|(id, values)| {
            monthly_figures_of(values)
                .into_iter()
                .map(move |(m, f)| ((id, m), f))
        })
        .collect()
}

/// Three indicators of the seeded product: weekly active users (mean, the efficiency's users),
/// a weekly impactful sum (the north star), a monthly impactful "last"; spend over 30 months.
fn portfolio(conn: &mut DbConnection) -> (ProductId, Vec<(IndicatorId, Periodicity)>) {
    let (_, product) = seed(conn);
    let today = date(TODAY);
    let ids = transaction::write(conn, |c| {
        let mut users = indicator("usagers", false);
        users.matrix_role = Some(MatrixRole::MonthlyActiveUsers);
        users.aggregation = Aggregation::Mean;
        let mut star = indicator("demarches", true);
        star.principle = Principle::Impactful;
        let mut stock = indicator("stock", false);
        stock.principle = Principle::Impactful;
        stock.periodicity = Periodicity::Month;
        stock.aggregation = Aggregation::Last;
        let mut ids = Vec::new();
        for i in [users, star, stock] {
            let periodicity = i.periodicity;
            ids.push((indicators::insert(c, product, &i)?, periodicity));
        }
        for back in 1..=30 {
            let month = Period::containing(Periodicity::Month, today)
                .start()
                .checked_sub_months(chrono::Months::new(back))
                .expect("month");
            spend::upsert(
                c,
                product,
                Spend {
                    month,
                    amount: 900 + 37 * i64::from(back),
                },
                Actor::System,
                today,
            )?;
        }
        Ok(ids)
    })
    .expect("portfolio");
    (product, ids)
}

/// Posts `rounds` random batches (new values and corrections of stored ones, up to 40
/// months back), keeping the expected values in `model`.
fn post_randomly(
    conn: &mut DbConnection,
    product: ProductId,
    ids: &[(IndicatorId, Periodicity)],
    rng: &mut Rng,
    model: &mut Model,
    rounds: usize,
) {
    let today = date(TODAY);
    for _ in 0..rounds {
        let mut batch: HashMap<(i64, NaiveDate), MeasureInput> = HashMap::new();
        for _ in 0..=rng.below(12) {
            let (indicator, periodicity) = ids[rng.below(ids.len() as u64) as usize];
            let day = today - Days::new(rng.below(40 * 31));
            let period = Period::containing(periodicity, day);
            // Thirds and sevenths: sums that depend on their order, if anything did.
            let value = rng.below(10_000) as f64 / 7.0 + rng.below(3) as f64 / 3.0;
            batch.insert(
                (indicator.0, period.start()),
                MeasureInput {
                    indicator,
                    period,
                    value: MeasureValue::new(value).expect("finite"),
                    comment: None,
                },
            );
        }
        let batch: Vec<MeasureInput> = batch.into_values().collect();
        for input in &batch {
            model.insert((input.indicator.0, input.period.start()), input.value.get());
        }
        transaction::write(conn, |c| {
            measures::upsert(c, product, &batch, MeasureSource::Api, Actor::System, today)
        })
        .expect("post");
    }
}

fn assert_matrices_match(conn: &mut DbConnection, cache: &MatrixCache, product: ProductId) {
    for at in [
        "2026-11-23",
        "2026-11-01",
        "2026-06-15",
        "2025-12-31",
        "2024-03-04",
    ] {
        let at = date(at);
        let (kept, cached, reference) = transaction::read(conn, |c| {
            Ok((
                matrix_portfolio::of_products(c, &[product], at)?,
                matrix_portfolio::of_products_cached(c, cache, &[product], at)?,
                matrix_portfolio::of_products_from_measures(c, &[product], at)?,
            ))
        })
        .expect("matrices");
        assert_eq!(kept, reference, "matrix at {at}");
        assert_eq!(cached, reference, "cached matrix at {at}");
    }
}

both_backends! {
    fn the_monthly_figures_equal_a_recompute_after_random_posts_and_corrections(db) {
        let mut conn = db.conn();
        let (product, ids) = portfolio(&mut conn);
        let only_ids: Vec<IndicatorId> = ids.iter().map(|(id, _)| *id).collect();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut model = Model::new();
        // One cache for the whole run: every batch must be seen through it.
        let cache = MatrixCache::default();
        for _ in 0..6 {
            post_randomly(&mut conn, product, &ids, &mut rng, &mut model, 8);
            assert_eq!(stored(&mut conn, &only_ids), recomputed(&model));
            assert_matrices_match(&mut conn, &cache, product);
        }
        assert!(model.len() > 100, "{} values", model.len());

        // A rebuild from the measures gives the same figures as the writes kept.
        let kept = stored(&mut conn, &only_ids);
        transaction::write(&mut conn, aggregates::rebuild).expect("rebuild");
        assert_eq!(stored(&mut conn, &only_ids), kept);
        drop(conn);

        // A copy carries no `measure_months` row: the target rebuilds them.
        let target = pilote_store::testing::TestDb::new(db.db.backend());
        pilote_store::copy::copy_database(&db.db, &target.db).expect("copy");
        assert_eq!(stored(&mut target.conn(), &only_ids), kept);
    }
}

/// The cached matrix and the one computed afresh, at `TODAY`, and the product's version.
fn cached_and_fresh(
    conn: &mut DbConnection,
    cache: &MatrixCache,
    product: ProductId,
) -> (pilote_domain::Matrix, pilote_domain::Matrix, i64) {
    let today = date(TODAY);
    transaction::read(conn, |c| {
        let mut cached = matrix_portfolio::of_products_cached(c, cache, &[product], today)?;
        let mut fresh = matrix_portfolio::of_products(c, &[product], today)?;
        let version = matrix_versions::all(c)?.get(&product).copied().unwrap_or(0);
        Ok((
            cached.remove(&product).expect("cached"),
            fresh.remove(&product).expect("fresh"),
            version,
        ))
    })
    .expect("matrices")
}

both_backends! {
    fn a_cached_matrix_is_recomputed_when_its_measures_indicators_or_spend_change(db) {
        let mut conn = db.conn();
        let (product, ids) = portfolio(&mut conn);
        let today = date(TODAY);
        let cache = MatrixCache::default();
        let (first, fresh, v0) = cached_and_fresh(&mut conn, &cache, product);
        assert_eq!(first, fresh);
        assert!(v0 > 0, "creating indicators and spend moved the version");

        // A measure: a new latest value of the users.
        let (users, periodicity) = ids[0];
        let input = MeasureInput {
            indicator: users,
            period: Period::containing(periodicity, today - Days::new(7)),
            value: MeasureValue::new(4321.0).expect("finite"),
            comment: None,
        };
        transaction::write(&mut conn, |c| {
            measures::upsert(c, product, &[input], MeasureSource::Api, Actor::System, today)
        })
        .expect("post");
        let (after_measure, fresh, v1) = cached_and_fresh(&mut conn, &cache, product);
        assert!(v1 > v0);
        assert_eq!(after_measure, fresh);
        assert_ne!(after_measure, first, "the new value is in the matrix");

        // Spend: last month's amount changes the efficiency figures' inputs.
        let last_month = Period::containing(Periodicity::Month, today)
            .start()
            .checked_sub_months(chrono::Months::new(1))
            .expect("month");
        transaction::write(&mut conn, |c| {
            spend::upsert(c, product, Spend { month: last_month, amount: 123_456 }, Actor::System, today)
        })
        .expect("spend");
        let (after_spend, fresh, v2) = cached_and_fresh(&mut conn, &cache, product);
        assert!(v2 > v1);
        assert_eq!(after_spend, fresh);

        // A new indicator: one more row in the matrix.
        transaction::write(&mut conn, |c| {
            let mut useful = indicator("demandes", false);
            useful.principle = Principle::Useful;
            indicators::insert(c, product, &useful)
        })
        .expect("indicator");
        let (after_indicator, fresh, v3) = cached_and_fresh(&mut conn, &cache, product);
        assert!(v3 > v2);
        assert_eq!(after_indicator, fresh);
        assert_ne!(after_indicator, after_spend);

        // Nothing written: the version holds and the cached matrix is served as it was.
        let (again, _, v4) = cached_and_fresh(&mut conn, &cache, product);
        assert_eq!(v4, v3);
        assert_eq!(again, after_indicator);
    }
}
