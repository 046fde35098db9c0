//! Timestamps as the store writes them.

/// The current time as stored: UTC, to the microsecond (PostgreSQL's precision), so that a
/// timestamp reads back equal on both backends.
pub fn now() -> chrono::NaiveDateTime {
    let now = chrono::Utc::now().naive_utc();
    chrono::SubsecRound::trunc_subsecs(now, 6)
}
