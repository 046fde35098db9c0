//! The contract's list envelope and paging parameters.

use pilote_store::{Listing, Page};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

/// `?page=&per_page=`: page from 1, at most 500 rows.
#[derive(Clone, Copy, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The page, from 1 (default 1).
    #[param(minimum = 1)]
    pub page: Option<u32>,
    /// Rows per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u32>,
}

impl PageQuery {
    /// The page asked for, checked.
    pub fn page(self) -> Result<Page, ApiError> {
        Ok(Page::new(
            self.page.unwrap_or(1),
            self.per_page.unwrap_or(Page::DEFAULT_PER_PAGE),
        )?)
    }
}

/// `{"items":[...],"page":1,"per_page":50,"total":123}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct List<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

impl<T> List<T> {
    /// A page of a store listing, its items converted.
    pub fn from_listing<S>(listing: Listing<S>, page: Page, convert: impl FnMut(S) -> T) -> Self {
        List {
            items: listing.items.into_iter().map(convert).collect(),
            page: page.number(),
            per_page: page.per_page(),
            total: listing.total,
        }
    }

    /// A page cut out of a full list.
    pub fn paginate(all: Vec<T>, page: Page) -> Self {
        let listing = page.slice(all);
        List::from_listing(listing, page, |x| x)
    }
}
