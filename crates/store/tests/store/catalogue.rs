//! Incubators, products and indicators.

use pilote_domain::{
    Aggregation, Direction, DomainError, Indicator, MatrixRole, Periodicity, Phase, Principle,
    ProductStatus,
};
use pilote_store::{
    Actor, Page, StoreError,
    repo::{incubators, indicators, phases, products},
    transaction,
};

use crate::common::{date, incubator, product, seed, slug};

pub fn indicator(key: &str, north_star: bool) -> Indicator {
    Indicator {
        key: slug(key),
        label: format!("Indicateur {key}"),
        unit: "démarches".to_owned(),
        direction: Direction::Increase,
        principle: Principle::Used,
        periodicity: Periodicity::Week,
        aggregation: Aggregation::Sum,
        matrix_role: None,
        north_star,
        description: None,
    }
}

both_backends! {
    fn migrations_are_idempotent(db) {
        assert!(db.db.migrate().expect("second run").is_empty());
        db.db.ping().expect("ping");
    }

    fn incubator_round_trips_and_slug_is_unique(db) {
        let mut conn = db.conn();
        let inc = incubator("fabrique-dgfip");
        let id = incubators::insert(&mut conn, &inc).expect("insert");
        let (found_id, found) = incubators::find(&mut conn, &inc.slug).expect("find");
        assert_eq!((found_id, &found), (id, &inc));
        let err = incubators::insert(&mut conn, &inc).expect_err("duplicate slug");
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
        assert_eq!(incubators::list(&mut conn).expect("list").len(), 1);
        let missing = incubators::find(&mut conn, &slug("nope")).expect_err("missing");
        assert!(matches!(missing, StoreError::NotFound { what: "incubator" }), "{missing:?}");
    }

    fn product_starts_in_investigation_on_its_creation_date(db) {
        let mut conn = db.conn();
        let (_, id) = seed(&mut conn);
        let (found_id, found) = products::find(&mut conn, &slug("mon-produit")).expect("find");
        assert_eq!(found_id, id);
        assert_eq!(found, product("mon-produit", "dinum", "2025-01-06"));
        let history = phases::history(&mut conn, id).expect("history");
        assert_eq!(history.status(), ProductStatus::Active(Phase::Investigation));
        assert_eq!(history.current().map(|r| r.started_on), Some(date("2025-01-06")));
    }

    fn product_of_unknown_incubator_is_refused_and_nothing_written(db) {
        let mut conn = db.conn();
        let err = transaction::write(&mut conn, |c| {
            products::insert(c, &product("orphelin", "inconnu", "2025-01-06"), Actor::System)
        })
        .expect_err("unknown incubator");
        assert!(matches!(err, StoreError::NotFound { what: "incubator" }), "{err:?}");
        assert_eq!(products::count(&mut conn).expect("count"), 0);
    }

    fn product_update_keeps_slug_and_is_audited(db) {
        let mut conn = db.conn();
        let (_, id) = seed(&mut conn);
        let mut changed = product("mon-produit", "dinum", "2025-01-06");
        changed.name = "Mon Produit Renommé".to_owned();
        changed.published = false;
        products::update(&mut conn, id, &changed, Actor::System).expect("update");
        assert_eq!(products::get(&mut conn, id).expect("get"), changed);
    }

    fn product_list_filters_pages_and_flags_overdue(db) {
        let mut conn = db.conn();
        incubators::insert(&mut conn, &incubator("dinum")).expect("incubator");
        incubators::insert(&mut conn, &incubator("mtes")).expect("incubator");
        for (s, inc, created) in [
            ("alpha", "dinum", "2024-01-01"),
            ("beta", "dinum", "2026-10-01"),
            ("gamma-accelere", "mtes", "2026-09-01"),
        ] {
            products::insert(&mut conn, &product(s, inc, created), Actor::System).expect("product");
        }
        let today = date("2026-11-23");
        let all = products::list(&mut conn, &Default::default(), Page::default(), today).expect("list");
        assert_eq!(all.total, 3);
        let alpha = &all.items[0];
        assert_eq!(alpha.product.slug.as_ref(), "alpha");
        // Investigation lasts 6 months at most: alpha has been in it since January 2024.
        // Investigation lasts 6 months at most: on time through 2024-07-01, overdue the day after.
        assert_eq!(alpha.overdue_since, Some(date("2024-07-02")));
        assert_eq!(all.items[1].overdue_since, None);

        let filter = products::ProductFilter { incubator: Some(slug("mtes")), ..Default::default() };
        let mtes = products::list(&mut conn, &filter, Page::default(), today).expect("list");
        assert_eq!(mtes.total, 1);

        let filter = products::ProductFilter { query: Some("Gamma ACCÉLÉRÉ".into()), ..Default::default() };
        let found = products::list(&mut conn, &filter, Page::default(), today).expect("search");
        assert_eq!(found.items.iter().map(|o| o.product.slug.as_ref()).collect::<Vec<_>>(), ["gamma-accelere"]);

        let second = products::list(&mut conn, &Default::default(), Page::new(2, 2).expect("page"), today).expect("page 2");
        assert_eq!((second.total, second.items.len()), (3, 1));

        let filter = products::ProductFilter { status: Some(ProductStatus::Stopped), ..Default::default() };
        assert_eq!(products::list(&mut conn, &filter, Page::default(), today).expect("list").total, 0);
    }

    fn indicators_round_trip_with_one_north_star(db) {
        let mut conn = db.conn();
        let (_, product) = seed(&mut conn);
        let mut first = indicator("demarches", true);
        first.matrix_role = Some(MatrixRole::MonthlyActiveUsers);
        first.description = Some("Nombre de démarches déposées".to_owned());
        indicators::insert(&mut conn, product, &first).expect("first");
        indicators::insert(&mut conn, product, &indicator("delai", false)).expect("second");
        let err = indicators::insert(&mut conn, product, &indicator("autre", true)).expect_err("second north star");
        assert!(matches!(err, StoreError::Domain(DomainError::Conflict(_))), "{err:?}");
        let err = indicators::insert(&mut conn, product, &indicator("delai", false)).expect_err("same key");
        assert!(matches!(err, StoreError::Domain(_) | StoreError::Conflict(_)), "{err:?}");
        let list = indicators::list(&mut conn, product).expect("list");
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].1, first);
        let (_, found) = indicators::find(&mut conn, product, &slug("delai")).expect("find");
        assert_eq!(found, indicator("delai", false));
    }

    fn edits_write_and_clear_the_optional_columns(db) {
        let mut conn = db.conn();
        let (_, product_id) = seed(&mut conn);
        let mut described = indicator("utilisateurs", false);
        described.principle = Principle::Used;
        described.matrix_role = Some(MatrixRole::MonthlyActiveUsers);
        described.description = Some("Comptés chaque mois".to_owned());
        let id = indicators::insert(&mut conn, product_id, &described).expect("insert");
        let key = slug("utilisateurs");
        let (_, found) = indicators::find(&mut conn, product_id, &key).expect("find");
        assert_eq!(found, described);
        let bare = Indicator {
            matrix_role: None,
            description: None,
            ..described
        };
        indicators::update(&mut conn, product_id, id, &bare).expect("update");
        let (_, found) = indicators::find(&mut conn, product_id, &key).expect("find");
        assert_eq!(found, bare);

        let mut linked = product("mon-produit", "dinum", "2025-01-06");
        linked.website = Some("https://exemple.gouv.fr".to_owned());
        products::update(&mut conn, product_id, &linked, Actor::System).expect("update");
        let (_, found) = products::find(&mut conn, &slug("mon-produit")).expect("find");
        assert_eq!(found, linked);
        linked.website = None;
        products::update(&mut conn, product_id, &linked, Actor::System).expect("update");
        let (_, found) = products::find(&mut conn, &slug("mon-produit")).expect("find");
        assert_eq!(found, linked);
    }
}
