//! The jury: each manager's scores per criterion, a conflict of interest excluding them, and
//! the ranking by the weighted mean of the scores that count.

use std::{cmp::Ordering, collections::BTreeMap};

use serde::Serialize;

use crate::{Criterion, DomainError, DomainResult, Problem};

/// The highest score of a criterion (the lowest is 0).
pub const MAX_SCORE: u8 = 5;

/// One juror's scores of one application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScoreSheet {
    /// Declared by the juror: their scores do not count.
    pub conflict_of_interest: bool,
    /// Criterion key → score, 0 to [`MAX_SCORE`].
    pub scores: BTreeMap<String, u8>,
}

impl ScoreSheet {
    /// Checks `scores` against the campaign's criteria: every key known and every score
    /// between 0 and [`MAX_SCORE`] (field "scores.KEY"), and, unless a conflict of interest
    /// is declared, every criterion scored (field "scores.KEY"). A juror with a conflict may
    /// leave criteria blank: nothing they give counts.
    pub fn new(
        criteria: &[Criterion],
        scores: &BTreeMap<String, i64>,
        conflict_of_interest: bool,
    ) -> DomainResult<ScoreSheet> {
        let mut checked = BTreeMap::new();
        for (key, score) in scores {
            let field = format!("scores.{key}");
            if !criteria.iter().any(|c| &c.key == key) {
                return Err(DomainError::rule(
                    field,
                    "is not a criterion of this campaign",
                    "Ce critère n'existe pas dans cet appel.",
                ));
            }
            let score = u8::try_from(*score)
                .ok()
                .filter(|s| *s <= MAX_SCORE)
                .ok_or_else(|| {
                    DomainError::rule(
                        field.clone(),
                        format!("must be between 0 and {MAX_SCORE}"),
                        format!("La note doit être comprise entre 0 et {MAX_SCORE}."),
                    )
                })?;
            checked.insert(key.clone(), score);
        }
        let missing = criteria.iter().find(|c| !checked.contains_key(&c.key));
        if let Some(missing) = missing.filter(|_| !conflict_of_interest) {
            return Err(DomainError::invalid(
                format!("scores.{}", missing.key),
                Problem::Empty,
            ));
        }
        Ok(ScoreSheet {
            conflict_of_interest,
            scores: checked,
        })
    }
}

/// One criterion's mean over the scores that count.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CriterionMean {
    /// The criterion's key.
    pub key: String,
    /// Its weight.
    pub weight: u32,
    /// The mean of the counted scores; `None` when none counts.
    pub mean: Option<f64>,
    /// How many scores count.
    pub jurors: u32,
}

/// An application's result: the weighted mean, each criterion's mean, the jurors.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tally {
    /// Σ weight × criterion mean ÷ Σ weight, over the criteria with a counted score; `None`
    /// when no score counts.
    pub weighted_mean: Option<f64>,
    /// Each criterion, in the campaign's order.
    pub criteria: Vec<CriterionMean>,
    /// Jurors whose scores count.
    pub jurors: u32,
    /// Jurors who declared a conflict of interest (not counted).
    pub conflicted: u32,
}

/// Tallies the sheets of one application; a sheet with a conflict of interest counts for
/// nothing.
pub fn tally(criteria: &[Criterion], sheets: &[ScoreSheet]) -> Tally {
    let counted: Vec<&ScoreSheet> = sheets.iter().filter(|s| !s.conflict_of_interest).collect();
    let means: Vec<CriterionMean> = criteria
        .iter()
        .map(|c| {
            let scores: Vec<u8> = counted
                .iter()
                .filter_map(|s| s.scores.get(&c.key).copied())
                .collect();
            let jurors = u32::try_from(scores.len()).unwrap_or(u32::MAX);
            let mean = (!scores.is_empty())
                .then(|| scores.iter().map(|s| f64::from(*s)).sum::<f64>() / f64::from(jurors));
            CriterionMean {
                key: c.key.clone(),
                weight: c.weight,
                mean,
                jurors,
            }
        })
        .collect();
    let (sum, weights) = means
        .iter()
        .filter_map(|m| m.mean.map(|mean| (mean * f64::from(m.weight), m.weight)))
        .fold((0.0, 0u32), |(s, w), (x, weight)| (s + x, w + weight));
    Tally {
        weighted_mean: (weights > 0).then(|| sum / f64::from(weights)),
        criteria: means,
        jurors: u32::try_from(counted.len()).unwrap_or(u32::MAX),
        conflicted: u32::try_from(sheets.len() - counted.len()).unwrap_or(u32::MAX),
    }
}

/// Orders applications by weighted mean, highest first; those without a counted score last;
/// ties keep the given order (the order of submission).
pub fn rank<T>(mut items: Vec<(T, Tally)>) -> Vec<(T, Tally)> {
    items.sort_by(|a, b| match (a.1.weighted_mean, b.1.weighted_mean) {
        (Some(x), Some(y)) => y.partial_cmp(&x).unwrap_or(Ordering::Equal),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    });
    items
}
