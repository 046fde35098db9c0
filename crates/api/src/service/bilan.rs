//! The year's results of the portfolio or of one incubator (« bilan annuel »), shared by
//! `GET /api/v1/portfolio/bilan` and the page `/bilan`: the store's reads, then the domain's
//! [`year_results`]. Rules in `docs/impact.md` (« Bilan annuel »).

use std::collections::HashMap;

use actix_web::web;
use chrono::NaiveDate;
use pilote_domain::{BilanProduct, BilanYear, Slug, YearResults, year_results};
use pilote_store::{
    Database,
    repo::{contract_status, incubators, matrix_certification, matrix_portfolio, phases, products},
};

use crate::{db, error::ApiError};

/// The bilan of `year` for every product, or for those of `incubator` (404 when unknown).
pub async fn of_year(
    db: &web::Data<Database>,
    incubator: Option<Slug>,
    year: BilanYear,
    today: NaiveDate,
) -> Result<YearResults, ApiError> {
    db::read(db, move |c| {
        if let Some(slug) = &incubator {
            incubators::find(c, slug)?;
        }
        // Stopped products too: the investigations stopped in the year are among them.
        let overviews = products::overviews(c, incubator.as_ref(), today)?;
        let ids: Vec<_> = overviews.iter().map(|o| o.id).collect();
        let histories = phases::histories(c, ids.iter().copied())?;
        let objectives: HashMap<_, _> =
            contract_status::of_products(c, &ids, year.status_date(today))?
                .into_iter()
                .map(|(id, status)| {
                    let lines = status.objectives.iter();
                    (id, lines.map(|o| (o.target.on, o.status)).collect())
                })
                .collect();
        let certifications = matrix_certification::all(c)?;
        let matrices = matrix_portfolio::of_products(c, &ids, year.matrix_date(today))?;
        let inputs: Vec<BilanProduct<'_>> = overviews
            .iter()
            .filter_map(|o| {
                Some(BilanProduct {
                    slug: &o.product.slug,
                    name: &o.product.name,
                    history: histories.get(&o.id)?,
                    objectives: objectives.get(&o.id).cloned().unwrap_or_default(),
                    certification: certifications.get(&o.id).map(|c| (c.level(), c.on())),
                    cost_per_active_user: matrices
                        .get(&o.id)
                        .and_then(|m| m.efficiency.current.cost_per_active_user),
                })
            })
            .collect();
        Ok(year_results(year, &inputs, today))
    })
    .await
}
