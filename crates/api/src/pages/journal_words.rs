//! The journal's French: what each audited action is called, and the state before and after
//! of the kinds a product's journal holds (its sheet, contract, objectives, commitments,
//! spend, reviews, team), read from the JSON the store wrote. A state this module cannot read
//! is shown as stored.

use chrono::NaiveDate;
use pilote_charts::french;
use pilote_domain::{CommitmentArea, Contract, DecisionKind, Phase, Role, Verdict};
use serde_json::Value;

use crate::service::review_pack::euros;

/// An action's French words; the code itself for an action this table does not know yet.
pub fn what(action: &str) -> &str {
    match action {
        "product.create" => "Création du produit",
        "product.update" => "Fiche du produit modifiée",
        "product.sheet" => "Fiche complète modifiée",
        "product.import" => "Import du catalogue beta.gouv.fr",
        "product.sync" => "Synchronisation avec beta.gouv.fr",
        "product.publish_efficiency" => "Publication de l'efficience modifiée",
        "decision.record" => "Décision du comité",
        "measures.post" => "Mesures déposées",
        "measures.clear_suspect" => "Valeur suspecte confirmée",
        "matrix.certification" => "Certification de la matrice",
        "contract.create" => "Contrat de réussite créé",
        "contract.replace" => "Contrat de réussite modifié",
        "objective.create" => "Objectif ajouté au contrat",
        "objective.update" => "Objectif modifié",
        "objective.delete" => "Objectif retiré du contrat",
        "commitment.create" => "Engagement ajouté au contrat",
        "commitment.update" => "Engagement modifié",
        "commitment.delete" => "Engagement retiré du contrat",
        "spend.put" => "Dépense du mois saisie",
        "review.create" => "Revue du contrat ouverte (projet)",
        "review.update" => "Projet de revue modifié",
        "review.sign" => "Revue du contrat signée",
        "role.grant" => "Rôle donné",
        "role.revoke" => "Rôle retiré",
        other => other,
    }
}

/// A state of an entry in French, or `None` when this module cannot read it.
pub fn state(entity: &str, key: &str, json: &str) -> Option<String> {
    let v: Value = serde_json::from_str(json).ok()?;
    match entity {
        "objective" => objective(&v),
        "commitment" => commitment(&v),
        "spend" => spend(&v),
        "contract" => contract(json),
        "review" => review(&v),
        "user" => role(key, &v),
        _ => None,
    }
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)?.as_str()
}

fn day(v: &Value, key: &str) -> Option<String> {
    Some(french::date(text(v, key)?.parse::<NaiveDate>().ok()?))
}

fn number(v: &Value, key: &str) -> Option<String> {
    Some(french::decimal(v.get(key)?.as_f64()?))
}

fn objective(v: &Value) -> Option<String> {
    let (baseline, target) = (v.get("baseline")?, v.get("target")?);
    let tolerance = v.get("tolerance")?.as_f64()? * 100.0;
    Some(format!(
        "indicateur « {} » : de {} le {} à {} au {}, tolérance {} %",
        text(v, "indicator")?,
        number(baseline, "value")?,
        day(baseline, "on")?,
        number(target, "value")?,
        day(target, "on")?,
        french::number(tolerance, 0),
    ))
}

fn commitment(v: &Value) -> Option<String> {
    let area = CommitmentArea::parse(text(v, "area")?).ok()?;
    let evidence = text(v, "evidence_url").map_or_else(String::new, |u| format!(", preuve : {u}"));
    Some(format!(
        "{} : attendu « {} », constaté « {} »{evidence}",
        area.label_fr(),
        text(v, "expected")?,
        text(v, "current")?,
    ))
}

fn spend(v: &Value) -> Option<String> {
    let month: NaiveDate = text(v, "month")?.parse().ok()?;
    let amount = v.get("amount")?.as_f64()?;
    Some(format!(
        "{} {} : {}",
        french::month(month),
        chrono::Datelike::year(&month),
        euros(amount)
    ))
}

fn contract(json: &str) -> Option<String> {
    let c: Contract = serde_json::from_str(json).ok()?;
    let budgets: Vec<String> = c
        .budget_per_year
        .iter()
        .map(|(year, amount)| format!("{year} : {}", euros(*amount as f64)))
        .collect();
    let milestones: Vec<String> = c
        .milestones
        .iter()
        .map(|m| format!("{} le {}", phase(m.phase), french::date(m.planned_on)))
        .collect();
    Some(format!(
        "signé le {}, du {} au {}, une revue tous les {} mois ; budget : {} ; jalons : {}",
        french::date(c.signed_on),
        french::date(c.starts_on),
        french::date(c.ends_on),
        c.review_cadence_months,
        if budgets.is_empty() {
            "aucun".to_owned()
        } else {
            budgets.join(", ")
        },
        if milestones.is_empty() {
            "aucun".to_owned()
        } else {
            milestones.join(", ")
        },
    ))
}

fn phase(p: Phase) -> String {
    format!("entrée en {}", p.label_fr().to_lowercase())
}

fn review(v: &Value) -> Option<String> {
    let r = v.get("review")?;
    let decision = r.get("decision")?;
    let signed = match v.get("signed_at").and_then(Value::as_str) {
        Some(_) => "signée",
        None => "projet, non signé",
    };
    Some(format!(
        "revue du {}, verdict {}, décision « {} », {signed}",
        day(r, "reviewed_on")?,
        Verdict::parse(text(r, "verdict")?)
            .ok()?
            .label_fr()
            .to_lowercase(),
        DecisionKind::parse(text(decision, "kind")?)
            .ok()?
            .label_fr(),
    ))
}

fn role(email: &str, v: &Value) -> Option<String> {
    let role = Role::parse(text(v, "role")?).ok()?;
    let on = text(v, "product")
        .map(|p| format!(" du produit {p}"))
        .or_else(|| text(v, "incubator").map(|i| format!(" de l'incubateur {i}")))
        .unwrap_or_default();
    Some(format!("{email} : {}{on}", role.label_fr().to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_reads_in_french() {
        let objective = r#"{"product":"p","indicator":"demarches","baseline":{"value":100.5,"on":"2025-01-06"},"target":{"value":200.0,"on":"2026-06-30"},"tolerance":0.1}"#;
        assert_eq!(
            state("objective", "3", objective).as_deref(),
            Some(
                "indicateur « demarches » : de 100,5 le 6 janvier 2025 à 200 au 30 juin 2026, tolérance 10 %"
            )
        );
        let spend = r#"{"month":"2026-03-01","amount":12000}"#;
        assert_eq!(
            state("spend", "p/2026-03-01", spend).as_deref(),
            Some("mars 2026 : 12\u{a0}000\u{a0}€")
        );
        let role = r#"{"incubator":null,"product":"mon-produit","role":"member"}"#;
        assert_eq!(
            state("user", "a@b.fr", role).as_deref(),
            Some("a@b.fr : membre d'équipe du produit mon-produit")
        );
        let commitment = r#"{"area":"accessibility","expected":"RGAA 100 %","current":"RGAA 74 %","evidence_url":null,"product":"p"}"#;
        assert!(
            state("commitment", "1", commitment)
                .is_some_and(|s| s.contains("attendu « RGAA 100 % »"))
        );
        assert_eq!(state("product", "p", "{}"), None);
        assert_eq!(state("objective", "1", "pas du JSON"), None);
    }
}
