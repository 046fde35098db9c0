//! The review of a product's contract, in three steps, for its incubator's managers (and
//! admins), as the API's `/reviews` routes allow:
//!
//! - `/produits/{slug}/revues/nouvelle`: a draft, with the contract's live status previewed
//!   (what the review will freeze);
//! - `/produits/{slug}/revues/{id}/modifier`: the draft again, its frozen status shown; once
//!   signed, the review read-only and the link to its pack;
//! - `/produits/{slug}/revues/{id}/signer`: the confirmation step, then the signature, which
//!   freezes the review (and applies an advance or a stop through the phase rule).
//!
//! Every write goes through `service::reviews`, the API's own functions (audited there).

use actix_web::{get, post, web};
use askama::Template;
use chrono::Utc;
use pilote_charts::french;
use pilote_domain::{
    ContractStatus, DecisionKind, NewReview, Rationale, ReviewDecision, ReviewSnapshot, Verdict,
};
use pilote_store::{
    Database, ReviewId, StoreError,
    repo::{contract_status, products, reviews::ReviewRecord},
};
use serde::Deserialize;

use super::{
    Nav,
    forms::{Choice, CsrfForm, FieldErrors, Need, PageResult, SignedIn, form_page},
    product_nav::{ProductNav, Tab},
    redirect,
};
use crate::{
    access::ProductScope,
    db,
    error::ApiError,
    service::{
        review_pack::{
            MilestoneRow, ObjectiveRow, euros, milestone_row, objective_row, signed_percent,
        },
        reviews,
    },
};

/// The contract's status as the form previews it.
struct Preview {
    at: String,
    objectives: Vec<ObjectiveRow>,
    planned_to_date: String,
    spent_to_date: String,
    drift: String,
    milestones: Vec<MilestoneRow>,
    next_review: String,
}

impl Preview {
    fn of(status: &ContractStatus) -> Preview {
        let budget = &status.budget;
        Preview {
            at: french::date(status.at),
            objectives: status.objectives.iter().map(objective_row).collect(),
            planned_to_date: euros(budget.planned_to_date as f64),
            spent_to_date: euros(budget.spent_to_date as f64),
            drift: budget
                .drift
                .map_or_else(|| "pas encore de budget prévu".to_owned(), signed_percent),
            milestones: status.schedule.iter().map(milestone_row).collect(),
            next_review: french::date(status.next_review),
        }
    }
}

/// The form's fields, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReviewForm {
    reviewed_on: String,
    /// One person a line.
    reviewers: String,
    verdict: String,
    kind: String,
    rationale: String,
    notes: String,
}

impl ReviewForm {
    fn of(record: &ReviewRecord) -> ReviewForm {
        let r = &record.review;
        ReviewForm {
            reviewed_on: r.reviewed_on.to_string(),
            reviewers: r.reviewers.join("\n"),
            verdict: r.verdict.as_str().to_owned(),
            kind: r.decision.kind.as_str().to_owned(),
            rationale: r.decision.rationale.to_string(),
            notes: r.notes.clone(),
        }
    }

    /// The review, when every field reads; the problems on their fields otherwise. The rest
    /// (the date not in the future, the reviewers' names) the store checks, as for the API.
    fn parse(&self, errors: &mut FieldErrors) -> Option<NewReview> {
        let reviewed_on = errors.date("reviewed_on", "Date de la revue", &self.reviewed_on);
        let verdict = errors.choice(
            "verdict",
            "Verdict",
            Verdict::parse(&self.verdict),
            "Choisissez un verdict.",
        );
        let kind = errors.choice(
            "kind",
            "Décision",
            DecisionKind::parse(&self.kind),
            "Choisissez une décision.",
        );
        let rationale = errors.check("rationale", "Motivation", Rationale::parse(&self.rationale));
        Some(NewReview {
            reviewed_on: reviewed_on?,
            reviewers: self
                .reviewers
                .lines()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
                .collect(),
            verdict: verdict?,
            decision: ReviewDecision {
                kind: kind?,
                rationale: rationale?,
            },
            notes: self.notes.trim().to_owned(),
        })
    }
}

/// `(id, label)` of the fields a refusal may name; the first takes those that name none.
const FIELDS: [(&str, &str); 6] = [
    ("reviewed_on", "Date de la revue"),
    ("reviewers", "Participants"),
    ("verdict", "Verdict"),
    ("kind", "Décision"),
    ("rationale", "Motivation"),
    ("notes", "Notes"),
];

#[derive(Template)]
#[template(path = "review_form.html")]
struct ReviewPage {
    nav: Nav,
    product_nav: ProductNav,
    /// `None` for a new review.
    id: Option<i64>,
    action: String,
    /// What the review freezes (`None`: no contract yet, so no review either).
    preview: Option<Preview>,
    verdicts: Vec<Choice>,
    kinds: Vec<Choice>,
    form: ReviewForm,
    errors: FieldErrors,
}

