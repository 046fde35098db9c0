//! Budget drift against schedule drift: one labelled dot per product, in quadrants.

use pilote_domain::ProductStatus;

use crate::{
    ChartError, Size, french, heading,
    render::{Area, Backend, Chart},
};

/// Where each product stands on budget and schedule.
#[derive(Clone, Debug, PartialEq)]
pub struct DriftScatter {
    /// The chart's title, e.g. « Portefeuille de la DINUM ».
    pub title: String,
    /// One dot per product.
    pub points: Vec<DriftPoint>,
}

/// One product's drifts (see `pilote_domain::budget_drift` and `schedule_drift`).
#[derive(Clone, Debug, PartialEq)]
pub struct DriftPoint {
    /// The product's name (any text: it is escaped in SVG).
    pub name: String,
    /// Its status, which colours the dot.
    pub status: ProductStatus,
    /// Schedule drift in days (positive: late).
    pub schedule_days: f64,
    /// Budget drift as a share (0.12: 12 % over the planned spend to date).
    pub budget_drift: f64,
}

impl DriftPoint {
    pub(crate) fn is_plottable(&self) -> bool {
        self.schedule_days.is_finite() && self.budget_drift.is_finite()
    }
}

/// "+30 j", "−12 j".
pub(crate) fn days(v: f64) -> String {
    let sign = if v >= 0.5 { "+" } else { "" };
    format!("{sign}{}\u{A0}j", french::number(v, 0))
}

impl Chart for DriftScatter {
    fn title(&self) -> String {
        format!(
            "Dérive budget et calendrier — {}",
            crate::svg::clean(&self.title)
        )
    }

    fn description(&self) -> String {
        let pts: Vec<&DriftPoint> = self.points.iter().filter(|p| p.is_plottable()).collect();
        let late_over = pts
            .iter()
            .filter(|p| p.schedule_days > 0.0 && p.budget_drift > 0.0)
            .count();
        let mut d = format!(
            "Nuage de points du portefeuille « {} » : en abscisse le retard sur le calendrier (jours), \
             en ordonnée l’écart au budget prévu à date (%). {}, dont {} en retard et au-delà du budget.",
            self.title,
            french::plural(pts.len(), "produit", "produits"),
            french::number(late_over as f64, 0)
        );
        if pts.len() <= 40 {
            for p in pts {
                d.push_str(&format!(
                    " {} : {} de calendrier, {} de budget.",
                    p.name,
                    days(p.schedule_days),
                    french::percent(p.budget_drift)
                ));
            }
        }
        d
    }

    fn draw<DB: Backend>(&self, area: &Area<DB>, size: Size) -> Result<(), ChartError> {
        let scale = size.scale();
        let n = self.points.iter().filter(|p| p.is_plottable()).count();
        let subtitle = format!(
            "{} · retard (jours) en abscisse, écart au budget prévu à date en ordonnée",
            french::plural(n, "produit", "produits")
        );
        let body = heading::draw(area, &self.title, &subtitle, scale)?;
        let legend_h = (28.0 * scale) as u32;
        let (plot, legend) = body.split_vertically(body.dim_in_pixel().1.saturating_sub(legend_h));
        crate::drift_draw::draw(&plot, self, scale)?;
        crate::timeline_draw::draw_legend(&legend, 0, scale, false)
    }
}
