//! `/produits/{slug}/fiche`: the whole product sheet as beta.gouv's espace-membre keeps it
//! (thematiques, user types, co-incubation, contacts, links, statuses), through the same
//! service as `PUT /api/v1/products/{slug}/sheet`, with the same permissions: its team and
//! the managers of an incubator running it; the co-incubators only by those managers (anyone
//! else sees them, and saving keeps them as they are).

use std::collections::HashMap;

use actix_web::{get, post, web};
use askama::Template;
use pilote_domain::{
    AccessibilityStatus, DsfrStatus, Links, MonServiceSecurise, ProductSheet, Slug,
};
use pilote_store::{
    Database,
    repo::{incubators, products},
};
use serde::Deserialize;

use super::{
    Nav,
    forms::{Choice, CsrfForm, FieldErrors, Need, PageResult, SignedIn, form_page, optional},
    product_nav::{ProductNav, Tab},
    redirect,
};
use crate::{
    access::{self, ProductScope},
    db,
    error::ApiError,
    service::product_sheet::{self, SheetInput},
};

#[derive(Template)]
#[template(path = "sheet_form.html")]
struct SheetFormPage {
    nav: Nav,
    product_nav: ProductNav,
    title: String,
    slug: String,
    /// Whether the visitor may change the co-incubators.
    managing: bool,
    /// The other incubators, checked when they run the product too.
    co_incubators: Vec<Choice>,
    accessibility: Vec<Choice>,
    dsfr: Vec<Choice>,
    monservicesecurise: Vec<Choice>,
    risk_analysis: Vec<Choice>,
    form: SheetForm,
    errors: FieldErrors,
}

/// The sheet's fields as typed: lists one label per line; the ids are the API's field paths
/// with `_` for `.`, so that a refusal lands on its field.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SheetForm {
    thematiques: String,
    user_types: String,
    technos: String,
    contacts_product: String,
    contacts_dinum: String,
    contacts_incubator: String,
    links_stats: String,
    links_budget: String,
    links_impact: String,
    links_roadmap: String,
    links_dashlord: String,
    links_ecodesign: String,
    links_risk_analysis: String,
    accessibility_status: String,
    dsfr_status: String,
    /// `oui`, `non` or blank (not said).
    monservicesecurise_registered: String,
    monservicesecurise_url: String,
    /// `oui`, `non` or blank (not said).
    risk_analysis: String,
    /// The co-incubators' boxes, `co_incubator.SLUG=oui` (a form sends no list).
    #[serde(flatten)]
    rest: HashMap<String, String>,
}

/// `(id, label)` of every field a problem may name; the first takes those naming none.
const FIELDS: [(&str, &str); 19] = [
    ("thematiques", "Thématiques"),
    ("user_types", "Types d'usagers"),
    ("technos", "Technologies"),
    ("co_incubators", "Co-incubation"),
    ("contacts_product", "Contact du produit"),
    ("contacts_dinum", "Contact à la DINUM"),
    ("contacts_incubator", "Contact à l'incubateur"),
    ("links_stats", "Statistiques"),
    ("links_budget", "Budget"),
    ("links_impact", "Matrice d'impact"),
    ("links_roadmap", "Feuille de route"),
    ("links_dashlord", "DashLord"),
    ("links_ecodesign", "Déclaration d'écoconception"),
    ("links_risk_analysis", "Analyse de risques (document)"),
    ("accessibility_status", "Statut d'accessibilité"),
    ("dsfr_status", "Usage du DSFR"),
    ("monservicesecurise_registered", "MonServiceSécurisé"),
    ("monservicesecurise_url", "Fiche MonServiceSécurisé"),
    ("risk_analysis", "Analyse de risques"),
];

