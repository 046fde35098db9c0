//! The year's results of a portfolio (« bilan annuel »): the figures beta.gouv reports each
//! year — investigations opened and stopped, products launched, products reaching their
//! objectives, national-impact designations and the median cost per active user. Each figure
//! keeps the products it counts, so that a page can say who, not only how many.

use chrono::{Datelike, NaiveDate};

use crate::{
    CertificationLevel, DomainError, DomainResult, ObjectiveStatus, Phase, PhaseHistory,
    PhaseRecord, Problem, Slug, median,
};

/// The share of its objectives due in the year a product must have achieved to count as
/// « reaching its objectives » (beta.gouv's « au moins 80 % de leurs objectifs »).
pub const OBJECTIVES_REACHED_SHARE: f64 = 0.8;

/// The first year a bilan may be asked for: the beta.gouv method began in 2013.
pub const FIRST_BILAN_YEAR: i32 = 2013;

/// The calendar year of a bilan, from [`FIRST_BILAN_YEAR`] to the current one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BilanYear {
    year: i32,
    first_day: NaiveDate,
    last_day: NaiveDate,
}

impl BilanYear {
    /// Checks `year` against [`FIRST_BILAN_YEAR`] and `today`'s year (field "year").
    pub fn new(year: i32, today: NaiveDate) -> DomainResult<BilanYear> {
        let bounds = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        );
        match bounds {
            (Some(first_day), Some(last_day))
                if (FIRST_BILAN_YEAR..=today.year()).contains(&year) =>
            {
                Ok(BilanYear {
                    year,
                    first_day,
                    last_day,
                })
            }
            _ => Err(DomainError::invalid(
                "year",
                Problem::rule(
                    format!("must be a year from {FIRST_BILAN_YEAR} to {}", today.year()),
                    format!(
                        "L'année doit être comprise entre {FIRST_BILAN_YEAR} et {}.",
                        today.year()
                    ),
                ),
            )),
        }
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// Whether `d` falls in the year.
    pub fn contains(self, d: NaiveDate) -> bool {
        self.first_day <= d && d <= self.last_day
    }

    /// The date the year's figures are taken at: its last day, or `today` while it runs.
    pub fn status_date(self, today: NaiveDate) -> NaiveDate {
        self.last_day.min(today)
    }

    /// The date whose « last 12 complete months » are the year (the 1st of January after
    /// it), or `today` while it runs: the matrix date of the cost per active user.
    pub fn matrix_date(self, today: NaiveDate) -> NaiveDate {
        self.last_day.succ_opt().unwrap_or(self.last_day).min(today)
    }
}

/// What the bilan needs of one product.
#[derive(Clone, Debug)]
pub struct BilanProduct<'a> {
    /// The product's slug.
    pub slug: &'a Slug,
    /// The product's name.
    pub name: &'a str,
    /// Its phase history.
    pub history: &'a PhaseHistory,
    /// Each objective of its contract: the deadline and the status at the year's status date.
    pub objectives: Vec<(NaiveDate, ObjectiveStatus)>,
    /// Its matrix's certification level and the day it was granted.
    pub certification: Option<(CertificationLevel, NaiveDate)>,
    /// Its cost per active user over the year's 12 months (see [`BilanYear::matrix_date`]).
    pub cost_per_active_user: Option<f64>,
}

/// A product a figure counts.
#[derive(Clone, Debug, PartialEq)]
pub struct Counted {
    /// The product's slug.
    pub slug: Slug,
    /// The product's name.
    pub name: String,
    /// The figure's own value for it: the date it entered or left the phase, its share of
    /// objectives achieved, or its cost per active user.
    pub detail: Detail,
}

/// A counted product's own value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Detail {
    /// The day of the event counted.
    On(NaiveDate),
    /// Objectives achieved out of those due.
    Objectives {
        /// Achieved.
        achieved: usize,
        /// Due in the year.
        due: usize,
    },
    /// A cost per active user, in euros.
    Cost(f64),
}

/// The year's figures.
#[derive(Clone, Debug, PartialEq)]
pub struct YearResults {
    /// The year.
    pub year: i32,
    /// The status date of objectives (the year's last day, or today while it runs).
    pub at: NaiveDate,
    /// Investigations opened in the year (a first entry in investigation; a return to it is
    /// not an opening).
    pub investigations_opened: Vec<Counted>,
    /// Products stopped in the year while in investigation.
    pub investigations_stopped: Vec<Counted>,
    /// Products launched: a first entry in construction in the year.
    pub launched: Vec<Counted>,
    /// Products with at least one objective due in the year, with how many they achieved.
    pub with_objectives_due: Vec<Counted>,
    /// Those of them that achieved at least [`OBJECTIVES_REACHED_SHARE`] of those objectives.
    pub objectives_reached: Vec<Counted>,
    /// Products whose matrix was validated as a service of national impact in the year.
    pub national_impact: Vec<Counted>,
    /// Products with a cost per active user over the year.
    pub costed: Vec<Counted>,
    /// The median of those costs.
    pub median_cost_per_active_user: Option<f64>,
}

