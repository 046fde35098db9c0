//! French formatting of numbers and dates, the way a French slide, page or terminal writes
//! them: the one home of these rules for the charts, the pages, the CLI and the digest.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, TimeDelta};

use crate::{Period, Periodicity};

/// Thousands separator: a no-break space (U+00A0). CLDR `fr` prefers the narrow one
/// (U+202F), but at chart sizes it is one or two pixels wide and `8 000` read as `8000`.
pub const THOUSANDS: char = '\u{A0}';

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

const MONTHS_SHORT: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];

/// The French name of the month of `d` ("février").
pub fn month(d: NaiveDate) -> &'static str {
    MONTHS[d.month0() as usize % 12]
}

/// The abbreviated French name of the month of `d` ("févr.").
pub fn month_short(d: NaiveDate) -> &'static str {
    MONTHS_SHORT[d.month0() as usize % 12]
}

/// "1er mars 2025", "12 mars 2025".
pub fn date(d: NaiveDate) -> String {
    format!("{} {} {}", day(d), month(d), d.year())
}

/// "05/03/2025": a date in a list or an e-mail, where a short fixed width reads best.
pub fn numeric_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// "1er mars", "12 mars": for axis ticks less than a year apart.
pub fn day_month(d: NaiveDate) -> String {
    format!("{} {}", day(d), month_short(d))
}

/// A period as people name it: « semaine du 23 novembre 2026 » (its Monday), « novembre
/// 2026 » (a month is never « 1er novembre 2026 », which reads as a day).
pub fn period(p: Period) -> String {
    match p.periodicity() {
        Periodicity::Week => format!("semaine du {}", date(p.start())),
        Periodicity::Month => format!("{} {}", month(p.start()), p.start().year()),
    }
}

/// The time in Paris (Europe/Paris) of a UTC time, which is what the database stores.
///
/// France follows the European Union's rule since 1996: UTC+1, and UTC+2 from the last Sunday
/// of March to the last Sunday of October, changing at 01:00 UTC both times. Written here
/// rather than taken from a time zone database: it is the only zone Pilote shows, and every
/// time it stores is recent.
pub fn paris(utc: NaiveDateTime) -> NaiveDateTime {
    let year = utc.year();
    let change = |month| last_sunday(year, month).and_hms_opt(1, 0, 0);
    let summer = match (change(3), change(10)) {
        (Some(from), Some(to)) => utc >= from && utc < to,
        _ => false,
    };
    utc + TimeDelta::hours(if summer { 2 } else { 1 })
}

/// The last Sunday of `month` (March or October: both have 31 days).
fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let last = NaiveDate::from_ymd_opt(year, month, 31).unwrap_or_default();
    last - Days::new(u64::from(last.weekday().num_days_from_sunday()))
}

/// A stored (UTC) time as a French reader expects it, in Paris time: « 4 décembre 2026 à
/// 09:15 ». Pages that show such times say they are Paris times.
pub fn moment(utc: NaiveDateTime) -> String {
    let at = paris(utc);
    format!("{} à {}", date(at.date()), at.format("%H:%M"))
}

fn day(d: NaiveDate) -> String {
    match d.day() {
        1 => "1er".to_owned(),
        n => n.to_string(),
    }
}

/// A number with `decimals` decimals, decimal comma and grouped thousands: `12 345,5`.
/// Beyond 10¹⁵ it switches to scientific notation (`1,2e20`) rather than print 20 digits.
pub fn number(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "—".to_owned();
    }
    if v.abs() >= 1e15 {
        return format!("{v:.1e}").replace('.', ",");
    }
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::with_capacity(text.len() + 4);
    // "-0" would read oddly after rounding.
    if v < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        out.push('−');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(THOUSANDS);
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

/// A number with as many decimals as its magnitude deserves: none from 100 up, one from
/// 10, two below (`12 345`, `42,5`, `3,14`); trailing zeros after the comma are dropped.
pub fn number_auto(v: f64) -> String {
    let decimals = match v.abs() {
        a if a >= 100.0 => 0,
        a if a >= 10.0 => 1,
        _ => 2,
    };
    trim_zeros(number(v, decimals))
}

/// The decimals that tell apart axis ticks `step` apart.
pub fn decimals_for_step(step: f64) -> usize {
    if !step.is_finite() || step <= 0.0 || step >= 1.0 {
        return 0;
    }
    // At most 6 decimals: beyond, values are noise on a chart.
    (-step.log10().floor()).clamp(0.0, 6.0) as usize
}

