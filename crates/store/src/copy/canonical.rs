//! The normalised text of each value in a table checksum.

use chrono::{NaiveDate, NaiveDateTime};

/// A value written into a checksum in a form both backends give back identically.
pub(super) trait Canonical {
    fn canonical(&self, out: &mut String);
}

macro_rules! canonical_display {
    ($($ty:ty),+) => {$(
        impl Canonical for $ty {
            fn canonical(&self, out: &mut String) {
                out.push_str(&self.to_string());
            }
        }
    )+};
}
canonical_display!(i64, i32, bool);

impl Canonical for String {
    fn canonical(&self, out: &mut String) {
        // Length-prefixed, so that no text can imitate a field separator.
        out.push_str(&format!("{}:{self}", self.len()));
    }
}

impl Canonical for f64 {
    fn canonical(&self, out: &mut String) {
        out.push_str(&format!("{:016x}", self.to_bits()));
    }
}

impl Canonical for NaiveDate {
    fn canonical(&self, out: &mut String) {
        out.push_str(&self.format("%Y-%m-%d").to_string());
    }
}

impl Canonical for NaiveDateTime {
    fn canonical(&self, out: &mut String) {
        // Every fractional digit stored: a precision lost on the way shows as a difference.
        out.push_str(&self.format("%Y-%m-%dT%H:%M:%S%.f").to_string());
    }
}

impl<T: Canonical> Canonical for Option<T> {
    fn canonical(&self, out: &mut String) {
        match self {
            Some(value) => value.canonical(out),
            None => out.push('∅'),
        }
    }
}
