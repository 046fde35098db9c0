//! The indicator chart: a measured series against its objective.

use chrono::NaiveDate;
use pilote_domain::{Direction, Objective, Period, Periodicity, ProductStatus};
use plotters::{element::DashedPathElement, style::Color};

use crate::{
    ChartError, Size, axis, french, palette,
    plot::Frame,
    render::{Area, Backend, Chart},
    series,
};

/// The trend of the series carried on to the objective's deadline (`pilote_domain::forecast`),
/// drawn dotted from the latest measure's date.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ForecastLine {
    /// Where it starts: the trend at the latest measure's period.
    pub from: (NaiveDate, f64),
    /// Where it ends: the trend at the deadline.
    pub to: (NaiveDate, f64),
}

/// What an indicator chart shows. Plain data: the caller builds it from domain types.
#[derive(Clone, Debug, PartialEq)]
pub struct IndicatorChart {
    /// The indicator's label, e.g. « Démarches déposées ».
    pub title: String,
    /// The unit, shown on the value axis, e.g. « démarches », « € », « % ».
    pub unit: String,
    /// Which way is better (said in the description).
    pub direction: Direction,
    /// Week or month: a missing period is a gap in the line.
    pub periodicity: Periodicity,
    /// Measures; any order, non-finite values are ignored.
    pub points: Vec<(Period, f64)>,
    /// The contract objective: baseline, target and deadline.
    pub objective: Option<Objective>,
    /// The product's phase changes (date, status entered), drawn as labelled markers.
    pub phase_changes: Vec<(NaiveDate, ProductStatus)>,
    /// Today: a line marks it when within the chart.
    pub today: NaiveDate,
    /// The trend to the deadline, if one was forecast; `None` draws the chart as before.
    pub forecast: Option<ForecastLine>,
}

impl IndicatorChart {
    /// The latest measure, if any.
    pub fn latest(&self) -> Option<(Period, f64)> {
        series::clean(&self.points).last().copied()
    }

    /// "12 345 démarches".
    pub(crate) fn with_unit(&self, v: f64) -> String {
        let n = french::number_auto(v);
        match self.unit.trim() {
            "" => n,
            "%" | "€" => format!("{n}\u{A0}{}", self.unit.trim()),
            unit => format!("{n} {unit}"),
        }
    }

    /// « semaine du 29 décembre 2025 » or « décembre 2025 », as every page writes it.
    pub(crate) fn period_label(p: Period) -> String {
        french::period(p)
    }

    /// "Dernière valeur : … · objectif …": the line under the title.
    pub(crate) fn subtitle(&self) -> String {
        let mut parts = Vec::new();
        match self.latest() {
            Some((p, v)) => parts.push(format!(
                "Dernière valeur : {} ({})",
                self.with_unit(v),
                Self::period_label(p)
            )),
            None => parts.push("Aucune mesure".to_owned()),
        }
        if let Some(o) = &self.objective {
            parts.push(format!(
                "objectif : {} au {}",
                self.with_unit(o.target.value),
                french::date(o.target.on)
            ));
        }
        parts.join(" · ")
    }
}

impl Chart for IndicatorChart {
    fn title(&self) -> String {
        format!("Indicateur « {} »", crate::svg::clean(&self.title))
    }

    fn description(&self) -> String {
        let points = series::clean(&self.points);
        let kind = match self.periodicity {
            Periodicity::Week => "hebdomadaire",
            Periodicity::Month => "mensuelle",
        };
        let better = match self.direction {
            Direction::Increase => "plus haut est meilleur",
            Direction::Decrease => "plus bas est meilleur",
        };
        let mut d = format!(
            "Série {kind} de l'indicateur « {} » en {} ({better}). ",
            self.title,
            if self.unit.is_empty() {
                "unités"
            } else {
                &self.unit
            }
        );
        match (points.first(), points.last()) {
            (Some((first, _)), Some((last, v))) => {
                d.push_str(&format!(
                    "{} du {} au {} ; dernière valeur {} ({}). ",
                    french::plural(points.len(), "mesure", "mesures"),
                    french::date(first.start()),
                    french::date(last.start()),
                    self.with_unit(*v),
                    Self::period_label(*last)
                ));
                let missing = series::missing_periods(&points);
                if missing > 0 {
                    d.push_str(&format!(
                        "{} sans donnée (interruptions de la courbe). ",
                        french::plural(missing, "période", "périodes")
                    ));
                }
            }
            _ => d.push_str("Aucune mesure. "),
        }
        if let Some(o) = &self.objective {
            d.push_str(&format!(
                "Objectif : de {} le {} à {} le {}, en ligne droite. ",
                self.with_unit(o.baseline.value),
                french::date(o.baseline.on),
                self.with_unit(o.target.value),
                french::date(o.target.on)
            ));
        }
        if let Some(f) = &self.forecast {
            d.push_str(&format!(
                "Tendance prolongée en pointillés : {} le {}. ",
                self.with_unit(f.to.1),
                french::date(f.to.0)
            ));
        }
        for (on, status) in &self.phase_changes {
            d.push_str(&format!(
                "Phase {} depuis le {}. ",
                status.label_fr(),
                french::date(*on)
            ));
        }
        d.trim_end().to_owned()
    }

    fn draw<DB: Backend>(&self, area: &Area<DB>, size: Size) -> Result<(), ChartError> {
        crate::plot::draw_indicator(area, self, size.scale(), false)
    }
}

/// The forecast's dotted line, in the series' colour: short dashes, wide gaps.
pub(crate) fn draw_forecast<DB: Backend>(
    chart: &mut Frame<'_, DB>,
    data: &IndicatorChart,
    scale: f64,
) -> Result<(), ChartError> {
    let Some(f) = &data.forecast else {
        return Ok(());
    };
    let ends = [f.from, f.to].map(|(d, v)| (axis::x_of(d), axis::plottable(v)));
    let stroke = palette::SERIES.stroke_width((2.0 * scale).round().max(1.0) as u32);
    let (dot, gap) = ((2.0 * scale).max(1.0) as u32, (4.0 * scale).max(2.0) as u32);
    chart.draw_series(std::iter::once(DashedPathElement::new(
        ends.to_vec(),
        dot,
        gap,
        stroke,
    )))?;
    Ok(())
}
