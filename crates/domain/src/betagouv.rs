//! How a beta.gouv.fr phase list becomes a Pilote phase history (see `docs/import.md`).
//!
//! Imported history is the past as it was recorded: the "advance one step" rule of decisions
//! does not apply to it. But it must still satisfy [`PhaseHistory::from_records`], so that the
//! rest of Pilote can read it; this module repairs what is unambiguous and reports the rest.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;

use crate::{Phase, PhaseHistory, PhaseRecord};

str_enum! {
    /// How a finished product ended, as the beta.gouv.fr catalogue says it: the status of its
    /// last phase. Pilote's phases cannot say it (three of them are all « pérennisation »).
    pub enum Outcome in "outcome" {
        /// Lasting, still run by its team and incubator's administration.
        Consolidation = "consolidation" / "Consolidation",
        /// Run by an operator of the administration.
        Opere = "opere" / "Opéré",
        /// Handed over to another organisation.
        Transfere = "transfere" / "Transféré",
        /// Stopped (during its investigation or later).
        Abandon = "abandon" / "Abandonné",
    }
}

/// A phase as a beta.gouv.fr file writes it; dates as found (`YYYY-MM-DD`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawPhase {
    /// beta.gouv status name: `investigation`, `transfere`, `abandon`...
    pub name: String,
    /// First day, if given.
    pub start: Option<String>,
    /// Last day, if given.
    pub end: Option<String>,
}

/// Something in the data that had to be repaired or left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anomaly {
    /// The beta.gouv id of the product (or incubator) concerned.
    pub subject: String,
    /// Where in its file: `phases[2]`, `events[0]`, `incubator`...
    pub location: String,
    /// What was wrong and what was done about it.
    pub problem: String,
}

/// What a beta.gouv status stands for in Pilote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MappedStatus {
    /// One of Pilote's phases.
    Phase(Phase),
    /// The product stopped.
    Stop,
}

/// Maps a beta.gouv status name; `None` for a name Pilote does not know.
pub fn map_status(name: &str) -> Option<MappedStatus> {
    Some(match name.trim() {
        "investigation" => MappedStatus::Phase(Phase::Investigation),
        "construction" => MappedStatus::Phase(Phase::Construction),
        "acceleration" => MappedStatus::Phase(Phase::Acceleration),
        "consolidation" | "transfere" | "transfer" | "opere" | "success" | "alumni" => {
            MappedStatus::Phase(Phase::Perennisation)
        }
        "abandon-investigation" | "abandon" | "end" => MappedStatus::Stop,
        _ => return None,
    })
}

/// Parses a beta.gouv date: `YYYY-MM-DD`, possibly followed by a time that is ignored.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let day = s.trim().get(..10)?;
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

/// What was wrong with a phase record and what the import did about it. Its `Display` is the
/// French message of the import report: the one place these messages are written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhaseProblem {
    /// A status name Pilote does not know (as written).
    UnknownName(String),
    /// No start date, or one that does not parse.
    NoStart,
    /// An end date that does not parse (as written).
    InvalidEnd(String),
    /// The same record as the one at this index.
    Duplicate(usize),
    /// Records not sorted by start date.
    OutOfOrder,
    /// A record after the stop.
    AfterStop,
    /// A stop status before any phase.
    StopFirst,
    /// The same phase as the record at this index, begun again on this day: kept as a
    /// [`PhaseRepeat`].
    Repeats(Phase, usize, NaiveDate),
    /// A skipped phase, given a zero-length record on this day.
    Skips(Phase, NaiveDate),
    /// An end before the start; set to the next start when there is one, else left open.
    EndBeforeStart(NaiveDate, Option<NaiveDate>),
    /// An end that is not the next record's start (end, next start).
    EndNotNextStart(NaiveDate, NaiveDate),
    /// The last record has an end and nothing follows: the product stopped then.
    LastEnds(NaiveDate),
    /// The repaired history is still refused (the reason).
    StillInvalid(String),
}

