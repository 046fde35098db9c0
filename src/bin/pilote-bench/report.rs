//! The figures of a run and their Markdown table.

use std::fmt::Write as _;

/// One line of the table: a figure next to its baseline and target.
#[derive(Clone, Debug)]
pub struct Figure {
    pub backend: String,
    pub what: String,
    pub value: String,
    pub baseline: String,
    pub ratio: String,
    pub target: String,
    /// `None` when the figure has no target of its own (context).
    pub met: Option<bool>,
}

impl Figure {
    pub fn new(backend: &str, what: impl Into<String>) -> Figure {
        Figure {
            backend: backend.to_owned(),
            what: what.into(),
            value: String::new(),
            baseline: "—".to_owned(),
            ratio: "—".to_owned(),
            target: "—".to_owned(),
            met: None,
        }
    }

    pub fn value(mut self, value: impl Into<String>) -> Figure {
        self.value = value.into();
        self
    }

    pub fn baseline(mut self, baseline: impl Into<String>) -> Figure {
        self.baseline = baseline.into();
        self
    }

    /// `value / baseline`, shown as a percentage or a factor.
    pub fn ratio(mut self, ratio: impl Into<String>) -> Figure {
        self.ratio = ratio.into();
        self
    }

    pub fn target(mut self, target: impl Into<String>, met: bool) -> Figure {
        self.target = target.into();
        self.met = Some(met);
        self
    }
}

/// `1234567.8` → `1 234 568`: thousands apart, as the doc writes them.
pub fn grouped(value: f64) -> String {
    let rounded = value.round();
    let digits = format!("{:.0}", rounded.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    if rounded < 0.0 {
        out.insert(0, '-');
    }
    out
}

pub fn percent(ratio: f64) -> String {
    format!("{:.0} %", ratio * 100.0)
}

pub fn factor(ratio: f64) -> String {
    if ratio >= 10.0 {
        format!("{ratio:.0}×")
    } else {
        format!("{ratio:.2}×")
    }
}

pub fn millis(ms: f64) -> String {
    if ms < 1.0 {
        format!("{ms:.3} ms")
    } else if ms < 100.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

/// The whole table, one figure a row.
pub fn markdown(figures: &[Figure]) -> String {
    let mut out = String::from(
        "| backend | figure | value | baseline | ratio | target | met |\n|---|---|---|---|---|---|---|\n",
    );
    for f in figures {
        let met = match f.met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "—",
        };
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            f.backend, f.what, f.value, f.baseline, f.ratio, f.target, met
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(2_610_000.4), "2 610 000");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(grouped(1000.0), "1 000");
    }
}
