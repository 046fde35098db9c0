//! The portfolio's matrices, loaded in a few queries, are the very matrices of each product;
//! `publish_efficiency` is off by default, set and audited.

use chrono::Months;
use pilote_domain::{
    Certification, CertificationLevel, MatrixRole, MeasureSource, MeasureValue, Period,
    Periodicity, Principle, Spend,
};
use pilote_store::{
    Actor, ProductId,
    repo::{
        audit, indicators, matrix, matrix_certification, matrix_portfolio, matrix_publication,
        measures::{self, MeasureInput},
        products, spend,
    },
    transaction,
};

use crate::{
    catalogue::indicator,
    common::{date, product, seed},
};

const TODAY: &str = "2026-11-23";

both_backends! {
    fn the_portfolio_loads_each_products_own_matrix(db) {
        let mut conn = db.conn();
        let (_, first) = seed(&mut conn);
        let today = date(TODAY);
        let second = transaction::write(&mut conn, |c| {
            let second = products::insert(c, &product("autre", "dinum", "2025-01-06"), Actor::System)?;
            // `first`: weekly active users (mean of the weeks) and monthly spend over 30 months.
            let mut users = indicator("usagers", true);
            users.matrix_role = Some(MatrixRole::MonthlyActiveUsers);
            users.aggregation = pilote_domain::Aggregation::Mean;
            let users = indicators::insert(c, first, &users)?;
            let mut ease = indicator("facilite", false);
            ease.principle = Principle::Usable;
            ease.periodicity = Periodicity::Month;
            ease.matrix_role = Some(MatrixRole::EaseOfUse);
            let ease = indicators::insert(c, first, &ease)?;
            // `second`: one monthly indicator only, no spend.
            let mut other = indicator("autre-chose", false);
            other.periodicity = Periodicity::Month;
            let other = indicators::insert(c, second, &other)?;
            let mut batch = Vec::new();
            let mut monday = Period::containing(Periodicity::Week, date("2024-05-06"));
            let mut k = 0.0;
            while monday.start() <= today {
                k += 1.0;
                batch.push(MeasureInput {
                    indicator: users,
                    period: monday,
                    value: MeasureValue::new(100.0 + k).expect("finite"),
                    comment: None,
                });
                monday = monday.next();
            }
            for back in [2, 5, 14] {
                let month = Period::containing(Periodicity::Month, today)
                    .start()
                    .checked_sub_months(Months::new(back))
                    .expect("month");
                batch.push(MeasureInput {
                    indicator: ease,
                    period: Period::from_start(Periodicity::Month, month).expect("a 1st"),
                    value: MeasureValue::new(f64::from(back)).expect("finite"),
                    comment: None,
                });
            }
            measures::upsert(c, first, &batch, MeasureSource::Api, Actor::System, today)?;
            let one = [MeasureInput {
                indicator: other,
                period: Period::from_start(Periodicity::Month, date("2026-10-01")).expect("a 1st"),
                value: MeasureValue::new(3.0).expect("finite"),
                comment: None,
            }];
            measures::upsert(c, second, &one, MeasureSource::Api, Actor::System, today)?;
            for back in 1..=30 {
                let month = date("2026-11-01").checked_sub_months(Months::new(back)).expect("month");
                let entry = Spend { month, amount: 1000 * i64::from(back) };
                spend::upsert(c, first, entry, Actor::System, today)?;
            }
            Ok(second)
        })
        .expect("data");

        let all = transaction::read(&mut conn, |c| {
            matrix_portfolio::of_products(c, &[first, second], today)
        })
        .expect("portfolio");
        assert_eq!(all.len(), 2);
        for id in [first, second] {
            let alone: pilote_domain::Matrix =
                transaction::read(&mut conn, |c| matrix::at(c, id, today)).expect("matrix");
            assert_eq!(all.get(&id), Some(&alone), "product {id:?}");
        }
        let m = &all[&first];
        assert!(m.efficiency.current.cost_per_active_user.is_some());
        assert_eq!(m.efficiency.current.spend_months, 12);
        // A product id without anything still gets its (empty) matrix.
        let none = transaction::read(&mut conn, |c| {
            matrix_portfolio::of_products(c, &[ProductId(999_999)], today)
        })
        .expect("portfolio");
        assert_eq!(none[&ProductId(999_999)].efficiency.current.budget, None);
    }

    fn publishing_efficiency_is_off_by_default_then_audited(db) {
        let mut conn = db.conn();
        let (_, id) = seed(&mut conn);
        let read = |conn: &mut pilote_store::DbConnection| {
            transaction::read(conn, |c| matrix_publication::publishes_efficiency(c, id))
                .expect("flag")
        };
        assert!(!read(&mut conn));
        for publish in [true, true, false] {
            transaction::write(&mut conn, |c| {
                matrix_publication::set_publish_efficiency(c, id, publish, Actor::System)
            })
            .expect("set");
            assert_eq!(read(&mut conn), publish);
        }
        let listed = transaction::read(&mut conn, matrix_publication::publishing_efficiency)
            .expect("list");
        assert!(listed.is_empty());
        // Two changes, the repeated `true` wrote nothing.
        let entries = transaction::read(&mut conn, |c| {
            audit::for_entity(c, "product", "mon-produit")
        })
        .expect("audit");
        let changes = entries
            .iter()
            .filter(|e| e.action == "product.publish_efficiency")
            .count();
        assert_eq!(changes, 2);
    }

    fn certification_is_none_until_set_then_audited(db) {
        let mut conn = db.conn();
        let (_, id) = seed(&mut conn);
        let read = |conn: &mut pilote_store::DbConnection| {
            transaction::read(conn, |c| matrix_certification::get(c, id)).expect("read")
        };
        assert_eq!(read(&mut conn), None);
        let today = date(TODAY);
        let certified = Certification::new(CertificationLevel::Certified, date("2026-10-01"), today)
            .expect("certification");
        let validated = Certification::new(CertificationLevel::Validated, today, today)
            .expect("certification");
        for c in [certified, certified, validated] {
            transaction::write(&mut conn, |t| {
                matrix_certification::set(t, id, c, Actor::System)
            })
            .expect("set");
            assert_eq!(read(&mut conn), Some(c));
        }
        let all = transaction::read(&mut conn, matrix_certification::all).expect("all");
        assert_eq!(all.get(&id), Some(&validated));
        let entries = transaction::read(&mut conn, |c| {
            audit::for_entity(c, "product", "mon-produit")
        })
        .expect("audit");
        let changes: Vec<_> = entries
            .iter()
            .filter(|e| e.action == "matrix.certification")
            .collect();
        // Two changes: setting the same level and day again wrote nothing.
        assert_eq!(changes.len(), 2);
        assert!(changes.iter().any(|e| e.after.as_deref().is_some_and(|a| a.contains("validated"))));
    }
}
