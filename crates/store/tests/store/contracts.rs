//! The contrat de réussite: contract, objectives, commitments, spend, status and reviews.

use std::collections::BTreeMap;

use pilote_domain::{
    Commitment, CommitmentArea, Contract, DecisionKind, DomainError, MeasureSource, MeasureValue,
    Milestone, NewReview, Objective, ObjectiveStatus, Period, Periodicity, Phase, Point,
    ProductStatus, Rationale, ReviewDecision, ReviewSnapshot, Spend, Tolerance, Verdict,
};
use pilote_store::{
    Actor, DbConnection, ProductId, StoreError,
    repo::{
        audit, commitments, contract_status, contracts, indicators,
        measures::{self, MeasureInput},
        objectives, phases, products, reviews,
        spend::{self, SpendChange},
    },
    transaction,
};

use crate::{
    catalogue::indicator,
    common::{date, seed, slug},
};

const TODAY: &str = "2026-11-23";

fn contract(budget_2026: i64) -> Contract {
    Contract {
        signed_on: date("2025-01-02"),
        starts_on: date("2025-01-06"),
        ends_on: date("2026-12-31"),
        review_cadence_months: 3,
        budget_per_year: BTreeMap::from([(2025, 500_000), (2026, budget_2026)]),
        milestones: vec![Milestone {
            phase: Phase::Construction,
            planned_on: date("2025-07-07"),
        }],
    }
}

fn objective(target: f64) -> Objective {
    Objective::new(
        Point {
            value: 0.0,
            on: date("2026-01-05"),
        },
        Point {
            value: target,
            on: date("2026-12-28"),
        },
        Tolerance::default(),
    )
    .expect("objective")
}

fn review(on: &str, kind: DecisionKind) -> NewReview {
    NewReview {
        reviewed_on: date(on),
        reviewers: vec!["Camille Martin".to_owned(), "Sacha Bernard".to_owned()],
        verdict: Verdict::Green,
        decision: ReviewDecision {
            kind,
            rationale: Rationale::parse("Objectifs en bonne voie").expect("rationale"),
        },
        notes: "RAS".to_owned(),
    }
}

fn write<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    transaction::write(conn, f)
}

fn post(conn: &mut DbConnection, product: ProductId, day: &str, value: f64) {
    let id = indicators::find(conn, product, &slug("demarches"))
        .expect("indicator")
        .0;
    let input = MeasureInput {
        indicator: id,
        period: Period::containing(Periodicity::Week, date(day)),
        value: MeasureValue::new(value).expect("finite"),
        comment: None,
    };
    write(conn, |c| {
        measures::upsert(
            c,
            product,
            &[input],
            MeasureSource::Api,
            Actor::System,
            date(TODAY),
        )
    })
    .expect("measure");
}

/// A product with a contract, an indicator `demarches` and one objective on it.
fn setup(conn: &mut DbConnection) -> ProductId {
    let (_, product) = seed(conn);
    write(conn, |c| {
        indicators::insert(c, product, &indicator("demarches", true))?;
        contracts::put(c, product, &contract(800_000), Actor::System)?;
        objectives::create(
            c,
            product,
            &slug("demarches"),
            &objective(5_000.0),
            Actor::System,
        )
    })
    .expect("setup");
    product
}

