//! `/produits/{slug}/contrat`: the contrat de réussite of a product — objectives with their
//! target, deadline and status, budget and schedule drift, doctrine commitments — and its
//! reviews, each linking to its pack. Readable by whoever may read the contract's JSON
//! (`GET /api/v1/products/{slug}/contract/status`: any signed-in person with a role).

use actix_web::{get, web};
use askama::Template;
use chrono::Utc;
use pilote_charts::french;
use pilote_domain::{ContractStatus, Slug, access::Action};
use pilote_store::{
    Database, StoreError,
    repo::{contract_status, phases, products, reviews},
};

use super::{
    Nav,
    forms::{PageResult, SignedIn},
    product::{SuspectFlag, latest_suspects},
    product_nav::{ProductNav, Tab},
};
use crate::{
    access, db,
    error::ApiError,
    service::review_pack::{
        self, CommitmentRow, MilestoneRow, ObjectiveRow, commitment_row, euros, milestone_row,
        objective_row, signed_percent, verdict_class,
    },
};

/// One review of the contract, linking to its pack.
struct ReviewLine {
    on: String,
    verdict: &'static str,
    verdict_class: &'static str,
    decision: String,
    signed: bool,
    href: String,
}

/// The budget at the status date, formatted.
struct Budget {
    planned_total: String,
    planned_to_date: String,
    spent_to_date: String,
    drift: String,
}

/// The contract's status, formatted.
struct Contract {
    objectives: Vec<ObjectiveRow>,
    /// Each objective's id, in the same order (for its form's link).
    objective_ids: Vec<i64>,
    budget: Budget,
    milestones: Vec<MilestoneRow>,
    commitments: Vec<CommitmentRow>,
    last_review: String,
    next_review: String,
    review_overdue: bool,
}

#[derive(Template)]
#[template(path = "contract.html")]
struct ContractPage {
    nav: Nav,
    product_nav: ProductNav,
    slug: String,
    name: String,
    today: String,
    contract: Option<Contract>,
    reviews: Vec<ReviewLine>,
    /// Whether the visitor may edit the contract, its objectives and commitments.
    can_manage: bool,
    /// Whether the visitor may enter the product's spend.
    can_spend: bool,
}

/// The contract's rows; an objective whose latest value is flagged as suspect says so.
fn contract(status: &ContractStatus, suspects: &[SuspectFlag]) -> Contract {
    let budget = &status.budget;
    Contract {
        objectives: status
            .objectives
            .iter()
            .map(|o| {
                let mut row = objective_row(o);
                row.suspect = o.latest.is_some_and(|l| {
                    let period = l.period.to_string();
                    suspects
                        .iter()
                        .any(|s| s.key == o.indicator && s.period == period)
                });
                row
            })
            .collect(),
        objective_ids: status.objectives.iter().map(|o| o.id).collect(),
        budget: Budget {
            planned_total: euros(budget.planned_total as f64),
            planned_to_date: euros(budget.planned_to_date as f64),
            spent_to_date: euros(budget.spent_to_date as f64),
            drift: budget
                .drift
                .map_or_else(|| "pas encore de budget prévu".to_owned(), signed_percent),
        },
        milestones: status.schedule.iter().map(milestone_row).collect(),
        commitments: status.commitments.iter().map(commitment_row).collect(),
        last_review: status
            .last_review
            .map_or_else(|| "aucune".to_owned(), french::date),
        next_review: french::date(status.next_review),
        review_overdue: status.review_overdue,
    }
}

/// The contract page; anonymous visitors go to `/connexion`, people without a role get 403.
#[get("/produits/{slug}/contrat")]
pub async fn contract_page(
    SignedIn { user, nav }: SignedIn,
    db: web::Data<Database>,
    path: web::Path<String>,
) -> PageResult {
    access::require(&user.user, Action::Read)?;
    let slug = Slug::parse(&path).map_err(|_| ApiError::NotFound("product"))?;
    let today = Utc::now().date_naive();
    let (product, scope, status, records, suspects, history) = db::read(&db, move |c| {
        let (id, product) = products::find(c, &slug)?;
        let suspects: Vec<SuspectFlag> = latest_suspects(c, id)?.into_iter().flatten().collect();
        let status = match contract_status::at(c, id, today) {
            Ok(status) => Some(status),
            Err(StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        let history = phases::history(c, id)?;
        let scope = crate::service::scope::of(c, id, product.clone())?;
        let records = reviews::list(c, id)?;
        Ok((product, scope, status, records, suspects, history))
    })
    .await?;
    let allowed = |action| access::require(&user.user, action).is_ok();
    let can_manage = allowed(scope.manage());
    let can_spend = allowed(scope.contribute());
    let slug = product.slug.to_string();
    let page = ContractPage {
        product_nav: ProductNav::new(
            &user.user,
            &scope,
            &product.name,
            Tab::Contract,
            Some("Contrat de réussite"),
        ),
        can_manage,
        can_spend,
        nav,
        today: french::date(today),
        contract: status.as_ref().map(|s| contract(s, &suspects)),
        reviews: records
            .iter()
            .map(|r| ReviewLine {
                on: french::date(r.review.reviewed_on),
                verdict: r.review.verdict.label_fr(),
                verdict_class: verdict_class(r.review.verdict),
                decision: history.decision_label(r.review.decision.kind, r.review.reviewed_on),
                signed: r.signed_at.is_some(),
                href: review_pack::href(&slug, r.id),
            })
            .collect(),
        slug,
        name: product.name,
    };
    Ok(super::render(&page))
}
