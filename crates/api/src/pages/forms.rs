//! The form kit: what every page with a form shares, so that a new form is its fields, its
//! template and the service call it makes.
//!
//! - [`PageError`]: page handlers return `Result<HttpResponse, PageError>` and use `?`; an
//!   [`ApiError`] becomes the French error page, a missing session the login page.
//! - [`SignedIn`] and [`CsrfForm`]: extractors for "signed in" and "signed in, with a form
//!   whose CSRF token is the session's".
//! - [`FieldErrors`]: the problems of a form, in French, each on its field; a form shown with
//!   errors answers 422 ([`form_page`]).
//! - `templates/_form.html`: the markup of a field (label, hint, error, `aria-describedby`).

use std::{fmt, future::Future, pin::Pin};

use actix_web::{
    FromRequest, HttpRequest, HttpResponse, ResponseError, dev::Payload, http::StatusCode, web,
};
use askama::Template;
use chrono::NaiveDate;
use pilote_domain::{DomainError, DomainResult};
use serde::{Deserialize, de::DeserializeOwned};

use super::{Nav, error::render_error, redirect};
use crate::{
    access::{self, ProductScope},
    auth::{
        Principal,
        session::{MaybePageUser, PageUser, SessionConfig},
    },
    error::ApiError,
    service::scope::scope_of,
};
use pilote_store::Database;

/// Why a page handler stops: to the login page, or a French error page.
#[derive(Debug)]
pub enum PageError {
    /// Nobody is signed in: to the login page, which comes back to this page (a relative
    /// path, checked by [`super::session::return_path`]) once signed in.
    SignIn(Option<String>),
    /// A page already rendered: the login page carrying a form posted after its session
    /// expired (see [`CsrfForm`]).
    Rendered(Rendered),
    /// The French error page of this error, with its status.
    Error(ApiError),
}

/// A page rendered where the response could not be built yet (inside an extractor).
#[derive(Debug)]
pub struct Rendered {
    pub status: StatusCode,
    pub html: String,
    /// `Set-Cookie` values.
    pub cookies: Vec<String>,
}

/// What page handlers return.
pub type PageResult = Result<HttpResponse, PageError>;

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> Self {
        PageError::Error(error)
    }
}

/// Every error an `ApiError` comes from, for `?` in page handlers.
macro_rules! page_error_from {
    ($($error:ty),+) => {$(
        impl From<$error> for PageError {
            fn from(error: $error) -> Self {
                PageError::Error(error.into())
            }
        }
    )+};
}

page_error_from!(
    DomainError,
    pilote_store::StoreError,
    actix_web::error::BlockingError
);

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PageError::SignIn(_) | PageError::Rendered(_) => f.write_str("not signed in"),
            PageError::Error(error) => error.fmt(f),
        }
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::SignIn(_) => StatusCode::SEE_OTHER,
            PageError::Rendered(page) => page.status,
            PageError::Error(error) => error.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            PageError::SignIn(next) => redirect(&super::session::login_url(next.as_deref())),
            PageError::Rendered(page) => {
                let mut response = super::html(page.html.clone());
                *response.status_mut() = page.status;
                for cookie in &page.cookies {
                    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(cookie) {
                        response
                            .headers_mut()
                            .append(actix_web::http::header::SET_COOKIE, value);
                    }
                }
                response
            }
            PageError::Error(error) => render_error(error, super::error::Subject::Page),
        }
    }
}

/// The signed-in visitor, with the layout's header (which carries the session's CSRF token,
/// for the page's forms too); anyone else goes to the login page.
pub struct SignedIn {
    pub user: PageUser,
    pub nav: Nav,
}

/// What a page needs the visitor to be allowed on a product.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Its team, its incubator's managers, admins.
    Contribute,
    /// Its incubator's managers, admins.
    Manage,
}

impl SignedIn {
    /// The visitor as the service layer knows callers.
    pub fn principal(&self) -> Principal {
        Principal::User(self.user.user.clone())
    }

    /// The product `slug` names, if the visitor may do what `need` says on it (404 for an
    /// unknown product, 403 otherwise).
    pub async fn product(
        &self,
        db: &web::Data<Database>,
        slug: &str,
        need: Need,
    ) -> Result<ProductScope, ApiError> {
        let scope = scope_of(db, slug).await?;
        let action = match need {
            Need::Contribute => scope.contribute(),
            Need::Manage => scope.manage(),
        };
        access::require(&self.user.user, action)?;
        Ok(scope)
    }

