//! Errors as French pages: one table of titles and messages, by status and by what was
//! asked for, for every page and the review pack.

use actix_web::{HttpResponse, ResponseError, body::BoxBody, http::header};
use askama::Template;

use crate::error::ApiError;

/// What the visitor asked for, which the messages name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// Any page.
    Page,
    /// A review pack (`/produits/{slug}/revues/{id}`), often opened from a link in a mail.
    ReviewPack,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    status: u16,
    title: &'static str,
    message: &'static str,
}

/// The error as a French page with the error's status.
pub fn error_page(error: ApiError) -> HttpResponse {
    page_for(error, Subject::Page)
}

/// The error as a French page about `subject`, with the status and headers of the JSON
/// answer (`WWW-Authenticate` on 401). The error stays attached to the response, so that the
/// request-id middleware logs a 5xx cause.
pub fn page_for(error: ApiError, subject: Subject) -> HttpResponse {
    let body = body(&error, subject);
    html(HttpResponse::from_error(error).set_body(BoxBody::new(body)))
}

/// The same page, for an error that something else keeps (a [`super::forms::PageError`],
/// which actix attaches to the response itself).
pub fn render_error(error: &ApiError, subject: Subject) -> HttpResponse {
    html(
        error
            .error_response()
            .set_body(BoxBody::new(body(error, subject))),
    )
}

fn body(error: &ApiError, subject: Subject) -> String {
    let status = error.status_code().as_u16();
    let (title, message) = texts(status, subject);
    let page = ErrorPage {
        status,
        title,
        message,
    };
    // The template has no failing part; should it fail, the status still says it all.
    page.render().unwrap_or_default()
}

fn html(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// The one table of the error pages' words.
fn texts(status: u16, subject: Subject) -> (&'static str, &'static str) {
    use Subject::{Page, ReviewPack};
    match (status, subject) {
        (400 | 422, _) => (
            "Demande invalide",
            "Le formulaire envoyé est incomplet ou mal formé.",
        ),
        (401, Page) => (
            "Connexion requise",
            "Cette page n'est accessible qu'aux personnes connectées à Pilote.",
        ),
        (401, ReviewPack) => (
            "Connexion requise",
            "Ce dossier de revue n'est accessible qu'aux personnes connectées à Pilote. \
             Connectez-vous, puis rouvrez ce lien.",
        ),
        (403, Page) => (
            "Accès refusé",
            "Votre compte ne permet pas cette action, ou le formulaire a expiré : \
             rechargez la page, puis réessayez.",
        ),
        (403, ReviewPack) => (
            "Accès refusé",
            "Votre compte ne permet pas de consulter ce dossier de revue.",
        ),
        (404, Page) => (
            "Page introuvable",
            "L'adresse demandée ne correspond à aucune page de Pilote. Vérifiez-la, ou \
             repartez de l'accueil.",
        ),
        (404, ReviewPack) => (
            "Revue introuvable",
            "Aucune revue ne correspond à cette adresse pour ce produit.",
        ),
        (429, _) => (
            "Trop de tentatives",
            "Trop de tentatives de connexion ont échoué. Patientez quelques minutes, puis \
             réessayez.",
        ),
        (503, _) => (
            "Service momentanément indisponible",
            "La base de données ne répond pas. Réessayez dans quelques instants.",
        ),
        (_, Page) => (
            "Erreur interne",
            "La page n'a pas pu être produite. L'incident est consigné.",
        ),
        (_, ReviewPack) => (
            "Erreur interne",
            "Le dossier de revue n'a pas pu être produit. L'incident est consigné.",
        ),
    }
}
