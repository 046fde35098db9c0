//! A product's dashboard: its indicators as small multiples, north star first.

use pilote_domain::{ObjectiveStatus, ProductStatus};
use plotters::{
    prelude::*,
    style::text_anchor::{HPos, Pos, VPos},
};

use crate::{
    ChartError, IndicatorChart, Size, french, heading, palette,
    render::{Area, Backend, Chart},
    text::{self, style},
};

/// A product and its indicators.
#[derive(Clone, Debug, PartialEq)]
pub struct Dashboard {
    /// The product's name.
    pub product: String,
    /// Its current status.
    pub status: ProductStatus,
    /// One panel per indicator, in any order: the north star is put first.
    pub panels: Vec<DashboardPanel>,
}

/// One indicator of the dashboard.
#[derive(Clone, Debug, PartialEq)]
pub struct DashboardPanel {
    /// The series, objective and phase changes.
    pub chart: IndicatorChart,
    /// The product's north star indicator.
    pub north_star: bool,
    /// The objective's status today, when the indicator has an objective.
    pub status: Option<ObjectiveStatus>,
}

impl Dashboard {
    /// North star first, then the given order.
    fn ordered(&self) -> Vec<&DashboardPanel> {
        let mut panels: Vec<&DashboardPanel> = self.panels.iter().collect();
        panels.sort_by_key(|p| !p.north_star);
        panels
    }
}

impl Chart for Dashboard {
    fn title(&self) -> String {
        format!("Tableau de bord — {}", crate::svg::clean(&self.product))
    }

    fn description(&self) -> String {
        let mut d = format!(
            "Indicateurs du produit « {} » (phase : {}), un petit graphique par indicateur.",
            self.product,
            self.status.label_fr()
        );
        for p in self.ordered() {
            let latest = p
                .chart
                .latest()
                .map_or("aucune mesure".to_owned(), |(_, v)| p.chart.with_unit(v));
            let star = if p.north_star {
                " (étoile polaire)"
            } else {
                ""
            };
            let status = p
                .status
                .map_or(String::new(), |s| format!(", objectif : {}", s.label_fr()));
            d.push_str(&format!(" {}{star} : {latest}{status}.", p.chart.title));
        }
        d
    }

    fn draw<DB: Backend>(&self, area: &Area<DB>, size: Size) -> Result<(), ChartError> {
        let scale = size.scale();
        let subtitle = format!(
            "Phase : {} · {}",
            self.status.label_fr(),
            french::plural(self.panels.len(), "indicateur", "indicateurs")
        );
        let body = heading::draw(area, &self.product, &subtitle, scale)?;
        let panels = self.ordered();
        if panels.is_empty() {
            let s = style(14.0 * scale, palette::TEXT_MUTED);
            body.draw(&Text::new(
                "Aucun indicateur",
                ((12.0 * scale) as i32, (12.0 * scale) as i32),
                s,
            ))?;
            return Ok(());
        }
        let (w, h) = body.dim_in_pixel();
        let cols = grid_columns(panels.len(), f64::from(w) / f64::from(h.max(1)));
        let rows = panels.len().div_ceil(cols);
        let cells = body
            .margin(
                0,
                (6.0 * scale) as u32,
                (6.0 * scale) as u32,
                (6.0 * scale) as u32,
            )
            .split_evenly((rows, cols));
        for (cell, panel) in cells.iter().zip(panels) {
            draw_panel(cell, panel, scale)?;
        }
        Ok(())
    }
}

/// Columns for `n` panels on a canvas of this aspect ratio: cells close to 2:1.
fn grid_columns(n: usize, aspect: f64) -> usize {
    (1..=n)
        .min_by(|a, b| {
            let score = |c: usize| {
                let r = n.div_ceil(c) as f64;
                ((aspect * r / c as f64) / 2.0).ln().abs()
            };
            score(*a).total_cmp(&score(*b))
        })
        .unwrap_or(1)
}

fn draw_panel<DB: Backend>(
    cell: &Area<DB>,
    panel: &DashboardPanel,
    scale: f64,
) -> Result<(), ChartError> {
    let (w, h) = cell.dim_in_pixel();
    // Panels shrink with their number; text stays readable down to 0.6 of the reference.
    let s = (f64::from(w) / 420.0)
        .min(f64::from(h) / 220.0)
        .clamp(0.6, 1.0)
        * scale.min(1.5);
    cell.draw(&Rectangle::new(
        [(0, 0), (w as i32 - 1, h as i32 - 1)],
        palette::GRID.stroke_width(1),
    ))?;
    let pad = (8.0 * s) as i32;
    let star = if panel.north_star { "★ " } else { "" };
    let unit = crate::svg::clean(&panel.chart.unit);
    let unit = if unit.is_empty() {
        String::new()
    } else {
        format!(" ({unit})")
    };
    let title_style = style(13.5 * s, palette::TEXT);
    let value_style = style(17.0 * s, palette::TEXT);
    let chip_style = style(11.5 * s, palette::BLACK);
    let chip = panel
        .status
        .map(|st| (st.label_fr(), palette::objective(st)));
    let chip_w = chip.map_or(0, |(label, _)| {
        text::width(cell, label, &chip_style) as i32 + 2 * pad
    });
    let title = text::fit(
        cell,
        &format!("{star}{}{unit}", panel.chart.title),
        &title_style,
        (w as i32 - 3 * pad - chip_w).max(0) as u32,
    );
    cell.draw(&Text::new(title, (pad, pad), title_style))?;
    let latest = panel
        .chart
        .latest()
        .map_or("—".to_owned(), |(_, v)| panel.chart.with_unit(v));
    cell.draw(&Text::new(
        latest,
        (pad, pad + (19.0 * s) as i32),
        value_style,
    ))?;
    if let Some((label, colour)) = chip {
        // Status in words on a coloured chip: colour never carries the meaning alone.
        let (x1, y0) = (w as i32 - pad, pad - 2);
        let y1 = y0 + (19.0 * s) as i32;
        cell.draw(&Rectangle::new(
            [(x1 - chip_w + pad / 2, y0), (x1, y1)],
            colour.filled(),
        ))?;
        let ink = palette::text_on(colour);
        let chip_text = chip_style
            .color(&ink)
            .pos(Pos::new(HPos::Center, VPos::Center));
        cell.draw(&Text::new(
            label,
            ((x1 - chip_w + pad / 2 + x1) / 2, (y0 + y1) / 2),
            chip_text,
        ))?;
    }
    let header = (46.0 * s) as u32;
    if h > header + 40 {
        let (_, plot) = cell.split_vertically(header);
        crate::plot::draw_indicator(&plot, &panel.chart, s, true)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::grid_columns;

    #[test]
    fn grids() {
        assert_eq!(grid_columns(1, 2.0), 1);
        assert_eq!(grid_columns(4, 2.0), 2);
        assert!(grid_columns(6, 2.0) >= 2);
    }
}
