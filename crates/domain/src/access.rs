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
    /// Record a product's committee decisions, edit its contract and reviews: the managers of
    /// any incubator running it (its own or a co-incubator), and admins.
    ManageProduct {
        /// The incubators running the product, its own first.
        incubators: &'a [Slug],
    },
    /// Edit a product's description and indicators, post its measures, manage its API tokens:
    /// its members, the managers of any incubator running it (and admins).
    Contribute {
        /// The product concerned.
        product: &'a Slug,
        /// The incubators running it, its own first (co-incubation).
        incubators: &'a [Slug],
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
        (Grant::Manager { incubator: managed }, Action::ManageProduct { incubators }) => {
            incubators.contains(managed)
        }
        (
            grant,
            Action::Contribute {
                product,
                incubators,
            },
        ) => incubators
            .iter()
            .any(|incubator| grant.can_write_product(product, incubator)),
        (
            Grant::Member { .. } | Grant::Viewer,
            Action::Manage { .. } | Action::ManageProduct { .. },
        ) => false,
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
        let runs = [dinum.clone()];
        let runs_elsewhere = [other.clone()];
        let contribute = Action::Contribute {
            product: &product,
            incubators: &runs,
        };
        let contribute_elsewhere = Action::Contribute {
            product: &elsewhere,
            incubators: &runs_elsewhere,
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
    fn the_manager_of_either_incubator_may_act_on_a_co_incubated_product() {
        let (dinum, anct, mtes) = (slug("dinum"), slug("anct"), slug("mtes"));
        let product = slug("mon-produit");
        let runs = [dinum.clone(), anct.clone()];
        let manage = Action::ManageProduct { incubators: &runs };
        let contribute = Action::Contribute {
            product: &product,
            incubators: &runs,
        };
        for (incubator, expected) in [(dinum, true), (anct, true), (mtes, false)] {
            let grants = [Grant::Manager { incubator }];
            assert_eq!(allows(&grants, manage), expected);
            assert_eq!(allows(&grants, contribute), expected);
        }
        let member = [Grant::Member {
            product: product.clone(),
        }];
        assert!(!allows(&member, manage));
        assert!(allows(&member, contribute));
    }

    #[test]
    fn no_grant_allows_nothing() {
        assert!(!allows(&[], Action::Read));
    }
}
