//! Pagination of lists: `?page=` starts at 1, `?per_page=` at most [`Page::MAX_PER_PAGE`].

use pilote_domain::{DomainError, DomainResult};

/// One page of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    number: u32,
    per_page: u32,
}

impl Page {
    /// The most rows one page may hold.
    pub const MAX_PER_PAGE: u32 = 500;
    /// Rows per page when the client does not say.
    pub const DEFAULT_PER_PAGE: u32 = 50;

    /// Checks the bounds: `page` ≥ 1, `per_page` in 1..=500.
    pub fn new(number: u32, per_page: u32) -> DomainResult<Page> {
        if number == 0 {
            return Err(DomainError::rule(
                "page",
                "must be at least 1",
                "Les pages se comptent à partir de 1.",
            ));
        }
        if per_page == 0 || per_page > Self::MAX_PER_PAGE {
            return Err(DomainError::rule(
                "per_page",
                "must be between 1 and 500",
                "Une page compte de 1 à 500 lignes.",
            ));
        }
        Ok(Page { number, per_page })
    }

    /// The page number, from 1.
    pub fn number(self) -> u32 {
        self.number
    }

    /// Rows per page.
    pub fn per_page(self) -> u32 {
        self.per_page
    }

    /// Rows to skip before this page.
    pub fn offset(self) -> u64 {
        u64::from(self.number - 1) * u64::from(self.per_page)
    }

    /// Cuts this page out of a full list.
    pub fn slice<T>(self, all: Vec<T>) -> Listing<T> {
        let total = all.len() as u64;
        let items = all
            .into_iter()
            .skip(usize::try_from(self.offset()).unwrap_or(usize::MAX))
            .take(self.per_page as usize)
            .collect();
        Listing { items, total }
    }
}

impl Default for Page {
    fn default() -> Self {
        Page {
            number: 1,
            per_page: Self::DEFAULT_PER_PAGE,
        }
    }
}

/// A page of results and how many there are in all.
#[derive(Clone, Debug, PartialEq)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub total: u64,
}