/// The form's `(id, label)` of a field path (`links.stats`, `co_incubators[2]`).
fn locate(named: Option<&str>) -> (String, String) {
    let id = named
        .map(|n| n.split('[').next().unwrap_or(n).replace('.', "_"))
        .unwrap_or_default();
    let (id, label) = FIELDS.iter().find(|(f, _)| *f == id).unwrap_or(&FIELDS[0]);
    ((*id).to_owned(), (*label).to_owned())
}

fn lines(list: &[String]) -> String {
    list.join("\n")
}

fn yes_no(value: Option<bool>) -> String {
    match value {
        Some(true) => "oui",
        Some(false) => "non",
        None => "",
    }
    .to_owned()
}

impl SheetForm {
    /// The stored sheet, as the form shows it.
    fn of(sheet: &ProductSheet) -> SheetForm {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let email = |e: &Option<pilote_domain::Email>| {
            e.as_ref().map(ToString::to_string).unwrap_or_default()
        };
        let l = &sheet.links;
        SheetForm {
            thematiques: lines(&sheet.thematiques),
            user_types: lines(&sheet.user_types),
            technos: lines(&sheet.technos),
            contacts_product: email(&sheet.contacts.product),
            contacts_dinum: email(&sheet.contacts.dinum),
            contacts_incubator: email(&sheet.contacts.incubator),
            links_stats: text(&l.stats),
            links_budget: text(&l.budget),
            links_impact: text(&l.impact),
            links_roadmap: text(&l.roadmap),
            links_dashlord: text(&l.dashlord),
            links_ecodesign: text(&l.ecodesign),
            links_risk_analysis: text(&l.risk_analysis),
            accessibility_status: sheet
                .accessibility_status
                .map(|a| a.as_str().to_owned())
                .unwrap_or_default(),
            dsfr_status: sheet
                .dsfr_status
                .map(|d| d.as_str().to_owned())
                .unwrap_or_default(),
            monservicesecurise_registered: yes_no(sheet.monservicesecurise.registered),
            monservicesecurise_url: text(&sheet.monservicesecurise.url),
            risk_analysis: yes_no(sheet.risk_analysis),
            rest: sheet
                .co_incubators
                .iter()
                .map(|s| (format!("co_incubator.{s}"), "oui".to_owned()))
                .collect(),
        }
    }

    /// Whether the box of the incubator `slug` is checked.
    fn co_incubator(&self, slug: &str) -> bool {
        self.rest.contains_key(&format!("co_incubator.{slug}"))
    }

    /// The sheet as typed, for the service; `keep` the stored co-incubators (the visitor may
    /// not change them) or read the boxes among `incubators`, in their order.
    fn input(&self, incubators: &[Slug], keep: Option<&[Slug]>) -> SheetInput {
        let list = |text: &str| text.lines().map(str::to_owned).collect();
        let co_incubators = match keep {
            Some(stored) => stored.iter().map(ToString::to_string).collect(),
            None => incubators
                .iter()
                .map(ToString::to_string)
                .filter(|s| self.co_incubator(s))
                .collect(),
        };
        let said = |text: &str| match text {
            "oui" => Some(true),
            "non" => Some(false),
            _ => None,
        };
        SheetInput {
            thematiques: list(&self.thematiques),
            user_types: list(&self.user_types),
            technos: list(&self.technos),
            co_incubators,
            contacts: [
                optional(&self.contacts_product),
                optional(&self.contacts_dinum),
                optional(&self.contacts_incubator),
            ],
            links: Links {
                stats: optional(&self.links_stats),
                budget: optional(&self.links_budget),
                impact: optional(&self.links_impact),
                roadmap: optional(&self.links_roadmap),
                dashlord: optional(&self.links_dashlord),
                ecodesign: optional(&self.links_ecodesign),
                risk_analysis: optional(&self.links_risk_analysis),
            },
            accessibility_status: optional(&self.accessibility_status),
            dsfr_status: optional(&self.dsfr_status),
            monservicesecurise: MonServiceSecurise {
                registered: said(&self.monservicesecurise_registered),
                url: optional(&self.monservicesecurise_url),
            },
            risk_analysis: said(&self.risk_analysis),
        }
    }
}

