//! `pilote demo --from-betagouv PATH`: the demo built on the real catalogue. Incubators,
//! products and phase histories come from the beta.gouv.fr files through the importer (real
//! names, real dates); indicators and measures are the demo's synthetic ones, drawn from the
//! seed over each product's real life (from its creation to its stop or today).

use std::path::Path;

use chrono::NaiveDate;
use pilote_domain::{DomainError, ProductStatus};
use pilote_store::{
    DbConnection, StoreError,
    repo::{
        import::{self, ProductInput},
        incubators, products,
    },
    transaction,
};

use super::{
    DemoSummary, Loader, Rng, catalogue,
    timeline::{Plan, Stretch, Target, Timeline},
};

/// What `load` wrote, and how many anomalies the importer repaired in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BetagouvDemo {
    pub summary: DemoSummary,
    pub anomalies: usize,
}

/// Fills an empty database from the catalogue at `path` (`startups.json` or a content
/// directory) with synthetic measures, in one transaction; deterministic from `seed` and
/// `today` for a given catalogue. A database holding incubators or products is refused.
pub fn load(
    conn: &mut DbConnection,
    path: &Path,
    seed: u64,
    today: NaiveDate,
) -> anyhow::Result<BetagouvDemo> {
    let catalogue = crate::import::betagouv::read(path)?;
    let summary = transaction::write(conn, |c| {
        if products::count(c)? > 0 || !incubators::list(c)?.is_empty() {
            return Err(StoreError::Conflict(
                "the demo only fills an empty database".to_owned(),
            ));
        }
        let changes = import::apply(c, &catalogue.incubators, &catalogue.products_out)?;
        let mut loader = Loader {
            rng: Rng(seed),
            contract_rng: Rng(seed ^ 0xC0_47_7A_C7),
            today,
            limits: Vec::new(),
            corrected: true,
            summary: DemoSummary {
                incubators: changes.incubators.imported,
                products: 0,
                indicators: 0,
                measures: 0,
                decisions: changes.decisions.imported,
                contracts: 0,
                reviews: 0,
            },
        };
        for input in &catalogue.products_out {
            loader.catalogue_product(c, input)?;
        }
        Ok(loader.summary)
    })?;
    Ok(BetagouvDemo {
        summary,
        anomalies: catalogue.anomalies.len(),
    })
}

impl Loader {
    /// Indicators and measures for one imported product, over its real life.
    fn catalogue_product(
        &mut self,
        c: &mut DbConnection,
        input: &ProductInput,
    ) -> pilote_store::StoreResult<()> {
        let id = products::id_of(c, &input.product.slug)?;
        self.summary.products += 1;
        let history = &input.history;
        let timeline = Timeline {
            created_on: input.product.created_on,
            stretches: history
                .records()
                .iter()
                .map(|r| Stretch {
                    phase: r.phase,
                    start: r.started_on,
                    end: r.ended_on,
                })
                .collect(),
            stopped_on: history.stopped_on(),
        };
        let target = match history.status() {
            ProductStatus::Active(phase) => Target::Running(phase),
            ProductStatus::Stopped => Target::Stopped,
        };
        let plan = Plan {
            target,
            overdue: false,
            // As in the synthetic demo, about one running team in ten is late.
            late: target != Target::Stopped && self.rng.chance(0.1),
        };
        // A north star of one of the demo's products, drawn from the seed.
        let pick = self.rng.between(0, catalogue::PRODUCTS.len() as u64 - 1) as usize;
        let north_star = catalogue::PRODUCTS
            .get(pick)
            .map(|entry| entry.north_star)
            .ok_or_else(|| {
                DomainError::rule("north_star", "no template", "aucun modèle d'indicateur")
            })?;
        self.indicators_with_measures(c, id, north_star, &timeline, plan)?;
        Ok(())
    }
}
