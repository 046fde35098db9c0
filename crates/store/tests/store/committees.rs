//! Committee cadence: the next committee of each running product, due its incubator's
//! `committee_months` after the last committee decision; the setting audited.

use pilote_domain::{CommitteeCadence, CommitteeState, DecisionKind, NewDecision, Rationale};
use pilote_store::{
    Actor,
    repo::{audit, committees, phases},
    transaction,
};

use crate::common::{date, seed, slug};

both_backends! {
    fn committees_follow_the_last_decision_and_the_incubators_cadence(db) {
        let mut conn = db.conn();
        let (_, id) = seed(&mut conn);
        let today = date("2026-11-23");
        let due = |conn: &mut pilote_store::DbConnection| {
            transaction::read(conn, |c| committees::due(c, None, today)).expect("due")
        };
        // No decision: six months after it entered investigation (2025-01-06).
        let listed = due(&mut conn);
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].last_on, date("2025-01-06"));
        assert_eq!(listed[0].due_on, date("2025-07-06"));
        assert_eq!(listed[0].state, CommitteeState::Overdue);

        // A committee on 2026-06-01: the next is due 2026-12-01, within 30 days.
        let decision = NewDecision {
            kind: DecisionKind::Continue,
            decided_on: date("2026-06-01"),
            rationale: Rationale::parse("Poursuite").expect("rationale"),
        };
        transaction::write(&mut conn, |c| {
            phases::record_decision(c, id, &decision, Actor::System, today)
        })
        .expect("decision");
        let listed = due(&mut conn);
        assert_eq!(listed[0].due_on, date("2026-12-01"));
        assert_eq!(listed[0].state, CommitteeState::ToSchedule);

        // A yearly cadence for the incubator: nothing to schedule yet.
        let dinum = slug("dinum");
        let yearly = CommitteeCadence::new(12).expect("cadence");
        for _ in 0..2 {
            transaction::write(&mut conn, |c| {
                committees::set_cadence(c, &dinum, yearly, Actor::System)
            })
            .expect("set");
        }
        assert!(due(&mut conn).is_empty());
        let cadence = transaction::read(&mut conn, |c| committees::cadence(c, &dinum))
            .expect("cadence");
        assert_eq!(cadence, yearly);
        let entries = transaction::read(&mut conn, |c| audit::for_entity(c, "incubator", "dinum"))
            .expect("audit");
        let changes = entries
            .iter()
            .filter(|e| e.action == "incubator.committee_cadence")
            .count();
        assert_eq!(changes, 1, "the same cadence again writes nothing");

        // A stopped product has no committee to come.
        let stop = NewDecision {
            kind: DecisionKind::Stop,
            decided_on: date("2026-11-01"),
            rationale: Rationale::parse("Arrêt").expect("rationale"),
        };
        transaction::write(&mut conn, |c| {
            committees::set_cadence(c, &dinum, CommitteeCadence::default(), Actor::System)?;
            phases::record_decision(c, id, &stop, Actor::System, today)
        })
        .expect("stop");
        assert!(due(&mut conn).is_empty());
    }
}