impl YearResults {
    /// Share of `with_objectives_due` that reached their objectives; `None` when none had any.
    pub fn objectives_reached_share(&self) -> Option<f64> {
        let due = self.with_objectives_due.len();
        (due > 0).then(|| self.objectives_reached.len() as f64 / due as f64)
    }
}

/// The year's figures for `products`, sorted the French way by name in each list.
pub fn year_results(
    year: BilanYear,
    products: &[BilanProduct<'_>],
    today: NaiveDate,
) -> YearResults {
    let mut results = YearResults {
        year: year.year(),
        at: year.status_date(today),
        investigations_opened: Vec::new(),
        investigations_stopped: Vec::new(),
        launched: Vec::new(),
        with_objectives_due: Vec::new(),
        objectives_reached: Vec::new(),
        national_impact: Vec::new(),
        costed: Vec::new(),
        median_cost_per_active_user: None,
    };
    for p in products {
        let counted = |detail| Counted {
            slug: p.slug.clone(),
            name: p.name.to_owned(),
            detail,
        };
        if let Some(on) = first_entry(p.history, Phase::Investigation).filter(|d| year.contains(*d))
        {
            results.investigations_opened.push(counted(Detail::On(on)));
        }
        if let Some(on) = stopped_in_investigation(p.history).filter(|d| year.contains(*d)) {
            results.investigations_stopped.push(counted(Detail::On(on)));
        }
        if let Some(on) = first_entry(p.history, Phase::Construction).filter(|d| year.contains(*d))
        {
            results.launched.push(counted(Detail::On(on)));
        }
        let due: Vec<ObjectiveStatus> = p
            .objectives
            .iter()
            .filter(|(by, _)| year.contains(*by))
            .map(|(_, status)| *status)
            .collect();
        if !due.is_empty() {
            let achieved = due
                .iter()
                .filter(|s| **s == ObjectiveStatus::Achieved)
                .count();
            let detail = Detail::Objectives {
                achieved,
                due: due.len(),
            };
            if achieved as f64 >= OBJECTIVES_REACHED_SHARE * due.len() as f64 {
                results.objectives_reached.push(counted(detail));
            }
            results.with_objectives_due.push(counted(detail));
        }
        if let Some((CertificationLevel::Validated, on)) = p.certification
            && year.contains(on)
        {
            results.national_impact.push(counted(Detail::On(on)));
        }
        if let Some(cost) = p.cost_per_active_user.filter(|c| c.is_finite()) {
            results.costed.push(counted(Detail::Cost(cost)));
        }
    }
    let costs: Vec<f64> = results
        .costed
        .iter()
        .filter_map(|c| match c.detail {
            Detail::Cost(v) => Some(v),
            _ => None,
        })
        .collect();
    results.median_cost_per_active_user = median(&costs);
    for list in [
        &mut results.investigations_opened,
        &mut results.investigations_stopped,
        &mut results.launched,
        &mut results.with_objectives_due,
        &mut results.objectives_reached,
        &mut results.national_impact,
        &mut results.costed,
    ] {
        list.sort_by(|a, b| crate::french_cmp(&a.name, &b.name));
    }
    results
}

/// The first day in `phase` that was not a return to it.
fn first_entry(history: &PhaseHistory, phase: Phase) -> Option<NaiveDate> {
    history
        .records()
        .iter()
        .filter(|r| r.phase == phase && !history.is_return(r))
        .map(|r: &PhaseRecord| r.started_on)
        .min()
}

/// The day the product stopped, when it stopped in investigation.
fn stopped_in_investigation(history: &PhaseHistory) -> Option<NaiveDate> {
    let stopped_on = history.stopped_on()?;
    let last = history.records().last()?;
    (last.phase == Phase::Investigation).then_some(stopped_on)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("valid")
    }

    fn history(records: &[(Phase, &str, Option<&str>)], stopped: Option<&str>) -> PhaseHistory {
        let records = records
            .iter()
            .map(|(phase, from, to)| PhaseRecord {
                phase: *phase,
                started_on: d(from),
                ended_on: to.map(d),
            })
            .collect();
        PhaseHistory::from_records(records, stopped.map(d)).expect("valid")
    }

    #[test]
    fn a_year_is_checked() {
        let today = d("2026-12-04");
        assert!(BilanYear::new(2026, today).is_ok());
        assert!(BilanYear::new(2013, today).is_ok());
        for bad in [2012, 2027, -5, i32::MAX] {
            let e = BilanYear::new(bad, today).expect_err("refused");
            assert_eq!(e.field(), Some("year"), "{bad}");
        }
        let y = BilanYear::new(2025, today).expect("valid");
        assert_eq!(y.status_date(today), d("2025-12-31"));
        assert_eq!(y.matrix_date(today), d("2026-01-01"));
        let y = BilanYear::new(2026, today).expect("valid");
        assert_eq!(y.status_date(today), today);
        assert_eq!(y.matrix_date(today), today);
    }

    #[test]
    fn each_figure_counts_its_products() {
        use Phase::*;
        let today = d("2026-12-04");
        let year = BilanYear::new(2025, today).expect("valid");
        let slugs: Vec<Slug> = ["a", "b", "c", "d"]
            .iter()
            .map(|s| Slug::parse(s).expect("valid"))
            .collect();
        // Opened in 2025, launched in 2025, still running.
        let a = history(
            &[
                (Investigation, "2025-02-03", Some("2025-06-02")),
                (Construction, "2025-06-02", None),
            ],
            None,
        );
        // Opened in 2024, stopped in investigation in 2025.
        let b = history(
            &[(Investigation, "2024-10-01", Some("2025-03-10"))],
            Some("2025-03-10"),
        );
        // Opened in 2023, launched in 2024: neither counts in 2025.
        let c = history(
            &[
                (Investigation, "2023-01-02", Some("2024-01-08")),
                (Construction, "2024-01-08", None),
            ],
            None,
        );
        // Stopped in construction in 2025: not an investigation stopped.
        let e = history(
            &[
                (Investigation, "2022-01-03", Some("2023-01-02")),
                (Construction, "2023-01-02", Some("2025-05-05")),
            ],
            Some("2025-05-05"),
        );
        let products = [
            BilanProduct {
                slug: &slugs[0],
                name: "Zèbre",
                history: &a,
                objectives: vec![
                    (d("2025-06-30"), ObjectiveStatus::Achieved),
                    (d("2025-12-31"), ObjectiveStatus::Achieved),
                    (d("2025-09-30"), ObjectiveStatus::Achieved),
                    (d("2025-10-31"), ObjectiveStatus::Achieved),
                    (d("2025-11-30"), ObjectiveStatus::OffTrack),
                    // Due later: not counted in 2025.
                    (d("2026-06-30"), ObjectiveStatus::OffTrack),
                ],
                certification: Some((CertificationLevel::Validated, d("2025-09-15"))),
                cost_per_active_user: Some(12.0),
            },
            BilanProduct {
                slug: &slugs[1],
                name: "Éole",
                history: &b,
                objectives: vec![(d("2025-03-01"), ObjectiveStatus::AtRisk)],
                certification: Some((CertificationLevel::Certified, d("2025-02-01"))),
                cost_per_active_user: None,
            },
            BilanProduct {
                slug: &slugs[2],
                name: "Douane",
                history: &c,
                objectives: vec![],
                certification: Some((CertificationLevel::Validated, d("2024-09-15"))),
                cost_per_active_user: Some(4.0),
            },
            BilanProduct {
                slug: &slugs[3],
                name: "Ambre",
                history: &e,
                objectives: vec![],
                certification: None,
                cost_per_active_user: Some(f64::NAN),
            },
        ];
        let r = year_results(year, &products, today);
        fn names(l: &[Counted]) -> Vec<&str> {
            l.iter().map(|c| c.name.as_str()).collect()
        }
        assert_eq!(r.year, 2025);
        assert_eq!(r.at, d("2025-12-31"));
        assert_eq!(names(&r.investigations_opened), ["Zèbre"]);
        assert_eq!(
            r.investigations_opened[0].detail,
            Detail::On(d("2025-02-03"))
        );
        assert_eq!(names(&r.investigations_stopped), ["Éole"]);
        assert_eq!(names(&r.launched), ["Zèbre"]);
        // French order: « Éole » among the E's, before « Zèbre ».
        assert_eq!(names(&r.with_objectives_due), ["Éole", "Zèbre"]);
        assert_eq!(names(&r.objectives_reached), ["Zèbre"]);
        assert_eq!(
            r.objectives_reached[0].detail,
            Detail::Objectives {
                achieved: 4,
                due: 5
            }
        );
        assert_eq!(r.objectives_reached_share(), Some(0.5));
        assert_eq!(names(&r.national_impact), ["Zèbre"]);
        assert_eq!(names(&r.costed), ["Douane", "Zèbre"]);
        assert_eq!(r.median_cost_per_active_user, Some(8.0));
    }

    #[test]
    fn a_return_to_investigation_is_not_an_opening() {
        let today = d("2026-12-04");
        let year = BilanYear::new(2025, today).expect("valid");
        let records = vec![
            PhaseRecord {
                phase: Phase::Investigation,
                started_on: d("2024-01-08"),
                ended_on: Some(d("2024-06-03")),
            },
            PhaseRecord {
                phase: Phase::Construction,
                started_on: d("2024-06-03"),
                ended_on: Some(d("2025-02-03")),
            },
            PhaseRecord {
                phase: Phase::Investigation,
                started_on: d("2025-02-03"),
                ended_on: None,
            },
        ];
        let returns = [(d("2025-02-03"), Phase::Investigation)];
        let h = PhaseHistory::with_returns(records, None, &returns).expect("valid");
        let slug = Slug::parse("retour").expect("valid");
        let p = BilanProduct {
            slug: &slug,
            name: "Retour",
            history: &h,
            objectives: vec![],
            certification: None,
            cost_per_active_user: None,
        };
        let r = year_results(year, &[p], today);
        assert!(r.investigations_opened.is_empty());
        assert!(r.launched.is_empty());
        assert_eq!(r.objectives_reached_share(), None);
        assert_eq!(r.median_cost_per_active_user, None);
    }
}