impl fmt::Display for PhaseProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = |day: &NaiveDate| day.format("%d/%m/%Y").to_string();
        match self {
            Self::UnknownName(name) => write!(f, "phase inconnue « {name} » : écartée"),
            Self::NoStart => f.write_str("pas de date de début valide : écartée"),
            Self::InvalidEnd(text) => write!(f, "date de fin invalide « {text} » : ignorée"),
            Self::Duplicate(i) => write!(f, "doublon de phases[{i}] : supprimé"),
            Self::OutOfOrder => f.write_str("phases dans le désordre : triées par date de début"),
            Self::AfterStop => f.write_str("après l’arrêt du produit : écartée"),
            Self::StopFirst => f.write_str("arrêt avant toute phase : écarté"),
            Self::Repeats(phase, i, on) => write!(
                f,
                "reprend la phase {} de phases[{i}] : gardée comme une poursuite de la phase le {}",
                phase.label_fr(),
                d(on)
            ),
            Self::Skips(phase, on) => write!(
                f,
                "saute la phase {} : phase {} de durée nulle ajoutée le {}",
                phase.label_fr(),
                phase.label_fr(),
                d(on)
            ),
            Self::EndBeforeStart(end, Some(next)) => write!(
                f,
                "finit le {}, avant son début : fin fixée au {}",
                d(end),
                d(next)
            ),
            Self::EndBeforeStart(end, None) => {
                write!(f, "finit le {}, avant son début : laissée ouverte", d(end))
            }
            Self::EndNotNextStart(end, next) => write!(
                f,
                "finit le {} mais la suite commence le {} : fin fixée au {}",
                d(end),
                d(next),
                d(next)
            ),
            Self::LastEnds(end) => write!(
                f,
                "la dernière phase finit le {} sans suite : produit arrêté ce jour-là",
                d(end)
            ),
            Self::StillInvalid(reason) => {
                write!(f, "historique encore invalide après réparation : {reason}")
            }
        }
    }
}

/// A repaired phase history and what it took.
#[derive(Clone, Debug, PartialEq)]
pub struct RepairedHistory {
    /// The history to store; `None` when nothing usable was left (the product is skipped).
    pub history: Option<PhaseHistory>,
    /// The beta.gouv status behind the perennisation record, when there is one.
    pub perennisation_mode: Option<String>,
    /// How the product ended, when the catalogue says it did (see [`Outcome`]).
    pub outcome: Option<Outcome>,
    /// Returns to an earlier phase, kept in the history (not anomalies: real history).
    pub returns: usize,
    /// Records of the file left out, by reason.
    pub skipped: BTreeMap<String, usize>,
    /// Zero-length records added for skipped phases.
    pub filled: usize,
    /// Stop statuses that ended the history (they are not records).
    pub stops: usize,
    /// Records of the same phase as the one before, each kept as the day the phase began
    /// again (the importer records a `continue` decision on it), oldest first.
    pub repeats: Vec<PhaseRepeat>,
    /// Every repair, in file order of discovery.
    pub anomalies: Vec<Anomaly>,
}

/// A record of the same phase as the one before it: the catalogue began the phase again on
/// `on` (a new period of construction after a committee, typically). Pilote has one phase
/// record for the whole stretch and keeps the day as a `continue` decision, so the date the
/// catalogue gives is not lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhaseRepeat {
    /// The phase begun again.
    pub phase: Phase,
    /// The day it began again.
    pub on: NaiveDate,
    /// Where in the file (`phases[index]`).
    pub index: usize,
}

struct Item {
    index: usize,
    status: MappedStatus,
    name: String,
    start: NaiveDate,
    end: Option<NaiveDate>,
}

struct Kept {
    index: usize,
    phase: Phase,
    start: NaiveDate,
    end: Option<NaiveDate>,
    /// Began with a return to an earlier phase.
    returned: bool,
}

