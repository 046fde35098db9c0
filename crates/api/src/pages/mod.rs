//! The web pages, in French: server-rendered askama templates, no script. Registered outside
//! `/api/v1` and outside the OpenAPI document; see `docs/web.md`.
//!
//! Pages read the session cookie ([`MaybePageUser`]); the API never does.

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use std::sync::atomic::{AtomicBool, Ordering};

use askama::Template;

use crate::{
    auth::session::{MaybePageUser, PageUser, SessionConfig},
    error::ApiError,
};

pub use error::error_page;

mod account;
mod account_links;
mod admin;
mod applications;
mod bilan;
mod campaign_apply;
mod campaign_form;
mod charts;
mod commitments;
mod contract;
mod contract_form;
mod decision;
mod error;
mod forms;
mod indicator_form;
mod invitations;
mod irritants;
mod journal;
mod journal_words;
mod legal;
mod matrix;
mod measure_history;
mod measures;
mod measures_csv;
mod multipart;
mod objective_delete;
mod objective_form;
mod portfolio;
mod proconnect;
mod product;
mod product_form;
mod product_nav;
mod review_form;
mod review_pack;
mod session;
mod sheet_form;
mod source_form;
mod spend;
mod stats;
mod suspect;
mod team;

/// What every page's layout needs: who is signed in, and the logout form's CSRF token.
#[derive(Clone, Debug, Default)]
pub struct Nav {
    /// The signed-in person's name, if any.
    pub user: Option<String>,
    /// The CSRF token of the logout form (empty when anonymous).
    pub csrf: String,
    /// Whether the menu offers the administrators' pages.
    pub admin: bool,
    /// Whether the menu offers the campaigns (administrators and incubator managers).
    pub manager: bool,
}

/// Whether pages show the « République Française » brand block (`web.state_brand`). A
/// process-wide switch set once at start-up: every page, error pages included, renders the
/// layout, and most of them are built where no settings are at hand.
static STATE_BRAND: AtomicBool = AtomicBool::new(true);

/// Sets the brand switch (from `web.state_brand`), before the server starts.
pub fn set_state_brand(on: bool) {
    STATE_BRAND.store(on, Ordering::Relaxed);
}

impl Nav {
    /// The vendored DSFR's version, which every asset URL carries.
    pub fn dsfr(&self) -> &'static str {
        crate::assets::DSFR_VERSION
    }

    /// Whether the layout shows the « République Française » brand block.
    pub fn state_brand(&self) -> bool {
        STATE_BRAND.load(Ordering::Relaxed)
    }

    /// The layout of a public page: the visitor's if signed in, anonymous otherwise.
    pub fn of_visitor(visitor: &MaybePageUser, config: &SessionConfig) -> Nav {
        visitor
            .0
            .as_ref()
            .map_or_else(Nav::default, |user| Nav::of(user, config))
    }

    /// The layout of a signed-in person's page.
    pub fn of(user: &PageUser, config: &SessionConfig) -> Nav {
        Nav {
            user: Some(user.user.name.clone()),
            csrf: config.session_csrf(user),
            admin: pilote_domain::access::allows(
                &user.user.grants,
                pilote_domain::access::Action::Administer,
            ),
            manager: user.user.grants.iter().any(|g| {
                matches!(
                    g,
                    pilote_domain::Grant::Admin | pilote_domain::Grant::Manager { .. }
                )
            }),
        }
    }
}

