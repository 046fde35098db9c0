//! The whole product sheet (thematiques, user types, technos, co-incubators, contacts, links,
//! statuses): one row of `product_sheets`, the lists in `product_tags`, co-incubation in
//! `product_incubators`. A product without rows has an empty sheet.

use std::collections::HashMap;

use diesel::prelude::*;
use pilote_domain::{
    AccessibilityStatus, Contacts, DsfrStatus, Email, Links, MonServiceSecurise, ProductSheet,
    Slug, fold,
};

use crate::{
    connection::DbConnection,
    error::{StoreError, StoreResult, corrupt},
    ids::{Actor, ProductId},
    repo::{audit, incubators, products},
    schema::{
        incubators as inc, product_incubators as pi, product_sheets as ps, product_tags as pt,
    },
};

const THEMATIQUE: &str = "thematique";
const USER_TYPE: &str = "user_type";
const TECHNO: &str = "techno";

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = ps, treat_none_as_null = true)]
struct SheetRow {
    product_id: i64,
    contact: Option<String>,
    dinum_contact: Option<String>,
    incubator_contact: Option<String>,
    stats_url: Option<String>,
    budget_url: Option<String>,
    impact_url: Option<String>,
    roadmap_url: Option<String>,
    dashlord_url: Option<String>,
    ecodesign_url: Option<String>,
    risk_analysis_url: Option<String>,
    accessibility_status: Option<String>,
    dsfr_status: Option<String>,
    monservicesecurise: Option<bool>,
    monservicesecurise_url: Option<String>,
    risk_analysis: Option<bool>,
}

impl SheetRow {
    fn of(product: ProductId, s: &ProductSheet) -> SheetRow {
        let email = |e: &Option<Email>| e.as_ref().map(ToString::to_string);
        SheetRow {
            product_id: product.0,
            contact: email(&s.contacts.product),
            dinum_contact: email(&s.contacts.dinum),
            incubator_contact: email(&s.contacts.incubator),
            stats_url: s.links.stats.clone(),
            budget_url: s.links.budget.clone(),
            impact_url: s.links.impact.clone(),
            roadmap_url: s.links.roadmap.clone(),
            dashlord_url: s.links.dashlord.clone(),
            ecodesign_url: s.links.ecodesign.clone(),
            risk_analysis_url: s.links.risk_analysis.clone(),
            accessibility_status: s.accessibility_status.map(|a| a.as_str().to_owned()),
            dsfr_status: s.dsfr_status.map(|d| d.as_str().to_owned()),
            monservicesecurise: s.monservicesecurise.registered,
            monservicesecurise_url: s.monservicesecurise.url.clone(),
            risk_analysis: s.risk_analysis,
        }
    }

    /// Fills the single values of `sheet`.
    fn fill(self, sheet: &mut ProductSheet) -> StoreResult<()> {
        let id = self.product_id;
        let email = |e: Option<String>| {
            e.map(|e| Email::parse(&e).map_err(|err| corrupt("product_sheets", id, err)))
                .transpose()
        };
        sheet.contacts = Contacts {
            product: email(self.contact)?,
            dinum: email(self.dinum_contact)?,
            incubator: email(self.incubator_contact)?,
        };
        sheet.links = Links {
            stats: self.stats_url,
            budget: self.budget_url,
            impact: self.impact_url,
            roadmap: self.roadmap_url,
            dashlord: self.dashlord_url,
            ecodesign: self.ecodesign_url,
            risk_analysis: self.risk_analysis_url,
        };
        sheet.accessibility_status = self
            .accessibility_status
            .as_deref()
            .map(AccessibilityStatus::parse)
            .transpose()
            .map_err(|e| corrupt("product_sheets", id, e))?;
        sheet.dsfr_status = self
            .dsfr_status
            .as_deref()
            .map(DsfrStatus::parse)
            .transpose()
            .map_err(|e| corrupt("product_sheets", id, e))?;
        sheet.monservicesecurise = MonServiceSecurise {
            registered: self.monservicesecurise,
            url: self.monservicesecurise_url,
        };
        sheet.risk_analysis = self.risk_analysis;
        Ok(())
    }
}

