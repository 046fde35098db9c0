//! Test data and the macro that runs a test on both backends.

use chrono::NaiveDate;
use pilote_domain::{Incubator, PhaseDurations, Product, Slug};
use pilote_store::{
    Actor, DbConnection, IncubatorId, IndicatorId, ProductId,
    repo::{incubators, indicators, products},
    transaction,
};

/// Runs the body once per backend, each on a fresh database bound to `$db`.
macro_rules! both_backends {
    ($(fn $name:ident($db:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            fn sqlite() {
                let $db = pilote_store::testing::TestDb::sqlite();
                $body
            }

            #[test]
            fn postgres() {
                let $db = pilote_store::testing::TestDb::postgres();
                $body
            }
        }
    )*};
}

pub fn date(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

pub fn slug(s: &str) -> Slug {
    Slug::parse(s).expect("test slug")
}

pub fn incubator(slug_text: &str) -> Incubator {
    Incubator {
        slug: slug(slug_text),
        name: format!("Incubateur {slug_text}"),
        administration: "DINUM".to_owned(),
        durations: PhaseDurations::default(),
    }
}

pub fn product(slug_text: &str, incubator: &str, created_on: &str) -> Product {
    Product {
        slug: slug(slug_text),
        name: format!("Produit {slug_text}"),
        pitch: "Simplifier une démarche".to_owned(),
        problem: None,
        sponsor: "DINUM".to_owned(),
        incubator: slug(incubator),
        website: Some("https://example.gouv.fr".to_owned()),
        repository: None,
        published: true,
        created_on: date(created_on),
    }
}

/// An incubator `dinum` with one product `mon-produit` created on 2025-01-06.
pub fn seed(conn: &mut DbConnection) -> (IncubatorId, ProductId) {
    transaction::write(conn, |c| {
        let inc = incubators::insert(c, &incubator("dinum"))?;
        let prod = products::insert(
            c,
            &product("mon-produit", "dinum", "2025-01-06"),
            Actor::System,
        )?;
        Ok((inc, prod))
    })
    .expect("seed")
}

/// [`seed`], and the product's weekly north star `demarches`: where measures are posted.
pub fn seed_indicator(conn: &mut DbConnection) -> (ProductId, IndicatorId) {
    let (_, product) = seed(conn);
    let north_star = crate::catalogue::indicator("demarches", true);
    let id = indicators::insert(conn, product, &north_star).expect("indicator");
    (product, id)
}
