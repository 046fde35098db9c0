//! `PUT /api/v1/products/{slug}/sheet`: the whole product sheet (thematiques, user types,
//! technos, co-incubators, contacts, links, statuses). Product answers carry it too.

use actix_web::{put, web};
use pilote_domain::{Email, Links, MonServiceSecurise, ProductSheet};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    auth::Principal,
    error::{ApiError, ErrorEnvelope, responses::*},
    json::Json,
    openapi,
    service::product_sheet::{self, SheetInput},
};

/// The sheet's contacts (e-mail addresses).
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ContactsDto {
    /// The product's own contact.
    pub product: Option<String>,
    /// The DINUM contact.
    pub dinum: Option<String>,
    /// The incubator's contact.
    pub incubator: Option<String>,
}

/// The sheet's links (http(s) URLs).
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LinksDto {
    pub stats: Option<String>,
    pub budget: Option<String>,
    /// The impact matrix.
    pub impact: Option<String>,
    pub roadmap: Option<String>,
    pub dashlord: Option<String>,
    /// The eco-design statement.
    pub ecodesign: Option<String>,
    /// The risk analysis (never in the open data).
    pub risk_analysis: Option<String>,
}

/// MonServiceSécurisé: registered there, and the record's link.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MonServiceSecuriseDto {
    pub registered: Option<bool>,
    pub url: Option<String>,
}

/// Declares the sheet twice from one field list: [`SheetDto`], the body `PUT` takes (unknown
/// keys refused, so its schema closes the object), and [`SheetView`], the same fields as
/// product answers carry them, flattened among the product's own keys (an open schema: a
/// closed one would refuse those keys).
macro_rules! sheet_structs {
    ($($(#[$meta:meta])* $field:ident: $ty:ty,)*) => {
        /// The whole product sheet, as `PUT /products/{slug}/sheet` takes it (every key
        /// optional: a key left out is emptied) and answers it.
        #[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
        #[serde(default, deny_unknown_fields)]
        pub struct SheetDto {
            $($(#[$meta])* pub $field: $ty,)*
        }

        /// The whole product sheet as product answers carry it (`PUT /products/{slug}/sheet`).
        #[derive(Debug, Default, Serialize, ToSchema)]
        pub struct SheetView {
            $($(#[$meta])* pub $field: $ty,)*
        }

        impl From<SheetDto> for SheetView {
            fn from(dto: SheetDto) -> Self {
                SheetView { $($field: dto.$field,)* }
            }
        }
    };
}

sheet_structs! {
    /// Thematiques (« Écologie »), at most 30.
    thematiques: Vec<String>,
    /// User types (`usertypes` in the catalogue: « etat », « particulier »…).
    user_types: Vec<String>,
    technos: Vec<String>,
    /// Incubators running the product besides its own (slugs); changing them is for the
    /// managers of an incubator running it.
    co_incubators: Vec<String>,
    contacts: ContactsDto,
    links: LinksDto,
    #[schema(value_type = Option<openapi::AccessibilityStatus>)]
    accessibility_status: Option<String>,
    #[schema(value_type = Option<openapi::DsfrStatus>)]
    dsfr_status: Option<String>,
    monservicesecurise: MonServiceSecuriseDto,
    /// Whether a risk analysis was made.
    risk_analysis: Option<bool>,
}

impl SheetDto {
    /// The sheet as answers show it.
    pub fn of(sheet: &ProductSheet) -> SheetDto {
        let email = |e: &Option<Email>| e.as_ref().map(ToString::to_string);
        let l = &sheet.links;
        SheetDto {
            thematiques: sheet.thematiques.clone(),
            user_types: sheet.user_types.clone(),
            technos: sheet.technos.clone(),
            co_incubators: sheet
                .co_incubators
                .iter()
                .map(ToString::to_string)
                .collect(),
            contacts: ContactsDto {
                product: email(&sheet.contacts.product),
                dinum: email(&sheet.contacts.dinum),
                incubator: email(&sheet.contacts.incubator),
            },
            links: LinksDto {
                stats: l.stats.clone(),
                budget: l.budget.clone(),
                impact: l.impact.clone(),
                roadmap: l.roadmap.clone(),
                dashlord: l.dashlord.clone(),
                ecodesign: l.ecodesign.clone(),
                risk_analysis: l.risk_analysis.clone(),
            },
            accessibility_status: sheet.accessibility_status.map(|a| a.as_str().to_owned()),
            dsfr_status: sheet.dsfr_status.map(|d| d.as_str().to_owned()),
            monservicesecurise: MonServiceSecuriseDto {
                registered: sheet.monservicesecurise.registered,
                url: sheet.monservicesecurise.url.clone(),
            },
            risk_analysis: sheet.risk_analysis,
        }
    }

    /// The domain's sheet; every field's problem at once (422), each with its path.
    pub fn into_sheet(self) -> Result<ProductSheet, ApiError> {
        let l = self.links;
        product_sheet::parse(SheetInput {
            thematiques: self.thematiques,
            user_types: self.user_types,
            technos: self.technos,
            co_incubators: self.co_incubators,
            contacts: [
                self.contacts.product,
                self.contacts.dinum,
                self.contacts.incubator,
            ],
            links: Links {
                stats: l.stats,
                budget: l.budget,
                impact: l.impact,
                roadmap: l.roadmap,
                dashlord: l.dashlord,
                ecodesign: l.ecodesign,
                risk_analysis: l.risk_analysis,
            },
            accessibility_status: self.accessibility_status,
            dsfr_status: self.dsfr_status,
            monservicesecurise: MonServiceSecurise {
                registered: self.monservicesecurise.registered,
                url: self.monservicesecurise.url,
            },
            risk_analysis: self.risk_analysis,
        })
    }
}

/// Replaces the whole product sheet (its team and the managers of any incubator running it;
/// changing the co-incubators: those managers only). A key left out is emptied. Audited.
#[utoipa::path(
    operation_id = "products_sheet_put",
    tag = "products",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
    ),
    request_body = SheetDto,
    responses(
        (status = 200, description = "The sheet as stored (labels trimmed, repeats dropped)", body = SheetDto),
        (status = 403, description = "Not in the team nor a manager of an incubator running it (co-incubators: not such a manager)", body = ErrorEnvelope),
        JsonBody, Unauthorized, UnknownProduct, InvalidFields, DatabaseDown,
    ),
)]
#[put("/products/{slug}/sheet")]
pub async fn put(
    principal: Principal,
    db: web::Data<pilote_store::Database>,
    path: web::Path<String>,
    body: Json<SheetDto>,
) -> Result<web::Json<SheetDto>, ApiError> {
    let sheet = body.0.into_sheet()?;
    let stored = product_sheet::set(&db, &principal, &path, sheet).await?;
    Ok(web::Json(SheetDto::of(&stored)))
}
