//! `/compte`: the signed-in person's account — changing their password, and the API tokens of
//! the products they may contribute to (list, create with the secret shown once, revoke),
//! through the same store code as `/api/v1/products/{slug}/tokens`.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use askama::Template;
use chrono::{NaiveDateTime, Utc};
use pilote_charts::french;
use pilote_domain::{
    TokenName,
    access::{Action, allows},
};
use pilote_store::{
    Actor, Database, TokenId,
    repo::{products, tokens, users},
};
use serde::Deserialize;

use super::{
    Nav, error_page,
    forms::{Problem, check_csrf},
    redirect,
};
use crate::{
    access,
    auth::{
        JwtConfig,
        login::{Outcome, attempt},
        password,
        session::{MaybePageUser, PageUser, SessionConfig},
    },
    db,
    error::ApiError,
    service::scope::scope_of,
};

/// A product whose tokens the visitor may manage.
struct ProductChoice {
    slug: String,
    name: String,
    selected: bool,
}

/// One token, never its secret.
struct TokenLine {
    id: i64,
    name: String,
    prefix: String,
    created: String,
    last_used: String,
    revoked: Option<String>,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    nav: Nav,
    csrf: String,
    name: String,
    email: String,
    notice: Option<&'static str>,
    errors: Vec<Problem>,
    products: Vec<ProductChoice>,
    /// The product whose tokens are shown: slug and name.
    chosen: Option<(String, String)>,
    tokens: Vec<TokenLine>,
    token_name: String,
    /// A token just created: its name and secret, shown this once.
    secret: Option<(String, String)>,
}

impl AccountPage {
    /// The error shown next to the field `id`, if any.
    fn error_of(&self, id: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.message.as_str())
    }
}

/// `?produit=<slug>&fait=<what>`.
#[derive(Debug, Default, Deserialize)]
pub struct AccountQuery {
    produit: Option<String>,
    fait: Option<String>,
}

/// The password form.
#[derive(Debug, Default, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    actuel: String,
    #[serde(default)]
    nouveau: String,
    #[serde(default)]
    confirmation: String,
}

/// The new-token form.
#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    produit: String,
    #[serde(default)]
    nom: String,
}

/// The revoke form.
#[derive(Debug, Default, Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    produit: String,
    #[serde(default)]
    id: i64,
}

fn moment(at: NaiveDateTime) -> String {
    format!("{} à {}", french::date(at.date()), at.format("%H:%M"))
}

/// The page for `user`, with the tokens of `chosen` (or of the first product they may manage).
async fn page(
    db: &web::Data<Database>,
    config: &SessionConfig,
    user: &PageUser,
    chosen: Option<String>,
) -> Result<AccountPage, ApiError> {
    let grants = user.user.grants.clone();
    let today = Utc::now().date_naive();
    let (manageable, tokens) = db::read(db, move |c| {
        let manageable: Vec<_> = products::overviews(c, None, today)?
            .into_iter()
            .filter(|o| {
                allows(
                    &grants,
                    Action::Contribute {
                        product: &o.product.slug,
                        incubator: &o.product.incubator,
                    },
                )
            })
            .collect();
        let shown = manageable
            .iter()
            .find(|o| chosen.as_deref() == Some(o.product.slug.as_ref()))
            .or_else(|| manageable.first());
        let tokens = match shown {
            Some(o) => Some((o.product.slug.to_string(), tokens::list(c, o.id)?)),
            None => None,
        };
        Ok((manageable, tokens))
    })
    .await?;
    let shown_slug = tokens.as_ref().map(|(slug, _)| slug.clone());
    let chosen = manageable
        .iter()
        .find(|o| Some(o.product.slug.to_string()) == shown_slug)
        .map(|o| (o.product.slug.to_string(), o.product.name.clone()));
    Ok(AccountPage {
        nav: Nav::of(user, config),
        csrf: config.csrf("session", &user.jwt),
        name: user.user.name.clone(),
        email: user.user.email.to_string(),
        notice: None,
        errors: Vec::new(),
        products: manageable
            .iter()
            .map(|o| ProductChoice {
                selected: Some(o.product.slug.to_string()) == shown_slug,
                slug: o.product.slug.to_string(),
                name: o.product.name.clone(),
            })
            .collect(),
        chosen,
        tokens: tokens
            .map(|(_, list)| list)
            .unwrap_or_default()
            .into_iter()
            .map(|t| TokenLine {
                id: t.id.0,
                name: t.name,
                prefix: t.prefix,
                created: moment(t.created_at),
                last_used: t.last_used_at.map_or_else(|| "jamais".to_owned(), moment),
                revoked: t.revoked_at.map(moment),
            })
            .collect(),
        token_name: String::new(),
        secret: None,
    })
}

