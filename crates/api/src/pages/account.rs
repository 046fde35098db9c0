//! `/compte`: the signed-in person's account — changing their password, and the API tokens of
//! the products they may contribute to (list, create with the secret shown once, revoke),
//! through the same store code as `/api/v1/products/{slug}/tokens`.

use actix_web::{HttpRequest, HttpResponse, get, http::header, post, web};
use askama::Template;
use chrono::Utc;
use pilote_charts::french;
use pilote_domain::{
    Period, TokenName,
    access::{Action, allows},
};
use pilote_store::{
    Actor, Database, TokenId,
    repo::{indicators, products, tokens, users},
};
use serde::Deserialize;

use super::{
    Nav,
    forms::{CsrfForm, FieldErrors, Need, PageResult, SignedIn, form_page},
    redirect,
};
use crate::{
    auth::{
        JwtConfig,
        login::{Outcome, attempt},
        password,
        session::SessionConfig,
    },
    db,
    error::ApiError,
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
    name: String,
    email: String,
    notice: Option<&'static str>,
    errors: FieldErrors,
    products: Vec<ProductChoice>,
    /// The product whose tokens are shown: slug and name.
    chosen: Option<(String, String)>,
    tokens: Vec<TokenLine>,
    token_name: String,
    /// A token just created: its name and secret, shown this once.
    secret: Option<(String, String)>,
    /// How a script uses a token of the chosen product.
    usage: Option<TokenUsage>,
    /// Whether the visitor may invite people (administrators, managers).
    may_invite: bool,
}

/// What a script needs to use a token: the product's indicator keys and `curl` examples.
struct TokenUsage {
    /// Listing the indicators (a token may, for its own product).
    list: String,
    /// Posting a value to the first indicator; none without an indicator.
    post: Option<String>,
    /// Each indicator's key, label and periodicity.
    keys: Vec<(String, String, &'static str)>,
}

/// `?produit=<slug>&fait=<what>`.
#[derive(Debug, Default, Deserialize)]
pub struct AccountQuery {
    produit: Option<String>,
    fait: Option<String>,
}

/// The password form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    actuel: String,
    nouveau: String,
    confirmation: String,
}

/// The new-token form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenForm {
    produit: String,
    nom: String,
}

/// The revoke form (the id as text: form fields are read as text).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RevokeForm {
    produit: String,
    id: String,
}

/// The page for `user`, with the tokens of `chosen` (or of the first product they may manage);
/// `base` is Pilote's public address, for the `curl` examples.
async fn page(
    db: &web::Data<Database>,
    user: &SignedIn,
    chosen: Option<String>,
    base: &str,
) -> Result<AccountPage, ApiError> {
    let grants = user.user.user.grants.clone();
    let today = Utc::now().date_naive();
    let (manageable, tokens) = db::read(db, move |c| {
        let manageable: Vec<_> = products::overviews(c, None, today)?
            .into_iter()
            .filter(|o| {
                allows(
                    &grants,
                    Action::Contribute {
                        product: &o.product.slug,
                        incubators: &o.incubators(),
                    },
                )
            })
            .collect();
        let shown = manageable
            .iter()
            .find(|o| chosen.as_deref() == Some(o.product.slug.as_ref()))
            .or_else(|| manageable.first());
        let tokens = match shown {
            Some(o) => Some((
                o.product.slug.to_string(),
                tokens::list(c, o.id)?,
                indicators::list(c, o.id)?,
            )),
            None => None,
        };
        Ok((manageable, tokens))
    })
    .await?;
    let shown_slug = tokens.as_ref().map(|(slug, _, _)| slug.clone());
    let usage = tokens.as_ref().map(|(slug, _, keys)| TokenUsage {
        list: format!(
            "curl -H \"Authorization: Bearer $PILOTE_JETON\" \\\n  {base}/api/v1/products/{slug}/indicators"
        ),
        post: keys.first().map(|(_, i)| {
            format!(
                "curl -X POST -H \"Authorization: Bearer $PILOTE_JETON\" \\\n  \
                 -H \"Content-Type: application/json\" \\\n  \
                 -d '{{\"measures\": [{{\"indicator\": \"{}\", \"period\": \"{}\", \"value\": 42}}]}}' \\\n  \
                 {base}/api/v1/products/{slug}/measures",
                i.key,
                Period::last_complete(i.periodicity, Utc::now().date_naive()).start(),
            )
        }),
        keys: keys
            .iter()
            .map(|(_, i)| (i.key.to_string(), i.label.clone(), i.periodicity.label_fr()))
            .collect(),
    });
    let chosen = manageable
        .iter()
        .find(|o| Some(o.product.slug.to_string()) == shown_slug)
        .map(|o| (o.product.slug.to_string(), o.product.name.clone()));
    Ok(AccountPage {
        nav: user.nav.clone(),
        name: user.user.user.name.clone(),
        email: user.user.user.email.to_string(),
        notice: None,
        errors: FieldErrors::default(),
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
            .map(|(_, list, _)| list)
            .unwrap_or_default()
            .into_iter()
            .map(|t| TokenLine {
                id: t.id.0,
                name: t.name,
                prefix: t.prefix,
                created: french::moment(t.created_at),
                last_used: t
                    .last_used_at
                    .map_or_else(|| "jamais".to_owned(), french::moment),
                revoked: t.revoked_at.map(french::moment),
            })
            .collect(),
        token_name: String::new(),
        secret: None,
        usage,
        may_invite: crate::service::invitations::may_invite(&user.user.user).is_ok(),
    })
}

