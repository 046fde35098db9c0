//! The product sheet: round trip on both backends, audited, the same sheet twice is a no-op,
//! co-incubation widens an incubator's list, and the thematique filter.

use pilote_domain::{
    AccessibilityStatus, Contacts, DsfrStatus, Email, Links, MonServiceSecurise, ProductSheet,
};
use pilote_store::{
    Actor, StoreError,
    page::Page,
    repo::{audit, incubators, products, sheets},
};

use crate::common::{date, incubator, product, seed, slug};

fn full_sheet() -> ProductSheet {
    ProductSheet {
        thematiques: vec!["Écologie".into(), "Travail / Emploi".into()],
        user_types: vec!["etat".into()],
        technos: vec!["rust".into(), "diesel".into()],
        co_incubators: vec![slug("anct")],
        contacts: Contacts {
            product: Some(Email::parse("contact@produit.gouv.fr").expect("email")),
            dinum: Some(Email::parse("julie.guyot@beta.gouv.fr").expect("email")),
            incubator: None,
        },
        links: Links {
            stats: Some("https://produit.gouv.fr/stats".into()),
            risk_analysis: Some("https://docs.example.org/risques".into()),
            ..Links::default()
        },
        accessibility_status: Some(AccessibilityStatus::PartiallyCompliant),
        dsfr_status: Some(DsfrStatus::Full),
        monservicesecurise: MonServiceSecurise {
            registered: Some(true),
            url: None,
        },
        risk_analysis: Some(false),
    }
}

both_backends! {
    fn a_sheet_round_trips_audited_and_a_repeat_writes_nothing(db) {
        let mut conn = db.conn();
        let (_, id) = seed(&mut conn);
        incubators::insert(&mut conn, &incubator("anct")).expect("anct");
        assert_eq!(sheets::get(&mut conn, id).expect("empty"), ProductSheet::default());
        let sheet = full_sheet();
        sheets::set(&mut conn, id, sheet.clone(), Actor::System).expect("set");
        assert_eq!(sheets::get(&mut conn, id).expect("get"), sheet);
        assert_eq!(sheets::all(&mut conn).expect("all").get(&id), Some(&sheet));
        sheets::set(&mut conn, id, sheet.clone(), Actor::System).expect("again");
        let entries = audit::for_entity(&mut conn, "product", "mon-produit").expect("audit");
        let sheet_entries: Vec<_> = entries.iter().filter(|e| e.action == "product.sheet").collect();
        assert_eq!(sheet_entries.len(), 1);
        // Emptied again: lists and co-incubators go.
        sheets::set(&mut conn, id, ProductSheet::default(), Actor::System).expect("empty");
        assert_eq!(sheets::get(&mut conn, id).expect("get"), ProductSheet::default());
    }

    fn an_unknown_co_incubator_or_a_bad_link_is_refused(db) {
        let mut conn = db.conn();
        let (_, id) = seed(&mut conn);
        let err = sheets::set(&mut conn, id, full_sheet(), Actor::System).expect_err("no anct");
        assert!(matches!(err, StoreError::NotFound { what: "incubator" }), "{err:?}");
        let mut bad = ProductSheet::default();
        bad.links.budget = Some("budget.xls".into());
        let err = sheets::set(&mut conn, id, bad, Actor::System).expect_err("bad link");
        assert!(matches!(err, StoreError::Domain(ref e) if e.field() == Some("links.budget")), "{err:?}");
    }

    fn co_incubation_and_thematiques_filter_the_list(db) {
        let mut conn = db.conn();
        let (_, id) = seed(&mut conn);
        incubators::insert(&mut conn, &incubator("anct")).expect("anct");
        incubators::insert(&mut conn, &incubator("mtes")).expect("mtes");
        products::insert(&mut conn, &product("autre", "anct", "2025-01-06"), Actor::System).expect("autre");
        sheets::set(&mut conn, id, full_sheet(), Actor::System).expect("set");
        let today = date("2026-11-23");
        let list = |conn: &mut _, filter: products::ProductFilter| {
            products::list(conn, &filter, Page::default(), today)
                .expect("list")
                .items
                .into_iter()
                .map(|o| o.product.slug.to_string())
                .collect::<Vec<_>>()
        };
        let of = |s: &str| products::ProductFilter { incubator: Some(slug(s)), ..Default::default() };
        assert_eq!(list(&mut conn, of("anct")), ["autre", "mon-produit"]);
        assert_eq!(list(&mut conn, of("dinum")), ["mon-produit"]);
        assert!(list(&mut conn, of("mtes")).is_empty());
        let themed = products::ProductFilter { thematique: Some("ecologie".into()), ..Default::default() };
        assert_eq!(list(&mut conn, themed), ["mon-produit"]);
        assert_eq!(
            sheets::thematiques(&mut conn).expect("thematiques"),
            ["Écologie", "Travail / Emploi"]
        );
    }
}