/// A share as a signed percentage: 0.123 → "+12 %", with the no-break space of French.
pub fn percent(share: f64) -> String {
    let pct = share * 100.0;
    let sign = if pct > 0.5 { "+" } else { "" };
    format!("{sign}{}\u{A0}%", number(pct, 0))
}

/// A share as a whole percentage, unsigned: 0.5 → « 50 % » (a non-breaking space before
/// the sign, as French typography wants).
pub fn share(share: f64) -> String {
    format!("{}\u{A0}%", number(share * 100.0, 0))
}

fn trim_zeros(s: String) -> String {
    if s.contains(',') {
        s.trim_end_matches('0').trim_end_matches(',').to_owned()
    } else {
        s
    }
}

/// A value as a French form shows it, to be typed again: a decimal comma, every digit, no
/// thousands separator (`1234,5`).
pub fn decimal(v: f64) -> String {
    v.to_string().replace('.', ",")
}

/// "1 produit", "3 produits".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    let word = if n <= 1 { one } else { many };
    format!("{} {word}", number(n as f64, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn numbers_the_french_way() {
        let nb = |s: &str| s.replace(' ', "\u{A0}");
        assert_eq!(number(12345.0, 0), nb("12 345"));
        assert_eq!(number(1234567.891, 2), nb("1 234 567,89"));
        assert_eq!(number(-1234.5, 1), nb("−1 234,5"));
        assert_eq!(number(-0.001, 0), "0");
        assert_eq!(number(999.0, 0), "999");
        assert_eq!(number_auto(42.50), "42,5");
        assert_eq!(number_auto(3.0), "3");
        assert_eq!(number(2e20, 0), "2,0e20");
        assert_eq!(percent(0.123), "+12\u{A0}%");
        assert_eq!(percent(-0.05), "−5\u{A0}%");
        assert_eq!(share(1.0), "100\u{A0}%");
        assert_eq!(share(0.8), "80\u{A0}%");
        assert_eq!(plural(1000, "produit", "produits"), "1\u{A0}000 produits");
        assert_eq!(decimal(1234.5), "1234,5");
        assert_eq!(decimal(12.0), "12");
    }

    #[test]
    fn dates_the_french_way() {
        assert_eq!(date(d(2025, 3, 1)), "1er mars 2025");
        assert_eq!(date(d(2025, 8, 15)), "15 août 2025");
        assert_eq!(day_month(d(2025, 2, 3)), "3 févr.");
        assert_eq!(month(d(2025, 12, 31)), "décembre");
    }

    #[test]
    fn periods_the_french_way() {
        let week = Period::containing(Periodicity::Week, d(2026, 11, 26));
        assert_eq!(period(week), "semaine du 23 novembre 2026");
        let first = Period::containing(Periodicity::Week, d(2026, 6, 3));
        assert_eq!(period(first), "semaine du 1er juin 2026");
        let month = Period::containing(Periodicity::Month, d(2026, 11, 26));
        assert_eq!(period(month), "novembre 2026");
    }

    #[test]
    fn times_in_paris() {
        let at = |y, m, day, h, min| d(y, m, day).and_hms_opt(h, min, 0).expect("valid time");
        // Winter: UTC+1.
        assert_eq!(paris(at(2026, 12, 4, 8, 15)), at(2026, 12, 4, 9, 15));
        assert_eq!(moment(at(2026, 12, 31, 23, 30)), "1er janvier 2027 à 00:30");
        // Summer time starts on 29 March 2026 at 01:00 UTC (02:00 → 03:00 in Paris).
        assert_eq!(paris(at(2026, 3, 29, 0, 59)), at(2026, 3, 29, 1, 59));
        assert_eq!(paris(at(2026, 3, 29, 1, 0)), at(2026, 3, 29, 3, 0));
        assert_eq!(moment(at(2026, 7, 14, 10, 0)), "14 juillet 2026 à 12:00");
        // And ends on 25 October 2026 at 01:00 UTC (03:00 → 02:00 in Paris).
        assert_eq!(paris(at(2026, 10, 25, 0, 59)), at(2026, 10, 25, 2, 59));
        assert_eq!(paris(at(2026, 10, 25, 1, 0)), at(2026, 10, 25, 2, 0));
    }

    #[test]
    fn decimals_follow_the_step() {
        assert_eq!(decimals_for_step(1000.0), 0);
        assert_eq!(decimals_for_step(0.5), 1);
        assert_eq!(decimals_for_step(0.05), 2);
        assert_eq!(decimals_for_step(f64::NAN), 0);
    }
}
