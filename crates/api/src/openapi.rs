//! The OpenAPI 3 document, served at `GET /api/v1/openapi.json`.
//!
//! It is assembled as the routes are registered: `routes::configure` registers every handler
//! through `utoipa-actix-web`, which collects each handler's `#[utoipa::path]` and the schemas
//! it references. This module adds what no handler carries: the document's info, its tags, the
//! bearer security scheme, and schemas for the domain's enums (declared here so that
//! `pilote-domain` stays free of framework types, and generated from the domain's own lists of
//! values so that they cannot drift).

use actix_web::{App, HttpResponse, dev::ServiceRequest, get, http::header, web};
use pilote_domain::{
    AccessibilityStatus as DomainAccessibilityStatus, Aggregation as DomainAggregation,
    CertificationLevel as DomainCertificationLevel, CommitmentArea as DomainCommitmentArea,
    DecisionKind as DomainDecisionKind, Direction as DomainDirection,
    DsfrStatus as DomainDsfrStatus, MatomoMetric as DomainMatomoMetric,
    MatrixRole as DomainMatrixRole, MeasureSource as DomainMeasureSource,
    ObjectiveStatus as DomainObjectiveStatus, Outcome as DomainOutcome,
    Periodicity as DomainPeriodicity, Phase as DomainPhase, Principle as DomainPrinciple,
    ProductStatus as DomainProductStatus, SourceKind as DomainSourceKind, Verdict as DomainVerdict,
};
use serde::Serialize;
use utoipa::{
    Modify, OpenApi, ToSchema,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};
use utoipa_actix_web::{AppExt, UtoipaApp};

use crate::{
    error::{ApiError, ErrorEnvelope},
    routes,
};

/// The name handlers use in `security(...)` for the bearer scheme.
pub const BEARER: &str = "bearer";

/// The parts of the document no handler carries.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Pilote",
        description = "Portfolio tracker for public digital products run the beta.gouv way. \
            Every error is `{\"error\":{\"code\",\"message\",\"details\"}}` with the right status \
            code; every list is `{\"items\",\"page\",\"per_page\",\"total\"}`.",
    ),
    modifiers(&BearerScheme),
    // The error responses routes share (`error::responses`) refer to the envelope without
    // bringing its schema along, as a route's own `body = ErrorEnvelope` row does.
    components(schemas(ErrorEnvelope)),
    tags(
        (name = "operations", description = "Probes and this document"),
        (name = "auth", description = "Login tokens and the signed-in user"),
        (name = "incubators", description = "Incubators and their phase durations"),
        (name = "portfolio", description = "The whole portfolio at a glance"),
        (name = "products", description = "Products and their description"),
        (name = "decisions", description = "Committee decisions and the phase history"),
        (name = "indicators", description = "What a product measures"),
        (name = "measures", description = "Values posted as JSON or CSV, series and corrections"),
        (name = "tokens", description = "Product API tokens for scripts"),
        (name = "contract", description = "Contrat de réussite: contract, objectives, commitments, spend, status"),
        (name = "reviews", description = "Contract reviews: frozen snapshots, verdicts, decisions, signatures"),
        (name = "campaigns", description = "Appels à candidatures: campaigns, applications, the jury, launching an investigation"),
        (name = "irritants", description = "Irritants submitted to an incubator: votes, the product that answers, closing"),
        (name = "opendata", description = "Published products' measures as open data (Licence Ouverte 2.0, Etalab)"),
    )
)]
struct Base;

/// Declares the bearer scheme once; protected handlers refer to it by [`BEARER`].
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A login JWT from `POST /api/v1/auth/login`, or a product API token \
                         (`pil_...`) from `POST /api/v1/products/{slug}/tokens`.",
                    ))
                    .build(),
            ),
        );
    }
}