fn show_page(result: Result<AccountPage, ApiError>, status: StatusCode) -> HttpResponse {
    match result {
        Ok(page) => {
            let mut response = super::render(&page);
            if response.status() == StatusCode::OK {
                *response.status_mut() = status;
            }
            response
        }
        Err(e) => error_page(e),
    }
}

/// The account page.
#[get("/compte")]
pub async fn show(
    visitor: MaybePageUser,
    db: web::Data<Database>,
    config: web::Data<SessionConfig>,
    query: web::Query<AccountQuery>,
) -> HttpResponse {
    let Some(user) = visitor.0 else {
        return redirect("/connexion");
    };
    let AccountQuery { produit, fait } = query.into_inner();
    let result = page(&db, &config, &user, produit).await.map(|mut p| {
        p.notice = match fait.as_deref() {
            Some("mot-de-passe") => {
                Some("Votre mot de passe a été modifié. Vos autres sessions ont été fermées.")
            }
            Some("jeton-revoque") => Some("Le jeton a été révoqué : il ne fonctionne plus."),
            _ => None,
        };
        p
    });
    show_page(result, StatusCode::OK)
}

fn problem(id: &str, label: &str, message: &str) -> Problem {
    Problem {
        id: id.to_owned(),
        label: label.to_owned(),
        message: message.to_owned(),
    }
}