/// What the page needs besides the form: the product's name and the other incubators
/// `(slug, name)`.
async fn context(
    db: &web::Data<Database>,
    scope: &ProductScope,
) -> Result<(String, Vec<(Slug, String)>), ApiError> {
    let id = scope.id;
    let own = scope.incubators.first().cloned();
    db::read(db, move |c| {
        let name = products::get(c, id)?.name;
        let others = incubators::list(c)?
            .into_iter()
            .filter(|(_, i)| Some(&i.slug) != own.as_ref())
            .map(|(_, i)| (i.slug, i.name))
            .collect();
        Ok((name, others))
    })
    .await
}

fn page(
    user: &SignedIn,
    scope: &ProductScope,
    (name, others): (String, Vec<(Slug, String)>),
    form: SheetForm,
    errors: FieldErrors,
) -> SheetFormPage {
    let said = |chosen: &str| Choice::list([("oui", "Oui"), ("non", "Non")], chosen);
    SheetFormPage {
        nav: user.nav.clone(),
        product_nav: ProductNav::new(
            &user.user.user,
            scope,
            &name,
            Tab::Sheet,
            Some("Fiche complète"),
        ),
        title: format!("Fiche complète de {name}"),
        slug: scope.slug.to_string(),
        managing: access::require(&user.user.user, scope.manage()).is_ok(),
        co_incubators: others
            .into_iter()
            .map(|(slug, label)| Choice {
                selected: form.co_incubator(slug.as_ref()),
                value: slug.to_string(),
                label,
            })
            .collect(),
        accessibility: Choice::list(
            AccessibilityStatus::ALL.map(|a| (a.as_str(), a.label_fr())),
            &form.accessibility_status,
        ),
        dsfr: Choice::list(
            DsfrStatus::ALL.map(|d| (d.as_str(), d.label_fr())),
            &form.dsfr_status,
        ),
        monservicesecurise: said(&form.monservicesecurise_registered),
        risk_analysis: said(&form.risk_analysis),
        form,
        errors,
    }
}

/// The sheet, filled with what is stored.
#[get("/produits/{slug}/fiche")]
pub async fn edit_form(
    user: SignedIn,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    let scope = user.product(&db, &slug, Need::Contribute).await?;
    let (sheet, _) = product_sheet::get(&db, &slug).await?;
    let context = context(&db, &scope).await?;
    let page = page(
        &user,
        &scope,
        context,
        SheetForm::of(&sheet),
        FieldErrors::default(),
    );
    Ok(form_page(&page, &page.errors))
}

/// Saves the sheet, then the product's page; the sheet again (422, nothing written) with
/// every reason otherwise.
#[post("/produits/{slug}/fiche")]
pub async fn save(
    CsrfForm { user, fields: form }: CsrfForm<SheetForm>,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    let scope = user.product(&db, &slug, Need::Contribute).await?;
    let context = context(&db, &scope).await?;
    let managing = access::require(&user.user.user, scope.manage()).is_ok();
    let others: Vec<Slug> = context.1.iter().map(|(s, _)| s.clone()).collect();
    let keep = (!managing).then_some(&scope.incubators[1..]);
    let mut errors = FieldErrors::default();
    let written = match product_sheet::parse(form.input(&others, keep)) {
        Ok(sheet) => product_sheet::set(&db, &user.principal(), &slug, sheet).await,
        Err(invalid) => Err(invalid),
    };
    match written {
        Ok(_) => return Ok(redirect(&format!("/produits/{}", scope.slug))),
        Err(ApiError::InvalidMany(all)) => {
            for (field, problem) in all {
                let (id, label) = locate(Some(&field));
                errors.add(&id, &label, problem.french());
            }
        }
        Err(refused) => errors.refused_at(refused, locate)?,
    }
    let page = page(&user, &scope, context, form, errors);
    Ok(form_page(&page, &page.errors))
}
