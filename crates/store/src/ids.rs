//! Typed row ids, so that a product id is never passed where an indicator id is expected.

use std::fmt;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    /// A user's id.
    UserId,
    /// An incubator's id.
    IncubatorId,
    /// A product's id.
    ProductId,
    /// A committee decision's id.
    DecisionId,
    /// An indicator's id.
    IndicatorId,
    /// A stored measure's id.
    MeasureId,
    /// An API token's id.
    TokenId,
    /// A contract's id.
    ContractId,
    /// A contract objective's id.
    ObjectiveId,
    /// A contract commitment's id.
    CommitmentId,
    /// A contract review's id.
    ReviewId,
    /// An appel à candidatures' id.
    CampaignId,
    /// An application's id.
    ApplicationId,
    /// An irritant's id.
    IrritantId,
);

/// Who wrote something: recorded with measures and in the audit log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in person.
    User(UserId),
    /// A script using a product's API token.
    Token(TokenId),
    /// Pilote itself (demo data, imports, migrations).
    System,
    /// Someone without an account (an application to a public campaign).
    Anonymous,
}

impl Actor {
    pub(crate) fn user_id(self) -> Option<i64> {
        match self {
            Actor::User(id) => Some(id.0),
            _ => None,
        }
    }

    pub(crate) fn token_id(self) -> Option<i64> {
        match self {
            Actor::Token(id) => Some(id.0),
            _ => None,
        }
    }

    pub(crate) fn from_columns(user: Option<i64>, token: Option<i64>) -> Actor {
        match (user, token) {
            (Some(id), _) => Actor::User(UserId(id)),
            (None, Some(id)) => Actor::Token(TokenId(id)),
            (None, None) => Actor::System,
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::User(id) => write!(f, "user:{id}"),
            Actor::Token(id) => write!(f, "token:{id}"),
            Actor::System => f.write_str("system"),
            Actor::Anonymous => f.write_str("anonymous"),
        }
    }
}
