//! The portfolio at a glance: how many products per phase, which are overdue, which teams are
//! late. One rule for the JSON summary and the portfolio page.

use chrono::NaiveDate;

use crate::ProductStatus;

/// One product as the portfolio counts it; `key` is whatever the caller finds it back by.
#[derive(Clone, Debug, PartialEq)]
pub struct GlanceEntry<K> {
    /// The caller's handle on the product (an index, a slug).
    pub key: K,
    /// Its phase, or stopped.
    pub status: ProductStatus,
    /// Past its incubator's maximum duration for its phase, since this day.
    pub overdue_since: Option<NaiveDate>,
    /// A weekly indicator without a value for the last complete week.
    pub late: bool,
}

/// What the portfolio shows first.
#[derive(Clone, Debug, PartialEq)]
pub struct Glance<K> {
    /// Products per status, in [`ProductStatus::ALL`] order, zeros included.
    pub by_status: Vec<(ProductStatus, usize)>,
    /// Running products past their phase's maximum duration, longest overdue first.
    pub overdue: Vec<(K, NaiveDate)>,
    /// Running products whose team is late, in the entries' order.
    pub late: Vec<K>,
    /// Running products whose team is up to date.
    pub up_to_date: usize,
}

/// Counts the entries. A stopped product counts in its status only: it is neither overdue
/// nor late, whatever its last figures say.
pub fn glance<K: Clone>(entries: impl IntoIterator<Item = GlanceEntry<K>>) -> Glance<K> {
    let mut by_status: Vec<(ProductStatus, usize)> =
        ProductStatus::ALL.iter().map(|s| (*s, 0)).collect();
    let (mut overdue, mut late, mut up_to_date) = (Vec::new(), Vec::new(), 0);
    for e in entries {
        if let Some((_, n)) = by_status.iter_mut().find(|(s, _)| *s == e.status) {
            *n += 1;
        }
        if e.status == ProductStatus::Stopped {
            continue;
        }
        if let Some(since) = e.overdue_since {
            overdue.push((e.key.clone(), since));
        }
        if e.late {
            late.push(e.key);
        } else {
            up_to_date += 1;
        }
    }
    // Stable: products overdue since the same day keep their order.
    overdue.sort_by_key(|(_, since)| *since);
    Glance {
        by_status,
        overdue,
        late,
        up_to_date,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Phase;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn stopped_products_are_counted_but_never_overdue_nor_late() {
        let entry = |key, status, overdue_since: Option<&str>, late| GlanceEntry {
            key,
            status,
            overdue_since: overdue_since.map(d),
            late,
        };
        let running = ProductStatus::Active(Phase::Construction);
        let g = glance([
            entry("a", running, Some("2026-05-01"), true),
            entry("b", ProductStatus::Stopped, Some("2026-01-01"), true),
            entry("c", running, Some("2026-02-01"), false),
            entry(
                "d",
                ProductStatus::Active(Phase::Investigation),
                None,
                false,
            ),
        ]);
        let count = |s| g.by_status.iter().find(|(x, _)| *x == s).map(|(_, n)| *n);
        assert_eq!(count(running), Some(2));
        assert_eq!(count(ProductStatus::Stopped), Some(1));
        assert_eq!(count(ProductStatus::Active(Phase::Perennisation)), Some(0));
        assert_eq!(g.by_status.len(), ProductStatus::ALL.len());
        assert_eq!(g.overdue, [("c", d("2026-02-01")), ("a", d("2026-05-01"))]);
        assert_eq!(g.late, ["a"]);
        assert_eq!(g.up_to_date, 2);
    }
}
