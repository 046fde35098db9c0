//! The review pack: a signed (or draft) contract review as a printable French HTML page, with
//! the frozen snapshot's tables and the product's charts inlined as SVG. Built here once, for
//! the web page (`GET /produits/{slug}/revues/{id}`) and for `pilote review-pack` alike.

use askama::Template;
use chrono::NaiveDate;
use pilote_charts::{Dashboard, Format, Size, french};
use pilote_domain::{ObjectiveStatus, ProductStatus, ReviewSnapshot, Slug, Verdict};
use pilote_store::{
    DbConnection, ReviewId, StoreError, StoreResult,
    repo::{contracts, incubators, phases, products, reviews, users},
    transaction,
};

use crate::{error::ApiError, service::chart_data};

/// One objective's line of the snapshot, formatted.
pub struct ObjectiveRow {
    pub(crate) label: String,
    pub(crate) baseline: String,
    pub(crate) target: String,
    pub(crate) expected: String,
    pub(crate) latest: String,
    pub(crate) status: &'static str,
    pub(crate) class: &'static str,
    /// The trend's value at the deadline, or « — » with too few values.
    pub(crate) projected: String,
    /// The day the trend reaches the target, or why there is none.
    pub(crate) reached_on: String,
    /// « oui », « non » or « données insuffisantes ».
    pub(crate) will_meet: &'static str,
    /// Whether the latest value is flagged as suspect (the contract page sets it; a pack
    /// shows the frozen snapshot, which does not carry the flag).
    pub(crate) suspect: bool,
}

/// One milestone's schedule drift, formatted.
pub struct MilestoneRow {
    pub(crate) phase: &'static str,
    pub(crate) planned: String,
    pub(crate) reached: String,
    pub(crate) days: String,
    pub(crate) share: String,
}

/// One doctrine commitment.
pub struct CommitmentRow {
    pub(crate) area: &'static str,
    pub(crate) expected: String,
    pub(crate) current: String,
    pub(crate) evidence: Option<String>,
}

/// A chart with its heading; `svg` is pilote_charts' output, already escaped.
pub struct ChartBlock {
    title: String,
    svg: String,
}

/// The width the pack's charts are drawn at: an A4 page's printable width (180 mm at 96 px an
/// inch), so that on paper they print at their own size, their text at 10 px or more.
const CHART_WIDTH: u32 = 680;

/// The page: every value already formatted in French; askama escapes them all on output
/// except the charts' SVG (see the template).
#[derive(Template)]
#[template(path = "review_pack.html")]
pub struct ReviewPack {
    product: String,
    incubator: String,
    phase: &'static str,
    reviewed_on: String,
    signed: bool,
    /// Who signed, and when (Paris time): « Camille Martin, le 4 décembre 2026 à 10:15 ».
    signature: Option<String>,
    reviewers: Vec<String>,
    verdict: &'static str,
    verdict_class: &'static str,
    decision: String,
    rationale: String,
    notes: Vec<String>,
    objectives: Vec<ObjectiveRow>,
    planned_total: String,
    planned_to_date: String,
    spent_to_date: String,
    budget_drift: String,
    milestones: Vec<MilestoneRow>,
    commitments: Vec<CommitmentRow>,
    next_review: String,
    review_overdue: bool,
    charts: Vec<ChartBlock>,
}

/// What a pack is drawn from, read in one transaction by [`load`].
pub struct PackData {
    product: String,
    incubator: String,
    phase: &'static str,
    /// The decision, an advance naming the phase it leads to.
    decision: String,
    /// The name of the person who signed, when signed.
    signer: Option<String>,
    record: reviews::ReviewRecord,
    snapshot: ReviewSnapshot,
    dashboard: Dashboard,
    /// The next review after this one, once signed.
    next_review: Option<NaiveDate>,
}

/// The pack's address among the product's French pages.
pub fn href(slug: &str, id: ReviewId) -> String {
    format!("/produits/{slug}/revues/{}", id.0)
}

/// Builds the pack of review `id` of the product `slug`: [`load`] in a read transaction,
/// then [`render`]. What `pilote review-pack` calls.
pub fn build(conn: &mut DbConnection, slug: &Slug, id: ReviewId) -> Result<String, ApiError> {
    let data = transaction::read(conn, |c| load(c, slug, id))?;
    render(data)
}

