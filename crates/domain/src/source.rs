//! Sources of measures (issue 22): what an indicator may be fed by, fetched by the job runner.
//! Their values take the same write path as a team's and carry the source's name
//! ([`crate::MeasureSource`]).

use crate::MeasureSource;

str_enum! {
    /// What kind of address a source reads.
    pub enum SourceKind in "kind" {
        /// Matomo's Reporting API, `VisitsSummary.get`.
        Matomo = "matomo" / "Matomo",
        /// A URL answering JSON, a JSON pointer to the series (a Metabase public question).
        Json = "json" / "URL JSON",
        /// A URL answering CSV, `period,value`.
        Csv = "csv" / "URL CSV",
    }
}

impl SourceKind {
    /// The source its values are recorded with.
    pub fn measure_source(self) -> MeasureSource {
        match self {
            SourceKind::Matomo => MeasureSource::Matomo,
            SourceKind::Json => MeasureSource::Json,
            SourceKind::Csv => MeasureSource::CsvUrl,
        }
    }
}

str_enum! {
    /// The `VisitsSummary.get` figure a Matomo source reads.
    pub enum MatomoMetric in "metric" {
        /// Unique visitors (Matomo sums them by week or month only where configured to).
        NbUniqVisitors = "nb_uniq_visitors" / "Visiteurs uniques",
        /// Visits.
        NbVisits = "nb_visits" / "Visites",
        /// Actions (pages, downloads, outlinks).
        NbActions = "nb_actions" / "Actions",
    }
}

/// The hours between two scheduled runs of a source: from one hour to a month (31 days).
pub const EVERY_HOURS: std::ops::RangeInclusive<i32> = 1..=744;

/// The wait before the run after `failures` failed ones in a row: 5 minutes, doubling each
/// time, never beyond the source's own schedule.
pub fn retry_after_minutes(failures: u32, every_hours: i32) -> i64 {
    let schedule = i64::from(every_hours.max(1)) * 60;
    let backoff = 5_i64.saturating_mul(1_i64 << failures.saturating_sub(1).min(20));
    backoff.min(schedule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_up_to_the_schedule() {
        assert_eq!(retry_after_minutes(1, 24), 5);
        assert_eq!(retry_after_minutes(2, 24), 10);
        assert_eq!(retry_after_minutes(4, 24), 40);
        assert_eq!(retry_after_minutes(30, 24), 24 * 60);
        assert_eq!(retry_after_minutes(10, 1), 60);
    }

    #[test]
    fn each_kind_records_its_own_source() {
        assert_eq!(SourceKind::Csv.measure_source().as_str(), "csv_url");
        assert_eq!(SourceKind::Matomo.measure_source().as_str(), "matomo");
        assert_eq!(SourceKind::parse("json").ok(), Some(SourceKind::Json));
    }
}