/// A signed review: frozen, with its pack.
#[derive(Template)]
#[template(path = "review_signed.html")]
struct SignedPage {
    nav: Nav,
    product_nav: ProductNav,
    on: String,
    signed_on: String,
    reviewers: Vec<String>,
    verdict: &'static str,
    decision: &'static str,
    rationale: String,
    notes: String,
    pack: String,
    /// A rewrite refused because the review is signed.
    errors: FieldErrors,
}

/// The confirmation step before signing.
#[derive(Template)]
#[template(path = "review_sign.html")]
struct SignPage {
    nav: Nav,
    product_nav: ProductNav,
    id: i64,
    on: String,
    verdict: &'static str,
    decision: &'static str,
    /// Whether signing changes the product's phase (an advance or a stop).
    moves_phase: bool,
    errors: FieldErrors,
}

/// The signed-in visitor's view of a product's page: navigation and product name.
async fn product_nav(
    db: &web::Data<Database>,
    user: &SignedIn,
    scope: &ProductScope,
    here: &str,
) -> Result<ProductNav, ApiError> {
    let id = scope.id;
    let name = db::read(db, move |c| Ok(products::get(c, id)?.name)).await?;
    Ok(ProductNav::new(
        &user.user.user,
        scope,
        &name,
        Tab::Reviews,
        Some(here),
    ))
}

/// The review `id` of the product the path names, if the visitor manages it (404 for a review
/// of another product, 403 without the right).
async fn review_of(
    db: &web::Data<Database>,
    user: &SignedIn,
    slug: &str,
    id: i64,
) -> Result<(ProductScope, ReviewRecord), ApiError> {
    let scope = user.product(db, slug, Need::Manage).await?;
    let id = ReviewId(id);
    let record = db::read(db, move |c| pilote_store::repo::reviews::get(c, id)).await?;
    if record.product != scope.id {
        return Err(ApiError::NotFound("review"));
    }
    Ok((scope, record))
}

fn choices(form: &ReviewForm) -> (Vec<Choice>, Vec<Choice>) {
    let verdicts = Verdict::ALL.map(|v| (v.as_str(), v.label_fr()));
    let kinds = DecisionKind::ALL.map(|k| (k.as_str(), k.label_fr()));
    (
        Choice::list(verdicts, &form.verdict),
        Choice::list(kinds, &form.kind),
    )
}

/// The new review's page: the live status previewed (none without a contract).
async fn new_page(
    db: &web::Data<Database>,
    user: SignedIn,
    scope: ProductScope,
    form: ReviewForm,
    errors: FieldErrors,
) -> PageResult {
    let today = Utc::now().date_naive();
    let id = scope.id;
    let status = db::read(db, move |c| match contract_status::at(c, id, today) {
        Ok(status) => Ok(Some(status)),
        Err(StoreError::NotFound { what: "contract" }) => Ok(None),
        Err(e) => Err(e),
    })
    .await?;
    let product_nav = product_nav(db, &user, &scope, "Nouvelle revue").await?;
    let (verdicts, kinds) = choices(&form);
    let page = ReviewPage {
        action: format!("/produits/{}/revues/nouvelle", scope.slug),
        nav: user.nav,
        product_nav,
        id: None,
        preview: status.as_ref().map(Preview::of),
        verdicts,
        kinds,
        form,
        errors,
    };
    Ok(form_page(&page, &page.errors))
}

/// The empty form, dated today, naming the visitor.
#[get("/produits/{slug}/revues/nouvelle")]
pub async fn new_form(
    user: SignedIn,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    let scope = user.product(&db, &slug, Need::Manage).await?;
    let form = ReviewForm {
        reviewed_on: Utc::now().date_naive().to_string(),
        reviewers: user.user.user.name.clone(),
        ..ReviewForm::default()
    };
    new_page(&db, user, scope, form, FieldErrors::default()).await
}

/// Drafts the review, then its page; the form again (422) with the reasons otherwise.
#[post("/produits/{slug}/revues/nouvelle")]
pub async fn create(
    CsrfForm { user, fields: form }: CsrfForm<ReviewForm>,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    let scope = user.product(&db, &slug, Need::Manage).await?;
    let mut errors = FieldErrors::default();
    if let Some(review) = form.parse(&mut errors) {
        match reviews::create(&db, &user.principal(), &scope, review).await {
            Ok(record) => return Ok(redirect(&edit_href(&scope, record.id))),
            Err(refused) => errors.refused(refused, &FIELDS)?,
        }
    }
    new_page(&db, user, scope, form, errors).await
}

fn edit_href(scope: &ProductScope, id: ReviewId) -> String {
    format!("/produits/{}/revues/{}/modifier", scope.slug, id.0)
}

