//! Phase history and committee decisions.

use pilote_domain::{DecisionKind, DomainError, NewDecision, Phase, ProductStatus, Rationale};
use pilote_store::{
    Actor, StoreError,
    repo::{audit, phases},
    transaction,
};

use crate::common::{date, seed};

fn decision(kind: DecisionKind, on: &str) -> NewDecision {
    NewDecision {
        kind,
        decided_on: date(on),
        rationale: Rationale::parse("Comité d'investissement du trimestre").expect("rationale"),
    }
}

both_backends! {
    fn advance_then_stop_writes_history_decisions_and_audit(db) {
        let mut conn = db.conn();
        let (_, product) = seed(&mut conn);
        let today = date("2026-11-23");
        for d in [
            decision(DecisionKind::Continue, "2025-03-01"),
            decision(DecisionKind::Advance, "2025-06-02"),
            decision(DecisionKind::Pivot, "2025-09-01"),
            decision(DecisionKind::Advance, "2026-01-05"),
            decision(DecisionKind::Stop, "2026-06-01"),
        ] {
            transaction::write(&mut conn, |c| phases::record_decision(c, product, &d, Actor::System, today))
                .expect("decision");
        }
        let history = phases::history(&mut conn, product).expect("history");
        assert_eq!(history.status(), ProductStatus::Stopped);
        let records: Vec<_> = history.records().iter().map(|r| (r.phase, r.started_on, r.ended_on)).collect();
        assert_eq!(records, [
            (Phase::Investigation, date("2025-01-06"), Some(date("2025-06-02"))),
            (Phase::Construction, date("2025-06-02"), Some(date("2026-01-05"))),
            (Phase::Acceleration, date("2026-01-05"), Some(date("2026-06-01"))),
        ]);
        let decisions = phases::decisions(&mut conn, product).expect("decisions");
        assert_eq!(decisions.len(), 5);
        assert_eq!(decisions[4].decision.kind, DecisionKind::Stop);
        let entries = audit::for_entity(&mut conn, "product", "mon-produit").expect("audit");
        assert_eq!(entries.iter().filter(|e| e.action == "decision.record").count(), 5);
    }

    fn illegal_decisions_change_nothing(db) {
        let mut conn = db.conn();
        let (_, product) = seed(&mut conn);
        let today = date("2026-11-23");
        let before = phases::history(&mut conn, product).expect("history");
        for (d, expect_conflict) in [
            (decision(DecisionKind::Advance, "2024-12-31"), true),  // before the phase began
            (decision(DecisionKind::Advance, "2026-11-24"), false), // in the future
        ] {
            let err = transaction::write(&mut conn, |c| phases::record_decision(c, product, &d, Actor::System, today))
                .expect_err("refused");
            match err {
                StoreError::Domain(DomainError::Conflict(_)) => assert!(expect_conflict),
                StoreError::Domain(DomainError::Invalid { field, .. }) => {
                    assert!(!expect_conflict);
                    assert_eq!(field, "decided_on");
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        transaction::write(&mut conn, |c| phases::record_decision(c, product, &decision(DecisionKind::Stop, "2025-02-01"), Actor::System, today))
            .expect("stop");
        let err = transaction::write(&mut conn, |c| phases::record_decision(c, product, &decision(DecisionKind::Continue, "2025-03-01"), Actor::System, today))
            .expect_err("stopped product");
        assert!(matches!(err, StoreError::Domain(DomainError::Conflict(_))), "{err:?}");
        assert_eq!(phases::decisions(&mut conn, product).expect("decisions").len(), 1);
        assert_ne!(phases::history(&mut conn, product).expect("history"), before);
    }

    fn the_database_refuses_two_open_phases(db) {
        use diesel::prelude::*;
        use pilote_store::schema::phases as p;
        let mut conn = db.conn();
        let (_, product) = seed(&mut conn);
        let err = diesel::insert_into(p::table)
            .values((p::product_id.eq(product.0), p::phase.eq("construction"), p::started_on.eq(date("2025-02-01"))))
            .execute(&mut *conn)
            .map_err(StoreError::from)
            .expect_err("second open phase");
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    }
}
