//! `/incubateurs/{slug}/irritants`: an incubator's irritants, the most voted first (open or
//! closed only with `?statut=`), a vote / withdraw button on each, and the form to submit one.
//! Anyone signed in; every call goes through `service::irritants`, like the API.

use actix_web::{get, post, web};
use askama::Template;
use pilote_domain::{IrritantStatus, NewIrritant};
use pilote_store::{Database, repo::irritants::Irritant};
use serde::Deserialize;

use super::{
    Nav,
    forms::{Choice, CsrfForm, FieldErrors, PageResult, SignedIn, form_page},
    redirect,
};
use crate::{error::ApiError, service::irritants};

#[derive(Template)]
#[template(path = "irritants.html")]
struct IrritantsPage {
    nav: Nav,
    incubator: String,
    status: &'static str,
    irritants: Vec<Irritant>,
    form: IrritantForm,
    errors: FieldErrors,
}

/// The submit form's fields, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct IrritantForm {
    title: String,
    description: String,
}

/// `?statut=ouverts|clos`.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    statut: String,
}

const FIELDS: [(&str, &str); 2] = [("title", "Titre"), ("description", "Description")];

fn status_of(statut: &str) -> Option<IrritantStatus> {
    match statut {
        "ouverts" => Some(IrritantStatus::Open),
        "clos" => Some(IrritantStatus::Closed),
        _ => None,
    }
}

async fn page(
    db: &web::Data<Database>,
    user: SignedIn,
    incubator: String,
    statut: &str,
    form: IrritantForm,
    errors: FieldErrors,
) -> PageResult {
    let status = status_of(statut);
    let irritants = irritants::list(db, &user.user.user, &incubator, status).await?;
    let page = IrritantsPage {
        nav: user.nav,
        incubator,
        status: status.map_or("", |s| s.as_str()),
        irritants,
        form,
        errors,
    };
    Ok(form_page(&page, &page.errors))
}

/// The list and the empty form.
#[get("/incubateurs/{slug}/irritants")]
pub async fn list(
    user: SignedIn,
    db: web::Data<Database>,
    slug: web::Path<String>,
    query: web::Query<ListQuery>,
) -> PageResult {
    let form = IrritantForm::default();
    page(
        &db,
        user,
        slug.into_inner(),
        &query.statut,
        form,
        FieldErrors::default(),
    )
    .await
}

/// Submits the irritant, then back to the list; the form again (422) with the reasons
/// otherwise.
#[post("/incubateurs/{slug}/irritants")]
pub async fn submit(
    CsrfForm { user, fields: form }: CsrfForm<IrritantForm>,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    let incubator = slug.into_inner();
    let mut errors = FieldErrors::default();
    match NewIrritant::parse(&form.title, &form.description) {
        Ok(new) => match irritants::submit(&db, &user.user.user, &incubator, new).await {
            Ok(_) => return Ok(redirect(&format!("/incubateurs/{incubator}/irritants"))),
            Err(refused) => errors.refused(refused, &FIELDS)?,
        },
        Err(problems) => {
            for problem in problems {
                errors.refused(problem.into(), &FIELDS)?;
            }
        }
    }
    page(&db, user, incubator, "", form, errors).await
}

/// The vote form: `vote=1` gives, anything else withdraws; `retour` is the page to go back to.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VoteForm {
    vote: String,
    retour: String,
}

/// Gives or withdraws the visitor's vote (twice changes nothing), then back to where the
/// button was (the irritant's incubator list unless `retour` is a local address).
#[post("/irritants/{id}/vote")]
pub async fn vote(
    CsrfForm { user, fields: form }: CsrfForm<VoteForm>,
    db: web::Data<Database>,
    id: web::Path<i64>,
) -> PageResult {
    let irritant = irritants::vote(&db, &user.user.user, *id, form.vote == "1").await?;
    let local = form.retour.starts_with('/') && !form.retour.starts_with("//");
    let back = if local {
        form.retour
    } else {
        format!("/incubateurs/{}/irritants", irritant.incubator)
    };
    Ok(redirect(&back))
}

#[derive(Template)]
#[template(path = "irritant.html")]
struct IrritantPage {
    nav: Nav,
    irritant: Irritant,
    manages: bool,
    form: CloseForm,
    products: Vec<Choice>,
    applications: Vec<Choice>,
    errors: FieldErrors,
}

