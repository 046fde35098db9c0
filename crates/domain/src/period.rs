//! Reporting periods: ISO weeks and calendar months.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::{DomainError, DomainResult, Problem};

str_enum! {
    /// How often an indicator is measured.
    pub enum Periodicity in "periodicity" {
        /// Every ISO week, starting on Monday.
        Week = "week" / "Hebdomadaire",
        /// Every calendar month, starting on the 1st.
        Month = "month" / "Mensuelle",
    }
}

/// A reporting period: an ISO week starting Monday or a calendar month starting on the 1st.
///
/// Periods order by start date (then periodicity). Near the ends of chrono's calendar
/// (years ±262 000) arithmetic saturates instead of panicking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Period {
    start: NaiveDate,
    periodicity: Periodicity,
}

impl Period {
    /// The period of `periodicity` that contains `date`: any date files into its period.
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use pilote_domain::{Period, Periodicity};
    /// let wednesday = NaiveDate::from_ymd_opt(2025, 3, 12);
    /// let monday = NaiveDate::from_ymd_opt(2025, 3, 10);
    /// let week = wednesday.map(|d| Period::containing(Periodicity::Week, d));
    /// assert_eq!(week.map(Period::start), monday);
    /// ```
    pub fn containing(periodicity: Periodicity, date: NaiveDate) -> Period {
        let back = match periodicity {
            Periodicity::Week => date.weekday().num_days_from_monday(),
            Periodicity::Month => date.day0(),
        };
        let start = date
            .checked_sub_days(Days::new(u64::from(back)))
            // Only the days before the calendar's first Monday get here.
            .unwrap_or_else(first_monday);
        Period { start, periodicity }
    }

    /// Parses a stored start; Invalid (field "period") if `start` is not a Monday / a 1st.
    pub fn from_start(periodicity: Periodicity, start: NaiveDate) -> DomainResult<Period> {
        let aligned = match periodicity {
            Periodicity::Week => start.weekday() == Weekday::Mon,
            Periodicity::Month => start.day() == 1,
        };
        if !aligned {
            let (en, fr) = match periodicity {
                Periodicity::Week => ("must be a Monday", "La semaine commence un lundi."),
                Periodicity::Month => ("must be the 1st of a month", "Le mois commence le 1er."),
            };
            return Err(DomainError::rule("period", en, fr));
        }
        Ok(Period { start, periodicity })
    }

    /// Week or month.
    pub fn periodicity(self) -> Periodicity {
        self.periodicity
    }

    /// The first day: a Monday or a 1st.
    pub fn start(self) -> NaiveDate {
        self.start
    }

    /// The last day, inclusive: a Sunday or the last day of the month.
    pub fn end(self) -> NaiveDate {
        self.following()
            .and_then(|next| next.pred_opt())
            .unwrap_or(NaiveDate::MAX)
    }

    /// The period right after this one (itself at the very end of the calendar).
    pub fn next(self) -> Period {
        self.following()
            .map_or(self, |start| Period { start, ..self })
    }

    /// The period right before this one (itself at the very start of the calendar).
    pub fn prev(self) -> Period {
        let start = match self.periodicity {
            Periodicity::Week => self.start.checked_sub_days(Days::new(7)),
            Periodicity::Month => self.start.checked_sub_months(Months::new(1)),
        };
        start.map_or(self, |start| Period { start, ..self })
    }

    /// Whether `d` falls in this period.
    pub fn contains(self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end()
    }

    /// The latest period that is fully over by `today`: the one before the period containing
    /// `today` (a period ending today is not over yet).
    pub fn last_complete(periodicity: Periodicity, today: NaiveDate) -> Period {
        Period::containing(periodicity, today).prev()
    }

    /// A period whose start is after `today` is refused ([`Problem::InFuture`], field
    /// "period"); the period in progress is accepted.
    pub fn ensure_not_future(self, today: NaiveDate) -> DomainResult<()> {
        not_in_future("period", self.start, today)
    }

    /// The start of the next period, if the calendar has it.
    fn following(self) -> Option<NaiveDate> {
        match self.periodicity {
            Periodicity::Week => self.start.checked_add_days(Days::new(7)),
            Periodicity::Month => self.start.checked_add_months(Months::new(1)),
        }
    }
}

/// The first Monday chrono can represent.
fn first_monday() -> NaiveDate {
    let min = NaiveDate::MIN;
    let ahead = (7 - min.weekday().num_days_from_monday()) % 7;
    min.checked_add_days(Days::new(u64::from(ahead)))
        .unwrap_or(min)
}

/// An inclusive range of dates, `from` ≤ `to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateRange {
    from: NaiveDate,
    to: NaiveDate,
}

impl DateRange {
    /// Checks `from` ≤ `to` (Invalid, field "from", otherwise).
    pub fn new(from: NaiveDate, to: NaiveDate) -> DomainResult<DateRange> {
        if from > to {
            return Err(DomainError::rule(
                "from",
                "must not be after the end date",
                "La date de début ne peut pas être après la date de fin.",
            ));
        }
        Ok(DateRange { from, to })
    }

    /// The first day.
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// The last day, inclusive.
    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// Whether `d` is within the range, ends included.
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
    }

    /// How many days the range covers, ends included (at least 1).
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
}

/// The one rule "no date after today", for every dated thing people enter (a period's start,
/// a decision, a review, a month of spend, a product's start): Invalid{field, "is in the
/// future"} when `date` is after `today`. Today itself is accepted.
pub fn not_in_future(field: &str, date: NaiveDate, today: NaiveDate) -> DomainResult<()> {
    if date > today {
        return Err(DomainError::invalid(field, Problem::InFuture));
    }
    Ok(())
}