/// Changes the password: the current one is checked like a login (same rate limits), the new
/// one against the same rules as everywhere (at least [`password::MIN_LENGTH`] characters).
/// Every session of the person ends but this one, which gets a new cookie.
#[post("/compte/mot-de-passe")]
pub async fn change_password(
    req: HttpRequest,
    visitor: MaybePageUser,
    db: web::Data<Database>,
    jwt: web::Data<JwtConfig>,
    config: web::Data<SessionConfig>,
    form: web::Form<PasswordForm>,
) -> HttpResponse {
    let Some(user) = visitor.0 else {
        return redirect("/connexion");
    };
    let form = form.into_inner();
    if let Err(e) = check_csrf(&config, &user, &form.csrf) {
        return error_page(e);
    }
    let mut errors = Vec::new();
    if form.actuel.is_empty() {
        errors.push(problem(
            "actuel",
            "Mot de passe actuel",
            "Saisissez votre mot de passe actuel.",
        ));
    }
    if password::check_strength(&form.nouveau).is_err() {
        let message = if form.nouveau.chars().count() < password::MIN_LENGTH {
            format!(
                "Le nouveau mot de passe doit compter au moins {} caractères.",
                password::MIN_LENGTH
            )
        } else {
            format!(
                "Le nouveau mot de passe doit compter au plus {} caractères.",
                password::MAX_LENGTH
            )
        };
        errors.push(problem("nouveau", "Nouveau mot de passe", &message));
    } else if form.confirmation != form.nouveau {
        errors.push(problem(
            "confirmation",
            "Confirmation",
            "La confirmation ne correspond pas au nouveau mot de passe.",
        ));
    }
    // The current password is checked last, and only for an otherwise valid form: each
    // check counts as a login attempt.
    if errors.is_empty() {
        let ip = crate::client_ip::client_ip(&req);
        let email = user.user.email.to_string();
        let current = form.actuel.clone();
        let checker = db.clone();
        let outcome = match web::block(move || attempt(&checker, &email, &current, &ip)).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(e)) => return error_page(e.into()),
            Err(e) => return error_page(e.into()),
        };
        match outcome {
            Outcome::Accepted(_) => {}
            Outcome::Rejected => errors.push(problem(
                "actuel",
                "Mot de passe actuel",
                "Le mot de passe actuel est incorrect.",
            )),
            Outcome::Limited { .. } => errors.push(problem(
                "actuel",
                "Mot de passe actuel",
                "Trop de tentatives ont échoué : patientez quelques minutes, puis réessayez.",
            )),
        }
    }
    if !errors.is_empty() {
        let result = page(&db, &config, &user, None).await.map(|mut p| {
            p.errors = errors;
            p
        });
        return show_page(result, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let new_password = form.nouveau;
    let hashed = match web::block(move || password::hash(&new_password)).await {
        Ok(Ok(hashed)) => hashed,
        Ok(Err(e)) => return error_page(ApiError::Internal(e.to_string().into())),
        Err(e) => return error_page(e.into()),
    };
    let id = user.user.id;
    let generation = match db::write(&db, move |c| {
        users::set_password(c, id, &hashed, Actor::User(id))
    })
    .await
    {
        Ok(generation) => generation,
        Err(e) => return error_page(e),
    };
    let issued = match jwt.issue_session(id, &user.user.email, generation) {
        Ok(issued) => issued,
        Err(e) => return error_page(ApiError::Internal(Box::new(e))),
    };
    log::info!("user {} changed their password", id.0);
    HttpResponse::SeeOther()
        .insert_header((
            actix_web::http::header::LOCATION,
            "/compte?fait=mot-de-passe",
        ))
        .append_header((
            actix_web::http::header::SET_COOKIE,
            config.session_cookie(&issued.token, issued.expires_in),
        ))
        .finish()
}

/// Creates an API token for a product the visitor may contribute to; the page shows its
/// secret this once (a page, not a redirect: the secret must not travel in a URL).
#[post("/compte/jetons")]
pub async fn create_token(
    visitor: MaybePageUser,
    db: web::Data<Database>,
    config: web::Data<SessionConfig>,
    form: web::Form<TokenForm>,
) -> HttpResponse {
    let Some(user) = visitor.0 else {
        return redirect("/connexion");
    };
    let form = form.into_inner();
    if let Err(e) = check_csrf(&config, &user, &form.csrf) {
        return error_page(e);
    }
    let scope = match scope_of(&db, &form.produit).await {
        Ok(scope) => scope,
        Err(e) => return error_page(e),
    };
    if let Err(e) = access::require(&user.user, scope.contribute()) {
        return error_page(e);
    }
    let Ok(name) = TokenName::parse(&form.nom) else {
        // The rule is the domain's; the page only chooses the words.
        let message = if form.nom.trim().is_empty() {
            "Donnez un nom au jeton (par exemple « script hebdomadaire »).".to_owned()
        } else {
            format!("Le nom compte au plus {} caractères.", TokenName::MAX_LEN)
        };
        let slug = scope.slug.to_string();
        let result = page(&db, &config, &user, Some(slug)).await.map(|mut p| {
            p.errors = vec![problem("nom", "Nom du jeton", &message)];
            p.token_name = form.nom;
            p
        });
        return show_page(result, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let name = name.to_string();
    let actor = Actor::User(user.user.id);
    let stored = name.clone();
    let product = scope.id;
    let secret = match db::write(&db, move |c| tokens::create(c, product, &stored, actor)).await {
        Ok((_, secret)) => secret,
        Err(e) => return error_page(e),
    };
    let result = page(&db, &config, &user, Some(scope.slug.to_string()))
        .await
        .map(|mut p| {
            p.secret = Some((name, secret));
            p
        });
    let mut response = show_page(result, StatusCode::OK);
    // The secret is in this page only: not for any cache, not even the browser's.
    response.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    response
}

/// Revokes one of the product's tokens: it stops working at once.
#[post("/compte/jetons/revoquer")]
pub async fn revoke_token(
    visitor: MaybePageUser,
    db: web::Data<Database>,
    config: web::Data<SessionConfig>,
    form: web::Form<RevokeForm>,
) -> HttpResponse {
    let Some(user) = visitor.0 else {
        return redirect("/connexion");
    };
    let form = form.into_inner();
    if let Err(e) = check_csrf(&config, &user, &form.csrf) {
        return error_page(e);
    }
    let scope = match scope_of(&db, &form.produit).await {
        Ok(scope) => scope,
        Err(e) => return error_page(e),
    };
    if let Err(e) = access::require(&user.user, scope.contribute()) {
        return error_page(e);
    }
    let actor = Actor::User(user.user.id);
    let (product, id) = (scope.id, TokenId(form.id));
    if let Err(e) = db::write(&db, move |c| tokens::revoke(c, product, id, actor)).await {
        return error_page(e);
    }
    redirect(&format!(
        "/compte?produit={}&fait=jeton-revoque",
        scope.slug
    ))
}
