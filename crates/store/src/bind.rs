//! Values bound in bulk writes, formatted for SQLite without chrono's formatter.
//!
//! SQLite stores dates and timestamps as text. diesel's chrono support formats each value by
//! interpreting a format string (`%F`, `%F %T%.f`) every time: a sixth of the CPU of a bulk
//! insert of measures (docs/benchmarks.md). These types write exactly the same text, the date
//! by hand and the batch's one timestamp once, and bind PostgreSQL's binary values unchanged.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::{
    expression::AsExpression,
    pg::Pg,
    serialize::{self, Output, ToSql},
    sql_types::{Date, Timestamp},
    sqlite::Sqlite,
};

/// A date, bound to SQLite as `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, AsExpression)]
#[diesel(sql_type = Date)]
pub(crate) struct BulkDate(pub NaiveDate);

impl BulkDate {
    /// chrono's `%F`, for the years it pads to four digits without a sign.
    fn text(self) -> Option<String> {
        let date = self.0;
        let year = u32::try_from(date.year()).ok().filter(|y| *y <= 9999)?;
        let mut text = [0u8; 10];
        let digits = |out: &mut [u8], mut n: u32| {
            for slot in out.iter_mut().rev() {
                // A digit: always below 10, so the cast cannot truncate.
                *slot = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        digits(&mut text[0..4], year);
        text[4] = b'-';
        digits(&mut text[5..7], date.month());
        text[7] = b'-';
        digits(&mut text[8..10], date.day());
        String::from_utf8(text.to_vec()).ok()
    }
}

impl ToSql<Date, Sqlite> for BulkDate {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        match self.text() {
            Some(text) => {
                out.set_value(text);
                Ok(serialize::IsNull::No)
            }
            None => <NaiveDate as ToSql<Date, Sqlite>>::to_sql(&self.0, out),
        }
    }
}

impl ToSql<Date, Pg> for BulkDate {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <NaiveDate as ToSql<Date, Pg>>::to_sql(&self.0, out)
    }
}

/// A batch's timestamp, formatted for SQLite once and shared by every row (a clone is a
/// reference count: rows must own their values for diesel to keep their statement).
#[derive(Clone, Debug, PartialEq, Eq, AsExpression)]
#[diesel(sql_type = Timestamp)]
pub(crate) struct BulkStamp {
    at: NaiveDateTime,
    text: Arc<str>,
}

impl BulkStamp {
    pub(crate) fn new(at: NaiveDateTime) -> Self {
        // diesel's own format for SQLite timestamps, so that its reader parses them back.
        let text = at.format("%F %T%.f").to_string().into();
        Self { at, text }
    }
}

impl ToSql<Timestamp, Sqlite> for BulkStamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(&*self.text);
        Ok(serialize::IsNull::No)
    }
}

impl ToSql<Timestamp, Pg> for BulkStamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <NaiveDateTime as ToSql<Timestamp, Pg>>::to_sql(&self.at, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_chrono_writes_them() {
        let days = [
            (1, 1, 1),
            (999, 12, 31),
            (1970, 1, 1),
            (2026, 11, 23),
            (9999, 12, 31),
        ];
        for (y, m, d) in days {
            let date = NaiveDate::from_ymd_opt(y, m, d).expect("a valid date");
            assert_eq!(
                BulkDate(date).text(),
                Some(date.format("%F").to_string()),
                "{date}"
            );
        }
        let far = NaiveDate::from_ymd_opt(10_000, 1, 1).expect("a valid date");
        assert_eq!(BulkDate(far).text(), None);
        let before = NaiveDate::from_ymd_opt(-1, 1, 1).expect("a valid date");
        assert_eq!(BulkDate(before).text(), None);
    }
}
