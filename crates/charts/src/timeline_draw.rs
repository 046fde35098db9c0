//! Drawing of the timeline, in pixels: 1 000 rows must stay fast, so no per-row layout work
//! beyond a rectangle per segment.

use plotters::{
    prelude::*,
    style::text_anchor::{HPos, Pos, VPos},
};

use crate::{
    ChartError, Timeline, axis, palette,
    render::{Area, Backend},
    text::{self, style},
};
use pilote_domain::{Phase, ProductStatus};

/// Rows thinner than this lose their names (they would be unreadable) but keep their bars.
const MIN_LABELLED_ROW: f64 = 11.0;

pub(crate) fn draw<DB: Backend>(
    area: &Area<DB>,
    data: &Timeline,
    scale: f64,
) -> Result<(), ChartError> {
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (f64::from(w), f64::from(h));
    let pad = 12.0 * scale;
    let axis_h = 22.0 * scale;
    let legend_h = 26.0 * scale;
    let plot_h = (h - axis_h - legend_h - 18.0 * scale).max(1.0);
    let top = 16.0 * scale;
    let n = data.rows.len().max(1);
    let row_h = plot_h / n as f64;
    let labelled = row_h >= MIN_LABELLED_ROW * scale.min(1.0);
    let name_px = (row_h * 0.72).min(12.5 * scale);
    let name_style = style(name_px, palette::TEXT).pos(Pos::new(HPos::Right, VPos::Center));
    let name_w = if labelled {
        let widest = data
            .rows
            .iter()
            .map(|r| text::width(area, &r.name, &name_style))
            .max()
            .unwrap_or(0);
        f64::from(widest).min(w * 0.28) + 8.0 * scale
    } else {
        0.0
    };
    let (x_left, x_right) = (pad + name_w, w - pad * 1.5);
    let (from, to) = data.span();
    let (d0, d1) = (axis::x_of(from), axis::x_of(to));
    let span = (d1 - d0).max(1.0);
    let x_of = |d: chrono::NaiveDate| x_left + (axis::x_of(d) - d0) / span * (x_right - x_left);
    let px = |v: f64| v.round() as i32;

    // Grid and ticks first, under the bars.
    let tick_style =
        style(13.0 * scale, palette::TEXT_MUTED).pos(Pos::new(HPos::Center, VPos::Top));
    let max_ticks = ((x_right - x_left) / (78.0 * scale)).floor() as usize;
    let bottom = top + plot_h;
    for (d, label) in axis::date_ticks(from, to, max_ticks) {
        let x = px(x_of(d));
        area.draw(&PathElement::new(
            vec![(x, px(top)), (x, px(bottom))],
            palette::GRID,
        ))?;
        area.draw(&Text::new(
            label,
            (x, px(bottom + 5.0 * scale)),
            tick_style.clone(),
        ))?;
    }
    area.draw(&PathElement::new(
        vec![(px(x_left), px(bottom)), (px(x_right), px(bottom))],
        palette::AXIS,
    ))?;

    let inset = if row_h >= 4.0 { row_h * 0.18 } else { 0.0 };
    for (i, row) in data.rows.iter().enumerate() {
        let y0 = top + i as f64 * row_h + inset;
        let y1 = top + (i + 1) as f64 * row_h - inset;
        // At least one pixel tall, or thin rows vanish in PNG.
        let y1 = y1.max(y0 + 1.0);
        for s in &row.segments {
            let end = s.to.unwrap_or(data.today);
            let (a, b) = (x_of(s.from), x_of(end).max(x_of(s.from) + 1.0));
            area.draw(&Rectangle::new(
                [(px(a), px(y0)), (px(b), px(y1))],
                palette::phase(s.phase).filled(),
            ))?;
            if let Some(since) = s.overdue_from.filter(|d| *d < end || s.to.is_none()) {
                // The overrun is underlined in vermillion: colour plus shape (a thick band).
                let o = x_of(since).max(a);
                let band = ((y1 - y0) * 0.4).max(1.0);
                area.draw(&Rectangle::new(
                    [(px(o), px(y1 - band)), (px(b).max(px(o) + 1), px(y1))],
                    palette::OVERDUE.filled(),
                ))?;
            }
        }
        for s in row.segments.iter().filter(|s| s.returned) {
            // A return to an earlier phase: a dark triangle pointing back, on the day it began.
            let (x, y) = (px(x_of(s.from)), px((y0 + y1) / 2.0));
            let r = px(((y1 - y0) / 2.0).min(5.0 * scale)).max(1);
            area.draw(&Polygon::new(
                vec![(x - r, y), (x + r, y - r), (x + r, y + r)],
                palette::TEXT.filled(),
            ))?;
        }
        if let Some(stop) = row.stopped_on {
            let (x, y) = (px(x_of(stop)), px((y0 + y1) / 2.0));
            let r = px(((y1 - y0) / 2.0).min(5.0 * scale)).max(1);
            let cross = palette::TEXT.stroke_width((1.5 * scale).round().max(1.0) as u32);
            area.draw(&PathElement::new(
                vec![(x - r, y - r), (x + r, y + r)],
                cross,
            ))?;
            area.draw(&PathElement::new(
                vec![(x - r, y + r), (x + r, y - r)],
                cross,
            ))?;
        }
        if labelled {
            let name = text::fit(
                area,
                &row.name,
                &name_style,
                (name_w - 8.0 * scale).max(0.0) as u32,
            );
            area.draw(&Text::new(
                name,
                (px(x_left - 6.0 * scale), px((y0 + y1) / 2.0)),
                name_style.clone(),
            ))?;
        }
    }

    let tx = px(x_of(data.today));
    area.draw(&PathElement::new(
        vec![(tx, px(top - 4.0 * scale)), (tx, px(bottom))],
        palette::TODAY.stroke_width(2),
    ))?;
    let today_style = style(11.5 * scale, palette::TEXT).pos(Pos::new(HPos::Right, VPos::Bottom));
    area.draw(&Text::new(
        "aujourd’hui",
        (tx - 4, px(top - 2.0 * scale)),
        today_style,
    ))?;
    draw_legend(area, px(h - legend_h), scale, true)
}