    async fn extract(
        visitor: impl Future<Output = Result<MaybePageUser, ApiError>>,
        config: Option<web::Data<SessionConfig>>,
        next: Option<String>,
    ) -> Result<SignedIn, PageError> {
        let user = visitor.await?.0.ok_or(PageError::SignIn(next))?;
        let config = config.ok_or_else(|| ApiError::Internal("SessionConfig missing".into()))?;
        Ok(SignedIn {
            nav: Nav::of(&user, &config),
            user,
        })
    }
}

impl FromRequest for SignedIn {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let visitor = MaybePageUser::from_request(req, payload);
        let config = req.app_data::<web::Data<SessionConfig>>().cloned();
        // Only a page read comes back after signing in: a form posted without a session is
        // lost anyway, and coming back to a POST's address would show an error.
        let next = (req.method() == actix_web::http::Method::GET)
            .then(|| req.uri().path_and_query().map(|p| p.as_str().to_owned()))
            .flatten();
        Box::pin(SignedIn::extract(visitor, config, next))
    }
}

/// The `csrf` field every form of the pages carries (the others ignored).
#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

/// A form posted by the signed-in visitor, its CSRF token checked against the session (403
/// otherwise): the handler gets the person and the fields.
///
/// Posted after the session expired, the form is not lost: the answer is the login page
/// carrying it (`pages::session`), and once signed in again the person sees what they typed
/// and sends it with one button — never silently, and only if the form's CSRF token proves it
/// was shown to that same person.
pub struct CsrfForm<T> {
    pub user: SignedIn,
    pub fields: T,
}

/// The largest form the pages take (the weekly form carries a value and a comment of up to
/// 2,000 characters, percent-encoded, per indicator). The CSV forms read their own body.
pub const FORM_LIMIT: usize = 256 * 1024;

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let visitor = MaybePageUser::from_request(req, payload);
        // The raw body: parsed below when signed in, carried through the login page if not.
        let body = web::Bytes::from_request(req, payload);
        let config = req.app_data::<web::Data<SessionConfig>>().cloned();
        let req = req.clone();
        Box::pin(async move {
            let visitor = visitor.await?;
            let body = body
                .await
                .map_err(|e| ApiError::BadRequest(e.to_string()))?;
            if body.len() > FORM_LIMIT {
                return Err(ApiError::PayloadTooLarge(FORM_LIMIT).into());
            }
            // Signed in first: an expired session goes to the login page, not to a 403.
            let Some(visitor) = visitor.0 else {
                return Err(super::session::pending_sign_in(&req, &body));
            };
            // Never let a form through unchecked, even were the settings missing.
            let config =
                config.ok_or_else(|| ApiError::Internal("SessionConfig missing".into()))?;
            // The token before the fields: a forged post is 403 whatever it carries, and its
            // fields are never read.
            let token: CsrfField = serde_urlencoded::from_bytes(&body)
                .map_err(|e| ApiError::BadRequest(e.to_string()))?;
            check_csrf(&config, &visitor, &token.csrf)?;
            let fields: T = serde_urlencoded::from_bytes(&body)
                .map_err(|e| ApiError::BadRequest(e.to_string()))?;
            Ok(CsrfForm {
                user: SignedIn {
                    nav: Nav::of(&visitor, &config),
                    user: visitor,
                },
                fields,
            })
        })
    }
}

/// 403 unless `token` is the session's CSRF token.
pub fn check_csrf(config: &SessionConfig, user: &PageUser, token: &str) -> Result<(), ApiError> {
    if config.check_session_csrf(user, token) {
        Ok(())
    } else {
        Err(ApiError::Forbidden("invalid CSRF token".to_owned()))
    }
}

/// One field at fault: the `id` of the input it concerns (the summary links to it), the
/// field's label and the problem, in French.
#[derive(Clone, Debug)]
pub struct Problem {
    pub id: String,
    pub label: String,
    pub message: String,
}

/// The problems of a form, each on its field, in the order found.
#[derive(Clone, Debug, Default)]
pub struct FieldErrors(Vec<Problem>);

impl FieldErrors {
    /// A problem on the field `id` (labelled `label` in the summary).
    pub fn add(&mut self, id: &str, label: &str, message: impl Into<String>) {
        self.0.push(Problem {
            id: id.to_owned(),
            label: label.to_owned(),
            message: message.into(),
        });
    }

    /// The value of a list the visitor chose, or `None` with `message` on the field.
    pub fn choice<T>(
        &mut self,
        id: &str,
        label: &str,
        result: DomainResult<T>,
        message: &str,
    ) -> Option<T> {
        result.map_err(|_| self.add(id, label, message)).ok()
    }

    /// The value a domain rule accepted, or `None` with the rule's French words on the field.
    pub fn check<T>(&mut self, id: &str, label: &str, result: DomainResult<T>) -> Option<T> {
        result.map_err(|e| self.add(id, label, e.french())).ok()
    }