/// The account page.
#[get("/compte")]
pub async fn show(
    user: SignedIn,
    db: web::Data<Database>,
    config: web::Data<SessionConfig>,
    query: web::Query<AccountQuery>,
) -> PageResult {
    let AccountQuery { produit, fait } = query.into_inner();
    let mut page = page(&db, &user, produit, config.public_url()).await?;
    page.notice = match fait.as_deref() {
        Some("mot-de-passe") => {
            Some("Votre mot de passe a été modifié. Vos autres sessions ont été fermées.")
        }
        Some("jeton-revoque") => Some("Le jeton a été révoqué : il ne fonctionne plus."),
        _ => None,
    };
    Ok(form_page(&page, &page.errors))
}

/// Changes the password: the current one is checked like a login (same rate limits), the new
/// one against the same rules as everywhere (at least [`password::MIN_LENGTH`] characters).
/// Every session of the person ends but this one, which gets a new cookie.
#[post("/compte/mot-de-passe")]
pub async fn change_password(
    req: HttpRequest,
    CsrfForm { user, fields: form }: CsrfForm<PasswordForm>,
    db: web::Data<Database>,
    jwt: web::Data<JwtConfig>,
    config: web::Data<SessionConfig>,
) -> PageResult {
    let mut errors = FieldErrors::default();
    if form.actuel.is_empty() {
        let message = "Saisissez votre mot de passe actuel.";
        errors.add("actuel", "Mot de passe actuel", message);
    }
    let strong = password::check_strength(&form.nouveau);
    if errors
        .check("nouveau", "Nouveau mot de passe", strong)
        .is_some()
        && form.confirmation != form.nouveau
    {
        let message = "La confirmation ne correspond pas au nouveau mot de passe.";
        errors.add("confirmation", "Confirmation", message);
    }
    // The current password is checked last, and only for an otherwise valid form: each
    // check counts as a login attempt.
    if errors.is_empty() {
        let (ip, email) = (
            crate::client_ip::client_ip(&req),
            user.user.user.email.to_string(),
        );
        let (current, checker) = (form.actuel.clone(), db.clone());
        let outcome = web::block(move || attempt(&checker, &email, &current, &ip)).await??;
        let refused = match outcome {
            Outcome::Accepted(_) => None,
            Outcome::Rejected => Some("Le mot de passe actuel est incorrect."),
            Outcome::Limited { .. } => {
                Some("Trop de tentatives ont échoué : patientez quelques minutes, puis réessayez.")
            }
        };
        if let Some(message) = refused {
            errors.add("actuel", "Mot de passe actuel", message);
        }
    }
    if !errors.is_empty() {
        let mut page = page(&db, &user, None, config.public_url()).await?;
        page.errors = errors;
        return Ok(form_page(&page, &page.errors));
    }
    let new_password = form.nouveau;
    let hashed = web::block(move || password::hash(&new_password))
        .await?
        .map_err(|e| ApiError::Internal(e.to_string().into()))?;
    let id = user.user.user.id;
    let generation = db::write(&db, move |c| {
        users::set_password(c, id, &hashed, Actor::User(id))
    })
    .await?;
    let issued = jwt
        .issue_session(id, &user.user.user.email, generation)
        .map_err(|e| ApiError::Internal(Box::new(e)))?;
    log::info!("user {} changed their password", id.0);
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/compte?fait=mot-de-passe"))
        .append_header((
            header::SET_COOKIE,
            config.session_cookie(&issued.token, issued.expires_in),
        ))
        .finish())
}

/// Creates an API token for a product the visitor may contribute to; the page shows its
/// secret this once (a page, not a redirect: the secret must not travel in a URL).
#[post("/compte/jetons")]
pub async fn create_token(
    CsrfForm { user, fields: form }: CsrfForm<TokenForm>,
    db: web::Data<Database>,
    config: web::Data<SessionConfig>,
) -> PageResult {
    let scope = user.product(&db, &form.produit, Need::Contribute).await?;
    let slug = Some(scope.slug.to_string());
    let Ok(name) = TokenName::parse(&form.nom) else {
        // The rule is the domain's; the page only chooses the words.
        let message = if form.nom.trim().is_empty() {
            "Donnez un nom au jeton (par exemple « script hebdomadaire »).".to_owned()
        } else {
            format!("Le nom compte au plus {} caractères.", TokenName::MAX_LEN)
        };
        let mut page = page(&db, &user, slug, config.public_url()).await?;
        page.errors.add("nom", "Nom du jeton", message);
        page.token_name = form.nom;
        return Ok(form_page(&page, &page.errors));
    };
    let (name, actor, product) = (name.to_string(), Actor::User(user.user.user.id), scope.id);
    let stored = name.clone();
    let (_, secret) = db::write(&db, move |c| tokens::create(c, product, &stored, actor)).await?;
    let mut page = page(&db, &user, slug, config.public_url()).await?;
    page.secret = Some((name, secret));
    let mut response = form_page(&page, &page.errors);
    // The secret is in this page only: not for any cache, not even the browser's.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// Revokes one of the product's tokens: it stops working at once.
#[post("/compte/jetons/revoquer")]
pub async fn revoke_token(
    CsrfForm { user, fields: form }: CsrfForm<RevokeForm>,
    db: web::Data<Database>,
) -> PageResult {
    let scope = user.product(&db, &form.produit, Need::Contribute).await?;
    let id = form
        .id
        .trim()
        .parse()
        .map_err(|_| ApiError::NotFound("token"))?;
    let (actor, product, id) = (Actor::User(user.user.user.id), scope.id, TokenId(id));
    db::write(&db, move |c| tokens::revoke(c, product, id, actor)).await?;
    Ok(redirect(&format!(
        "/compte?produit={}&fait=jeton-revoque",
        scope.slug
    )))
}
