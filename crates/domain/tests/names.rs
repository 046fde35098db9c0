//! Every string-backed enum: names, French labels, parsing and serde agree.

mod common;

use common::invalid_field;
use pilote_domain::*;
use serde::{
    Deserialize,
    de::{IntoDeserializer, value::Error},
};

/// Checks `ALL`, `as_str`, `label_fr`, `parse`, `FromStr`, `Display` and serde for one enum.
macro_rules! check_enum {
    ($ty:ty, $field:literal, [$($name:literal / $label:literal),+ $(,)?]) => {{
        let names: Vec<&str> = <$ty>::ALL.iter().map(|v| v.as_str()).collect();
        assert_eq!(names, [$($name),+], "names of {}", stringify!($ty));
        let labels: Vec<&str> = <$ty>::ALL.iter().map(|v| v.label_fr()).collect();
        assert_eq!(labels, [$($label),+], "labels of {}", stringify!($ty));
        for v in <$ty>::ALL {
            assert_eq!(<$ty>::parse(v.as_str()), Ok(v));
            assert_eq!(v.as_str().parse::<$ty>(), Ok(v));
            assert_eq!(v.to_string(), v.as_str());
            let de: Result<$ty, Error> = <$ty>::deserialize(v.as_str().into_deserializer());
            assert_eq!(de, Ok(v), "serde name of {v:?}");
        }
        assert_eq!(invalid_field(<$ty>::parse("nope")), $field);
        assert_eq!(invalid_field(<$ty>::parse("")), $field);
    }};
}

#[test]
fn phases_and_decisions() {
    check_enum!(
        Phase,
        "phase",
        [
            "investigation" / "Investigation",
            "construction" / "Construction",
            "acceleration" / "Accélération",
            "perennisation" / "Pérennisation",
        ]
    );
    check_enum!(
        DecisionKind,
        "kind",
        [
            "advance" / "Passage à la phase suivante",
            "continue" / "Poursuite",
            "pivot" / "Pivot",
            "stop" / "Arrêt",
        ]
    );
}

#[test]
fn indicators() {
    check_enum!(
        Direction,
        "direction",
        ["increase" / "À la hausse", "decrease" / "À la baisse"]
    );
    check_enum!(
        Principle,
        "principle",
        [
            "usable" / "Utilisable",
            "used" / "Utilisé",
            "useful" / "Utile",
            "impactful" / "Impactant",
            "efficient" / "Efficient",
        ]
    );
    check_enum!(
        MatrixRole,
        "matrix_role",
        [
            "ease_of_use" / "Facilité d'utilisation",
            "monthly_active_users" / "Utilisateurs actifs mensuels",
            "market_penetration" / "Taux de pénétration du marché prioritaire",
            "value_generated" / "Valeur générée",
        ]
    );
    check_enum!(
        Aggregation,
        "aggregation",
        [
            "sum" / "Somme",
            "mean" / "Moyenne",
            "last" / "Dernière valeur",
        ]
    );
    check_enum!(
        Periodicity,
        "periodicity",
        ["week" / "Hebdomadaire", "month" / "Mensuelle"]
    );
}

#[test]
fn measures() {
    check_enum!(
        MeasureSource,
        "source",
        [
            "api" / "API",
            "csv" / "Fichier CSV",
            "form" / "Formulaire",
            "import" / "Import",
            "demo" / "Démonstration",
            "matomo" / "Matomo (estimation sans cookie)",
            "json" / "URL JSON",
            "csv_url" / "URL CSV",
        ]
    );
    check_enum!(
        Change,
        "change",
        [
            "created" / "Créée",
            "updated" / "Modifiée",
            "unchanged" / "Inchangée",
        ]
    );
}

#[test]
fn contracts_and_reviews() {
    check_enum!(
        ObjectiveStatus,
        "status",
        [
            "on_track" / "En bonne voie",
            "at_risk" / "À risque",
            "off_track" / "Hors trajectoire",
            "no_data" / "Pas de données",
            "achieved" / "Atteint",
        ]
    );
    check_enum!(
        CommitmentArea,
        "area",
        [
            "accessibility" / "Accessibilité",
            "security" / "Sécurité",
            "eco_design" / "Écoconception",
            "open_source" / "Logiciel libre",
            "data" / "Données",
        ]
    );
    check_enum!(
        Verdict,
        "verdict",
        ["green" / "Vert", "amber" / "Orange", "red" / "Rouge"]
    );
}

#[test]
fn roles() {
    check_enum!(
        Role,
        "role",
        [
            "admin" / "Administrateur",
            "manager" / "Responsable d'incubateur",
            "member" / "Membre d'équipe",
            "viewer" / "Lecteur",
        ]
    );
}

#[test]
fn parsing_ignores_surrounding_spaces_but_not_case() {
    assert_eq!(Phase::parse(" construction\n"), Ok(Phase::Construction));
    assert!(Phase::parse("Construction").is_err());
    assert_eq!(
        Verdict::parse("purple").map_err(|e| e.to_string()),
        Err("verdict: must be one of: green, amber, red".to_owned())
    );
}

#[test]
fn product_status_serializes_as_its_name() {
    for s in ProductStatus::ALL {
        let de: Result<ProductStatus, Error> =
            ProductStatus::deserialize(s.as_str().into_deserializer());
        assert_eq!(de, Ok(s));
    }
    let bad: Result<ProductStatus, Error> =
        ProductStatus::deserialize("paused".into_deserializer());
    assert!(bad.is_err());
}

#[test]
fn irritants() {
    check_enum!(
        IrritantStatus,
        "status",
        ["open" / "Ouvert", "closed" / "Clos"]
    );
}
