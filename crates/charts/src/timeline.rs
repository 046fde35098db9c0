//! The portfolio timeline: one row per product, its phases as coloured segments over time.

use chrono::{Days, NaiveDate};
use pilote_domain::{Phase, PhaseDurations, PhaseHistory};

use crate::{
    ChartError, Size, french, heading,
    render::{Area, Backend, Chart},
};

/// Every product's phases over time.
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    /// The chart's title, e.g. « Portefeuille de la DINUM ».
    pub title: String,
    /// Today: open phases run up to it, and a line marks it.
    pub today: NaiveDate,
    /// One row per product, drawn top to bottom in this order.
    pub rows: Vec<TimelineRow>,
}

/// One product's line in the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineRow {
    /// The product's name (any text: it is escaped in SVG).
    pub name: String,
    /// Its phases, in order.
    pub segments: Vec<TimelineSegment>,
    /// When it stopped, if it did (a cross marks it).
    pub stopped_on: Option<NaiveDate>,
}

/// One phase of one product.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimelineSegment {
    /// The phase.
    pub phase: Phase,
    /// First day.
    pub from: NaiveDate,
    /// The day the next phase began or the product stopped; `None` while it runs (today).
    pub to: Option<NaiveDate>,
    /// From this day on the phase was past its maximum duration (marked as overdue).
    pub overdue_from: Option<NaiveDate>,
    /// The phase began with a return to an earlier phase (a left-pointing mark shows it).
    pub returned: bool,
}

impl TimelineRow {
    /// A row from a product's history: a segment is overdue from the day after its
    /// deadline (the rule of [`PhaseHistory::overdue_since`]), for closed phases too, so
    /// that a slide shows past overruns as well as the current one.
    pub fn from_history(
        name: impl Into<String>,
        history: &PhaseHistory,
        limits: &PhaseDurations,
        today: NaiveDate,
    ) -> Self {
        let segments = history
            .records()
            .iter()
            .map(|r| {
                let end = r.ended_on.unwrap_or(today);
                let overdue_from = limits
                    .deadline(r.phase, r.started_on)
                    .and_then(|d| d.checked_add_days(Days::new(1)))
                    .filter(|since| *since < end || (r.ended_on.is_none() && *since <= today));
                TimelineSegment {
                    phase: r.phase,
                    from: r.started_on,
                    to: r.ended_on,
                    overdue_from,
                    returned: history.is_return(r),
                }
            })
            .collect();
        TimelineRow {
            name: name.into(),
            segments,
            stopped_on: history.stopped_on(),
        }
    }

    /// Whether a segment of this row is overdue today (its open phase).
    pub fn overdue_now(&self) -> bool {
        self.segments
            .iter()
            .any(|s| s.to.is_none() && s.overdue_from.is_some())
    }
}

impl Timeline {
    /// The height, in pixels, that gives every row room (25 px each, plus title and axis),
    /// kept between 300 and 4 000: what the API, the pages and `pilote render` ask for.
    pub fn natural_height(&self) -> u32 {
        u32::try_from(self.rows.len())
            .unwrap_or(u32::MAX)
            .saturating_mul(25)
            .saturating_add(140)
            .clamp(300, 4000)
    }

    /// First and last dates shown.
    pub(crate) fn span(&self) -> (NaiveDate, NaiveDate) {
        let starts = self
            .rows
            .iter()
            .flat_map(|r| r.segments.iter().map(|s| s.from));
        let from = starts.min().unwrap_or(self.today).min(self.today);
        let ends = self
            .rows
            .iter()
            .flat_map(|r| r.segments.iter().map(|s| s.to.unwrap_or(self.today)));
        let to = ends.max().unwrap_or(self.today).max(self.today);
        let from = if from == to {
            from.checked_sub_days(Days::new(365)).unwrap_or(from)
        } else {
            from
        };
        (from, to)
    }

    fn counts(&self) -> (usize, usize, usize) {
        let stopped = self.rows.iter().filter(|r| r.stopped_on.is_some()).count();
        let overdue = self.rows.iter().filter(|r| r.overdue_now()).count();
        (self.rows.len(), stopped, overdue)
    }

    pub(crate) fn subtitle(&self) -> String {
        let (n, stopped, overdue) = self.counts();
        format!(
            "{} · {} en dépassement de durée · {} · au {}",
            french::plural(n, "produit", "produits"),
            french::number(overdue as f64, 0),
            french::plural(stopped, "arrêté", "arrêtés"),
            french::date(self.today)
        )
    }
}

impl Chart for Timeline {
    fn title(&self) -> String {
        format!(
            "Chronologie des phases — {}",
            crate::svg::clean(&self.title)
        )
    }

    fn description(&self) -> String {
        let (from, to) = self.span();
        let mut d = format!(
            "Frise du portefeuille « {} », du {} au {} : une ligne par produit, un segment coloré par phase \
             (Investigation, Construction, Accélération, Pérennisation), les dépassements de durée soulignés, \
             une croix à l’arrêt, un triangle pointé vers la gauche au retour à une phase antérieure, \
             une ligne verticale pour aujourd’hui. {}.",
            self.title,
            french::date(from),
            french::date(to),
            self.subtitle()
        );
        // Past a few dozen rows a screen reader user wants the totals, not a list.
        if self.rows.len() <= 30 {
            for r in &self.rows {
                let phase = r
                    .segments
                    .last()
                    .map_or("aucune phase", |s| s.phase.label_fr());
                let state = if r.stopped_on.is_some() {
                    "arrêté"
                } else if r.overdue_now() {
                    "en dépassement"
                } else {
                    "dans les temps"
                };
                let returns = r.segments.iter().filter(|s| s.returned).count();
                let returns = if returns > 0 {
                    format!(
                        ", {}",
                        french::plural(returns, "retour en arrière", "retours en arrière")
                    )
                } else {
                    String::new()
                };
                d.push_str(&format!(" {} : {phase}, {state}{returns}.", r.name));
            }
        }
        d
    }

    fn draw<DB: Backend>(&self, area: &Area<DB>, size: Size) -> Result<(), ChartError> {
        let body = heading::draw(area, &self.title, &self.subtitle(), size.scale())?;
        crate::timeline_draw::draw(&body, self, size.scale())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timeline(rows: usize) -> Timeline {
        Timeline {
            title: String::new(),
            today: NaiveDate::from_ymd_opt(2026, 12, 4).expect("date"),
            rows: (0..rows)
                .map(|n| TimelineRow {
                    name: n.to_string(),
                    segments: Vec::new(),
                    stopped_on: None,
                })
                .collect(),
        }
    }

    #[test]
    fn the_natural_height_gives_each_row_25_px_within_bounds() {
        assert_eq!(timeline(0).natural_height(), 300);
        assert_eq!(timeline(20).natural_height(), 640);
        assert_eq!(timeline(1000).natural_height(), 4000);
    }
}
