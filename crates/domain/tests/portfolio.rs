//! Incubators, products and grants, on hand-written examples.

mod common;

use chrono::NaiveDate;
use common::{d, invalid_field};
use pilote_domain::{Grant, Incubator, PhaseDurations, Product, Role, Slug};

fn slug(s: &str) -> Slug {
    Slug::parse(s).expect("valid slug")
}

fn incubator() -> Incubator {
    Incubator {
        slug: slug("dinum"),
        name: "Incubateur de la DINUM".into(),
        administration: "DINUM".into(),
        durations: PhaseDurations::default(),
    }
}

fn product(created_on: NaiveDate) -> Product {
    Product {
        slug: slug("vie.chere"),
        name: "Vie chère".into(),
        pitch: "Comparer les prix dans les outre-mer.".into(),
        problem: None,
        sponsor: "DGOM".into(),
        incubator: slug("dinum"),
        website: Some("https://vie-chere.beta.gouv.fr".into()),
        repository: Some("https://github.com/betagouv/vie-chere".into()),
        published: true,
        created_on,
    }
}

#[test]
fn incubators_check_their_fields() {
    assert_eq!(incubator().validate(), Ok(()));
    let field = |change: fn(&mut Incubator)| {
        let mut i = incubator();
        change(&mut i);
        invalid_field(i.validate())
    };
    assert_eq!(field(|i| i.name = " ".into()), "name");
    assert_eq!(field(|i| i.name = "x".repeat(201)), "name");
    assert_eq!(
        field(|i| i.administration = "x".repeat(201)),
        "administration"
    );
    assert_eq!(
        field(|i| i.durations.construction_months = 0),
        "construction_months"
    );
}

#[test]
fn products_check_their_fields() {
    let today = d("2025-03-01");
    assert_eq!(product(today).validate(today), Ok(()));
    let field = |change: fn(&mut Product)| {
        let mut p = product(d("2025-03-01"));
        change(&mut p);
        invalid_field(p.validate(d("2025-03-01")))
    };
    assert_eq!(field(|p| p.name = String::new()), "name");
    assert_eq!(field(|p| p.pitch = "x".repeat(1001)), "pitch");
    assert_eq!(field(|p| p.sponsor = "x".repeat(201)), "sponsor");
    assert_eq!(field(|p| p.problem = Some("x".repeat(10_001))), "problem");
    assert_eq!(
        field(|p| p.website = Some("vie-chere.beta.gouv.fr".into())),
        "website"
    );
    assert_eq!(field(|p| p.website = Some(String::new())), "website");
    assert_eq!(
        field(|p| p.repository = Some("git@github.com:x/y".into())),
        "repository"
    );
    let long = format!("https://example.org/{}", "x".repeat(481));
    let mut p = product(today);
    p.website = Some(long);
    assert_eq!(invalid_field(p.validate(today)), "website");
    p.website = None;
    p.repository = None;
    p.pitch = String::new();
    assert_eq!(p.validate(today), Ok(()));
    // A product starts at the latest today: the day it is created.
    assert_eq!(invalid_field(p.validate(d("2025-02-28"))), "started_on");
}

#[test]
fn grants_carry_their_role_and_scope() {
    let (dinum, other) = (slug("dinum"), slug("fabrique"));
    let (vie_chere, iae) = (slug("vie.chere"), slug("conventionnement.iae"));
    let manager = Grant::Manager {
        incubator: dinum.clone(),
    };
    let member = Grant::Member {
        product: vie_chere.clone(),
    };
    assert_eq!(Grant::Admin.role(), Role::Admin);
    assert_eq!(manager.role(), Role::Manager);
    assert_eq!(member.role(), Role::Member);
    assert_eq!(Grant::Viewer.role(), Role::Viewer);
    assert_eq!(manager.scope(), Some(&dinum));
    assert_eq!(Grant::Viewer.scope(), None);

    assert!(Grant::Admin.can_write_product(&iae, &other));
    assert!(manager.can_write_product(&iae, &dinum));
    assert!(!manager.can_write_product(&iae, &other));
    assert!(member.can_write_product(&vie_chere, &other));
    assert!(!member.can_write_product(&iae, &dinum));
    assert!(!Grant::Viewer.can_write_product(&vie_chere, &dinum));
}

#[test]
fn one_search_over_name_slug_and_pitch() {
    let p = product(d("2025-03-01"));
    let hits = |q: &str| p.matches(&pilote_domain::search_words(q));
    assert!(hits("VIE CHERE"), "the name, accents and case ignored");
    assert!(hits("vie.chere"), "the slug");
    assert!(hits("comparer outre-mer"), "every word, in the pitch");
    assert!(hits(""), "an empty search finds everything");
    assert!(!hits("vie douane"), "one word missing");
}
