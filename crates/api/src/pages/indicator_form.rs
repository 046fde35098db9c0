//! `/produits/{slug}/indicateurs/nouveau` and `/produits/{slug}/indicateurs/{key}/modifier`:
//! what a product measures, defined by its team or its incubator's managers through the same
//! service as `/api/v1/products/{slug}/indicators`.

use actix_web::{get, post, web};
use askama::Template;
use pilote_domain::{Aggregation, Direction, Indicator, MatrixRole, Periodicity, Principle, Slug};
use pilote_store::{
    Database,
    repo::{indicators, products},
};
use serde::Deserialize;

use super::{
    Nav,
    forms::{Choice, CsrfForm, FieldErrors, Need, PageResult, SignedIn, form_page, optional},
    redirect,
};
use crate::{
    access::ProductScope,
    db,
    service::{
        indicators::{self as edit, IndicatorChanges},
        scope,
    },
};

#[derive(Template)]
#[template(path = "indicator_form.html")]
struct IndicatorPage {
    nav: Nav,
    product_nav: super::product_nav::ProductNav,
    scope: ProductScope,
    title: String,
    /// The indicator's key when editing; empty for a new one.
    key: String,
    principles: Vec<Choice>,
    roles: Vec<Choice>,
    directions: Vec<Choice>,
    periodicities: Vec<Choice>,
    aggregations: Vec<Choice>,
    form: IndicatorForm,
    errors: FieldErrors,
}

/// The fields as typed; the ids are the domain's field names.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct IndicatorForm {
    key: String,
    label: String,
    unit: String,
    description: String,
    principle: String,
    matrix_role: String,
    direction: String,
    periodicity: String,
    aggregation: String,
    north_star: Option<String>,
}

/// `(id, label)` of the fields a refusal may name; the first takes those that name none.
const FIELDS: [(&str, &str); 6] = [
    ("key", "Clé"),
    ("label", "Nom"),
    ("unit", "Unité"),
    ("description", "Mode de calcul"),
    ("matrix_role", "Case obligatoire de la matrice"),
    ("periodicity", "Périodicité"),
];

/// A list's choices from one of the domain's enums, `chosen` selected.
macro_rules! choices {
    ($kind:ty, $chosen:expr) => {
        Choice::list(<$kind>::ALL.map(|v| (v.as_str(), v.label_fr())), $chosen)
    };
}

async fn page(
    db: &web::Data<Database>,
    (user, scope): (SignedIn, ProductScope),
    key: &str,
    form: IndicatorForm,
    errors: FieldErrors,
) -> PageResult {
    let id = scope.id;
    let product = db::read(db, move |c| Ok(products::get(c, id)?.name)).await?;
    let title = if key.is_empty() {
        "Nouvel indicateur".to_owned()
    } else {
        format!("Modifier l'indicateur « {} »", form.label)
    };
    let page = IndicatorPage {
        principles: choices!(Principle, &form.principle),
        roles: choices!(MatrixRole, &form.matrix_role),
        directions: choices!(Direction, &form.direction),
        periodicities: choices!(Periodicity, &form.periodicity),
        aggregations: choices!(Aggregation, &form.aggregation),
        product_nav: super::product_nav::ProductNav::new(
            &user.user.user,
            &scope,
            &product,
            super::product_nav::Tab::Sheet,
            Some(&title),
        ),
        nav: user.nav,
        scope,
        title,
        key: key.to_owned(),
        form,
        errors,
    };
    Ok(form_page(&page, &page.errors))
}

/// The typed fields as the domain's values, each problem on its field.
struct Parsed {
    direction: Option<Direction>,
    principle: Option<Principle>,
    periodicity: Option<Periodicity>,
    aggregation: Option<Aggregation>,
    matrix_role: Option<Option<MatrixRole>>,
}

fn parse(form: &IndicatorForm, errors: &mut FieldErrors) -> Parsed {
    let mut choose = |id: &str, label: &str, ok: bool| {
        if !ok {
            errors.add(id, label, "Choisissez une valeur dans la liste.");
        }
    };
    let direction = Direction::parse(&form.direction).ok();
    choose("direction", "Sens", direction.is_some());
    let principle = Principle::parse(&form.principle).ok();
    choose("principle", "Principe", principle.is_some());
    let periodicity = Periodicity::parse(&form.periodicity).ok();
    choose("periodicity", "Périodicité", periodicity.is_some());
    let aggregation = Aggregation::parse(&form.aggregation).ok();
    choose("aggregation", "Agrégation", aggregation.is_some());
    let matrix_role = match form.matrix_role.trim() {
        "" => Some(None),
        role => MatrixRole::parse(role).ok().map(Some),
    };
    choose("matrix_role", "Case obligatoire", matrix_role.is_some());
    Parsed {
        direction,
        principle,
        periodicity,
        aggregation,
        matrix_role,
    }
}

