//! Drawing of an indicator series on a cartesian frame; shared by the indicator chart and
//! the dashboard's small multiples.

use chrono::{Days, NaiveDate};
use plotters::{
    coord::types::RangedCoordf64,
    prelude::*,
    style::text_anchor::{HPos, Pos, VPos},
};

use crate::{
    ChartError, IndicatorChart, axis, french, heading, marks, palette,
    render::{Area, Backend},
    series,
    text::{self, style},
};

/// The cartesian frame of the time charts: x in days (see [`axis::x_of`]), y in values.
pub(crate) type Frame<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Draws `data` on `area`. `compact` (dashboard panels) leaves out the title, the legend
/// and the unit's axis label, which the panel shows in its own title.
pub(crate) fn draw_indicator<DB: Backend>(
    area: &Area<DB>,
    data: &IndicatorChart,
    scale: f64,
    compact: bool,
) -> Result<(), ChartError> {
    let points = series::clean(&data.points);
    let (x0, x1) = x_range(data, &points);
    let values = points
        .iter()
        .map(|(_, v)| *v)
        .chain(
            data.objective
                .iter()
                .flat_map(|o| [o.baseline.value, o.target.value]),
        )
        .chain(data.forecast.iter().flat_map(|f| [f.from.1, f.to.1]));
    let (y0, y1) = axis::value_range(values);

    let (_, h) = area.dim_in_pixel();
    let mut plot_area = area.clone();
    if !compact {
        let title_h = (52.0 * scale) as u32;
        let (top, rest) = area.split_vertically(title_h.min(h / 3));
        draw_title(&top, data, scale)?;
        let legend_h = (26.0 * scale) as u32;
        let (rest, bottom) = rest.split_vertically(rest.dim_in_pixel().1.saturating_sub(legend_h));
        marks::draw_legend(&bottom, data, &points, scale)?;
        plot_area = rest;
    }

    let tick_px = 13.0 * scale;
    let y_labels = if compact { 4 } else { 6 };
    let decimals = french::decimals_for_step((y1 - y0) / y_labels as f64);
    let fmt = move |v: &f64| french::number(*v, decimals);
    let tick_style = style(tick_px, palette::TEXT_MUTED);
    let y_label_w = [y0, y1]
        .iter()
        .map(|v| text::width(area, &fmt(v), &tick_style))
        .max()
        .unwrap_or(0);
    let desc_w = if compact { 0.0 } else { tick_px * 1.8 };
    let mut chart = ChartBuilder::on(&plot_area)
        .margin_top((8.0 * scale) as u32)
        .margin_right((16.0 * scale) as u32)
        .margin_left((4.0 * scale) as u32)
        .x_label_area_size((tick_px * 2.0) as u32)
        .y_label_area_size(y_label_w + (10.0 * scale + desc_w) as u32)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let unit = crate::svg::clean(&data.unit);
    let mut mesh = chart.configure_mesh();
    mesh.disable_x_mesh()
        .x_labels(0)
        .y_labels(y_labels)
        .y_label_formatter(&fmt)
        .y_label_style(tick_style.clone())
        .bold_line_style(palette::GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(palette::AXIS);
    if !compact && !unit.is_empty() {
        mesh.y_desc(unit.as_str())
            .axis_desc_style(style(tick_px, palette::TEXT));
    }
    mesh.draw()?;

    draw_date_axis(area, &mut chart, (x0, x1, y0, y1), &tick_style, scale)?;
    marks::draw_gaps(area, &mut chart, &points, (y0, y1), scale)?;
    marks::draw_phase_changes(area, &mut chart, data, (x0, x1, y0, y1), scale, compact)?;
    marks::draw_objective(area, &mut chart, data, scale, compact)?;
    crate::indicator::draw_forecast(&mut chart, data, scale)?;
    marks::draw_today(
        area,
        &mut chart,
        data.today,
        (x0, x1, y0, y1),
        scale,
        compact,
    )?;
    draw_series(&mut chart, &points, scale)
}

/// From the first to the last date shown (measures, objective, today when close), with a
/// little room so that end points are not cut in half.
fn x_range(data: &IndicatorChart, points: &[(pilote_domain::Period, f64)]) -> (f64, f64) {
    let dates: Vec<NaiveDate> = points
        .iter()
        .map(|(p, _)| p.start())
        .chain(
            data.objective
                .iter()
                .flat_map(|o| [o.baseline.on, o.target.on]),
        )
        .chain(data.forecast.iter().flat_map(|f| [f.from.0, f.to.0]))
        .collect();
    let (first, last) = match (dates.iter().min(), dates.iter().max()) {
        (Some(a), Some(b)) => (*a, *b),
        _ => (
            data.today
                .checked_sub_days(Days::new(90))
                .unwrap_or(data.today),
            data.today,
        ),
    };
    let mut last = last;
    // Show today when the data is stale by less than a year: the silence is information.
    if data.today > last && (data.today - last).num_days() < 370 {
        last = data.today;
    }
    let (x0, x1) = (axis::x_of(first), axis::x_of(last));
    let pad = ((x1 - x0) * 0.02).max(3.0);
    (x0 - pad, x1 + pad)
}

fn draw_title<DB: Backend>(
    area: &Area<DB>,
    data: &IndicatorChart,
    scale: f64,
) -> Result<(), ChartError> {
    heading::draw_lines(area, &data.title, &data.subtitle(), 34.0, scale)
}

/// Month (or week, or year) ticks under the plot, with light vertical grid lines.
fn draw_date_axis<DB: Backend>(
    area: &Area<DB>,
    chart: &mut Frame<'_, DB>,
    (x0, x1, y0, y1): (f64, f64, f64, f64),
    tick_style: &TextStyle<'_>,
    scale: f64,
) -> Result<(), ChartError> {
    let (from, to) = (date_of(x0), date_of(x1));
    let plot_w = chart.plotting_area().dim_in_pixel().0;
    let max_ticks = (f64::from(plot_w) / (78.0 * scale)).floor() as usize;
    let ticks = axis::date_ticks(from, to, max_ticks);
    chart.draw_series(ticks.iter().map(|(d, _)| {
        let x = axis::x_of(*d);
        PathElement::new(vec![(x, y0), (x, y1)], palette::GRID)
    }))?;
    let base = area.get_base_pixel();
    let centered = tick_style.pos(Pos::new(HPos::Center, VPos::Top));
    let area_w = area.dim_in_pixel().0 as i32;
    for (d, label) in &ticks {
        let (px, py) = chart.backend_coord(&(axis::x_of(*d), y0));
        let at = (px - base.0, py - base.1 + (5.0 * scale) as i32);
        // A label cut by the edge reads wrong ("janv. 202"): leave it out.
        let half = text::width(area, label, tick_style) as i32 / 2;
        if at.0 - half < 0 || at.0 + half > area_w {
            continue;
        }
        area.draw(&Text::new(label.as_str(), at, centered.clone()))?;
    }
    Ok(())
}

/// Lines within each run of consecutive periods, then a dot on every measure.
fn draw_series<DB: Backend>(
    chart: &mut Frame<'_, DB>,
    points: &[(pilote_domain::Period, f64)],
    scale: f64,
) -> Result<(), ChartError> {
    let line = palette::SERIES.stroke_width((2.0 * scale).round().max(1.0) as u32);
    for run in series::runs(points) {
        let xy = run
            .iter()
            .map(|(p, v)| (axis::x_of(p.start()), axis::plottable(*v)));
        chart.draw_series(LineSeries::new(xy, line))?;
    }
    let radius = if points.len() > 120 { 2.0 } else { 3.5 } * scale;
    chart.draw_series(points.iter().map(|(p, v)| {
        Circle::new(
            (axis::x_of(p.start()), axis::plottable(*v)),
            radius.round().max(1.0) as i32,
            palette::SERIES.filled(),
        )
    }))?;
    Ok(())
}

/// The date at x (the inverse of [`axis::x_of`]), clamped to the calendar.
pub(crate) fn date_of(x: f64) -> NaiveDate {
    let days = x.round().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32;
    NaiveDate::from_num_days_from_ce_opt(days).unwrap_or(if days < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    })
}
