//! A sparkline: a tiny series for list pages, no axes, the last value dotted.

use pilote_domain::Period;
use plotters::prelude::*;

use crate::{
    ChartError, Size, axis, french, palette,
    render::{Area, Backend, Chart},
    series,
};

/// A series to draw small.
#[derive(Clone, Debug, PartialEq)]
pub struct Sparkline {
    /// What it is (accessible name only: nothing is written in the picture).
    pub label: String,
    /// The measures; gaps are left as gaps.
    pub points: Vec<(Period, f64)>,
}

impl Chart for Sparkline {
    fn title(&self) -> String {
        format!("Tendance « {} »", crate::svg::clean(&self.label))
    }

    fn description(&self) -> String {
        let pts = series::clean(&self.points);
        match (pts.first(), pts.last()) {
            (Some((p0, v0)), Some((p1, v1))) => format!(
                "Évolution de « {} » du {} ({}) au {} ({}).",
                self.label,
                french::date(p0.start()),
                french::number_auto(*v0),
                french::date(p1.start()),
                french::number_auto(*v1)
            ),
            _ => format!("« {} » : aucune mesure.", self.label),
        }
    }

    fn draw<DB: Backend>(&self, area: &Area<DB>, size: Size) -> Result<(), ChartError> {
        let pts = series::clean(&self.points);
        let (Some(first), Some(last)) = (pts.first(), pts.last()) else {
            return Ok(());
        };
        let (x0, x1) = (axis::x_of(first.0.start()), axis::x_of(last.0.start()));
        let (x0, x1) = if x0 < x1 {
            (x0, x1)
        } else {
            (x0 - 1.0, x1 + 1.0)
        };
        let (y0, y1) = axis::value_range(pts.iter().map(|(_, v)| *v));
        let r = (f64::from(size.height().min(size.width())) / 12.0).clamp(1.5, 4.0);
        let mut chart = ChartBuilder::on(area)
            .margin(r.ceil() as u32 + 1)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        let stroke = palette::SERIES.stroke_width((r / 2.0).round().max(1.0) as u32);
        for run in series::runs(&pts) {
            let xy = run
                .iter()
                .map(|(p, v)| (axis::x_of(p.start()), axis::plottable(*v)));
            chart.draw_series(LineSeries::new(xy, stroke))?;
        }
        let end = (axis::x_of(last.0.start()), axis::plottable(last.1));
        chart.draw_series(std::iter::once(Circle::new(
            end,
            r.round() as i32,
            palette::SERIES.filled(),
        )))?;
        Ok(())
    }
}
