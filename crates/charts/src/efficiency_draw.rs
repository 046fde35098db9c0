//! Drawing of the efficiency scatter: growth of use across, cost per active user up, the cost
//! axis logarithmic when costs span a factor of ten (ticks then at 1, 2 and 5 × 10ⁿ €).

use plotters::{
    prelude::*,
    style::text_anchor::{HPos, Pos, VPos},
};

use crate::{
    ChartError, EfficiencyScatter, axis, efficiency, palette,
    render::{Area, Backend},
    text::{self, Boxed, style},
};

/// Log ticks: 1, 2 and 5 × 10ⁿ when few decades are shown, powers of ten otherwise.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let decades = (hi - lo).max(0.0);
    let steps: &[f64] = if decades <= 3.0 {
        &[1.0, 2.0, 5.0]
    } else {
        &[1.0]
    };
    let mut ticks = Vec::new();
    let first = lo.floor() as i32;
    let last = hi.ceil() as i32;
    for k in first..=last {
        for s in steps {
            let v = s * 10f64.powi(k);
            if (lo..=hi).contains(&v.log10()) {
                ticks.push(v);
            }
        }
    }
    ticks
}

pub(crate) fn draw<DB: Backend>(
    area: &Area<DB>,
    data: &EfficiencyScatter,
    scale: f64,
) -> Result<(), ChartError> {
    let pts = data.plottable();
    let log = data.log_cost();
    let y_of = |cost: f64| {
        let cost = axis::plottable(cost);
        if log { cost.log10() } else { cost }
    };
    let xs = pts.iter().map(|p| axis::plottable(p.users_growth_pct));
    let xmin = xs.clone().fold(-10.0, f64::min);
    let xmax = xs.fold(10.0, f64::max);
    let pad = (xmax - xmin) * 0.08;
    let (xmin, xmax) = (xmin - pad, xmax + pad);
    let ys: Vec<f64> = pts.iter().map(|p| y_of(p.cost_per_active_user)).collect();
    let (ymin, ymax) = if log {
        let lo = ys.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lo - 0.15, hi + 0.15)
    } else {
        (0.0, ys.iter().copied().fold(1.0, f64::max) * 1.15)
    };
    let tick_px = 13.0 * scale;
    let tick_style = style(tick_px, palette::TEXT_MUTED);
    let mut chart = ChartBuilder::on(area)
        .margin((12.0 * scale) as u32)
        .x_label_area_size((tick_px * 3.2) as u32)
        .y_label_area_size((tick_px * 5.5) as u32)
        .build_cartesian_2d(xmin..xmax, ymin..ymax)?;
    let x_fmt = |v: &f64| efficiency::growth(*v);
    let y_fmt = |v: &f64| efficiency::euros(*v);
    chart
        .configure_mesh()
        .x_labels(7)
        // The log axis draws its own ticks below, at round euros.
        .y_labels(if log { 0 } else { 6 })
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style(tick_style.clone())
        .x_desc("Croissance de l’usage sur un an")
        .y_desc("Coût par usager actif")
        .axis_desc_style(style(tick_px, palette::TEXT))
        .bold_line_style(palette::GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(palette::AXIS)
        .draw()?;
    let ticks = if log {
        log_ticks(ymin, ymax)
    } else {
        Vec::new()
    };
    chart.draw_series(ticks.iter().map(|&v| {
        PathElement::new(
            vec![(xmin, v.log10()), (xmax, v.log10())],
            palette::GRID.stroke_width(1),
        )
    }))?;
    // No growth: the line between products whose use grew and those whose use fell.
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, ymin), (0.0, ymax)],
        palette::AXIS.stroke_width(1),
    )))?;
    let base = area.get_base_pixel();
    let to_area = |x: f64, y: f64| {
        let (px, py) = chart.backend_coord(&(x, y));
        (px - base.0, py - base.1)
    };
    for v in ticks {
        let (px, py) = to_area(xmin, v.log10());
        area.draw(&Text::new(
            efficiency::euros(v),
            (px - (6.0 * scale) as i32, py),
            tick_style.pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
    }

    let r = (6.0 * scale) as i32;
    let mut placed: Vec<Boxed> = Vec::new();
    let at = |p: &efficiency::EfficiencyPoint| {
        to_area(
            axis::plottable(p.users_growth_pct),
            y_of(p.cost_per_active_user),
        )
    };
    let dots: Vec<_> = pts
        .iter()
        .map(|p| (at(p), palette::status(p.status), p.name.as_str()))
        .collect();
    let frame = text::plot_frame(chart.plotting_area(), base);
    text::labelled_dots(area, frame, &dots, r, scale, &mut placed)
}

#[cfg(test)]
mod tests {
    use super::log_ticks;

    #[test]
    fn log_ticks_fall_on_round_euros() {
        // From about 0.7 € to 400 €: three decades, so 1, 2, 5 × 10ⁿ.
        let ticks = log_ticks(0.7_f64.log10(), 400_f64.log10());
        assert_eq!(ticks, [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0]);
        // Six decades: powers of ten only.
        assert_eq!(log_ticks(0.0, 6.0).len(), 7);
    }
}