/// Registers the pages and what they need. Call outside the server factory, like
/// `auth::configure`, and pass a clone to `App::configure`.
pub fn configure(
    config: SessionConfig,
) -> impl Fn(&mut web::ServiceConfig) + Clone + Send + 'static {
    let config = web::Data::new(config);
    move |cfg: &mut web::ServiceConfig| {
        cfg.app_data(config.clone())
            // Only pages take forms; a malformed one gets the French page, not plain text.
            // 256 KiB: the weekly form carries a value and a comment (up to 2,000 characters,
            // percent-encoded) per indicator. The CSV forms read their own body (10 MiB).
            .app_data(
                web::FormConfig::default()
                    .limit(forms::FORM_LIMIT)
                    .error_handler(|error, _| {
                        let page = error_page(ApiError::BadRequest(error.to_string()));
                        actix_web::error::InternalError::from_response(error, page).into()
                    }),
            )
            .service(crate::assets::dsfr)
            .service(legal::accessibility)
            .service(legal::legal_notice)
            .service(legal::personal_data)
            .service(session::login_form)
            .service(session::login)
            .service(session::logout)
            .service(account_links::forgot_form)
            .service(account_links::forgot)
            .service(account_links::link_form)
            .service(account_links::set_password)
            .service(invitations::show)
            .service(invitations::create)
            .service(proconnect::start)
            .service(proconnect::callback)
            .service(portfolio::portfolio_page)
            .service(bilan::bilan_page)
            .service(stats::stats)
            // Before `/appels/{slug}`, which would take « nouveau » for a slug.
            .service(campaign_form::list)
            .service(campaign_form::new_form)
            .service(campaign_form::create)
            .service(campaign_apply::thanks)
            .service(campaign_apply::show)
            .service(campaign_apply::apply)
            .service(applications::list)
            .service(applications::show)
            .service(applications::set_status)
            .service(applications::set_scores)
            .service(applications::launch)
            // Before `/produits/{slug}`, which would take « nouveau » for a slug.
            .service(product_form::new_form)
            .service(product_form::create)
            .service(product_form::edit_form)
            .service(product_form::update)
            .service(sheet_form::edit_form)
            .service(sheet_form::save)
            .service(indicator_form::new_form)
            .service(indicator_form::create)
            .service(indicator_form::edit_form)
            .service(indicator_form::update)
            .service(source_form::show)
            .service(source_form::save)
            .service(source_form::collect)
            .service(source_form::remove)
            .service(review_form::new_form)
            .service(review_form::create)
            .service(review_form::edit_form)
            .service(review_form::update)
            .service(review_form::sign_form)
            .service(review_form::sign)
            .service(team::show)
            .service(team::add)
            .service(team::remove)
            .service(admin::list_users)
            .service(admin::give_role)
            .service(admin::take_role)
            .service(admin::account_state)
            .service(admin::list_incubators)
            .service(admin::create_incubator)
            .service(admin::incubator_form)
            .service(admin::update_incubator)
            .service(journal::journal)
            .service(product::product_page)
            .service(contract::contract_page)
            .service(contract_form::edit_form)
            .service(contract_form::save)
            .service(objective_form::new_form)
            .service(objective_form::create)
            .service(objective_form::edit_form)
            .service(objective_form::update)
            .service(objective_delete::confirm)
            .service(objective_delete::remove)
            .service(spend::show)
            .service(spend::save)
            .service(spend::paste)
            .service(commitments::show)
            .service(commitments::save)
            .service(matrix::product_matrix)
            .service(matrix::portfolio_matrix)
            .service(measures::show)
            .service(measures::save)
            .service(measures_csv::upload)
            .service(measures_csv::confirm)
            .service(suspect::clear)
            .service(measure_history::page)
            .service(review_pack::page)
            .service(review_pack::old_address)
            .service(decision::show)
            .service(decision::create)
            .service(irritants::list)
            .service(irritants::submit)
            .service(irritants::vote)
            .service(irritants::index)
            .service(irritants::show)
            .service(irritants::close)
            .service(irritants::link_to)
            .service(account::show)
            .service(account::change_password)
            .service(account::create_token)
            .service(account::revoke_token);
    }
}

/// A rendered page: HTML, private (pages may show what only a signed-in person may see).
pub fn html(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .body(body)
}

/// A template rendered, or a 500 page.
pub fn render(template: &impl Template) -> HttpResponse {
    match template.render() {
        Ok(body) => html(body),
        Err(e) => error_page(ApiError::Internal(Box::new(e))),
    }
}

/// A 303 to `location` (after a form, or to the login page).
pub fn redirect(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// Whether an unknown path should be answered with a French page: outside the API and the
/// charts, to a client that accepts HTML (a browser). Scripts keep the JSON envelope.
pub fn wants_page(req: &HttpRequest) -> bool {
    let path = req.path();
    let machine = path.starts_with("/api/") || path.starts_with("/charts/");
    let accepts_html = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    !machine && accepts_html
}