/// The phase colours, then either the overdue band and the stop cross (`timeline`) or the
/// grey of stopped products (drift dots).
pub(crate) fn draw_legend<DB: Backend>(
    area: &Area<DB>,
    y_top: i32,
    scale: f64,
    timeline: bool,
) -> Result<(), ChartError> {
    let label_style =
        style(12.5 * scale, palette::TEXT_MUTED).pos(Pos::new(HPos::Left, VPos::Center));
    let y = y_top + (13.0 * scale) as i32;
    let sw = (18.0 * scale) as i32;
    let half = (6.0 * scale) as i32;
    let mut x = (12.0 * scale) as i32;
    let item =
        |x: &mut i32, label: &str, colour: RGBColor, overdue: bool| -> Result<(), ChartError> {
            area.draw(&Rectangle::new(
                [(*x, y - half), (*x + sw, y + half)],
                colour.filled(),
            ))?;
            if overdue {
                area.draw(&Rectangle::new(
                    [(*x, y + half - (half * 4 / 5)), (*x + sw, y + half)],
                    palette::OVERDUE.filled(),
                ))?;
            }
            *x += sw + (5.0 * scale) as i32;
            area.draw(&Text::new(label.to_owned(), (*x, y), label_style.clone()))?;
            *x += text::width(area, label, &label_style) as i32 + (14.0 * scale) as i32;
            Ok(())
        };
    for p in Phase::ALL {
        item(&mut x, p.label_fr(), palette::phase(p), false)?;
    }
    if !timeline {
        return item(
            &mut x,
            ProductStatus::Stopped.label_fr(),
            palette::GREY,
            false,
        );
    }
    item(
        &mut x,
        "Dépassement de durée",
        palette::phase(Phase::Construction),
        true,
    )?;
    let cross = palette::TEXT.stroke_width(2);
    area.draw(&PathElement::new(
        vec![(x, y - half), (x + 2 * half, y + half)],
        cross,
    ))?;
    area.draw(&PathElement::new(
        vec![(x, y + half), (x + 2 * half, y - half)],
        cross,
    ))?;
    x += 2 * half + (5.0 * scale) as i32;
    area.draw(&Text::new(
        ProductStatus::Stopped.label_fr(),
        (x, y),
        label_style,
    ))?;
    Ok(())
}