both_backends! {
    fn a_contract_is_replaced_as_a_whole_and_audited(db) {
        let mut conn = db.conn();
        let (_, product) = seed(&mut conn);
        assert_eq!(contracts::find(&mut conn, product).expect("find"), None);
        assert!(matches!(contracts::get(&mut conn, product), Err(StoreError::NotFound { what: "contract" })));
        let first = write(&mut conn, |c| contracts::put(c, product, &contract(800_000), Actor::System)).expect("put");
        let mut changed = contract(900_000);
        changed.milestones.push(Milestone { phase: Phase::Acceleration, planned_on: date("2026-06-01") });
        let second = write(&mut conn, |c| contracts::put(c, product, &changed, Actor::System)).expect("replace");
        assert_eq!(first, second);
        assert_eq!(contracts::get(&mut conn, product).expect("get").1, changed);
        let mut bad = contract(1);
        bad.budget_per_year.insert(2027, 1);
        let err = write(&mut conn, |c| contracts::put(c, product, &bad, Actor::System)).expect_err("2027");
        assert!(matches!(&err, StoreError::Domain(e) if e.field() == Some("budget_per_year.2027")), "{err:?}");
        let entries = audit::for_entity(&mut conn, "contract", "mon-produit").expect("audit");
        let actions: Vec<_> = entries.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["contract.create", "contract.replace"]);
        assert!(entries[1].before.as_deref().is_some_and(|b| b.contains("800000")));
        assert!(entries[1].after.as_deref().is_some_and(|a| a.contains("900000")));
    }

    fn objectives_and_commitments_belong_to_the_contract(db) {
        let mut conn = db.conn();
        let product = setup(&mut conn);
        let listed = objectives::list(&mut conn, product).expect("list");
        assert_eq!(listed.len(), 1);
        let id = listed[0].id;
        let err = write(&mut conn, |c| objectives::create(c, product, &slug("inconnu"), &objective(1.0), Actor::System))
            .expect_err("unknown indicator");
        assert!(matches!(&err, StoreError::Domain(e) if e.field() == Some("indicator")), "{err:?}");
        let updated = write(&mut conn, |c| objectives::update(c, product, id, &objective(6_000.0), Actor::System)).expect("update");
        assert_eq!(updated.objective.target.value, 6_000.0);
        write(&mut conn, |c| objectives::delete(c, product, id, Actor::System)).expect("delete");
        assert!(objectives::list(&mut conn, product).expect("list").is_empty());
        let err = write(&mut conn, |c| objectives::delete(c, product, id, Actor::System)).expect_err("gone");
        assert!(matches!(err, StoreError::NotFound { what: "objective" }));
        let actions: Vec<_> = audit::for_entity(&mut conn, "objective", &id.to_string()).expect("audit")
            .into_iter().map(|e| e.action).collect();
        assert_eq!(actions, ["objective.create", "objective.update", "objective.delete"]);

        let mut a11y = Commitment {
            area: CommitmentArea::Accessibility,
            expected: "RGAA 100 %".to_owned(),
            current: "RGAA 74 %".to_owned(),
            evidence_url: None,
        };
        let cid = write(&mut conn, |c| commitments::create(c, product, &a11y, Actor::System)).expect("commitment");
        a11y.current = "RGAA 81 %".to_owned();
        write(&mut conn, |c| commitments::update(c, product, cid, &a11y, Actor::System)).expect("update");
        assert_eq!(commitments::list(&mut conn, product).expect("list"), [(cid, a11y.clone())]);
        write(&mut conn, |c| commitments::delete(c, product, cid, Actor::System)).expect("delete");
        assert_eq!(audit::for_entity(&mut conn, "commitment", &cid.to_string()).expect("audit").len(), 3);

        // The product's journal still holds the removed objective and commitment, the contract
        // and nothing of another product's.
        let other = write(&mut conn, |c| products::insert(c, &crate::common::product("autre", "dinum", "2025-01-06"), Actor::System))
            .expect("another product");
        write(&mut conn, |c| contracts::put(c, other, &contract(1), Actor::System)).expect("contract");
        write(&mut conn, |c| commitments::create(c, other, &a11y, Actor::System)).expect("theirs");
        let journal: Vec<_> = audit::for_product(&mut conn, product).expect("journal")
            .into_iter().map(|e| e.action).collect();
        for action in ["contract.create", "objective.create", "objective.delete", "commitment.create", "commitment.delete"] {
            assert!(journal.iter().any(|a| a == action), "{action} missing: {journal:?}");
        }
        assert_eq!(journal.iter().filter(|a| a.starts_with("commitment.")).count(), 3, "{journal:?}");
        assert_eq!(journal.iter().filter(|a| *a == "contract.create").count(), 1, "{journal:?}");
    }

    fn spend_is_one_amount_per_month(db) {
        let mut conn = db.conn();
        let (_, product) = seed(&mut conn);
        let put = |conn: &mut DbConnection, day: &str, amount| {
            write(conn, |c| spend::upsert(c, product, Spend { month: date(day), amount }, Actor::System, date(TODAY)))
        };
        assert_eq!(put(&mut conn, "2026-03-15", 120_000).expect("create").1, SpendChange::Created);
        assert_eq!(put(&mut conn, "2026-03-01", 120_000).expect("same").1, SpendChange::Unchanged);
        assert_eq!(put(&mut conn, "2026-03-31", 130_000).expect("replace").1, SpendChange::Updated);
        put(&mut conn, "2026-02-01", 90_000).expect("february");
        let err = put(&mut conn, "2026-12-01", 1).expect_err("future");
        assert!(matches!(&err, StoreError::Domain(e) if e.field() == Some("month")), "{err:?}");
        let err = put(&mut conn, "2026-01-01", -1).expect_err("negative");
        assert!(matches!(&err, StoreError::Domain(e) if e.field() == Some("amount")), "{err:?}");
        assert_eq!(spend::list(&mut conn, product).expect("list"), [
            Spend { month: date("2026-02-01"), amount: 90_000 },
            Spend { month: date("2026-03-01"), amount: 130_000 },
        ]);
        let entries = audit::for_entity(&mut conn, "spend", "mon-produit/2026-03-01").expect("audit");
        assert_eq!(entries.len(), 2);
    }

    fn a_signed_review_keeps_its_snapshot_and_applies_its_decision(db) {
        let mut conn = db.conn();
        let product = setup(&mut conn);
        post(&mut conn, product, "2026-06-01", 1_000.0);
        let taken = write(&mut conn, |c| reviews::create(c, product, &review("2026-06-10", DecisionKind::Advance), Actor::System, date(TODAY)))
            .expect("review");
        let snapshot: ReviewSnapshot = serde_json::from_str(&taken.snapshot).expect("snapshot");
        assert_eq!(snapshot.status.objectives[0].latest.map(|l| l.value), Some(1_000.0));
        assert_eq!(snapshot.verdict, Verdict::Green);

        // Editing a draft keeps the status part when the date stays.
        let mut edited = review("2026-06-10", DecisionKind::Advance);
        edited.verdict = Verdict::Amber;
        post(&mut conn, product, "2026-06-01", 1_500.0);
        let edited = write(&mut conn, |c| reviews::update(c, taken.id, &edited, Actor::System, date(TODAY))).expect("edit");
        let again: ReviewSnapshot = serde_json::from_str(&edited.snapshot).expect("snapshot");
        assert_eq!((again.status.clone(), again.verdict), (snapshot.status.clone(), Verdict::Amber));

        let signed = write(&mut conn, |c| reviews::sign(c, taken.id, Actor::System, date(TODAY))).expect("sign");
        assert!(signed.signed_at.is_some() && signed.decision_id.is_some());
        assert_eq!(phases::history(&mut conn, product).expect("history").status(), ProductStatus::Active(Phase::Construction));

        post(&mut conn, product, "2026-06-08", 9_000.0);
        assert_eq!(reviews::get(&mut conn, taken.id).expect("get").snapshot, edited.snapshot);
        let live = contract_status::at(&mut conn, product, date("2026-06-15")).expect("status");
        assert_eq!(live.objectives[0].latest.map(|l| l.value), Some(9_000.0));
        assert_eq!(live.objectives[0].status, ObjectiveStatus::Achieved);
        assert_eq!(live.last_review, Some(date("2026-06-10")));

        for attempt in [
            write(&mut conn, |c| reviews::update(c, taken.id, &review("2026-06-10", DecisionKind::Continue), Actor::System, date(TODAY))),
            write(&mut conn, |c| reviews::sign(c, taken.id, Actor::System, date(TODAY))),
        ] {
            assert!(matches!(attempt, Err(StoreError::Domain(DomainError::Conflict(_)))), "{attempt:?}");
        }
        assert_eq!(reviews::list(&mut conn, product).expect("list").len(), 1);
        let actions: Vec<_> = audit::for_entity(&mut conn, "review", &taken.id.to_string()).expect("audit")
            .into_iter().map(|e| e.action).collect();
        assert_eq!(actions, ["review.create", "review.update", "review.sign"]);

        // The objective the signed review froze stays in the contract; a later one may go.
        let frozen = objectives::list(&mut conn, product).expect("list")[0].id;
        let err = write(&mut conn, |c| objectives::delete(c, product, frozen, Actor::System)).expect_err("frozen");
        assert!(matches!(&err, StoreError::Domain(DomainError::Conflict(_))), "{err:?}");
        assert!(err.to_string().contains("2026-06-10"), "{err}");
        assert_eq!(objectives::list(&mut conn, product).expect("list").len(), 1);
        let later = write(&mut conn, |c| objectives::create(c, product, &slug("demarches"), &objective(7_000.0), Actor::System))
            .expect("a later objective");
        write(&mut conn, |c| objectives::delete(c, product, later.id, Actor::System)).expect("not frozen");
        assert_eq!(objectives::list(&mut conn, product).expect("list").len(), 1);
    }

    fn an_illegal_decision_leaves_the_review_unsigned(db) {
        let mut conn = db.conn();
        let product = setup(&mut conn);
        // Dated before the product began: the phase rule refuses it, so nothing is signed.
        let early = write(&mut conn, |c| reviews::create(c, product, &review("2025-01-01", DecisionKind::Stop), Actor::System, date(TODAY)))
            .expect("review");
        let err = write(&mut conn, |c| reviews::sign(c, early.id, Actor::System, date(TODAY))).expect_err("refused");
        assert!(matches!(err, StoreError::Domain(DomainError::Conflict(_))), "{err:?}");
        assert_eq!(reviews::get(&mut conn, early.id).expect("get").signed_at, None);
        assert!(phases::decisions(&mut conn, product).expect("decisions").is_empty());
        let err = write(&mut conn, |c| reviews::create(c, product, &review("2026-11-24", DecisionKind::Continue), Actor::System, date(TODAY)))
            .expect_err("future");
        assert!(matches!(&err, StoreError::Domain(e) if e.field() == Some("reviewed_on")), "{err:?}");
    }
}
