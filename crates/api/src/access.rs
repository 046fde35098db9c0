//! Permission checks for handlers: who the caller is (a person or an API token) against the
//! domain's rules (`pilote_domain::access`). Every route goes through these few functions.

use pilote_domain::{
    Slug,
    access::{Action, allows},
};
use pilote_store::{Actor, ProductId};

use crate::{
    auth::{CurrentUser, Principal},
    error::ApiError,
};

/// A product as permission checks need it.
#[derive(Clone, Debug)]
pub struct ProductScope {
    pub id: ProductId,
    pub slug: Slug,
    /// The incubators running it: its own first, then its co-incubators.
    pub incubators: Vec<Slug>,
}

impl ProductScope {
    /// The action of contributing to this product.
    pub fn contribute(&self) -> Action<'_> {
        Action::Contribute {
            product: &self.slug,
            incubators: &self.incubators,
        }
    }

    /// The action of managing this product (decisions, contract): a manager of any incubator
    /// running it.
    pub fn manage(&self) -> Action<'_> {
        Action::ManageProduct {
            incubators: &self.incubators,
        }
    }
}

const TOKENS_ONLY_MEASURES: &str =
    "API tokens can only post and read their product's measures and list its indicators";

/// The signed-in person; an API token gets 403.
pub fn person(principal: &Principal) -> Result<&CurrentUser, ApiError> {
    match principal {
        Principal::User(user) => Ok(user),
        Principal::Token { .. } => Err(ApiError::Forbidden(TOKENS_ONLY_MEASURES.to_owned())),
    }
}

/// 403 unless the person's roles allow `action`.
pub fn require(user: &CurrentUser, action: Action<'_>) -> Result<(), ApiError> {
    if allows(&user.grants, action) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "your roles do not allow this action".to_owned(),
        ))
    }
}

/// A person allowed to do `action`.
pub fn person_allowed<'a>(
    principal: &'a Principal,
    action: Action<'_>,
) -> Result<&'a CurrentUser, ApiError> {
    let user = person(principal)?;
    require(user, action)?;
    Ok(user)
}

/// Who writes, as the store records it.
pub fn actor(principal: &Principal) -> Actor {
    match principal {
        Principal::User(user) => Actor::User(user.id),
        Principal::Token { id, .. } => Actor::Token(*id),
    }
}

/// May post this product's measures: its own API token, or a person who may contribute.
pub fn measures_writer(principal: &Principal, scope: &ProductScope) -> Result<Actor, ApiError> {
    match principal {
        Principal::Token { product, .. } if *product == scope.id => Ok(actor(principal)),
        Principal::Token { .. } => Err(ApiError::Forbidden(
            "this API token belongs to another product".to_owned(),
        )),
        Principal::User(user) => {
            require(user, scope.contribute())?;
            Ok(actor(principal))
        }
    }
}

/// May read this product's measures: its own API token, or any person with a role.
pub fn measures_reader(principal: &Principal, scope: &ProductScope) -> Result<(), ApiError> {
    match principal {
        Principal::Token { product, .. } if *product == scope.id => Ok(()),
        Principal::Token { .. } => Err(ApiError::Forbidden(
            "this API token belongs to another product".to_owned(),
        )),
        Principal::User(user) => require(user, Action::Read),
    }
}