/// The empty form: weekly, higher is better, rolled up by sum.
#[get("/produits/{slug}/indicateurs/nouveau")]
pub async fn new_form(
    user: SignedIn,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    let scope = user.product(&db, &slug, Need::Contribute).await?;
    let form = IndicatorForm {
        direction: Direction::Increase.as_str().to_owned(),
        periodicity: Periodicity::Week.as_str().to_owned(),
        aggregation: Aggregation::Sum.as_str().to_owned(),
        ..IndicatorForm::default()
    };
    page(&db, (user, scope), "", form, FieldErrors::default()).await
}

/// Adds the indicator, then the product's page; the form again (422) otherwise.
#[post("/produits/{slug}/indicateurs/nouveau")]
pub async fn create(
    CsrfForm { user, fields: form }: CsrfForm<IndicatorForm>,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    let scope = user.product(&db, &slug, Need::Contribute).await?;
    let mut errors = FieldErrors::default();
    let key = errors.check(
        "key",
        "Clé",
        Slug::parse(form.key.trim()).map_err(|e| e.with_field("key")),
    );
    let p = parse(&form, &mut errors);
    if let (
        Some(key),
        Some(direction),
        Some(principle),
        Some(periodicity),
        Some(aggregation),
        Some(matrix_role),
    ) = (
        key,
        p.direction,
        p.principle,
        p.periodicity,
        p.aggregation,
        p.matrix_role,
    ) {
        let indicator = Indicator {
            key,
            label: form.label.trim().to_owned(),
            unit: form.unit.trim().to_owned(),
            direction,
            principle,
            periodicity,
            aggregation,
            matrix_role,
            north_star: form.north_star.is_some(),
            description: optional(&form.description),
        };
        match edit::create(&db, &user.principal(), &scope, indicator).await {
            Ok(()) => return Ok(redirect(&format!("/produits/{}", scope.slug))),
            Err(refused) => errors.refused(refused, &FIELDS)?,
        }
    }
    page(&db, (user, scope), "", form, errors).await
}

/// The indicator's form, filled with what is stored.
#[get("/produits/{slug}/indicateurs/{key}/modifier")]
pub async fn edit_form(
    user: SignedIn,
    db: web::Data<Database>,
    path: web::Path<(String, String)>,
) -> PageResult {
    let (slug, key) = path.into_inner();
    let scope = user.product(&db, &slug, Need::Contribute).await?;
    let (id, wanted) = (scope.id, scope::slug(&key, "indicator")?);
    let (_, i) = db::read(&db, move |c| indicators::find(c, id, &wanted)).await?;
    let form = IndicatorForm {
        key: i.key.to_string(),
        label: i.label,
        unit: i.unit,
        description: i.description.unwrap_or_default(),
        principle: i.principle.as_str().to_owned(),
        matrix_role: i
            .matrix_role
            .map(|r| r.as_str().to_owned())
            .unwrap_or_default(),
        direction: i.direction.as_str().to_owned(),
        periodicity: i.periodicity.as_str().to_owned(),
        aggregation: i.aggregation.as_str().to_owned(),
        north_star: i.north_star.then(|| "oui".to_owned()),
    };
    page(&db, (user, scope), &key, form, FieldErrors::default()).await
}

/// Saves the indicator, then the product's page; the form again (422) otherwise.
#[post("/produits/{slug}/indicateurs/{key}/modifier")]
pub async fn update(
    CsrfForm { user, fields: form }: CsrfForm<IndicatorForm>,
    db: web::Data<Database>,
    path: web::Path<(String, String)>,
) -> PageResult {
    let (slug, key) = path.into_inner();
    let scope = user.product(&db, &slug, Need::Contribute).await?;
    let mut errors = FieldErrors::default();
    let p = parse(&form, &mut errors);
    if errors.is_empty() {
        let changes = IndicatorChanges {
            label: Some(form.label.clone()),
            unit: Some(form.unit.clone()),
            direction: p.direction,
            principle: p.principle,
            periodicity: p.periodicity,
            aggregation: p.aggregation,
            matrix_role: p.matrix_role,
            north_star: Some(form.north_star.is_some()),
            description: Some(optional(&form.description)),
        };
        match edit::update(&db, &user.principal(), &scope, &key, changes).await {
            Ok(_) => return Ok(redirect(&format!("/produits/{}", scope.slug))),
            Err(refused) => errors.refused(refused, &FIELDS[1..])?,
        }
    }
    page(&db, (user, scope), &key, form, errors).await
}
