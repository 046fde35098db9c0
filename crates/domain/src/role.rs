//! Who may do what.

use serde::{Deserialize, Serialize};

use crate::{DomainError, DomainResult, Problem, Slug};

str_enum! {
    /// A user's role.
    pub enum Role in "role" {
        /// Everything.
        Admin = "admin" / "Administrateur",
        /// An incubator's products, decisions, contracts, reviews and members.
        Manager = "manager" / "Responsable d'incubateur",
        /// A product's indicators, measures, description and API tokens.
        Member = "member" / "Membre d'équipe",
        /// Reads everything, writes nothing.
        Viewer = "viewer" / "Lecteur",
    }
}

/// A role and what it is scoped to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Grant {
    /// Everything.
    Admin,
    /// Manager of one incubator.
    Manager {
        /// The incubator managed.
        incubator: Slug,
    },
    /// Member of one product's team.
    Member {
        /// The product.
        product: Slug,
    },
    /// Read-only access to everything.
    Viewer,
}

impl Grant {
    /// The role granted.
    pub fn role(&self) -> Role {
        match self {
            Grant::Admin => Role::Admin,
            Grant::Manager { .. } => Role::Manager,
            Grant::Member { .. } => Role::Member,
            Grant::Viewer => Role::Viewer,
        }
    }

    /// The grant of `role`, scoped by the incubator (a manager) or the product (a member) it
    /// needs, named by its slug; the other is ignored. A missing or malformed scope is refused
    /// on the field that names it, `incubator` or `product`.
    pub fn of(role: Role, incubator: &str, product: &str) -> DomainResult<Grant> {
        let scope = |field: &str, text: &str| {
            if text.trim().is_empty() {
                return Err(DomainError::invalid(field, Problem::Empty));
            }
            Slug::parse(text.trim()).map_err(|e| match e {
                DomainError::Invalid { problem, .. } => DomainError::invalid(field, problem),
                other => other,
            })
        };
        Ok(match role {
            Role::Admin => Grant::Admin,
            Role::Viewer => Grant::Viewer,
            Role::Manager => Grant::Manager {
                incubator: scope("incubator", incubator)?,
            },
            Role::Member => Grant::Member {
                product: scope("product", product)?,
            },
        })
    }

    /// What the grant is scoped to: the incubator or product slug; `None` for admin and viewer.
    pub fn scope(&self) -> Option<&Slug> {
        match self {
            Grant::Manager { incubator } => Some(incubator),
            Grant::Member { product } => Some(product),
            Grant::Admin | Grant::Viewer => None,
        }
    }

    /// Whether it lets its holder change `product`, run by `incubator`.
    pub fn can_write_product(&self, product: &Slug, incubator: &Slug) -> bool {
        match self {
            Grant::Admin => true,
            Grant::Manager { incubator: managed } => managed == incubator,
            Grant::Member { product: member_of } => member_of == product,
            Grant::Viewer => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grant_takes_the_scope_its_role_needs_and_names_the_field_at_fault() {
        assert_eq!(Grant::of(Role::Admin, "", ""), Ok(Grant::Admin));
        assert_eq!(Grant::of(Role::Viewer, "dinum", "x"), Ok(Grant::Viewer));
        assert_eq!(
            Grant::of(Role::Manager, " dinum ", ""),
            Ok(Grant::Manager {
                incubator: Slug::parse("dinum").expect("slug")
            })
        );
        let field = |r: DomainResult<Grant>| match r {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(Grant::of(Role::Manager, "", "mon-produit")),
            "incubator"
        );
        assert_eq!(field(Grant::of(Role::Member, "dinum", " ")), "product");
        assert_eq!(
            field(Grant::of(Role::Member, "", "Pas un slug!")),
            "product"
        );
    }
}
