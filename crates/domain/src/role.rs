//! Who may do what.

use serde::{Deserialize, Serialize};

use crate::Slug;

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
