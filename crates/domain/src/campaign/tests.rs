use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::*;

fn day(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

fn criterion(key: &str, weight: u32) -> Criterion {
    Criterion {
        key: key.to_owned(),
        label: format!("Critère {key}"),
        weight,
    }
}

fn campaign() -> Campaign {
    Campaign {
        slug: Slug::parse("appel-2027").expect("slug"),
        incubator: Slug::parse("fabrique").expect("slug"),
        title: "Appel 2027".to_owned(),
        opens_on: day("2027-01-01"),
        closes_on: day("2027-02-28"),
        audience: Audience::Public,
        description: String::new(),
        criteria: vec![criterion("impact", 3), criterion("faisabilite", 1)],
    }
}

fn field_of<T: std::fmt::Debug>(r: DomainResult<T>) -> String {
    r.expect_err("refused")
        .field()
        .unwrap_or("<conflict>")
        .to_owned()
}

#[test]
fn a_campaign_checks_its_dates_title_and_criteria() {
    assert!(campaign().validate().is_ok());
    let mut c = campaign();
    c.closes_on = day("2026-12-31");
    assert_eq!(field_of(c.validate()), "closes_on");
    let mut c = campaign();
    c.title = "  ".into();
    assert_eq!(field_of(c.validate()), "title");
    let mut c = campaign();
    c.criteria.clear();
    assert_eq!(field_of(c.validate()), "criteria");
    let mut c = campaign();
    c.criteria = (0..11).map(|i| criterion(&format!("c{i}"), 1)).collect();
    assert_eq!(field_of(c.validate()), "criteria");
    let mut c = campaign();
    c.criteria[1].key = "impact".into();
    assert_eq!(field_of(c.validate()), "criteria[1].key");
    let mut c = campaign();
    c.criteria[0].key = "Impact!".into();
    assert_eq!(field_of(c.validate()), "criteria[0].key");
    let mut c = campaign();
    c.criteria[1].weight = 0;
    assert_eq!(field_of(c.validate()), "criteria[1].weight");
    let mut c = campaign();
    c.criteria[0].label = String::new();
    assert_eq!(field_of(c.validate()), "criteria[0].label");
}

#[test]
fn a_campaign_is_open_between_its_days_included() {
    let c = campaign();
    assert!(!c.is_open(day("2026-12-31")));
    assert!(c.is_open(day("2027-01-01")));
    assert!(c.is_open(day("2027-02-28")));
    assert!(!c.is_open(day("2027-03-01")));
}

pub(crate) fn application() -> Application {
    Application {
        title: "Moins d'attente au guichet".into(),
        problem: "3 000 appels par mois restent sans réponse.".into(),
        who_suffers: "Les usagers".into(),
        current_workaround: String::new(),
        first_users: String::new(),
        intrapreneur: Intrapreneur {
            name: "Camille Agent".into(),
            email: Email::parse("camille@finances.gouv.fr").expect("email"),
            availability_percent: 50,
        },
        sponsor: "DGFiP".into(),
        consents: Consents {
            processing: true,
            contact: false,
        },
    }
}

#[test]
fn an_application_checks_its_fields() {
    assert!(application().validate().is_ok());
    let mut a = application();
    a.problem = "ligne\n".repeat(11);
    let e = a.validate().expect_err("too many lines");
    assert_eq!(e.field(), Some("problem"));
    assert!(e.french().contains("10 lignes"));
    let mut a = application();
    a.problem = "x".repeat(PROBLEM_MAX_CHARS + 1);
    assert_eq!(field_of(a.validate()), "problem");
    let mut a = application();
    a.who_suffers = String::new();
    assert_eq!(field_of(a.validate()), "who_suffers");
    let mut a = application();
    a.intrapreneur.availability_percent = 0;
    assert_eq!(field_of(a.validate()), "intrapreneur.availability_percent");
    let mut a = application();
    a.consents.processing = false;
    assert_eq!(field_of(a.validate()), "consents.processing");
    let mut a = application();
    a.sponsor = " ".into();
    assert_eq!(field_of(a.validate()), "sponsor");
}

#[test]
fn statuses_move_one_step_forward_or_to_rejected() {
    use ApplicationStatus::*;
    assert_eq!(Received.change(Preselected, ""), Ok(None));
    assert_eq!(
        Preselected.change(Auditioned, " vu "),
        Ok(Some("vu".to_owned()))
    );
    assert!(Auditioned.change(Selected, "").is_ok());
    assert!(Received.change(Rejected, "Hors sujet").is_ok());
    assert_eq!(field_of(Received.change(Rejected, "  ")), "reason");
    // No skipping, no going back, nothing after a final status.
    assert_eq!(field_of(Received.change(Selected, "")), "<conflict>");
    assert_eq!(field_of(Auditioned.change(Preselected, "")), "<conflict>");
    assert_eq!(field_of(Selected.change(Rejected, "x")), "<conflict>");
    assert_eq!(field_of(Rejected.change(Received, "x")), "<conflict>");
    let e = Received.change(Selected, "").expect_err("skip");
    assert_eq!(
        e.french(),
        "Une candidature ne peut pas passer de « Reçue » à « Retenue »."
    );
    assert_eq!(Received.moves(), [Preselected, Rejected]);
    assert!(Selected.moves().is_empty());
    assert_eq!(
        field_of(Received.change(Rejected, &"x".repeat(2001))),
        "reason"
    );
}

fn scores(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

#[test]
fn a_score_sheet_covers_every_criterion_from_0_to_5() {
    let criteria = campaign().criteria;
    let sheet = ScoreSheet::new(
        &criteria,
        &scores(&[("impact", 5), ("faisabilite", 0)]),
        false,
    )
    .expect("valid");
    assert_eq!(sheet.scores["impact"], 5);
    assert_eq!(
        field_of(ScoreSheet::new(
            &criteria,
            &scores(&[("impact", 6), ("faisabilite", 0)]),
            false
        )),
        "scores.impact"
    );
    assert_eq!(
        field_of(ScoreSheet::new(
            &criteria,
            &scores(&[("impact", -1)]),
            false
        )),
        "scores.impact"
    );
    assert_eq!(
        field_of(ScoreSheet::new(&criteria, &scores(&[("impact", 3)]), false)),
        "scores.faisabilite"
    );
    assert_eq!(
        field_of(ScoreSheet::new(
            &criteria,
            &scores(&[("impact", 3), ("faisabilite", 3), ("beaute", 1)]),
            false
        )),
        "scores.beaute"
    );
    // A juror with a conflict of interest may score nothing.
    assert!(ScoreSheet::new(&criteria, &BTreeMap::new(), true).is_ok());
}

fn sheet(impact: u8, faisabilite: u8, conflict: bool) -> ScoreSheet {
    ScoreSheet {
        conflict_of_interest: conflict,
        scores: [
            ("impact".to_owned(), impact),
            ("faisabilite".to_owned(), faisabilite),
        ]
        .into_iter()
        .collect(),
    }
}

#[test]
fn the_tally_is_a_weighted_mean_of_counted_scores() {
    let criteria = campaign().criteria;
    let t = tally(
        &criteria,
        &[sheet(4, 0, false), sheet(2, 2, false), sheet(0, 0, true)],
    );
    assert_eq!(t.jurors, 2);
    assert_eq!(t.conflicted, 1);
    assert_eq!(t.criteria[0].mean, Some(3.0));
    assert_eq!(t.criteria[0].jurors, 2);
    assert_eq!(t.criteria[1].mean, Some(1.0));
    // (3 × 3 + 1 × 1) / 4
    assert_eq!(t.weighted_mean, Some(2.5));
    let none = tally(&criteria, &[sheet(5, 5, true)]);
    assert_eq!(none.weighted_mean, None);
    assert_eq!(none.criteria[0].jurors, 0);
}

#[test]
fn the_ranking_follows_the_weights() {
    let criteria = campaign().criteria;
    // a: strong on impact (weight 3); b: strong on feasibility (weight 1).
    let a = tally(&criteria, &[sheet(5, 1, false)]);
    let b = tally(&criteria, &[sheet(1, 5, false), sheet(5, 5, true)]);
    let c = tally(&criteria, &[]);
    let ranked = rank(vec![("c", c), ("b", b), ("a", a)]);
    let order: Vec<_> = ranked.iter().map(|(n, _)| *n).collect();
    assert_eq!(order, ["a", "b", "c"]);
}

#[test]
fn the_funnel_counts_how_far_each_application_went() {
    let mut f = Funnel::default();
    f.add(Reached::default());
    f.add(Reached {
        preselected: true,
        ..Reached::default()
    });
    f.add(Reached {
        preselected: true,
        selected: true,
        investigation: true,
        construction: true,
    });
    assert_eq!(
        f,
        Funnel {
            received: 3,
            preselected: 2,
            selected: 1,
            investigations: 1,
            construction: 1
        }
    );
    assert_eq!(f.plus(f).received, 6);
    let years = funnel_per_year([(2026, f), (2027, f), (2026, f)]);
    assert_eq!(years.len(), 2);
    assert_eq!((years[0].0, years[0].1.received), (2027, 3));
    assert_eq!((years[1].0, years[1].1.selected), (2026, 2));
}
