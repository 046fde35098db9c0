//! The open data files of the published products' measures (« ouverture par défaut »):
//! served by `/api/v1/opendata/...` and written by `pilote export opendata DIR`.

use pilote_domain::{Funnel, MatrixRole, Periodicity, Principle};
use pilote_store::repo::{
    campaigns::CampaignFunnel,
    opendata::{OpenMeasure, OpenProduct},
};
use serde::Serialize;
use serde_json::{Value, json};

use crate::error::ApiError;

/// The licence every file is published under.
pub const LICENCE_NAME: &str = "etalab-2.0";
/// Its title.
pub const LICENCE_TITLE: &str = "Licence Ouverte / Open Licence version 2.0";
/// Where it is stated.
pub const LICENCE_URL: &str = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/";

/// The open data files, by name, as written by `pilote export opendata` and served here.
pub const FILE_NAMES: [&str; 6] = [
    "measures.csv",
    "measures.json",
    "schema.json",
    "datapackage.json",
    "funnel.json",
    "products.json",
];

/// One row of `measures.csv` / `measures.json`, in the schema's field order.
#[derive(Debug, Serialize)]
struct Row<'a> {
    product: &'a str,
    product_name: &'a str,
    incubator: &'a str,
    indicator: &'a str,
    indicator_label: &'a str,
    unit: &'a str,
    principle: &'a str,
    matrix_role: Option<&'a str>,
    periodicity: &'a str,
    period: String,
    value: f64,
}

fn row(m: &OpenMeasure) -> Row<'_> {
    Row {
        product: &m.product,
        product_name: &m.product_name,
        incubator: &m.incubator,
        indicator: &m.indicator,
        indicator_label: &m.indicator_label,
        unit: &m.unit,
        principle: &m.principle,
        matrix_role: m.matrix_role.as_deref(),
        periodicity: &m.periodicity,
        period: m.period.format("%Y-%m-%d").to_string(),
        value: m.value,
    }
}

/// The Frictionless Table Schema of the measures.
pub fn schema() -> Value {
    let text = |name: &str, title: &str, description: &str| {
        json!({"name": name, "type": "string", "title": title, "description": description,
               "constraints": {"required": true}})
    };
    let one_of = |name: &str, title: &str, values: Vec<&str>, required: bool| {
        json!({"name": name, "type": "string", "title": title,
               "constraints": {"required": required, "enum": values}})
    };
    json!({
        "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
        "description": format!(
            "Valeurs des indicateurs des produits numériques publics dont les statistiques sont \
             publiées, suivies dans Pilote selon la matrice d'impact de la DINUM. \
             {LICENCE_TITLE} ({LICENCE_URL})."),
        "fields": [
            text("product", "Produit (identifiant)", "Identifiant du produit (slug beta.gouv)."),
            text("product_name", "Produit", "Nom du produit."),
            text("incubator", "Incubateur (identifiant)", "Identifiant de l'incubateur qui porte le produit."),
            text("indicator", "Indicateur (identifiant)", "Clé de l'indicateur, unique par produit."),
            text("indicator_label", "Indicateur", "Nom de l'indicateur."),
            {"name": "unit", "type": "string", "title": "Unité",
             "description": "Unité des valeurs, vide pour un nombre sans unité."},
            one_of("principle", "Principe de la matrice d'impact",
                   Principle::ALL.map(Principle::as_str).to_vec(), true),
            one_of("matrix_role", "Case obligatoire de la matrice",
                   MatrixRole::ALL.map(MatrixRole::as_str).to_vec(), false),
            one_of("periodicity", "Périodicité",
                   Periodicity::ALL.map(Periodicity::as_str).to_vec(), true),
            {"name": "period", "type": "date", "format": "default",
             "title": "Début de la période",
             "description": "Premier jour de la période (un lundi ou un 1er du mois).",
             "constraints": {"required": true}},
            {"name": "value", "type": "number", "title": "Valeur",
             "constraints": {"required": true}},
        ],
        "primaryKey": ["product", "indicator", "period"],
        "missingValues": [""],
    })
}

/// The Data Package describing both files, licence stated. The CSV is the tabular resource,
/// checked against `schema.json`; the JSON holds the same rows for scripts, declared as a plain
/// data resource (reading JSON as a table needs an optional part of the Frictionless tools).
pub fn datapackage() -> Value {
    json!({
        "profile": "data-package",
        "name": "pilote-mesures",
        "title": "Mesures des produits numériques publics",
        "description": "Valeurs des indicateurs d'impact des produits publiés dans Pilote \
                        (utilisable, utilisé, utile, impactant). Ni dépense, ni note de revue, \
                        ni auteur.",
        "licenses": [{"name": LICENCE_NAME, "title": LICENCE_TITLE, "path": LICENCE_URL}],
        "resources": [
            {"name": "measures", "path": "measures.csv", "profile": "tabular-data-resource",
             "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
             "schema": "schema.json"},
            {"name": "measures-json", "path": "measures.json", "profile": "data-resource",
             "format": "json", "mediatype": "application/json", "encoding": "utf-8",
             "description": "Les mêmes lignes que measures.csv, en tableau d'objets JSON dont \
                             les clés sont les champs de schema.json."},
            {"name": "funnel", "path": "funnel.json", "profile": "data-resource",
             "format": "json", "mediatype": "application/json", "encoding": "utf-8",
             "description": "L'entonnoir des appels à candidatures, par appel et par année \
                             d'ouverture : candidatures reçues, présélectionnées, retenues, \
                             investigations lancées, passées en construction. Des nombres \
                             seulement, aucune donnée de personne."},
            {"name": "products", "path": "products.json", "profile": "data-resource",
             "format": "json", "mediatype": "application/json", "encoding": "utf-8",
             "description": "Les produits publiés et la partie publique de leur fiche : \
                             thématiques, types d'usagers, incubateurs, statuts d'accessibilité \
                             et d'usage du DSFR, liens publics. Ni contact, ni analyse de \
                             risques."},
        ],
    })
}

