//! Cost per active user against one-year growth of use: one labelled dot per product. The
//! cost axis turns logarithmic when costs span a factor of ten or more (a few euros and
//! several hundred on one chart), so that every product stays readable.

use pilote_domain::ProductStatus;

use crate::{
    ChartError, Size, french, heading,
    render::{Area, Backend, Chart},
};

/// Where each product stands on cost and use.
#[derive(Clone, Debug, PartialEq)]
pub struct EfficiencyScatter {
    /// The chart's title, e.g. « Efficience — DINUM ».
    pub title: String,
    /// One dot per product with both figures.
    pub points: Vec<EfficiencyPoint>,
    /// Running products without one of the figures (named in the text alternative).
    pub without_figures: Vec<String>,
}

/// One product's efficiency (see `pilote_domain::matrix`).
#[derive(Clone, Debug, PartialEq)]
pub struct EfficiencyPoint {
    /// The product's name (any text: it is escaped in SVG).
    pub name: String,
    /// Its status, which colours the dot.
    pub status: ProductStatus,
    /// Budget of the last 12 complete months ÷ their mean monthly active users, in euros.
    pub cost_per_active_user: f64,
    /// Evolution of the mean monthly active users over one year, in % (50.0: +50 %).
    pub users_growth_pct: f64,
}

impl EfficiencyPoint {
    pub(crate) fn is_plottable(&self) -> bool {
        self.cost_per_active_user.is_finite()
            && self.cost_per_active_user > 0.0
            && self.users_growth_pct.is_finite()
    }
}

/// "12,5 €".
pub(crate) fn euros(v: f64) -> String {
    format!("{}\u{A0}€", french::number_auto(v))
}

/// "+50 %".
pub(crate) fn growth(pct: f64) -> String {
    french::percent(pct / 100.0)
}

impl EfficiencyScatter {
    pub(crate) fn plottable(&self) -> Vec<&EfficiencyPoint> {
        self.points.iter().filter(|p| p.is_plottable()).collect()
    }

    /// Whether the cost axis is logarithmic: costs span a factor of ten or more.
    pub(crate) fn log_cost(&self) -> bool {
        let costs: Vec<f64> = self
            .plottable()
            .iter()
            .map(|p| p.cost_per_active_user)
            .collect();
        let lo = costs.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = costs.iter().copied().fold(0.0, f64::max);
        costs.len() >= 2 && hi / lo >= 10.0
    }
}

impl Chart for EfficiencyScatter {
    fn title(&self) -> String {
        format!(
            "Coût par usager actif et croissance de l’usage — {}",
            crate::svg::clean(&self.title)
        )
    }

    fn description(&self) -> String {
        let pts = self.plottable();
        let scale = if self.log_cost() {
            "échelle logarithmique"
        } else {
            "échelle linéaire"
        };
        let mut d = format!(
            "Nuage de points du portefeuille « {} » : en abscisse la croissance de l’usage sur un \
             an (usagers actifs mensuels, %), en ordonnée le coût par usager actif sur les douze \
             derniers mois (€, {scale}). {}.",
            self.title,
            french::plural(pts.len(), "produit", "produits"),
        );
        if pts.len() <= 40 {
            for p in &pts {
                d.push_str(&format!(
                    " {} : {} par usager actif, usage {}.",
                    p.name,
                    euros(p.cost_per_active_user),
                    growth(p.users_growth_pct)
                ));
            }
        }
        let missing = self.without_figures.len() + self.points.len() - pts.len();
        if missing > 0 {
            d.push_str(&format!(
                " {} sans coût par usager ou sans croissance calculable",
                french::plural(missing, "produit", "produits")
            ));
            if self.without_figures.len() <= 40 && !self.without_figures.is_empty() {
                d.push_str(&format!(" : {}", self.without_figures.join(", ")));
            }
            d.push('.');
        }
        d
    }

    fn draw<DB: Backend>(&self, area: &Area<DB>, size: Size) -> Result<(), ChartError> {
        let scale = size.scale();
        let n = self.plottable().len();
        let subtitle = format!(
            "{} · croissance de l’usage sur un an en abscisse, coût par usager actif en ordonnée{}",
            french::plural(n, "produit", "produits"),
            if self.log_cost() {
                " (échelle logarithmique)"
            } else {
                ""
            }
        );
        let body = heading::draw(area, &self.title, &subtitle, scale)?;
        let legend_h = (28.0 * scale) as u32;
        let (plot, legend) = body.split_vertically(body.dim_in_pixel().1.saturating_sub(legend_h));
        crate::efficiency_draw::draw(&plot, self, scale)?;
        crate::timeline_draw::draw_legend(&legend, 0, scale, false)
    }
}