/// The link form's fields, as chosen: a product's slug or an application's id, one of them.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    product_slug: String,
    application_id: String,
}

const LINK_FIELDS: [(&str, &str); 2] = [
    ("product_slug", "Produit"),
    ("application_id", "Candidature"),
];

/// The closing form's field, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CloseForm {
    answer: String,
}

async fn one(
    db: &web::Data<Database>,
    user: SignedIn,
    id: i64,
    form: CloseForm,
    chosen: LinkForm,
    errors: FieldErrors,
) -> PageResult {
    let irritant = irritants::get(db, &user.user.user, id).await?;
    let manages = irritants::may_manage(&user.user.user, &irritant);
    let (products, applications) = if manages {
        let choices = irritants::link_choices(db, &irritant.incubator).await?;
        (
            Choice::list(choices.products, &chosen.product_slug),
            Choice::list(choices.applications, &chosen.application_id),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let page = IrritantPage {
        nav: user.nav,
        irritant,
        manages,
        form,
        products,
        applications,
        errors,
    };
    Ok(form_page(&page, &page.errors))
}

#[derive(Template)]
#[template(path = "irritants_index.html")]
struct IndexPage {
    nav: Nav,
    incubators: Vec<(String, String)>,
}

/// `/irritants`, the menu's entry: the incubators to choose from, or straight to the only one.
#[get("/irritants")]
pub async fn index(user: SignedIn, db: web::Data<Database>) -> PageResult {
    let incubators = irritants::incubators(&db).await?;
    if let [(slug, _)] = incubators.as_slice() {
        return Ok(redirect(&format!("/incubateurs/{slug}/irritants")));
    }
    Ok(super::render(&IndexPage {
        nav: user.nav,
        incubators,
    }))
}

/// One irritant: its text, votes and answer; the closing form for its incubator's managers.
#[get("/irritants/{id}")]
pub async fn show(user: SignedIn, db: web::Data<Database>, id: web::Path<i64>) -> PageResult {
    let blank = (CloseForm::default(), LinkForm::default());
    one(&db, user, *id, blank.0, blank.1, FieldErrors::default()).await
}

/// Closes the irritant with an answer (its incubator's managers, 403 page otherwise), then
/// back to it; the form again (422) with the reason otherwise.
#[post("/irritants/{id}/cloture")]
pub async fn close(
    CsrfForm { user, fields: form }: CsrfForm<CloseForm>,
    db: web::Data<Database>,
    id: web::Path<i64>,
) -> PageResult {
    let id = *id;
    let mut errors = FieldErrors::default();
    match irritants::close(&db, &user.user.user, id, &form.answer).await {
        Ok(_) => return Ok(redirect(&format!("/irritants/{id}"))),
        Err(refused) => errors.refused(refused, &[("answer", "Réponse")])?,
    }
    one(&db, user, id, form, LinkForm::default(), errors).await
}

/// Links the irritant to the product or the application chosen (its incubator's managers,
/// 403 page otherwise), then back to it; the form again (422) with the reason otherwise.
#[post("/irritants/{id}/lien")]
pub async fn link_to(
    CsrfForm { user, fields: form }: CsrfForm<LinkForm>,
    db: web::Data<Database>,
    id: web::Path<i64>,
) -> PageResult {
    let id = *id;
    let person = &user.user.user;
    // An empty select is no choice; the rule (exactly one of the two) is the service's.
    let chosen = |value: &str| {
        Some(value.trim())
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let product = chosen(&form.product_slug);
    let linked = match chosen(&form.application_id).map(|a| a.parse::<i64>()) {
        Some(Err(_)) => match irritants::require_manager(&db, person, id).await {
            // Only the list's values are sent: something else is refused on its field.
            Ok(()) => Err(ApiError::from(pilote_domain::DomainError::rule(
                "application_id",
                "is not an application's id",
                "Choisissez une candidature de la liste.",
            ))),
            Err(refused) => Err(refused),
        },
        application => {
            let application = application.and_then(Result::ok);
            irritants::link(&db, person, id, product.as_deref(), application).await
        }
    };
    let mut errors = FieldErrors::default();
    match linked {
        Ok(_) => return Ok(redirect(&format!("/irritants/{id}"))),
        Err(refused) => errors.refused(refused, &LINK_FIELDS)?,
    }
    one(&db, user, id, CloseForm::default(), form, errors).await
}
