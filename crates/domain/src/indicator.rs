//! Impact indicators and the DINUM « matrice d'impact ».

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::{
    Conflict, DomainError, DomainResult, Periodicity, Slug,
    text::{check_max_len, check_required},
};

str_enum! {
    /// Which way an indicator is better.
    pub enum Direction in "direction" {
        /// Higher is better.
        Increase = "increase" / "À la hausse",
        /// Lower is better.
        Decrease = "decrease" / "À la baisse",
    }
}

impl Direction {
    /// Whether `a` is at least as good as `b`.
    pub fn is_better_or_equal(self, a: f64, b: f64) -> bool {
        match self {
            Direction::Increase => a >= b,
            Direction::Decrease => a <= b,
        }
    }

    /// How far `value` falls short of `expected` in the better direction; 0 when it meets or
    /// beats it.
    pub fn shortfall(self, value: f64, expected: f64) -> f64 {
        let gap = match self {
            Direction::Increase => expected - value,
            Direction::Decrease => value - expected,
        };
        gap.max(0.0)
    }
}

str_enum! {
    /// A column of the DINUM « matrice d'impact », in matrix order.
    pub enum Principle in "principle" {
        /// Utilisable: easy to use.
        Usable = "usable" / "Utilisable",
        /// Utilisé: actually used.
        Used = "used" / "Utilisé",
        /// Utile: creates value for its users.
        Useful = "useful" / "Utile",
        /// Impactant: has a measured effect on the public policy.
        Impactful = "impactful" / "Impactant",
        /// Efficient: its cost grows slower than its impact.
        Efficient = "efficient" / "Efficient",
    }
}

str_enum! {
    /// A mandatory slot of the matrix an indicator fills.
    pub enum MatrixRole in "matrix_role" {
        /// Users' mean ease-of-use rating, 1 to 7.
        EaseOfUse = "ease_of_use" / "Facilité d'utilisation",
        /// Monthly active users.
        MonthlyActiveUsers = "monthly_active_users" / "Utilisateurs actifs mensuels",
        /// Penetration rate of the priority market.
        MarketPenetration = "market_penetration" / "Taux de pénétration du marché prioritaire",
        /// Value generated for users (time saved, problems solved, ...).
        ValueGenerated = "value_generated" / "Valeur générée",
    }
}

impl MatrixRole {
    /// The matrix column the slot belongs to.
    pub fn principle(self) -> Principle {
        match self {
            MatrixRole::EaseOfUse => Principle::Usable,
            MatrixRole::MonthlyActiveUsers | MatrixRole::MarketPenetration => Principle::Used,
            MatrixRole::ValueGenerated => Principle::Useful,
        }
    }
}

str_enum! {
    /// How weekly values roll up into a month; `Last` by default.
    #[derive(Default)]
    pub enum Aggregation in "aggregation" {
        /// Add them up (e.g. procedures completed).
        Sum = "sum" / "Somme",
        /// Average them (e.g. a satisfaction score).
        Mean = "mean" / "Moyenne",
        /// Keep the latest (e.g. a stock such as registered users).
        #[default]
        Last = "last" / "Dernière valeur",
    }
}

impl Aggregation {
    /// Rolls chronologically ordered values into one; `None` when there are none.
    pub fn aggregate(self, values: &[f64]) -> Option<f64> {
        let last = *values.last()?;
        let sum: f64 = values.iter().sum();
        Some(self.roll(values.len() as f64, sum, last))
    }

    /// Rolls a month's figures into its value.
    pub fn of_month(self, month: &crate::MonthFigures) -> f64 {
        self.roll(f64::from(month.count), month.sum, month.last)
    }

    fn roll(self, count: f64, sum: f64, last: f64) -> f64 {
        match self {
            Aggregation::Sum => sum,
            Aggregation::Mean => sum / count,
            Aggregation::Last => last,
        }
    }
}

/// An impact indicator of a product.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// Unique within the product.
    pub key: Slug,
    /// Short French name.
    pub label: String,
    /// Unit shown after values ("démarches", "€", "%", "jours"); may be empty.
    pub unit: String,
    /// Which way is better.
    pub direction: Direction,
    /// The matrix column.
    pub principle: Principle,
    /// Weekly or monthly.
    pub periodicity: Periodicity,
    /// How weekly values roll up into months.
    pub aggregation: Aggregation,
    /// The mandatory matrix slot it fills, if any.
    pub matrix_role: Option<MatrixRole>,
    /// Whether it is the product's north star.
    pub north_star: bool,
    /// How it is measured.
    pub description: Option<String>,
}

impl Indicator {
    /// Checks label (trimmed non-empty, ≤ 200 chars, field "label"), unit (≤ 40 chars, may be
    /// empty, field "unit"), description (≤ 5000, field "description"), and that a matrix
    /// role belongs to the indicator's principle (field "matrix_role").
    pub fn validate(&self) -> DomainResult<()> {
        check_required("label", &self.label, 200)?;
        check_max_len("unit", &self.unit, 40)?;
        if let Some(description) = &self.description {
            check_max_len("description", description, 5000)?;
        }
        if let Some(role) = self.matrix_role
            && role.principle() != self.principle
        {
            return Err(DomainError::rule(
                "matrix_role",
                format!("belongs to the {} principle", role.principle()),
                format!(
                    "Ce rôle appartient au principe « {} ».",
                    role.principle().label_fr()
                ),
            ));
        }
        Ok(())
    }
}

/// Checks a product's indicators together: each is valid, keys are unique, at most one
/// north star and at most one indicator per matrix role (Conflict for the last three).
pub fn validate_indicator_set(indicators: &[Indicator]) -> DomainResult<()> {
    let mut keys = BTreeSet::new();
    let mut roles = BTreeMap::new();
    let mut north_star: Option<&Slug> = None;
    for indicator in indicators {
        indicator.validate()?;
        if !keys.insert(&indicator.key) {
            return Err(DomainError::Conflict(Conflict::rule(
                format!("the key {} is used by two indicators", indicator.key),
                format!(
                    "La clé {} est utilisée par deux indicateurs.",
                    indicator.key
                ),
            )));
        }
        if indicator.north_star {
            if let Some(other) = north_star {
                return Err(DomainError::Conflict(Conflict::rule(
                    format!("{other} is already the north star; a product has only one"),
                    format!("{other} est déjà l'étoile polaire : un produit n'en a qu'une."),
                )));
            }
            north_star = Some(&indicator.key);
        }
        if let Some(role) = indicator.matrix_role
            && let Some(other) = roles.insert(role, &indicator.key)
        {
            return Err(DomainError::Conflict(Conflict::rule(
                format!("{other} already fills the {role} slot of the matrix"),
                format!(
                    "{other} occupe déjà la case « {} » de la matrice.",
                    role.label_fr()
                ),
            )));
        }
    }
    Ok(())
}
