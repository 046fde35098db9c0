//! Drawing of the drift scatter: symmetric axes around zero so the quadrants are equal.

use plotters::{
    prelude::*,
    style::text_anchor::{HPos, Pos, VPos},
};

use crate::{
    ChartError, DriftScatter, axis, drift, french, palette,
    render::{Area, Backend},
    text::{self, Boxed, style},
};

/// A light tint on the quadrant that needs attention (late and over budget); text on it
/// still passes AA (see the palette tests).
pub(crate) const ALERT_TINT: RGBColor = RGBColor(0xFB, 0xEE, 0xE6);

pub(crate) fn draw<DB: Backend>(
    area: &Area<DB>,
    data: &DriftScatter,
    scale: f64,
) -> Result<(), ChartError> {
    let pts: Vec<_> = data.points.iter().filter(|p| p.is_plottable()).collect();
    let xmax = pts
        .iter()
        .map(|p| axis::plottable(p.schedule_days).abs())
        .fold(30.0, f64::max)
        * 1.15;
    let ymax = pts
        .iter()
        .map(|p| axis::plottable(p.budget_drift).abs())
        .fold(0.1, f64::max)
        * 1.15;
    let tick_px = 13.0 * scale;
    let tick_style = style(tick_px, palette::TEXT_MUTED);
    let mut chart = ChartBuilder::on(area)
        .margin((12.0 * scale) as u32)
        .x_label_area_size((tick_px * 3.2) as u32)
        .y_label_area_size((tick_px * 5.5) as u32)
        .build_cartesian_2d(-xmax..xmax, -ymax..ymax)?;
    let x_fmt = |v: &f64| drift::days(*v);
    let y_fmt = |v: &f64| french::percent(*v);
    chart
        .configure_mesh()
        .x_labels(7)
        .y_labels(7)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style(tick_style.clone())
        .x_desc("Retard sur le calendrier")
        .y_desc("Écart au budget")
        .axis_desc_style(style(tick_px, palette::TEXT))
        .bold_line_style(palette::GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(palette::AXIS)
        .draw()?;
    chart.draw_series(std::iter::once(Rectangle::new(
        [(0.0, 0.0), (xmax, ymax)],
        ALERT_TINT.filled(),
    )))?;
    let zero = palette::AXIS.stroke_width(1);
    chart.draw_series([
        PathElement::new(vec![(-xmax, 0.0), (xmax, 0.0)], zero),
        PathElement::new(vec![(0.0, -ymax), (0.0, ymax)], zero),
    ])?;

    let base = area.get_base_pixel();
    let to_area = |x: f64, y: f64| {
        let (px, py) = chart.backend_coord(&(x, y));
        (px - base.0, py - base.1)
    };
    let quad_style = style(12.0 * scale, palette::TEXT_MUTED);
    let inset = (8.0 * scale) as i32;
    let corners = [
        (-xmax, ymax, true, true, "En avance, au-delà du budget"),
        (xmax, ymax, false, true, "En retard et au-delà du budget"),
        (-xmax, -ymax, true, false, "En avance et dans le budget"),
        (xmax, -ymax, false, false, "En retard, dans le budget"),
    ];
    let mut placed: Vec<Boxed> = Vec::new();
    for (x, y, left, upper, label) in corners {
        let (px, py) = to_area(x, y);
        let dx = if left { inset } else { -inset };
        let dy = if upper { inset } else { -inset };
        let h = if left { HPos::Left } else { HPos::Right };
        let v = if upper { VPos::Top } else { VPos::Bottom };
        area.draw(&Text::new(
            label,
            (px + dx, py + dy),
            quad_style.pos(Pos::new(h, v)),
        ))?;
        let w = text::width(area, label, &quad_style) as i32;
        let (x0, y0) = (
            if left { px + dx } else { px + dx - w },
            if upper {
                py + dy
            } else {
                py + dy - (16.0 * scale) as i32
            },
        );
        placed.push(Boxed {
            x0,
            y0,
            x1: x0 + w,
            y1: y0 + (16.0 * scale) as i32,
        });
    }

    let r = (6.0 * scale) as i32;
    let dots: Vec<_> = pts
        .iter()
        .map(|p| {
            let at = to_area(
                axis::plottable(p.schedule_days),
                axis::plottable(p.budget_drift),
            );
            (at, palette::status(p.status), p.name.as_str())
        })
        .collect();
    let frame = text::plot_frame(chart.plotting_area(), base);
    text::labelled_dots(area, frame, &dots, r, scale, &mut placed)
}