/// Turns a product's beta.gouv phases into a history `from_records` accepts.
///
/// Repairs: unknown names and undated records are left out; exact duplicates are dropped;
/// records are sorted by start (then phase order); a record of the phase just before is
/// merged into it (several beta.gouv statuses map to perennisation); a phase going back is
/// kept as a [`crate::PhaseReturn`]; skipped phases get a zero-length record on the day of the jump; every end is
/// the next start (a different end is reported); a stop status ends the history on its start,
/// except an `abandon-investigation` before any phase, which is the investigation itself;
/// a last phase with an end and nothing after means the product stopped that day.
pub fn repair_phases(product: &str, raw: &[RawPhase]) -> RepairedHistory {
    let mut out = RepairedHistory {
        history: None,
        perennisation_mode: None,
        outcome: None,
        returns: 0,
        skipped: BTreeMap::new(),
        filled: 0,
        stops: 0,
        repeats: Vec::new(),
        anomalies: Vec::new(),
    };
    let report = |out: &mut RepairedHistory, index: usize, problem: PhaseProblem| {
        out.anomalies.push(Anomaly {
            subject: product.to_owned(),
            location: format!("phases[{index}]"),
            problem: problem.to_string(),
        });
    };
    let skip = |out: &mut RepairedHistory, reason: &str| {
        *out.skipped.entry(reason.to_owned()).or_default() += 1;
    };

    let mut items: Vec<Item> = Vec::new();
    for (index, phase) in raw.iter().enumerate() {
        let Some(status) = map_status(&phase.name) else {
            report(
                &mut out,
                index,
                PhaseProblem::UnknownName(phase.name.clone()),
            );
            skip(&mut out, "nom de phase inconnu");
            continue;
        };
        let Some(start) = phase.start.as_deref().and_then(parse_date) else {
            report(&mut out, index, PhaseProblem::NoStart);
            skip(&mut out, "pas de date de début valide");
            continue;
        };
        let end = match phase.end.as_deref().map(|e| (e, parse_date(e))) {
            Some((text, None)) => {
                report(&mut out, index, PhaseProblem::InvalidEnd(text.to_owned()));
                None
            }
            Some((_, end)) => end,
            None => None,
        };
        let duplicate = items
            .iter()
            .find(|i| i.name == phase.name.trim() && i.start == start && i.end == end);
        if let Some(first) = duplicate {
            report(&mut out, index, PhaseProblem::Duplicate(first.index));
            skip(&mut out, "doublon exact");
            continue;
        }
        items.push(Item {
            index,
            status,
            name: phase.name.trim().to_owned(),
            start,
            end,
        });
    }

    // Stops sort after a phase that starts the same day: the phase happened, then it stopped.
    let rank = |s: MappedStatus| match s {
        MappedStatus::Phase(p) => p as u8,
        MappedStatus::Stop => u8::MAX,
    };
    let key = |i: &Item| (i.start, rank(i.status));
    if items.windows(2).any(|w| key(&w[0]) > key(&w[1])) {
        let index = items.first().map_or(0, |i| i.index);
        report(&mut out, index, PhaseProblem::OutOfOrder);
    }
    items.sort_by_key(key);

    let mut kept: Vec<Kept> = Vec::new();
    let mut stopped_on: Option<NaiveDate> = None;
    for item in items {
        if stopped_on.is_some() {
            report(&mut out, item.index, PhaseProblem::AfterStop);
            skip(&mut out, "après l’arrêt");
            continue;
        }
        let phase = match item.status {
            MappedStatus::Stop if kept.is_empty() && item.name == "abandon-investigation" => {
                // beta.gouv writes an investigation stopped before any other phase as this one
                // record: it is the investigation itself, stopped on its end (or its start when
                // the end is missing or earlier). Not an anomaly, and not a separate stop.
                let stop = item
                    .end
                    .filter(|end| *end >= item.start)
                    .unwrap_or(item.start);
                kept.push(Kept {
                    index: item.index,
                    phase: Phase::Investigation,
                    start: item.start,
                    end: Some(stop),
                    returned: false,
                });
                stopped_on = Some(stop);
                continue;
            }
            MappedStatus::Stop => {
                if kept.is_empty() {
                    report(&mut out, item.index, PhaseProblem::StopFirst);
                    skip(&mut out, "arrêt avant toute phase");
                } else {
                    stopped_on = Some(item.start);
                    out.stops += 1;
                }
                continue;
            }
            MappedStatus::Phase(phase) => phase,
        };
        if phase == Phase::Perennisation {
            out.perennisation_mode = Some(item.name.clone());
        }
        if let Some(last) = kept.last_mut() {
            if last.phase == phase {
                // consolidation → transfere is one perennisation in Pilote: not an anomaly.
                last.end = item.end;
                if phase == Phase::Perennisation {
                    skip(&mut out, "fusionnée avec la précédente de même phase");
                } else if item.start > last.start {
                    let problem = PhaseProblem::Repeats(phase, last.index, item.start);
                    report(&mut out, item.index, problem);
                    out.repeats.push(PhaseRepeat {
                        phase,
                        on: item.start,
                        index: item.index,
                    });
                } else {
                    // Begun again the day it began: nothing to keep but one record.
                    skip(&mut out, "même phase, même jour que la précédente");
                }
                continue;
            }
            if last.phase > phase {
                // A real step back (construction → investigation): kept as a return.
                out.returns += 1;
                kept.push(Kept {
                    index: item.index,
                    phase,
                    start: item.start,
                    end: item.end,
                    returned: true,
                });
                continue;
            }
            let mut missing = last.phase.next();
            while let Some(between) = missing.filter(|p| *p < phase) {
                let problem = PhaseProblem::Skips(between, item.start);
                report(&mut out, item.index, problem);
                kept.push(Kept {
                    index: item.index,
                    phase: between,
                    start: item.start,
                    end: None,
                    returned: false,
                });
                out.filled += 1;
                missing = between.next();
            }
        }
        kept.push(Kept {
            index: item.index,
            phase,
            start: item.start,
            end: item.end,
            returned: false,
        });
    }
    if kept.last().is_none_or(|k| k.phase != Phase::Perennisation) {
        out.perennisation_mode = None;
    }
    let stopped_by_status = stopped_on.is_some();

    let mut records = Vec::with_capacity(kept.len());
    for (i, k) in kept.iter().enumerate() {
        let next_start = kept.get(i + 1).map(|n| n.start).or(stopped_on);
        let ended_on = match (k.end, next_start) {
            (given, Some(next)) => {
                if let Some(end) = given.filter(|end| *end != next) {
                    let problem = if end < k.start {
                        PhaseProblem::EndBeforeStart(end, Some(next))
                    } else {
                        PhaseProblem::EndNotNextStart(end, next)
                    };
                    report(&mut out, k.index, problem);
                }
                Some(next)
            }
            (Some(end), None) if end < k.start => {
                let problem = PhaseProblem::EndBeforeStart(end, None);
                report(&mut out, k.index, problem);
                None
            }
            (Some(end), None) => {
                let problem = PhaseProblem::LastEnds(end);
                report(&mut out, k.index, problem);
                stopped_on = Some(end);
                Some(end)
            }
            (None, None) => None,
        };
        records.push(PhaseRecord {
            phase: k.phase,
            started_on: k.start,
            ended_on,
        });
    }
    if records.is_empty() {
        return out;
    }
    // A stop status is an abandon; otherwise a perennisation's status says how it ended; a
    // last phase that simply ends (and is not a perennisation) is an abandon too.
    out.outcome = match out.perennisation_mode.as_deref() {
        _ if stopped_by_status => Some(Outcome::Abandon),
        Some("consolidation") => Some(Outcome::Consolidation),
        Some("opere") => Some(Outcome::Opere),
        Some("transfere" | "transfer") => Some(Outcome::Transfere),
        _ if stopped_on.is_some() => Some(Outcome::Abandon),
        _ => None,
    };
    let returns: Vec<(NaiveDate, Phase)> = kept
        .iter()
        .filter(|k| k.returned)
        .map(|k| (k.start, k.phase))
        .collect();
    match PhaseHistory::with_returns(records, stopped_on, &returns) {
        Ok(history) => out.history = Some(history),
        Err(e) => report(&mut out, 0, PhaseProblem::StillInvalid(e.to_string())),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        parse_date(s).expect("test date")
    }

    fn raw(name: &str, start: &str, end: Option<&str>) -> RawPhase {
        RawPhase {
            name: name.to_owned(),
            start: Some(start.to_owned()),
            end: end.map(str::to_owned),
        }
    }

    /// Asserts the repaired history is one investigation, stopped on `on`.
    fn assert_one_stopped_investigation(r: RepairedHistory, on: &str) {
        let history = r.history.expect("history");
        assert_eq!(history.records().len(), 1);
        assert_eq!(history.records()[0].phase, Phase::Investigation);
        assert_eq!(history.stopped_on(), Some(day(on)));
    }

    #[test]
    fn clean_history_has_no_anomaly() {
        let r = repair_phases(
            "dialogue",
            &[
                raw("investigation", "2022-03-21", Some("2022-10-18")),
                raw("construction", "2022-10-18", None),
            ],
        );
        assert!(r.anomalies.is_empty(), "{:?}", r.anomalies);
        let history = r.history.expect("history");
        assert_eq!(history.records().len(), 2);
        assert!(history.current().is_some());
    }

    #[test]
    fn abandon_investigation_alone_is_a_stopped_investigation() {
        let r = repair_phases(
            "candela",
            &[raw(
                "abandon-investigation",
                "2021-07-09",
                Some("2021-10-15"),
            )],
        );
        assert!(r.anomalies.is_empty(), "{:?}", r.anomalies);
        assert_eq!(r.stops, 0);
        assert!(r.skipped.is_empty(), "{:?}", r.skipped);
        let history = r.history.expect("history");
        assert_eq!(
            history.records(),
            [PhaseRecord {
                phase: Phase::Investigation,
                started_on: day("2021-07-09"),
                ended_on: Some(day("2021-10-15")),
            }]
        );
        assert_eq!(history.stopped_on(), Some(day("2021-10-15")));
    }

    #[test]
    fn abandon_investigation_alone_without_end_stops_on_its_start() {
        for end in [None, Some("2021-01-01")] {
            let r = repair_phases("x", &[raw("abandon-investigation", "2021-07-09", end)]);
            assert_one_stopped_investigation(r, "2021-07-09");
        }
    }

    #[test]
    fn abandon_investigation_after_an_investigation_is_a_stop() {
        let r = repair_phases(
            "x",
            &[
                raw("investigation", "2021-01-04", None),
                raw("abandon-investigation", "2021-07-09", None),
            ],
        );
        assert_eq!(r.stops, 1);
        assert_one_stopped_investigation(r, "2021-07-09");
    }

    #[test]
    fn anomalies_are_written_in_french() {
        let r = repair_phases(
            "x",
            &[
                raw("investigation", "2020-01-06", None),
                raw("construction", "2020-06-01", None),
                raw("investigation", "2021-01-04", None),
                raw("bogus", "2021-02-01", None),
            ],
        );
        let problems: Vec<_> = r.anomalies.iter().map(|a| a.problem.as_str()).collect();
        assert_eq!(problems, ["phase inconnue « bogus » : écartée"]);
    }

    #[test]
    fn a_phase_going_back_is_kept_as_a_return() {
        let r = repair_phases(
            "x",
            &[
                raw("investigation", "2020-01-06", Some("2020-06-01")),
                raw("construction", "2020-06-01", Some("2021-01-04")),
                raw("investigation", "2021-01-04", None),
                raw("construction", "2021-09-01", None),
            ],
        );
        assert!(r.anomalies.is_empty(), "{:?}", r.anomalies);
        assert_eq!(r.returns, 1);
        let history = r.history.expect("history");
        let phases: Vec<_> = history.records().iter().map(|r| r.phase).collect();
        assert_eq!(
            phases,
            [
                Phase::Investigation,
                Phase::Construction,
                Phase::Investigation,
                Phase::Construction
            ]
        );
        assert_eq!(
            history.returns(),
            [crate::PhaseReturn {
                on: day("2021-01-04"),
                from: Phase::Construction,
                to: Phase::Investigation,
            }]
        );
        assert!(history.is_return(&history.records()[2]));
        assert!(!history.is_return(&history.records()[0]));
        assert_eq!(r.outcome, None);
    }

    #[test]
    fn outcome_of_a_finished_product() {
        let cases = [
            (vec![raw("investigation", "2020-01-06", None)], None),
            (
                vec![raw(
                    "abandon-investigation",
                    "2021-07-09",
                    Some("2021-10-15"),
                )],
                Some(Outcome::Abandon),
            ),
            (
                vec![
                    raw("construction", "2020-06-10", None),
                    raw("abandon", "2021-11-15", None),
                ],
                Some(Outcome::Abandon),
            ),
            (
                vec![
                    raw("acceleration", "2019-01-07", None),
                    raw("consolidation", "2021-01-04", None),
                    raw("transfere", "2022-01-03", None),
                ],
                Some(Outcome::Transfere),
            ),
            (
                vec![
                    raw("acceleration", "2019-01-07", None),
                    raw("opere", "2021-01-04", None),
                ],
                Some(Outcome::Opere),
            ),
            (
                vec![raw("construction", "2020-06-10", Some("2021-03-01"))],
                Some(Outcome::Abandon),
            ),
        ];
        for (phases, outcome) in cases {
            assert_eq!(repair_phases("x", &phases).outcome, outcome, "{phases:?}");
        }
        assert_eq!(Outcome::Opere.label_fr(), "Opéré");
        assert_eq!(Outcome::Transfere.as_str(), "transfere");
    }

    #[test]
    fn messy_history_is_repaired_and_reported() {
        let r = repair_phases(
            "x",
            &[
                raw("construction", "2015-01-01", None),
                raw("investigation", "2015-01-01", None),
                raw("transfere", "2016-01-01", None),
                raw("bogus", "2016-02-01", None),
                raw("abandon", "2017-01-01", None),
            ],
        );
        let history = r.history.expect("history");
        let phases: Vec<_> = history.records().iter().map(|r| r.phase).collect();
        assert_eq!(
            phases,
            [
                Phase::Investigation,
                Phase::Construction,
                Phase::Acceleration,
                Phase::Perennisation
            ]
        );
        assert_eq!(history.stopped_on(), parse_date("2017-01-01"));
        assert_eq!(r.perennisation_mode.as_deref(), Some("transfere"));
        assert_eq!(r.filled, 1);
        assert_eq!(r.anomalies.len(), 3, "{:?}", r.anomalies);
    }

    #[test]
    fn a_phase_begun_again_is_kept_as_its_day() {
        let r = repair_phases(
            "reprise",
            &[
                raw("investigation", "2021-01-04", Some("2021-06-01")),
                raw("construction", "2021-06-01", Some("2022-01-10")),
                raw("construction", "2022-01-10", None),
            ],
        );
        let history = r.history.expect("history");
        assert_eq!(history.records().len(), 2, "one construction record");
        assert_eq!(
            r.repeats,
            [PhaseRepeat {
                phase: Phase::Construction,
                on: day("2022-01-10"),
                index: 2
            }]
        );
        assert!(r.skipped.is_empty(), "nothing left out: {:?}", r.skipped);
        assert_eq!(
            r.anomalies[0].problem,
            "reprend la phase Construction de phases[1] : gardée comme une poursuite de la \
             phase le 10/01/2022"
        );
    }
}