fn list_of<'a>(sheet: &'a mut ProductSheet, kind: &str) -> Option<&'a mut Vec<String>> {
    match kind {
        THEMATIQUE => Some(&mut sheet.thematiques),
        USER_TYPE => Some(&mut sheet.user_types),
        TECHNO => Some(&mut sheet.technos),
        _ => None,
    }
}

/// The sheets of one product (every product when `None`); products without rows are
/// absent: callers default them.
fn load(
    conn: &mut DbConnection,
    only: Option<ProductId>,
) -> StoreResult<HashMap<ProductId, ProductSheet>> {
    let mut sheets: HashMap<ProductId, ProductSheet> = HashMap::new();
    let mut rows = ps::table.select(SheetRow::as_select()).into_boxed();
    let mut tags = pt::table
        .order((pt::product_id, pt::kind, pt::rank))
        .select((pt::product_id, pt::kind, pt::label))
        .into_boxed();
    if let Some(id) = only {
        rows = rows.filter(ps::product_id.eq(id.0));
        tags = tags.filter(pt::product_id.eq(id.0));
    }
    for row in rows.load::<SheetRow>(conn)? {
        let id = ProductId(row.product_id);
        row.fill(sheets.entry(id).or_default())?;
    }
    for (id, kind, label) in tags.load::<(i64, String, String)>(conn)? {
        let sheet = sheets.entry(ProductId(id)).or_default();
        list_of(sheet, &kind)
            .ok_or_else(|| corrupt("product_tags", id, format!("unknown kind {kind}")))?
            .push(label);
    }
    for (id, slugs) in co_incubators(conn, only)? {
        sheets.entry(id).or_default().co_incubators = slugs;
    }
    Ok(sheets)
}

/// The product's sheet (empty when nothing was ever set).
pub fn get(conn: &mut DbConnection, product: ProductId) -> StoreResult<ProductSheet> {
    Ok(load(conn, Some(product))?
        .remove(&product)
        .unwrap_or_default())
}

/// Every product's sheet, for lists; products absent have an empty sheet.
pub fn all(conn: &mut DbConnection) -> StoreResult<HashMap<ProductId, ProductSheet>> {
    load(conn, None)
}

/// Every thematique present, once each (accents and case ignored), in French order.
pub fn thematiques(conn: &mut DbConnection) -> StoreResult<Vec<String>> {
    let labels: Vec<String> = pt::table
        .filter(pt::kind.eq(THEMATIQUE))
        .select(pt::label)
        .distinct()
        .load(conn)?;
    let mut out: Vec<String> = Vec::new();
    for label in labels {
        if !out.iter().any(|l| fold(l) == fold(&label)) {
            out.push(label);
        }
    }
    out.sort_by(|a, b| pilote_domain::french_cmp(a, b));
    Ok(out)
}

/// The products whose sheet holds this thematique (accents and case ignored).
pub fn with_thematique(conn: &mut DbConnection, wanted: &str) -> StoreResult<Vec<ProductId>> {
    let wanted = fold(wanted.trim());
    let rows: Vec<(i64, String)> = pt::table
        .filter(pt::kind.eq(THEMATIQUE))
        .select((pt::product_id, pt::label))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(_, label)| fold(label) == wanted)
        .map(|(id, _)| ProductId(id))
        .collect())
}

/// The products an incubator co-incubates (not those it runs as their own incubator).
pub fn co_incubated(conn: &mut DbConnection, incubator: &Slug) -> StoreResult<Vec<ProductId>> {
    Ok(pi::table
        .inner_join(inc::table)
        .filter(inc::slug.eq(incubator.as_ref()))
        .select(pi::product_id)
        .load::<i64>(conn)?
        .into_iter()
        .map(ProductId)
        .collect())
}

