//! Numbers and dates as French people type them, in a form or a spreadsheet: the one home of
//! these reading rules (writing them is [`crate::french`]).

use chrono::{Days, NaiveDate};

/// The characters a French number may group its thousands with: a space, a no-break space
/// (U+00A0, what French Excel writes) or a narrow no-break space (U+202F, CLDR's `fr`).
const GROUPING: [char; 3] = [' ', '\u{A0}', '\u{202F}'];

/// A number as people type it: `12,5` or `12.5`, an optional sign, thousands grouped by
/// spaces (`1 234 567,5`, any of [`GROUPING`]), an exponent (`1,5E+06`, as a spreadsheet
/// writes a long number). `None` for anything else, and for `inf` or `NaN`: a group of other
/// than three digits (`12 34`), a point and a comma together (`1.234,5` could be read two
/// ways), letters, a unit.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let text = text.trim();
    let (sign, unsigned) = match text.strip_prefix(['-', '\u{2212}']) {
        Some(rest) => ("-", rest),
        None => ("", text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (unsigned, None),
    };
    if mantissa.contains(',') && mantissa.contains('.') {
        return None;
    }
    let (whole, fraction) = match mantissa.split_once([',', '.']) {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    let whole = ungroup(whole)?;
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if !digits(&whole) || !fraction.is_none_or(digits) {
        return None;
    }
    if whole.is_empty() && fraction.is_none_or(str::is_empty) {
        return None;
    }
    let exponent = match exponent {
        Some(e) => {
            let unsigned = e.strip_prefix(['+', '-']).unwrap_or(e);
            if unsigned.is_empty() || !digits(unsigned) {
                return None;
            }
            format!("e{e}")
        }
        None => String::new(),
    };
    let number = format!("{sign}{whole}.{}{exponent}", fraction.unwrap_or(""));
    // An empty side is a zero to Rust's parser only in some spellings: say it.
    let number = number.replace("-.", "-0.").replace(".e", ".0e");
    let number = if number.starts_with('.') {
        format!("0{number}")
    } else {
        number
    };
    number.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The digits of a whole part, its thousands groups checked: every group after the first of
/// exactly three digits, the first of one to three. `None` when the grouping is wrong.
fn ungroup(whole: &str) -> Option<String> {
    if !whole.contains(GROUPING) {
        return Some(whole.to_owned());
    }
    let mut groups = whole.split(GROUPING);
    let first = groups.next()?;
    if first.is_empty() || first.len() > 3 {
        return None;
    }
    let mut digits = first.to_owned();
    for group in groups {
        if group.len() != 3 {
            return None;
        }
        digits.push_str(group);
    }
    Some(digits)
}

/// The first day a spreadsheet's serial number is read as a date for (2000-01-01): below,
/// a number in a date column is a mistake (`2026` would be a day of 1905), not a date.
const FIRST_SERIAL_DAY: u32 = 36_526;

/// The last (2099-12-31).
const LAST_SERIAL_DAY: u32 = 73_050;

/// A date as French people or their spreadsheets write it: `30/11/2026` (`JJ/MM/AAAA`, a
/// day or month of one digit too), `2026-11-30`, or a spreadsheet's serial day number
/// (`46356`, days since 1899-12-30 as Excel counts them, for a date cell a CSV export or a
/// plain number format shows as such) between 2000 and 2099. `None` otherwise.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(date);
    }
    let mut parts = text.split('/');
    if let (Some(d), Some(m), Some(y), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    {
        // Four-digit years only: `30/11/26` could be 1926 or 2026.
        let small = |s: &str, max: usize| (1..=max).contains(&s.len());
        if small(d, 2) && small(m, 2) && y.len() == 4 {
            return NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
        }
        return None;
    }
    if text.chars().all(|c| c.is_ascii_digit()) {
        return serial_date(text.parse().ok()?);
    }
    None
}

/// A spreadsheet's serial day number (1900 date system, the fraction of a day dropped) as a
/// date, if it is between 2000 and 2099.
pub fn serial_date(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() {
        return None;
    }
    let day = serial.floor();
    if day < f64::from(FIRST_SERIAL_DAY) || day > f64::from(LAST_SERIAL_DAY) {
        return None;
    }
    // Within the bounds above, an exact whole number of days: the cast cannot lose anything.
    let days = day as u64;
    // Excel's day 0 is 1899-12-30 from 1900-03-01 on (it counts a 29 February 1900).
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(Days::new(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_numbers_are_read() {
        for (text, value) in [
            ("12,5", 12.5),
            ("12.5", 12.5),
            ("1 234,5", 1234.5),
            ("1\u{A0}234,5", 1234.5),
            ("1\u{202F}234\u{202F}567", 1_234_567.0),
            ("-1 234", -1234.0),
            ("\u{2212}3", -3.0),
            ("+4", 4.0),
            (",5", 0.5),
            ("5,", 5.0),
            ("1,5E+06", 1_500_000.0),
            ("2e-3", 0.002),
            ("  42  ", 42.0),
        ] {
            assert_eq!(parse_decimal(text), Some(value), "{text:?}");
        }
        for text in [
            "", "douze", "12 34", "1234 567", " 1 2", "1.234,5", "1,234.5", "12,5,3", "inf", "NaN",
            "12 €", "12%", "1e", ",", "-", "1 234 ,5",
        ] {
            assert_eq!(parse_decimal(text), None, "{text:?}");
        }
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn french_and_iso_dates_are_read() {
        assert_eq!(parse_date("30/11/2026"), Some(day("2026-11-30")));
        assert_eq!(parse_date("1/2/2026"), Some(day("2026-02-01")));
        assert_eq!(parse_date("2026-11-30"), Some(day("2026-11-30")));
        assert_eq!(parse_date(" 46356 "), Some(day("2026-11-30")));
        for text in [
            "31/11/2026",
            "30/11/26",
            "11/30/2026x",
            "2026",
            "12",
            "hier",
            "30-11-2026",
            "",
        ] {
            assert_eq!(parse_date(text), None, "{text:?}");
        }
    }

    #[test]
    fn serial_days_are_excel_s() {
        // Checked against Excel: 36526 is 01/01/2000, 45658 is 01/01/2025.
        assert_eq!(serial_date(36_526.0), Some(day("2000-01-01")));
        assert_eq!(serial_date(45_658.75), Some(day("2025-01-01")));
        assert_eq!(serial_date(36_525.0), None);
        assert_eq!(serial_date(f64::NAN), None);
        assert_eq!(serial_date(1e12), None);
    }
}