/// Registers every route on `app` through `utoipa-actix-web` and returns the app with the
/// document that registration collected, ready to be served.
pub fn mount<T>(app: UtoipaApp<T>) -> App<T>
where
    T: actix_web::dev::ServiceFactory<
            ServiceRequest,
            Config = (),
            Error = actix_web::Error,
            InitError = (),
        >,
{
    let (app, api) = app
        .openapi(Base::openapi())
        .configure(routes::configure)
        .split_for_parts();
    app.app_data(web::Data::new(Served::new(&api)))
}

/// The document as the server builds it, without a server (for tests and tools).
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(Base::openapi())
        .configure(routes::configure)
        .split_for_parts();
    api
}

/// The document serialised once per worker, not once per request.
pub struct Served(Result<String, String>);

impl Served {
    fn new(api: &utoipa::openapi::OpenApi) -> Served {
        Served(api.to_json().map_err(|e| e.to_string()))
    }
}

/// This OpenAPI 3 document: every route, schema and error of the API. No credentials needed.
#[utoipa::path(
    operation_id = "openapi",
    tag = "operations",
    responses(
        (status = 200, description = "The OpenAPI document", content_type = "application/json",
         body = Object),
    )
)]
#[get("/openapi.json")]
pub async fn serve(served: web::Data<Served>) -> Result<HttpResponse, ApiError> {
    match &served.0 {
        Ok(json) => Ok(HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .body(json.clone())),
        Err(e) => Err(ApiError::Internal(
            format!("the OpenAPI document did not serialise: {e}").into(),
        )),
    }
}

