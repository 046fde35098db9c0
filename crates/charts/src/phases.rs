//! Products per phase: one bar per phase, stopped products apart.

use pilote_domain::{Phase, ProductStatus};
use plotters::{
    element::DashedPathElement,
    prelude::*,
    style::text_anchor::{HPos, Pos, VPos},
};

use crate::{
    ChartError, Size, french, heading, palette,
    render::{Area, Backend, Chart},
    text::{self, style},
};

/// How many products are in each phase, and how many are stopped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PortfolioPhases {
    /// The chart's title, e.g. « Portefeuille de la DINUM ».
    pub title: String,
    /// Running products per phase, in [`Phase::ALL`] order.
    pub per_phase: [usize; 4],
    /// Stopped products.
    pub stopped: usize,
}

impl PortfolioPhases {
    /// Counts `statuses` (one per product).
    pub fn from_statuses(
        title: impl Into<String>,
        statuses: impl IntoIterator<Item = ProductStatus>,
    ) -> Self {
        let mut out = PortfolioPhases {
            title: title.into(),
            ..Default::default()
        };
        for s in statuses {
            match s {
                ProductStatus::Active(p) => out.per_phase[phase_index(p)] += 1,
                ProductStatus::Stopped => out.stopped += 1,
            }
        }
        out
    }

    fn bars(&self) -> Vec<(ProductStatus, usize)> {
        Phase::ALL
            .into_iter()
            .map(|p| (ProductStatus::Active(p), self.per_phase[phase_index(p)]))
            .chain([(ProductStatus::Stopped, self.stopped)])
            .collect()
    }

    fn running(&self) -> usize {
        self.per_phase.iter().sum()
    }
}

fn phase_index(p: Phase) -> usize {
    Phase::ALL.iter().position(|q| *q == p).unwrap_or(0)
}

impl Chart for PortfolioPhases {
    fn title(&self) -> String {
        format!("Produits par phase — {}", crate::svg::clean(&self.title))
    }

    fn description(&self) -> String {
        let parts: Vec<String> = self
            .bars()
            .iter()
            .map(|(s, n)| format!("{} : {}", s.label_fr(), french::number(*n as f64, 0)))
            .collect();
        format!(
            "Diagramme en barres du portefeuille « {} » : {} en cours, {} arrêtés. {}.",
            self.title,
            french::plural(self.running(), "produit", "produits"),
            french::number(self.stopped as f64, 0),
            parts.join(" ; ")
        )
    }

    fn draw<DB: Backend>(&self, area: &Area<DB>, size: Size) -> Result<(), ChartError> {
        let scale = size.scale();
        let subtitle = format!(
            "{} en cours · {}",
            french::plural(self.running(), "produit", "produits"),
            french::plural(self.stopped, "arrêté", "arrêtés")
        );
        let body = heading::draw(area, &self.title, &subtitle, scale)?;
        let (w, h) = body.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        let margin = (24.0 * scale) as i32;
        let label_h = (30.0 * scale) as i32;
        let value_h = (22.0 * scale) as i32;
        let (top, bottom) = (value_h + (6.0 * scale) as i32, h - label_h);
        // Five slots plus one empty slot that keeps the stopped bar apart.
        let slot = (w - 2 * margin) / 6;
        let bar_w = (f64::from(slot) * 0.62) as i32;
        let bars = self.bars();
        let max = bars.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
        let value_style =
            style(18.0 * scale, palette::TEXT).pos(Pos::new(HPos::Center, VPos::Bottom));
        let label_style = style(14.5 * scale, palette::TEXT).pos(Pos::new(HPos::Center, VPos::Top));
        body.draw(&PathElement::new(
            vec![(margin, bottom), (w - margin, bottom)],
            palette::AXIS.stroke_width(1),
        ))?;
        for (i, (status, n)) in bars.iter().enumerate() {
            let slot_i = if matches!(status, ProductStatus::Stopped) {
                i + 1
            } else {
                i
            } as i32;
            let cx = margin + slot * slot_i + slot / 2;
            let bar_h = (f64::from(bottom - top) * (*n as f64) / max) as i32;
            let y = bottom - bar_h;
            if *n > 0 {
                body.draw(&Rectangle::new(
                    [(cx - bar_w / 2, y), (cx + bar_w / 2, bottom)],
                    palette::status(*status).filled(),
                ))?;
            }
            body.draw(&Text::new(
                french::number(*n as f64, 0),
                (cx, y - (4.0 * scale) as i32),
                value_style.clone(),
            ))?;
            let label = text::fit(&body, status.label_fr(), &label_style, slot.max(0) as u32);
            body.draw(&Text::new(
                label,
                (cx, bottom + (6.0 * scale) as i32),
                label_style.clone(),
            ))?;
        }
        // The divider says "not a phase": stopped products are counted apart.
        let x = margin + slot * 4 + slot / 2;
        let dash = (4.0 * scale) as u32;
        body.draw(&DashedPathElement::new(
            vec![(x, top), (x, bottom + label_h)],
            dash,
            dash,
            palette::AXIS.stroke_width(1),
        ))?;
        Ok(())
    }
}