/// Reads what the pack of review `id` shows; `NotFound("review")` if the review is another
/// product's. The charts' data is cut at the review day: the pack shows what the committee saw.
pub fn load(conn: &mut DbConnection, slug: &Slug, id: ReviewId) -> StoreResult<PackData> {
    let (product_id, product) = products::find(conn, slug)?;
    let record = reviews::get(conn, id)?;
    if record.product != product_id {
        return Err(StoreError::NotFound { what: "review" });
    }
    let snapshot: ReviewSnapshot =
        serde_json::from_str(&record.snapshot).map_err(|e| StoreError::Corrupt {
            table: "reviews",
            key: id.0.to_string(),
            problem: e.to_string(),
        })?;
    let at = record.review.reviewed_on;
    let incubator = incubators::find(conn, &product.incubator)?.1.name;
    let history = phases::history(conn, product_id)?;
    let phase_then = history.phase_on(at);
    let decision = history.decision_label(snapshot.decision.kind, at);
    let signer = match record.signed_by {
        Some(user) => Some(users::get(conn, user)?.name),
        None => None,
    };
    let phase = match phase_then {
        Some(p) => p.label_fr(),
        None => ProductStatus::Stopped.label_fr(),
    };
    let mut dashboard = chart_data::dashboard(conn, product_id, at)?;
    if let Some(p) = phase_then {
        dashboard.status = ProductStatus::Active(p);
    }
    // The snapshot was taken before its review was signed, so its next review may be this
    // very one: once signed, the next is the first date of the cadence after it.
    let next_review = match contracts::find(conn, product_id)? {
        Some((_, contract)) if record.signed_at.is_some() => Some(contract.next_review(Some(at))),
        _ => None,
    };
    for panel in &mut dashboard.panels {
        as_of(&mut panel.chart, at);
        panel.status = panel
            .chart
            .objective
            .as_ref()
            .map(|o| o.status(panel.chart.direction, panel.chart.latest(), at));
    }
    Ok(PackData {
        product: product.name,
        incubator,
        phase,
        decision,
        signer,
        record,
        snapshot,
        dashboard,
        next_review,
    })
}

/// The page's HTML: the snapshot's tables, formatted in French, and the charts drawn.
pub fn render(data: PackData) -> Result<String, ApiError> {
    let PackData {
        product,
        incubator,
        phase,
        decision,
        signer,
        record,
        snapshot,
        dashboard,
        next_review,
    } = data;
    let at = record.review.reviewed_on;
    let status = &snapshot.status;
    let pack = ReviewPack {
        product,
        incubator,
        phase,
        reviewed_on: french::date(at),
        signed: record.signed_at.is_some(),
        signature: record.signed_at.map(|at| match signer {
            Some(name) => format!("{name}, le {}", french::moment(at)),
            None => format!("le {}", french::moment(at)),
        }),
        reviewers: record.review.reviewers.clone(),
        verdict: snapshot.verdict.label_fr(),
        verdict_class: verdict_class(snapshot.verdict),
        decision,
        rationale: snapshot.decision.rationale.as_ref().to_owned(),
        notes: record
            .review
            .notes
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
        objectives: status.objectives.iter().map(objective_row).collect(),
        planned_total: euros(status.budget.planned_total as f64),
        planned_to_date: euros(status.budget.planned_to_date as f64),
        spent_to_date: euros(status.budget.spent_to_date as f64),
        budget_drift: status
            .budget
            .drift
            .map_or_else(|| "—".to_owned(), signed_percent),
        milestones: status.schedule.iter().map(milestone_row).collect(),
        commitments: status.commitments.iter().map(commitment_row).collect(),
        next_review: french::date(next_review.unwrap_or(status.next_review)),
        review_overdue: next_review.is_none() && status.review_overdue,
        charts: charts(dashboard)?,
    };
    pack.render().map_err(|e| ApiError::Internal(Box::new(e)))
}

/// The dashboard, then each objective's indicator on its own.
fn charts(dashboard: Dashboard) -> Result<Vec<ChartBlock>, ApiError> {
    let mut out = vec![ChartBlock {
        title: "Tableau de bord des indicateurs".to_owned(),
        svg: svg(pilote_charts::dashboard_chart(
            &dashboard,
            size(CHART_WIDTH, 520)?,
            Format::Svg,
        ))?,
    }];
    for panel in dashboard.panels {
        if panel.chart.objective.is_none() {
            continue;
        }
        out.push(ChartBlock {
            title: format!("Objectif : {}", panel.chart.title),
            svg: svg(pilote_charts::indicator_chart(
                &panel.chart,
                size(CHART_WIDTH, 320)?,
                Format::Svg,
            ))?,
        });
    }
    Ok(out)
}

/// Drops what happened after the review day: the pack shows what the committee saw.
fn as_of(chart: &mut pilote_charts::IndicatorChart, at: NaiveDate) {
    chart.points.retain(|(p, _)| p.start() <= at);
    chart.phase_changes.retain(|(d, _)| *d <= at);
    chart.today = at;
}

fn size(width: u32, height: u32) -> Result<Size, ApiError> {
    Size::new(width, height).map_err(|e| ApiError::Internal(Box::new(e)))
}