    /// A date typed as `AAAA-MM-JJ` (what `<input type="date">` sends).
    pub fn date(&mut self, id: &str, label: &str, text: &str) -> Option<NaiveDate> {
        let parsed = text.trim().parse().ok();
        if parsed.is_none() {
            self.add(id, label, "Saisissez une date au format AAAA-MM-JJ.");
        }
        parsed
    }

    /// A whole number typed in an optional field: `None` when blank, and when it is not one,
    /// with the problem on the field.
    pub fn whole<T: std::str::FromStr>(&mut self, id: &str, label: &str, text: &str) -> Option<T> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let parsed = text.parse().ok();
        if parsed.is_none() {
            self.add(id, label, "Saisissez un nombre entier.");
        }
        parsed
    }

    /// A write the rules refused, on the field it names among `fields` (`(id, label)`), or on
    /// the first one; anything but a refusal is handed back, for the error page.
    pub fn refused(&mut self, error: ApiError, fields: &[(&str, &str)]) -> Result<(), ApiError> {
        self.refused_at(error, |named| {
            // `reviewers[2]` is the `reviewers` field's (a list typed in one box) when no
            // field has the exact name.
            let stem = named.map(|n| n.split(['[', '.']).next().unwrap_or(n));
            let (id, label) = fields
                .iter()
                .find(|(id, _)| Some(*id) == named)
                .or_else(|| fields.iter().find(|(id, _)| Some(*id) == stem))
                .or(fields.first())
                .copied()
                .unwrap_or(("formulaire", "Formulaire"));
            (id.to_owned(), label.to_owned())
        })
    }

    /// A write the rules refused, on the field `(id, label)` that `locate` finds for the
    /// field the refusal names (`None` when it names none): for forms whose inputs are not
    /// named as the domain's fields (`milestones[1].planned_on` is a phase's date input).
    /// Anything but a refusal is handed back, for the error page.
    pub fn refused_at(
        &mut self,
        error: ApiError,
        locate: impl FnOnce(Option<&str>) -> (String, String),
    ) -> Result<(), ApiError> {
        let ApiError::Refused(refused) = error else {
            return Err(error);
        };
        let named = match &refused {
            DomainError::Invalid { field, .. } => Some(field.as_str()),
            DomainError::Conflict(conflict) => conflict.field(),
        };
        let (id, label) = locate(named);
        self.add(&id, &label, refused.french());
        Ok(())
    }

    /// The problem on the field `id`, if any.
    pub fn of(&self, id: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Problem> {
        self.0.iter()
    }
}

impl From<Vec<Problem>> for FieldErrors {
    fn from(problems: Vec<Problem>) -> Self {
        FieldErrors(problems)
    }
}

impl<'a> IntoIterator for &'a FieldErrors {
    type Item = &'a Problem;
    type IntoIter = std::slice::Iter<'a, Problem>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// A form's page: 200, or 422 when it comes back with errors.
pub fn form_page(template: &impl Template, errors: &FieldErrors) -> HttpResponse {
    let mut response = super::render(template);
    if !errors.is_empty() && response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

/// One choice of a `<select>`.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    /// The choices of a list, `(value, label)`, `chosen` selected.
    pub fn list<V: Into<String>, L: Into<String>>(
        all: impl IntoIterator<Item = (V, L)>,
        chosen: &str,
    ) -> Vec<Choice> {
        all.into_iter()
            .map(|(value, label)| {
                let value = value.into();
                Choice {
                    selected: value == chosen,
                    value,
                    label: label.into(),
                }
            })
            .collect()
    }
}

/// A text field left blank: no value (an optional field cleared).
pub fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

/// A number as people type it: `12,5` or `12.5`, thousands grouped by spaces; the same rule
/// as a spreadsheet's cells.
pub use pilote_domain::french_input::parse_decimal;

/// An amount in whole euros as people type it (`600 000`, `600000`), not negative.
pub fn parse_euros(text: &str) -> Option<i64> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{A0}' | '\u{202F}' | '€'))
        .collect();
    digits.parse::<i64>().ok().filter(|v| *v >= 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_are_read_whole() {
        assert_eq!(parse_euros("600 000"), Some(600_000));
        assert_eq!(parse_euros("1\u{202F}200 €"), Some(1200));
        assert_eq!(parse_euros("12,5"), None);
        assert_eq!(parse_euros("-3"), None);
    }

    #[test]
    fn french_numbers_are_read() {
        assert_eq!(parse_decimal("12,5"), Some(12.5));
        assert_eq!(parse_decimal("1 234,5"), Some(1234.5));
        assert_eq!(parse_decimal("12.5"), Some(12.5));
        assert_eq!(parse_decimal("douze"), None);
        assert_eq!(parse_decimal("inf"), None);
    }
}
