//! What goes over an indicator series: gaps, phase changes, objective, today, legend.

use pilote_domain::Period;
use plotters::{
    element::DashedPathElement,
    prelude::*,
    style::text_anchor::{HPos, Pos, VPos},
};

use crate::{
    ChartError, IndicatorChart, axis, french, palette,
    plot::Frame,
    render::{Area, Backend},
    series,
    text::{self, Boxed, style},
};

type Bounds = (f64, f64, f64, f64);

/// A light band between the measures around each gap, labelled when wide enough.
pub(crate) fn draw_gaps<DB: Backend>(
    area: &Area<DB>,
    chart: &mut Frame<'_, DB>,
    points: &[(Period, f64)],
    (y0, y1): (f64, f64),
    scale: f64,
) -> Result<(), ChartError> {
    let runs = series::runs(points);
    let bands: Vec<(f64, f64)> = runs
        .windows(2)
        .filter_map(|w| Some((w[0].last()?.0.start(), w[1].first()?.0.start())))
        .map(|(a, b)| (axis::x_of(a), axis::x_of(b)))
        .collect();
    chart.draw_series(
        bands
            .iter()
            .map(|(a, b)| Rectangle::new([(*a, y0), (*b, y1)], palette::GAP.filled())),
    )?;
    let label_style = style(11.0 * scale, palette::TEXT_MUTED);
    let label = "pas de données";
    let label_w = text::width(area, label, &label_style) as i32;
    let base = area.get_base_pixel();
    for (a, b) in bands {
        let (pa, py) = chart.backend_coord(&(a, y0));
        let (pb, _) = chart.backend_coord(&(b, y0));
        if pb - pa > label_w + 6 {
            let at = ((pa + pb) / 2 - base.0, py - base.1 - (6.0 * scale) as i32);
            let centered = label_style.pos(Pos::new(HPos::Center, VPos::Bottom));
            area.draw(&Text::new(label, at, centered))?;
        }
    }
    Ok(())
}

/// A dashed vertical line per phase change, in the phase's colour, labelled at the top;
/// labels that would collide step down a line.
pub(crate) fn draw_phase_changes<DB: Backend>(
    area: &Area<DB>,
    chart: &mut Frame<'_, DB>,
    data: &IndicatorChart,
    (x0, x1, y0, y1): Bounds,
    scale: f64,
    compact: bool,
) -> Result<(), ChartError> {
    let label_style = style(11.5 * scale, palette::TEXT);
    let base = area.get_base_pixel();
    let line_h = (14.0 * scale) as i32;
    let mut placed: Vec<Boxed> = Vec::new();
    let mut changes = data.phase_changes.clone();
    changes.sort_by_key(|(d, _)| *d);
    for (on, status) in changes {
        let x = axis::x_of(on);
        if x < x0 || x > x1 {
            continue;
        }
        let colour = palette::status(status);
        let stroke = colour.stroke_width((1.5 * scale).round().max(1.0) as u32);
        let dash = (5.0 * scale) as u32;
        chart.draw_series(std::iter::once(DashedPathElement::new(
            vec![(x, y0), (x, y1)],
            dash,
            dash,
            stroke,
        )))?;
        if compact {
            continue;
        }
        let label = status.label_fr();
        let (px, top) = chart.backend_coord(&(x, y1));
        let w = text::width(area, label, &label_style) as i32;
        let (lx, ly) = (px - base.0 + 4, top - base.1 + 3);
        let row = (0..4)
            .find(|r| {
                let b = Boxed {
                    x0: lx,
                    y0: ly + r * line_h,
                    x1: lx + w + 4,
                    y1: ly + (r + 1) * line_h,
                };
                !placed.iter().any(|p| p.overlaps(&b))
            })
            .unwrap_or(0);
        let b = Boxed {
            x0: lx,
            y0: ly + row * line_h,
            x1: lx + w + 4,
            y1: ly + (row + 1) * line_h,
        };
        placed.push(b);
        area.draw(&Text::new(label, (b.x0, b.y0), label_style.clone()))?;
    }
    Ok(())
}