/// The co-incubators of one product (of every product when `None`), in the sheet's order.
pub fn co_incubators(
    conn: &mut DbConnection,
    only: Option<ProductId>,
) -> StoreResult<HashMap<ProductId, Vec<Slug>>> {
    let query = pi::table
        .inner_join(inc::table)
        .order((pi::product_id, pi::rank))
        .select((pi::product_id, inc::slug));
    let rows: Vec<(i64, String)> = match only {
        // Not boxed: a statement of one text, which SQLite keeps prepared (every write of
        // measures reads its product's co-incubators for the permission check).
        Some(id) => query.filter(pi::product_id.eq(id.0)).load(conn)?,
        None => query.load(conn)?,
    };
    let mut out: HashMap<ProductId, Vec<Slug>> = HashMap::new();
    for (id, slug) in rows {
        let slug = Slug::parse(&slug).map_err(|e| corrupt("incubators", &slug, e))?;
        out.entry(ProductId(id)).or_default().push(slug);
    }
    Ok(out)
}

/// The incubators running a product: its own first, then its co-incubators by rank (whose
/// managers may act on it too).
pub fn running(conn: &mut DbConnection, product: ProductId, own: Slug) -> StoreResult<Vec<Slug>> {
    let co = co_incubators(conn, Some(product))?
        .remove(&product)
        .unwrap_or_default();
    Ok(std::iter::once(own).chain(co).collect())
}

/// Writes the sheet as given (already checked), replacing the stored one; no audit entry
/// (the import and the sync write their own). A co-incubator must exist.
pub(crate) fn write(
    conn: &mut DbConnection,
    product: ProductId,
    sheet: &ProductSheet,
) -> StoreResult<()> {
    let row = SheetRow::of(product, sheet);
    let updated = diesel::update(ps::table.find(product.0))
        .set(&row)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(ps::table).values(&row).execute(conn)?;
    }
    diesel::delete(pt::table.filter(pt::product_id.eq(product.0))).execute(conn)?;
    for (kind, list) in [
        (THEMATIQUE, &sheet.thematiques),
        (USER_TYPE, &sheet.user_types),
        (TECHNO, &sheet.technos),
    ] {
        for (rank, label) in list.iter().enumerate() {
            diesel::insert_into(pt::table)
                .values((
                    pt::product_id.eq(product.0),
                    pt::kind.eq(kind),
                    pt::rank.eq(i32::try_from(rank).unwrap_or(i32::MAX)),
                    pt::label.eq(label),
                ))
                .execute(conn)?;
        }
    }
    diesel::delete(pi::table.filter(pi::product_id.eq(product.0))).execute(conn)?;
    for (rank, slug) in sheet.co_incubators.iter().enumerate() {
        let (incubator, _) = incubators::find(conn, slug)?;
        diesel::insert_into(pi::table)
            .values((
                pi::product_id.eq(product.0),
                pi::incubator_id.eq(incubator.0),
                pi::rank.eq(i32::try_from(rank).unwrap_or(i32::MAX)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Sets the product's sheet after checking it (`ProductSheet::checked`), with an audit entry
/// holding before and after; the same sheet again writes nothing. A co-incubator that does
/// not exist is `NotFound { what: "incubator" }`.
pub fn set(
    conn: &mut DbConnection,
    product: ProductId,
    sheet: ProductSheet,
    actor: Actor,
) -> StoreResult<ProductSheet> {
    let stored = products::get(conn, product)?;
    let sheet = sheet.checked(&stored.incubator)?;
    let before = get(conn, product)?;
    if before == sheet {
        return Ok(sheet);
    }
    for slug in &sheet.co_incubators {
        match incubators::find(conn, slug) {
            Err(StoreError::NotFound { .. }) => {
                return Err(StoreError::NotFound { what: "incubator" });
            }
            other => {
                other?;
            }
        }
    }
    write(conn, product, &sheet)?;
    let json = |s: &ProductSheet| serde_json::to_string(s).ok();
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action: "product.sheet",
            entity: "product",
            entity_key: stored.slug.to_string(),
            before: json(&before),
            after: json(&sheet),
        },
    )?;
    Ok(sheet)
}
