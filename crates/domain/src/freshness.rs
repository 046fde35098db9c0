//! Whether a team keeps its measures up to date.

use chrono::NaiveDate;

use crate::{Period, Periodicity};

/// Whether an indicator is late: there is no value for the last complete period by `today`
/// ([`Period::last_complete`]). `latest` is the most recent period with a value; a value for
/// a later period (the one in progress) also counts as up to date.
///
/// For a weekly indicator on Wednesday 2025-03-12, the last complete week starts Monday
/// 2025-03-03: a value for that week or the current one is up to date, one for the week of
/// 2025-02-24 is late.
pub fn is_late(periodicity: Periodicity, latest: Option<Period>, today: NaiveDate) -> bool {
    let due = Period::last_complete(periodicity, today);
    latest.is_none_or(|p| p.start() < due.start())
}