/// The SVG as text, without an XML declaration (it has no place inside HTML).
fn svg(bytes: Result<Vec<u8>, pilote_charts::ChartError>) -> Result<String, ApiError> {
    let bytes = bytes.map_err(|e| ApiError::Internal(Box::new(e)))?;
    let text = String::from_utf8(bytes).map_err(|e| ApiError::Internal(Box::new(e)))?;
    Ok(match text.find("<svg") {
        Some(start) => text[start..].to_owned(),
        None => text,
    })
}

/// One milestone's schedule drift, formatted (also the contract page's).
pub(crate) fn milestone_row(d: &pilote_domain::ScheduleDrift) -> MilestoneRow {
    MilestoneRow {
        phase: d.phase.label_fr(),
        planned: french::date(d.planned_on),
        reached: d
            .reached_on
            .map_or_else(|| "pas encore".to_owned(), french::date),
        days: signed_days(d.days),
        share: signed_percent(d.share),
    }
}

/// One doctrine commitment, formatted (also the contract page's).
pub(crate) fn commitment_row(c: &pilote_domain::Commitment) -> CommitmentRow {
    CommitmentRow {
        area: c.area.label_fr(),
        expected: c.expected.clone(),
        current: c.current.clone(),
        evidence: c.evidence_url.clone(),
    }
}

/// One objective's line, formatted (also the contract page's).
pub(crate) fn objective_row(o: &pilote_domain::ObjectiveLine) -> ObjectiveRow {
    let value = |v: f64| with_unit(v, &o.unit);
    ObjectiveRow {
        label: o.label.clone(),
        baseline: format!(
            "{} ({})",
            value(o.baseline.value),
            french::date(o.baseline.on)
        ),
        target: format!(
            "{} d'ici le {}",
            value(o.target.value),
            french::date(o.target.on)
        ),
        expected: value(o.expected),
        latest: o.latest.map_or_else(
            || "—".to_owned(),
            |l| format!("{} ({})", value(l.value), l.period_label()),
        ),
        status: o.status.label_fr(),
        class: match o.status {
            ObjectiveStatus::OnTrack | ObjectiveStatus::Achieved => "green",
            ObjectiveStatus::AtRisk => "amber",
            ObjectiveStatus::OffTrack => "red",
            ObjectiveStatus::NoData => "grey",
        },
        projected: o
            .forecast
            .value_at_deadline
            .map_or_else(|| "—".to_owned(), value),
        reached_on: match (o.forecast.will_meet_deadline, o.forecast.target_reached_on) {
            (None, _) => "données insuffisantes".to_owned(),
            (Some(_), Some(day)) => french::date(day),
            (Some(_), None) => "la tendance ne va pas vers la cible".to_owned(),
        },
        will_meet: match o.forecast.will_meet_deadline {
            Some(true) => "oui",
            Some(false) => "non",
            None => "données insuffisantes",
        },
        suspect: false,
    }
}

pub(crate) fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Green => "green",
        Verdict::Amber => "amber",
        Verdict::Red => "red",
    }
}

/// "12 345 démarches", "42,5 %".
fn with_unit(v: f64, unit: &str) -> String {
    match unit.trim() {
        "" => french::number_auto(v),
        unit => format!("{}\u{A0}{unit}", french::number_auto(v)),
    }
}

/// "1 234 567 €".
pub(crate) fn euros(v: f64) -> String {
    format!("{}\u{A0}€", french::number(v, 0))
}

/// 0.125 → "+12,5 %", -0.03 → "−3,0 %".
pub(crate) fn signed_percent(share: f64) -> String {
    let text = french::number((share * 100.0).abs(), 1);
    let sign = if share > 0.0 {
        "+"
    } else if share < 0.0 {
        "\u{2212}"
    } else {
        ""
    };
    format!("{sign}{text}\u{A0}%")
}

/// 28 → "+28 jours", -3 → "−3 jours".
fn signed_days(days: i64) -> String {
    let sign = match days.signum() {
        1 => "+",
        -1 => "\u{2212}",
        _ => "",
    };
    let unit = if days.abs() > 1 { "jours" } else { "jour" };
    format!("{sign}{}\u{A0}{unit}", days.abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_written_the_french_way() {
        assert_eq!(signed_percent(0.125), "+12,5\u{A0}%");
        assert_eq!(signed_percent(-0.03), "\u{2212}3,0\u{A0}%");
        assert_eq!(signed_days(28), "+28\u{A0}jours");
        assert_eq!(signed_days(-1), "\u{2212}1\u{A0}jour");
        assert!(euros(1_234_567.0).starts_with("1"));
        assert!(euros(1_234_567.0).ends_with("567\u{A0}€"));
    }
}