/// The baseline (square), the straight trajectory (dashed) and the target (diamond).
pub(crate) fn draw_objective<DB: Backend>(
    area: &Area<DB>,
    chart: &mut Frame<'_, DB>,
    data: &IndicatorChart,
    scale: f64,
    compact: bool,
) -> Result<(), ChartError> {
    let Some(o) = &data.objective else {
        return Ok(());
    };
    let b = (axis::x_of(o.baseline.on), axis::plottable(o.baseline.value));
    let t = (axis::x_of(o.target.on), axis::plottable(o.target.value));
    let stroke = palette::TARGET.stroke_width((2.0 * scale).round().max(1.0) as u32);
    let (dash, gap) = ((7.0 * scale) as u32, (4.0 * scale) as u32);
    chart.draw_series(std::iter::once(DashedPathElement::new(
        vec![b, t],
        dash,
        gap,
        stroke,
    )))?;
    let r = (5.0 * scale) as i32;
    let base = area.get_base_pixel();
    let (bx, by) = chart.backend_coord(&b);
    let (tx, ty) = chart.backend_coord(&t);
    let (bx, by, tx, ty) = (bx - base.0, by - base.1, tx - base.0, ty - base.1);
    area.draw(&Rectangle::new(
        [(bx - r + 1, by - r + 1), (bx + r - 1, by + r - 1)],
        palette::TARGET.filled(),
    ))?;
    area.draw(&Polygon::new(
        vec![
            (tx, ty - r - 2),
            (tx + r + 2, ty),
            (tx, ty + r + 2),
            (tx - r - 2, ty),
        ],
        palette::TARGET.filled(),
    ))?;
    if compact {
        return Ok(());
    }
    let label_style = style(11.5 * scale, palette::TEXT);
    let target = format!("Cible {}", french::number_auto(o.target.value));
    // Right-aligned left of the diamond: the deadline is usually at the right edge.
    let at_target = label_style.pos(Pos::new(HPos::Right, VPos::Bottom));
    area.draw(&Text::new(target, (tx - r - 4, ty - r), at_target))?;
    // The baseline sits at the left edge, where the series starts: a label there would sit
    // on the data, so the legend names it instead.
    Ok(())
}

/// A thin line at today, when today is within the chart.
pub(crate) fn draw_today<DB: Backend>(
    area: &Area<DB>,
    chart: &mut Frame<'_, DB>,
    today: chrono::NaiveDate,
    (x0, x1, y0, y1): Bounds,
    scale: f64,
    compact: bool,
) -> Result<(), ChartError> {
    let x = axis::x_of(today);
    if x < x0 || x > x1 {
        return Ok(());
    }
    let stroke = palette::TODAY.stroke_width(1);
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(x, y0), (x, y1)],
        stroke,
    )))?;
    if !compact {
        let base = area.get_base_pixel();
        let (px, py) = chart.backend_coord(&(x, y0));
        let s = style(11.0 * scale, palette::TEXT).pos(Pos::new(HPos::Right, VPos::Bottom));
        area.draw(&Text::new(
            "aujourd’hui",
            (px - base.0 - 3, py - base.1 - 3),
            s,
        ))?;
    }
    Ok(())
}

/// One line of legend: only the marks the chart actually shows.
pub(crate) fn draw_legend<DB: Backend>(
    area: &Area<DB>,
    data: &IndicatorChart,
    points: &[(Period, f64)],
    scale: f64,
) -> Result<(), ChartError> {
    let label_style =
        style(12.5 * scale, palette::TEXT_MUTED).pos(Pos::new(HPos::Left, VPos::Center));
    let y = (area.dim_in_pixel().1 / 2) as i32;
    let mut x = (12.0 * scale) as i32;
    let swatch = (22.0 * scale) as i32;
    let thick = (2.0 * scale).round().max(1.0) as u32;
    let reference = data.objective.as_ref().map(|o| {
        format!(
            "Référence : {} ({})",
            french::number_auto(o.baseline.value),
            french::date(o.baseline.on)
        )
    });
    let mut items: Vec<(&str, u8)> = vec![("Mesures", 0)];
    if data.objective.is_some() {
        items.push(("Trajectoire vers la cible", 1));
        items.push(("Référence", 4));
    }
    if series::runs(points).len() > 1 {
        items.push(("Pas de données", 2));
    }
    if !data.phase_changes.is_empty() {
        items.push(("Changement de phase", 3));
    }
    for (label, kind) in items {
        let label = match (kind, &reference) {
            (4, Some(text)) => text.as_str(),
            _ => label,
        };
        match kind {
            0 => area.draw(&PathElement::new(
                vec![(x, y), (x + swatch, y)],
                palette::SERIES.stroke_width(thick),
            ))?,
            1 => area.draw(&DashedPathElement::new(
                vec![(x, y), (x + swatch, y)],
                6,
                3,
                palette::TARGET.stroke_width(thick),
            ))?,
            2 => area.draw(&Rectangle::new(
                [(x, y - 6), (x + swatch, y + 6)],
                palette::GAP.filled(),
            ))?,
            4 => {
                let r = (4.0 * scale) as i32;
                let c = x + swatch / 2;
                area.draw(&Rectangle::new(
                    [(c - r, y - r), (c + r, y + r)],
                    palette::TARGET.filled(),
                ))?
            }
            _ => area.draw(&DashedPathElement::new(
                vec![(x + swatch / 2, y - 7), (x + swatch / 2, y + 7)],
                4,
                3,
                palette::AXIS.stroke_width(thick),
            ))?,
        }
        x += swatch + (6.0 * scale) as i32;
        area.draw(&Text::new(label, (x, y), label_style.clone()))?;
        x += text::width(area, label, &label_style) as i32 + (18.0 * scale) as i32;
    }
    Ok(())
}