/// `measures.csv`: a header line, then one line per value, comma-separated, UTF-8.
pub fn measures_csv(measures: &[OpenMeasure]) -> Result<Vec<u8>, ApiError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    for m in measures {
        out.serialize(row(m))
            .map_err(|e| ApiError::Internal(Box::new(e)))?;
    }
    if measures.is_empty() {
        // serde writes the header with the first row: an empty table still has its header.
        out.write_record([
            "product",
            "product_name",
            "incubator",
            "indicator",
            "indicator_label",
            "unit",
            "principle",
            "matrix_role",
            "periodicity",
            "period",
            "value",
        ])
        .map_err(|e| ApiError::Internal(Box::new(e)))?;
    }
    out.into_inner()
        .map_err(|e| ApiError::Internal(Box::new(e.into_error())))
}

/// `measures.json`: an array of objects, one per value, keyed like the CSV's header.
pub fn measures_json(measures: &[OpenMeasure]) -> Result<Vec<u8>, ApiError> {
    let rows: Vec<Row<'_>> = measures.iter().map(row).collect();
    serde_json::to_vec_pretty(&rows).map_err(|e| ApiError::Internal(Box::new(e)))
}

pub fn pretty(value: &Value) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec_pretty(value).map_err(|e| ApiError::Internal(Box::new(e)))
}

/// `funnel.json`: each campaign's funnel and the sums per year of opening, counts only.
pub fn funnel_json(
    campaigns: &[CampaignFunnel],
    years: &[(i32, Funnel)],
) -> Result<Vec<u8>, ApiError> {
    let counts = |f: &Funnel| {
        json!({"received": f.received, "preselected": f.preselected, "selected": f.selected,
               "investigations": f.investigations, "construction": f.construction})
    };
    let with = |mut counts: Value, extra: Value| {
        if let (Some(c), Some(e)) = (counts.as_object_mut(), extra.as_object()) {
            c.extend(e.clone());
        }
        counts
    };
    pretty(&json!({
        "campaigns": campaigns.iter().map(|c| with(counts(&c.funnel), json!({
            "incubator": c.incubator.as_ref(), "campaign": c.campaign.as_ref(),
            "title": c.title, "year": c.year,
        }))).collect::<Vec<_>>(),
        "years": years.iter().map(|(year, f)| with(counts(f), json!({"year": year})))
            .collect::<Vec<_>>(),
    }))
}

/// `products.json`: each published product and the public part of its sheet — never its
/// contacts (people's addresses) nor its risk analysis (`Links::public`).
pub fn products_json(products: &[OpenProduct]) -> Result<Vec<u8>, ApiError> {
    let all: Vec<Value> = products
        .iter()
        .map(|p| {
            let s = &p.sheet;
            let mut incubators = vec![p.incubator.clone()];
            incubators.extend(s.co_incubators.iter().map(ToString::to_string));
            let links: serde_json::Map<String, Value> = s
                .links
                .public()
                .all()
                .into_iter()
                .filter_map(|(name, url)| Some((name.to_owned(), Value::from(url.clone()?))))
                .collect();
            json!({
                "product": p.product,
                "product_name": p.product_name,
                "incubators": incubators,
                "thematiques": s.thematiques,
                "user_types": s.user_types,
                "accessibility_status": s.accessibility_status.map(|a| a.as_str()),
                "dsfr_status": s.dsfr_status.map(|d| d.as_str()),
                "links": links,
            })
        })
        .collect();
    pretty(&Value::Array(all))
}

/// Every open data file, `(name, bytes)`, from the published measures, the campaigns'
/// funnels and the published products' sheets.
pub fn files(
    measures: &[OpenMeasure],
    funnels: &[CampaignFunnel],
    products: &[OpenProduct],
) -> Result<Vec<(&'static str, Vec<u8>)>, ApiError> {
    let years = pilote_store::repo::campaigns::per_year(funnels);
    Ok(vec![
        ("measures.csv", measures_csv(measures)?),
        ("measures.json", measures_json(measures)?),
        ("schema.json", pretty(&schema())?),
        ("datapackage.json", pretty(&datapackage())?),
        ("funnel.json", funnel_json(funnels, &years)?),
        ("products.json", products_json(products)?),
    ])
}
