//! Contract figures across a portfolio: the drifts the DINUM roadmap quotes for the State's big
//! projects (mean and median), objectives per status, and reviews overdue.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{ContractStatus, ObjectiveStatus};

/// The mean and median of a set of shares (0.25 means 25 %).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// How many products have a value.
    pub count: usize,
    /// Their mean; `None` when there is none.
    pub mean: Option<f64>,
    /// Their median (the mean of the two middle values for an even count).
    pub median: Option<f64>,
}

impl Spread {
    /// The mean and median of `values`; non-finite values are left out.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Spread {
        let mut values: Vec<f64> = values.into_iter().filter(|v| v.is_finite()).collect();
        values.sort_by(f64::total_cmp);
        let count = values.len();
        if count == 0 {
            return Spread {
                count,
                mean: None,
                median: None,
            };
        }
        let mean = values.iter().sum::<f64>() / count as f64;
        let mid = count / 2;
        let median = if count % 2 == 1 {
            values[mid]
        } else {
            (values[mid - 1] + values[mid]) / 2.0
        };
        Spread {
            count,
            mean: Some(mean),
            median: Some(median),
        }
    }
}

/// Contract figures across products.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContractSummary {
    /// Products counted (those with a contract).
    pub contracts: usize,
    /// Budget drift across them (products with a planned budget to date).
    pub budget_drift: Spread,
    /// Schedule drift across them (products with a milestone due or reached), as a share of
    /// the planned duration (see [`ContractStatus::schedule_share`]).
    pub schedule_drift: Spread,
    /// Objectives per status, every status listed.
    pub objectives: BTreeMap<ObjectiveStatus, usize>,
    /// How many of them have a review overdue.
    pub reviews_overdue: usize,
}

/// Sums up the statuses of several products' contracts.
pub fn summarize<'a>(statuses: impl IntoIterator<Item = &'a ContractStatus>) -> ContractSummary {
    let statuses: Vec<&ContractStatus> = statuses.into_iter().collect();
    let mut objectives: BTreeMap<ObjectiveStatus, usize> =
        ObjectiveStatus::ALL.iter().map(|s| (*s, 0)).collect();
    for line in statuses.iter().flat_map(|s| &s.objectives) {
        *objectives.entry(line.status).or_default() += 1;
    }
    ContractSummary {
        contracts: statuses.len(),
        budget_drift: Spread::of(statuses.iter().filter_map(|s| s.budget.drift)),
        schedule_drift: Spread::of(statuses.iter().filter_map(|s| s.schedule_share())),
        objectives,
        reviews_overdue: statuses.iter().filter(|s| s.review_overdue).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_median() {
        let empty = Spread::of([]);
        assert_eq!((empty.count, empty.mean, empty.median), (0, None, None));
        let odd = Spread::of([0.3, -0.2, 0.1, f64::NAN]);
        assert_eq!(odd.count, 3);
        assert!((odd.mean.unwrap_or_default() - 0.2 / 3.0).abs() < 1e-12);
        assert_eq!(odd.median, Some(0.1));
        let even = Spread::of([0.24, 0.1, 0.5, 0.26]);
        assert!((even.median.unwrap_or_default() - 0.25).abs() < 1e-12);
        assert!((even.mean.unwrap_or_default() - 0.275).abs() < 1e-12);
    }
}
