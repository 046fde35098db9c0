//! The portfolio's view of the « matrice d'impact »: one summary row per product (how many
//! mandatory slots are filled, cost per active user and its evolution, growth of use, the north
//! star's evolution), and how such rows sort. Rules in `docs/impact.md`; no I/O here.

use std::cmp::Ordering;

use crate::{Matrix, SlotState, Slug};

/// What the portfolio shows of one product's matrix.
#[derive(Clone, Debug, PartialEq)]
pub struct MatrixSummary {
    /// How many of the four mandatory slots are `ok`.
    pub completeness: u8,
    /// Cost per active user over the last 12 complete months, in euros.
    pub cost_per_active_user: Option<f64>,
    /// Its evolution against the 12 months before, in %.
    pub cost_per_active_user_evolution_pct: Option<f64>,
    /// Evolution of the mean monthly active users over one year, in %.
    pub users_evolution_pct: Option<f64>,
    /// Whether the cost per active user fell; `None` when a year's figure is missing.
    pub cost_grew_slower_than_use: Option<bool>,
    /// The north star's key, if the product has one.
    pub north_star: Option<Slug>,
    /// The north star's one-year evolution, in %.
    pub north_star_evolution_pct: Option<f64>,
}

impl MatrixSummary {
    /// The number of mandatory slots: a matrix is complete when all are `ok`.
    pub const SLOTS: u8 = 4;

    /// Whether every mandatory slot is `ok`.
    pub fn is_complete(&self) -> bool {
        self.completeness >= Self::SLOTS
    }
}

/// Summarizes a product's matrix for the portfolio.
pub fn summarize_matrix(matrix: &Matrix) -> MatrixSummary {
    let completeness = matrix
        .slots
        .iter()
        .filter(|s| s.state == SlotState::Ok)
        .count();
    let star = matrix
        .principles
        .iter()
        .flat_map(|p| &p.indicators)
        .find(|c| c.indicator.north_star);
    let e = &matrix.efficiency;
    MatrixSummary {
        completeness: u8::try_from(completeness).unwrap_or(u8::MAX),
        cost_per_active_user: e.current.cost_per_active_user,
        cost_per_active_user_evolution_pct: e.cost_per_active_user_evolution_pct,
        users_evolution_pct: e.users_evolution_pct,
        cost_grew_slower_than_use: e.cost_grew_slower_than_use,
        north_star: star.map(|c| c.indicator.key.clone()),
        north_star_evolution_pct: star.and_then(|c| c.evolution_pct),
    }
}

str_enum! {
    /// What the portfolio's matrix is sorted by.
    pub enum MatrixSort in "sort" {
        /// The product's name.
        Name = "name" / "Nom",
        /// Mandatory slots filled.
        Completeness = "completeness" / "Complétude",
        /// Cost per active user.
        CostPerActiveUser = "cost_per_active_user" / "Coût par usager actif",
        /// Evolution of the cost per active user.
        CostPerActiveUserEvolution = "cost_per_active_user_evolution" / "Évolution du coût par usager actif",
        /// Evolution of the monthly active users.
        UsersEvolution = "users_evolution" / "Évolution de l'usage",
        /// Evolution of the north star.
        NorthStarEvolution = "north_star_evolution" / "Évolution de l'étoile polaire",
    }
}

str_enum! {
    /// Ascending or descending.
    pub enum SortOrder in "order" {
        /// Smallest first.
        Asc = "asc" / "Croissant",
        /// Largest first.
        Desc = "desc" / "Décroissant",
    }
}

/// Sorts rows by `sort` in `order`. Rows without the figure come last whichever the order
/// (nobody steering a portfolio wants the blanks on top), and ties go by name so the order
/// is stable from one call to the next.
pub fn sort_matrix_rows<T>(
    rows: &mut [T],
    sort: MatrixSort,
    order: SortOrder,
    key: impl Fn(&T) -> (&str, &MatrixSummary),
) {
    let figure = |s: &MatrixSummary| match sort {
        MatrixSort::Name => Some(0.0),
        MatrixSort::Completeness => Some(f64::from(s.completeness)),
        MatrixSort::CostPerActiveUser => s.cost_per_active_user,
        MatrixSort::CostPerActiveUserEvolution => s.cost_per_active_user_evolution_pct,
        MatrixSort::UsersEvolution => s.users_evolution_pct,
        MatrixSort::NorthStarEvolution => s.north_star_evolution_pct,
    };
    let directed = |o: Ordering| match order {
        SortOrder::Asc => o,
        SortOrder::Desc => o.reverse(),
    };
    rows.sort_by(|a, b| {
        let ((name_a, a), (name_b, b)) = (key(a), key(b));
        let by_figure = match (figure(a), figure(b)) {
            (Some(x), Some(y)) => directed(x.total_cmp(&y)),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        let by_name = match sort {
            MatrixSort::Name => directed(crate::french_cmp(name_a, name_b)),
            _ => crate::french_cmp(name_a, name_b),
        };
        by_figure.then(by_name)
    });
}

/// How many matrices are complete and how many are not.
pub fn completeness_counts<'a>(
    rows: impl IntoIterator<Item = &'a MatrixSummary>,
) -> (usize, usize) {
    rows.into_iter().fold((0, 0), |(complete, incomplete), s| {
        if s.is_complete() {
            (complete + 1, incomplete)
        } else {
            (complete, incomplete + 1)
        }
    })
}

#[cfg(test)]
#[path = "matrix_portfolio_tests.rs"]
mod tests;
