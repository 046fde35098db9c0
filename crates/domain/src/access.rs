//! Who may do what: the roles of `domain.md`, decided in this one place.
//!
//! API tokens are not people: they can only post and read their product's measures, which the
//! HTTP layer checks before it ever asks about grants.

use crate::{Grant, Slug};

/// Something a signed-in person wants to do, with what it concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action<'a> {
    /// Read the portfolio: products, phases, decisions, indicators, measures. Every role.
    Read,
    /// Create incubators, give roles: admins only.
    Administer,
    /// Create a product in an incubator, record committee decisions, edit contracts and
    /// reviews: the incubator's managers (and admins).
    Manage {
        /// The incubator concerned.
        incubator: &'a Slug,
    },
    /// Edit a product's description and indicators, post its measures, manage its API tokens:
    /// its members, its incubator's managers (and admins).
    Contribute {
        /// The product concerned.
        product: &'a Slug,
        /// The incubator that runs it.
        incubator: &'a Slug,
    },
}

/// Whether someone holding `grants` may do `action`.
pub fn allows(grants: &[Grant], action: Action<'_>) -> bool {
    grants.iter().any(|grant| match (grant, action) {
        (Grant::Admin, _) => true,
        (_, Action::Read) => true,
        (_, Action::Administer) => false,
        (Grant::Manager { incubator: managed }, Action::Manage { incubator }) => {
            managed == incubator
        }
        (grant, Action::Contribute { product, incubator }) => {
            grant.can_write_product(product, incubator)
        }
        (Grant::Member { .. } | Grant::Viewer, Action::Manage { .. }) => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug(s: &str) -> Slug {
        Slug::parse(s).expect("slug")
    }

    #[test]
    fn each_role_may_do_exactly_what_domain_md_says() {
        let dinum = slug("dinum");
        let other = slug("mtes");
        let product = slug("mon-produit");
        let elsewhere = slug("autre-produit");
        let manage = Action::Manage { incubator: &dinum };
        let contribute = Action::Contribute {
            product: &product,
            incubator: &dinum,
        };
        let contribute_elsewhere = Action::Contribute {
            product: &elsewhere,
            incubator: &other,
        };
        let cases: [(Grant, [bool; 5]); 4] = [
            (Grant::Admin, [true, true, true, true, true]),
            (
                Grant::Manager {
                    incubator: dinum.clone(),
                },
                [true, false, true, true, false],
            ),
            (
                Grant::Member {
                    product: product.clone(),
                },
                [true, false, false, true, false],
            ),
            (Grant::Viewer, [true, false, false, false, false]),
        ];
        for (grant, expected) in cases {
            let grants = [grant.clone()];
            let got = [
                allows(&grants, Action::Read),
                allows(&grants, Action::Administer),
                allows(&grants, manage),
                allows(&grants, contribute),
                allows(&grants, contribute_elsewhere),
            ];
            assert_eq!(got, expected, "{grant:?}");
        }
    }

    #[test]
    fn no_grant_allows_nothing() {
        assert!(!allows(&[], Action::Read));
    }
}
