//! `/appels/{slug}`: an open campaign's public page and its application form (a honeypot
//! field against robots, an anonymous CSRF token), then `/appels/{slug}/merci`. Through the
//! same service as `POST /api/v1/campaigns/{slug}/applications`.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use askama::Template;
use pilote_domain::{Audience, Consents};
use serde::Deserialize;

use super::{Nav, error_page, forms::FieldErrors, proconnect::message, redirect};
use crate::{
    auth::{
        Principal,
        session::{MaybePageUser, SessionConfig},
    },
    client_ip::client_ip,
    error::ApiError,
    mail::Outbox,
    service::{
        applications::{self, ApplicationInput},
        campaigns::{self, CampaignView},
    },
};
use pilote_store::Database;

/// The CSRF purpose of the application form.
const APPLY_CSRF: &str = "application";

#[derive(Template)]
#[template(path = "campaign_apply.html")]
struct ApplyPage {
    nav: Nav,
    view: CampaignView,
    /// « du 4 décembre 2026 au 3 janvier 2027 ».
    dates: String,
    csrf: String,
    form: ApplyForm,
    errors: FieldErrors,
}

/// The form's fields, named as the domain's so that a refusal lands on its field.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ApplyForm {
    csrf: String,
    title: String,
    problem: String,
    who_suffers: String,
    current_workaround: String,
    first_users: String,
    #[serde(rename = "intrapreneur.name")]
    intrapreneur_name: String,
    #[serde(rename = "intrapreneur.email")]
    intrapreneur_email: String,
    #[serde(rename = "intrapreneur.availability_percent")]
    availability: String,
    sponsor: String,
    #[serde(rename = "consents.processing")]
    processing: Option<String>,
    #[serde(rename = "consents.contact")]
    contact: Option<String>,
    /// The honeypot: hidden from people, filled by robots.
    site_web: String,
}

/// `(id, label)` of the fields a refusal may name; the first takes those that name none.
const FIELDS: [(&str, &str); 10] = [
    ("title", "Nom du projet"),
    ("problem", "Problème"),
    ("who_suffers", "Qui en souffre"),
    ("current_workaround", "Comment on fait aujourd'hui"),
    ("first_users", "Premiers utilisateurs"),
    ("intrapreneur.name", "Nom de l'intrapreneur"),
    ("intrapreneur.email", "Adresse électronique"),
    ("intrapreneur.availability_percent", "Disponibilité"),
    ("sponsor", "Sponsor"),
    ("consents.processing", "Traitement des réponses"),
];

async fn page(
    req: &HttpRequest,
    config: &SessionConfig,
    view: CampaignView,
    form: ApplyForm,
    errors: FieldErrors,
) -> HttpResponse {
    let (csrf, cookie) = config.anonymous_csrf(req, APPLY_CSRF);
    let invalid = !errors.is_empty();
    let dates = format!(
        "du {} au {}",
        pilote_domain::french::date(view.campaign.opens_on),
        pilote_domain::french::date(view.campaign.closes_on)
    );
    let mut response = super::render(&ApplyPage {
        nav: Nav::default(),
        dates,
        view,
        csrf,
        form,
        errors,
    });
    if invalid && response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    if let Ok(value) = cookie.parse() {
        response
            .headers_mut()
            .append(actix_web::http::header::SET_COOKIE, value);
    }
    response
}

fn principal(visitor: MaybePageUser) -> Option<Principal> {
    visitor.0.map(|v| Principal::User(v.user))
}

/// The campaign and its form; a campaign that is not open is shown to its managers only.
#[get("/appels/{slug}")]
pub async fn show(
    req: HttpRequest,
    visitor: MaybePageUser,
    config: web::Data<SessionConfig>,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> HttpResponse {
    match campaigns::get(&db, principal(visitor).as_ref(), &slug).await {
        Ok(view) => {
            page(
                &req,
                &config,
                view,
                ApplyForm::default(),
                FieldErrors::default(),
            )
            .await
        }
        Err(e) => error_page(e),
    }
}

/// Takes the application, then the thanks page; the form again (422) with the reasons.
#[post("/appels/{slug}")]
pub async fn apply(
    req: HttpRequest,
    visitor: MaybePageUser,
    config: web::Data<SessionConfig>,
    db: web::Data<Database>,
    outbox: web::Data<Outbox>,
    slug: web::Path<String>,
    form: web::Form<ApplyForm>,
) -> HttpResponse {
    let form = form.into_inner();
    if !config.check_anonymous_csrf(&req, APPLY_CSRF, &form.csrf) {
        return error_page(ApiError::Forbidden("invalid CSRF token".to_owned()));
    }
    let done = redirect(&format!("/appels/{slug}/merci"));
    if !form.site_web.is_empty() {
        // A robot: it is thanked like anyone, and nothing is stored.
        return done;
    }
    let principal = principal(visitor);
    let view = match campaigns::get(&db, principal.as_ref(), &slug).await {
        Ok(view) => view,
        Err(e) => return error_page(e),
    };
    if view.campaign.audience == Audience::Agents && principal.is_none() {
        return redirect(&super::session::login_url(Some(&format!("/appels/{slug}"))));
    }
    let mut errors = FieldErrors::default();
    let availability = errors.whole::<i64>(FIELDS[7].0, FIELDS[7].1, &form.availability);
    if errors.is_empty() {
        let input = ApplicationInput {
            title: form.title.clone(),
            problem: form.problem.clone(),
            who_suffers: form.who_suffers.clone(),
            current_workaround: form.current_workaround.clone(),
            first_users: form.first_users.clone(),
            intrapreneur_name: form.intrapreneur_name.clone(),
            intrapreneur_email: form.intrapreneur_email.clone(),
            availability_percent: availability.unwrap_or(0),
            sponsor: form.sponsor.clone(),
            consents: Consents {
                processing: form.processing.is_some(),
                contact: form.contact.is_some(),
            },
        };
        let ip = client_ip(&req);
        match applications::submit(&db, &outbox, principal.as_ref(), &slug, input, &ip).await {
            Ok(_) => return done,
            Err(ApiError::TooManyRequests { retry_after_secs }) => {
                let minutes = retry_after_secs.div_ceil(60);
                return message(
                    StatusCode::TOO_MANY_REQUESTS,
                    "Trop de candidatures",
                    format!(
                        "Trop de candidatures ont été envoyées pour cette adresse ou depuis votre \
                         réseau\u{a0}: réessayez dans {minutes}\u{a0}minute{}.",
                        if minutes > 1 { "s" } else { "" }
                    ),
                );
            }
            Err(refused) => {
                if let Err(other) = errors.refused(refused, &FIELDS) {
                    return error_page(other);
                }
            }
        }
    }
    page(&req, &config, view, form, errors).await
}

#[derive(Template)]
#[template(path = "campaign_thanks.html")]
struct ThanksPage {
    nav: Nav,
    slug: String,
}

/// After an application.
#[get("/appels/{slug}/merci")]
pub async fn thanks(slug: web::Path<String>) -> HttpResponse {
    super::render(&ThanksPage {
        nav: Nav::default(),
        slug: slug.into_inner(),
    })
}