/// A draft's page (its frozen status previewed), or a signed review's.
async fn edit_page(
    db: &web::Data<Database>,
    user: SignedIn,
    (scope, record): (ProductScope, ReviewRecord),
    form: ReviewForm,
    errors: FieldErrors,
) -> PageResult {
    let on = french::date(record.review.reviewed_on);
    let product_nav = product_nav(db, &user, &scope, &format!("Revue du {on}")).await?;
    if let Some(signed_at) = record.signed_at {
        let r = record.review;
        let page = SignedPage {
            nav: user.nav,
            product_nav,
            on,
            signed_on: french::date(signed_at.date()),
            reviewers: r.reviewers,
            verdict: r.verdict.label_fr(),
            decision: r.decision.kind.label_fr(),
            rationale: r.decision.rationale.to_string(),
            notes: r.notes,
            pack: crate::service::review_pack::href(scope.slug.as_ref(), record.id),
            errors,
        };
        return Ok(form_page(&page, &page.errors));
    }
    let snapshot: ReviewSnapshot =
        serde_json::from_str(&record.snapshot).map_err(|e| ApiError::Internal(Box::new(e)))?;
    let (verdicts, kinds) = choices(&form);
    let page = ReviewPage {
        action: edit_href(&scope, record.id),
        nav: user.nav,
        product_nav,
        id: Some(record.id.0),
        preview: Some(Preview::of(&snapshot.status)),
        verdicts,
        kinds,
        form,
        errors,
    };
    Ok(form_page(&page, &page.errors))
}

/// The draft to edit, or the signed review and its pack.
#[get("/produits/{slug}/revues/{id}/modifier")]
pub async fn edit_form(
    user: SignedIn,
    db: web::Data<Database>,
    path: web::Path<(String, i64)>,
) -> PageResult {
    let (slug, id) = path.into_inner();
    let found = review_of(&db, &user, &slug, id).await?;
    let form = ReviewForm::of(&found.1);
    edit_page(&db, user, found, form, FieldErrors::default()).await
}

/// Rewrites the draft (refused once signed), then back to it.
#[post("/produits/{slug}/revues/{id}/modifier")]
pub async fn update(
    CsrfForm { user, fields: form }: CsrfForm<ReviewForm>,
    db: web::Data<Database>,
    path: web::Path<(String, i64)>,
) -> PageResult {
    let (slug, id) = path.into_inner();
    let (scope, record) = review_of(&db, &user, &slug, id).await?;
    let mut errors = FieldErrors::default();
    // A signed review's page has no field: its refusal goes on the page's status.
    let fields: &[(&str, &str)] = if record.signed_at.is_some() {
        &[("statut", "Revue")]
    } else {
        &FIELDS
    };
    if let Some(review) = form.parse(&mut errors) {
        match reviews::update(&db, &user.principal(), record.id, review).await {
            Ok(record) => return Ok(redirect(&edit_href(&scope, record.id))),
            Err(refused) => errors.refused(refused, fields)?,
        }
    }
    edit_page(&db, user, (scope, record), form, errors).await
}

async fn sign_page(
    db: &web::Data<Database>,
    user: SignedIn,
    (scope, record): (ProductScope, ReviewRecord),
    errors: FieldErrors,
) -> PageResult {
    let on = french::date(record.review.reviewed_on);
    let product_nav = product_nav(db, &user, &scope, &format!("Signer la revue du {on}")).await?;
    let kind = record.review.decision.kind;
    let page = SignPage {
        nav: user.nav,
        product_nav,
        id: record.id.0,
        on,
        verdict: record.review.verdict.label_fr(),
        decision: kind.label_fr(),
        moves_phase: matches!(kind, DecisionKind::Advance | DecisionKind::Stop),
        errors,
    };
    Ok(form_page(&page, &page.errors))
}

/// The confirmation step; a signed review goes to its page.
#[get("/produits/{slug}/revues/{id}/signer")]
pub async fn sign_form(
    user: SignedIn,
    db: web::Data<Database>,
    path: web::Path<(String, i64)>,
) -> PageResult {
    let (slug, id) = path.into_inner();
    let (scope, record) = review_of(&db, &user, &slug, id).await?;
    if record.signed_at.is_some() {
        return Ok(redirect(&edit_href(&scope, record.id)));
    }
    sign_page(&db, user, (scope, record), FieldErrors::default()).await
}

/// No field but the CSRF token.
#[derive(Debug, Default, Deserialize)]
pub struct Confirm {}

/// Signs the review, then its page (with the pack); a refusal (already signed, or the phase
/// rules) on the confirmation page.
#[post("/produits/{slug}/revues/{id}/signer")]
pub async fn sign(
    CsrfForm { user, .. }: CsrfForm<Confirm>,
    db: web::Data<Database>,
    path: web::Path<(String, i64)>,
) -> PageResult {
    let (slug, id) = path.into_inner();
    let (scope, record) = review_of(&db, &user, &slug, id).await?;
    let mut errors = FieldErrors::default();
    match reviews::sign(&db, &user.principal(), record.id).await {
        Ok(record) => return Ok(redirect(&edit_href(&scope, record.id))),
        Err(refused) => errors.refused(refused, &[("signer", "Signature")])?,
    }
    sign_page(&db, user, (scope, record), errors).await
}