/// A schema for a string enum: its allowed values come from a list the code keeps (the domain's
/// `ALL`, [`ApiError::CODES`]), so a new variant shows up in the document without anyone editing
/// it. Paths are written in full so that `error.rs` can use it too.
macro_rules! string_enum_schema {
    ($(#[$meta:meta])* $name:ident, $description:literal, $values:expr) => {
        $(#[$meta])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::Type::String)
                    .description(Some($description))
                    .enum_values(Some($values))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }
    };
}
pub(crate) use string_enum_schema;

string_enum_schema!(
    /// `pilote_domain::Direction` in the document.
    Direction,
    "Which way an indicator is better.",
    DomainDirection::ALL.map(DomainDirection::as_str)
);
string_enum_schema!(
    /// `pilote_domain::Principle` in the document.
    Principle,
    "A column of the DINUM « matrice d'impact ».",
    DomainPrinciple::ALL.map(DomainPrinciple::as_str)
);
string_enum_schema!(
    /// `pilote_domain::Periodicity` in the document.
    Periodicity,
    "How often an indicator is measured: ISO weeks (from Monday) or calendar months.",
    DomainPeriodicity::ALL.map(DomainPeriodicity::as_str)
);
string_enum_schema!(
    /// `pilote_domain::Aggregation` in the document.
    Aggregation,
    "How weekly values roll up into a month (default `last`).",
    DomainAggregation::ALL.map(DomainAggregation::as_str)
);
string_enum_schema!(
    /// `pilote_domain::MatrixRole` in the document.
    MatrixRole,
    "A mandatory slot of the impact matrix an indicator fills.",
    DomainMatrixRole::ALL.map(DomainMatrixRole::as_str)
);
string_enum_schema!(
    /// `pilote_domain::MeasureSource` in the document.
    MeasureSource,
    "Where a measure came from.",
    DomainMeasureSource::ALL.map(DomainMeasureSource::as_str)
);
string_enum_schema!(
    /// `pilote_domain::SourceKind` in the document.
    SourceKind,
    "What an indicator's source reads: Matomo's Reporting API, a JSON or a CSV URL.",
    DomainSourceKind::ALL.map(DomainSourceKind::as_str)
);
string_enum_schema!(
    /// `pilote_domain::MatomoMetric` in the document.
    MatomoMetric,
    "The `VisitsSummary.get` figure a Matomo source reads.",
    DomainMatomoMetric::ALL.map(DomainMatomoMetric::as_str)
);
string_enum_schema!(
    /// `pilote_domain::Phase` in the document.
    Phase,
    "A phase of the beta.gouv method.",
    DomainPhase::ALL.map(DomainPhase::as_str)
);
string_enum_schema!(
    /// `pilote_domain::ProductStatus` in the document.
    ProductStatus,
    "A product's current phase, or `stopped`.",
    DomainProductStatus::ALL.map(DomainProductStatus::as_str)
);
string_enum_schema!(
    /// `pilote_domain::AccessibilityStatus` in the document.
    AccessibilityStatus,
    "The accessibility statement's conclusion: not, partially or fully compliant (RGAA).",
    DomainAccessibilityStatus::ALL.map(DomainAccessibilityStatus::as_str)
);
string_enum_schema!(
    /// `pilote_domain::DsfrStatus` in the document.
    DsfrStatus,
    "How far the product uses the State's design system (DSFR): none, partial, full.",
    DomainDsfrStatus::ALL.map(DomainDsfrStatus::as_str)
);
string_enum_schema!(
    /// `pilote_domain::CertificationLevel` in the document.
    CertificationLevel,
    "The certification level of an impact matrix: none, published, certified by DINUM's coaches, validated as a service of national impact.",
    DomainCertificationLevel::ALL.map(DomainCertificationLevel::as_str)
);
string_enum_schema!(
    /// `pilote_domain::Outcome` in the document.
    Outcome,
    "How a finished product ended, as the beta.gouv.fr catalogue says: consolidated, operated, transferred, or abandoned.",
    DomainOutcome::ALL.map(DomainOutcome::as_str)
);
string_enum_schema!(
    /// `pilote_domain::DecisionKind` in the document.
    DecisionKind,
    "What an investment committee decided.",
    DomainDecisionKind::ALL.map(DomainDecisionKind::as_str)
);
string_enum_schema!(
    /// `pilote_domain::CommitmentArea` in the document.
    CommitmentArea,
    "A doctrine area a contract commits to.",
    DomainCommitmentArea::ALL.map(DomainCommitmentArea::as_str)
);
string_enum_schema!(
    /// `pilote_domain::ObjectiveStatus` in the document.
    ObjectiveStatus,
    "Where a contract objective stands.",
    DomainObjectiveStatus::ALL.map(DomainObjectiveStatus::as_str)
);
string_enum_schema!(
    /// `pilote_domain::Verdict` in the document.
    Verdict,
    "The overall verdict of a review.",
    DomainVerdict::ALL.map(DomainVerdict::as_str)
);

/// `pilote_domain::Grant` in the document: a role and what it is scoped to. Serialised like the
/// domain's type (a test checks it), which this crate cannot annotate.
#[derive(Serialize, ToSchema)]
#[serde(tag = "role", rename_all = "snake_case")]
#[schema(as = Grant)]
pub enum GrantSchema {
    /// Everything.
    Admin,
    /// Manager of one incubator.
    Manager {
        /// The incubator's slug.
        incubator: String,
    },
    /// Member of one product's team.
    Member {
        /// The product's slug.
        product: String,
    },
    /// Read-only access to everything.
    Viewer,
}

#[cfg(test)]
mod tests {
    use pilote_domain::{Grant, Slug};

    use super::*;

    #[test]
    fn the_grant_schema_serialises_like_the_domain_grant() {
        let slug = || Slug::parse("dinum").expect("slug");
        let cases = [
            (Grant::Admin, GrantSchema::Admin),
            (
                Grant::Manager { incubator: slug() },
                GrantSchema::Manager {
                    incubator: "dinum".to_owned(),
                },
            ),
            (
                Grant::Member { product: slug() },
                GrantSchema::Member {
                    product: "dinum".to_owned(),
                },
            ),
            (Grant::Viewer, GrantSchema::Viewer),
        ];
        for (domain, schema) in cases {
            assert_eq!(
                serde_json::to_value(&domain).expect("json"),
                serde_json::to_value(&schema).expect("json")
            );
        }
    }
}
