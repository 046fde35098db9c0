//! A product's phase records and the decisions that move it along.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    Conflict, DecisionKind, DomainError, DomainResult, NewDecision, Phase, Problem, ProductStatus,
};

/// One phase of a product, the half-open date interval `[started_on, ended_on)`.
///
/// A phase ends the day the next one starts; `ended_on` is `None` while it runs. A record of
/// zero length (`started_on == ended_on`) is allowed: it is what an advance or a stop dated
/// the very day the phase began leaves behind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PhaseRecord {
    /// The phase.
    pub phase: Phase,
    /// The first day in this phase.
    pub started_on: NaiveDate,
    /// The day the next phase started or the product stopped (not itself in this phase).
    pub ended_on: Option<NaiveDate>,
}

impl PhaseRecord {
    /// Whether the phase is still running.
    pub fn is_open(&self) -> bool {
        self.ended_on.is_none()
    }

    /// Whether the product was in this phase on `d`.
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.started_on <= d && self.ended_on.is_none_or(|end| d < end)
    }
}

/// A recorded return to an earlier phase: on `on`, the product left `from` and went back to
/// `to` (beta.gouv's catalogue has products sent back from construction to investigation).
///
/// It is never the result of a decision (`advance` moves one step forward only): it exists
/// only in history that says so explicitly, such as an imported catalogue, and each one is an
/// explicit part of the history, so that a step back is never accepted by accident.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PhaseReturn {
    /// The day the earlier phase began again.
    pub on: NaiveDate,
    /// The phase left.
    pub from: Phase,
    /// The earlier phase gone back to.
    pub to: Phase,
}

/// The phases a product went through, always consistent: contiguous records, one step at a
/// time (or a [`PhaseReturn`] the history records explicitly), exactly one open record while
/// the product runs and none once it is stopped.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PhaseHistory {
    records: Vec<PhaseRecord>,
    stopped_on: Option<NaiveDate>,
    returns: Vec<PhaseReturn>,
}

/// The chronological order of records: by start, a zero-length record before the one that
/// starts the same day and lasts, then by phase (several zero-length records of skipped
/// phases on one day). It holds for histories with returns too, unlike the phase order alone.
pub fn chronological(r: &PhaseRecord) -> (NaiveDate, NaiveDate, Phase) {
    (r.started_on, r.ended_on.unwrap_or(NaiveDate::MAX), r.phase)
}

/// What applying a decision changes, so storage can persist exactly that.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Transition {
    /// The record that got an end date, after the change.
    pub closed: Option<PhaseRecord>,
    /// The record that was opened.
    pub opened: Option<PhaseRecord>,
    /// The product's status after the decision.
    pub status: ProductStatus,
}

impl PhaseHistory {
    /// A new history: the product entered `phase` on `started_on` and is still in it.
    pub fn start(phase: Phase, started_on: NaiveDate) -> PhaseHistory {
        PhaseHistory {
            records: vec![PhaseRecord {
                phase,
                started_on,
                ended_on: None,
            }],
            stopped_on: None,
            returns: Vec::new(),
        }
    }

    /// Rebuilds from stored rows and checks every invariant: non-empty, chronological, each
    /// record's end == next start (no gaps, no overlap), end >= start, phases strictly
    /// increasing by exactly one step (no skip, no repeat, no going back), exactly one open
    /// record (the last) unless stopped, and when `stopped_on` is Some: no open record and
    /// stopped_on == last record's end. Rows may come in any order; they are sorted by start
    /// date (then phase) first. Errors are `Invalid` with fields such as
    /// `phases[1].ended_on` (index in the sorted list) or "stopped_on".
    pub fn from_records(
        records: Vec<PhaseRecord>,
        stopped_on: Option<NaiveDate>,
    ) -> DomainResult<PhaseHistory> {
        PhaseHistory::with_returns(records, stopped_on, &[])
    }

    /// [`from_records`](Self::from_records) for a history that went back to an earlier phase:
    /// `returns` names each record that began with a return, by its start and phase. Between
    /// two records the phase must then be the next one, or an earlier one when the second
    /// record is named here; every name must match such a step back (field `returns[i]`).
    pub fn with_returns(
        mut records: Vec<PhaseRecord>,
        stopped_on: Option<NaiveDate>,
        returns: &[(NaiveDate, Phase)],
    ) -> DomainResult<PhaseHistory> {
        records.sort_by_key(chronological);
        let mut found = Vec::new();
        let Some(last) = records.last().copied() else {
            return Err(DomainError::invalid("phases", Problem::Empty));
        };
        let last_index = records.len() - 1;
        for (i, record) in records.iter().enumerate() {
            if record.ended_on.is_some_and(|end| end < record.started_on) {
                return Err(DomainError::rule(
                    format!("phases[{i}].ended_on"),
                    "must not be before the phase's start",
                    "La fin d'une phase ne peut pas précéder son début.",
                ));
            }
            let Some(next) = records.get(i + 1) else {
                continue;
            };
            match record.ended_on {
                None => {
                    return Err(DomainError::rule(
                        format!("phases[{i}].ended_on"),
                        "only the last phase may be open",
                        "Seule la dernière phase peut rester ouverte.",
                    ));
                }
                Some(end) if end != next.started_on => {
                    return Err(DomainError::rule(
                        format!("phases[{i}].ended_on"),
                        "must be the day the next phase started",
                        "Une phase se termine le jour où commence la suivante.",
                    ));
                }
                Some(_) => {}
            }
            let named = returns.contains(&(next.started_on, next.phase));
            if named && next.phase < record.phase {
                found.push(PhaseReturn {
                    on: next.started_on,
                    from: record.phase,
                    to: next.phase,
                });
                continue;
            }
            if record.phase.next() != Some(next.phase) {
                return Err(DomainError::rule(
                    format!("phases[{}].phase", i + 1),
                    format!("must be the phase after {}", record.phase),
                    format!(
                        "Cette phase doit être celle qui suit « {} ».",
                        record.phase.label_fr()
                    ),
                ));
            }
        }
        match (stopped_on, last.ended_on) {
            (None, Some(_)) => Err(DomainError::rule(
                format!("phases[{last_index}].ended_on"),
                "must be open while the product runs",
                "La dernière phase reste ouverte tant que le produit continue.",
            )),
            (Some(_), None) => Err(DomainError::rule(
                format!("phases[{last_index}].ended_on"),
                "must be the day the product stopped",
                "La dernière phase se termine le jour de l'arrêt du produit.",
            )),
            (Some(stop), Some(end)) if stop != end => Err(DomainError::rule(
                "stopped_on",
                "must be the day the last phase ended",
                "L'arrêt tombe le jour où la dernière phase s'est terminée.",
            )),
            _ => {
                if let Some(i) = returns
                    .iter()
                    .position(|(on, to)| !found.iter().any(|f| f.on == *on && f.to == *to))
                {
                    return Err(DomainError::rule(
                        format!("returns[{i}]"),
                        "must be a record that goes back to an earlier phase",
                        "Un retour doit mener à une phase antérieure.",
                    ));
                }
                Ok(PhaseHistory {
                    records,
                    stopped_on,
                    returns: found,
                })
            }
        }
    }

    /// Every return to an earlier phase, oldest first.
    pub fn returns(&self) -> &[PhaseReturn] {
        &self.returns
    }

    /// Whether `record` began with a return to an earlier phase.
    pub fn is_return(&self, record: &PhaseRecord) -> bool {
        self.returns
            .iter()
            .any(|r| r.on == record.started_on && r.to == record.phase)
    }

    /// Every record, oldest first.
    pub fn records(&self) -> &[PhaseRecord] {
        &self.records
    }

    /// Running in the current phase, or stopped.
    pub fn status(&self) -> ProductStatus {
        match self.current() {
            Some(record) if self.stopped_on.is_none() => ProductStatus::Active(record.phase),
            _ => ProductStatus::Stopped,
        }
    }

    /// The open record; `None` when stopped.
    pub fn current(&self) -> Option<&PhaseRecord> {
        self.records.last().filter(|r| r.is_open())
    }

    /// The day the product stopped, if it did.
    pub fn stopped_on(&self) -> Option<NaiveDate> {
        self.stopped_on
    }

    /// When the product entered `phase`, if it did.
    pub fn entered_on(&self, phase: Phase) -> Option<NaiveDate> {
        self.records
            .iter()
            .find(|r| r.phase == phase)
            .map(|r| r.started_on)
    }

    /// The phase the product was in on `d`; `None` before its history began or once stopped.
    pub fn phase_on(&self, d: NaiveDate) -> Option<Phase> {
        self.records.iter().find(|r| r.contains(d)).map(|r| r.phase)
    }

    /// How people read a decision of `kind` taken on `decided_on`: an advance names the phase
    /// it leads to (« Passage en construction »). A recorded advance is found as the phase
    /// that ended that day and the next that began then (even for a product advanced the day
    /// it started); one not applied yet (a draft review) leads on from the phase of the day.
    pub fn decision_label(&self, kind: DecisionKind, decided_on: NaiveDate) -> String {
        let recorded = self
            .records
            .windows(2)
            .find(|w| w[0].ended_on == Some(decided_on) && w[1].started_on == decided_on)
            .map(|w| w[0].phase);
        kind.label_from(recorded.or_else(|| self.phase_on(decided_on)))
    }

    /// Applies a committee decision: `advance` → next phase only (Conflict from
    /// perennisation); `continue`/`pivot` keep the phase (Transition with closed/opened None);
    /// `stop` ends the product from any phase, the current record ending on `decided_on`.
    ///
    /// Rejects, in this order: decided_on > today → Invalid{field:"decided_on", "is in the
    /// future"}; product already stopped → Conflict; decided_on < current phase's started_on
    /// → Conflict. On error the history is left unchanged.
    pub fn apply(&mut self, decision: &NewDecision, today: NaiveDate) -> DomainResult<Transition> {
        let on = decision.decided_on;
        crate::not_in_future("decided_on", on, today)?;
        let current = match self.records.last_mut() {
            Some(record) if record.is_open() && self.stopped_on.is_none() => record,
            _ => {
                return Err(DomainError::Conflict(Conflict::Stopped));
            }
        };
        if on < current.started_on {
            return Err(DomainError::Conflict(Conflict::BeforePhaseStart {
                phase: current.phase,
                started_on: current.started_on,
            }));
        }
        let phase = current.phase;
        match decision.kind {
            DecisionKind::Continue | DecisionKind::Pivot => Ok(Transition {
                closed: None,
                opened: None,
                status: ProductStatus::Active(phase),
            }),
            DecisionKind::Advance => {
                let Some(next) = phase.next() else {
                    return Err(DomainError::Conflict(Conflict::LastPhase { phase }));
                };
                current.ended_on = Some(on);
                let closed = *current;
                let opened = PhaseRecord {
                    phase: next,
                    started_on: on,
                    ended_on: None,
                };
                self.records.push(opened);
                Ok(Transition {
                    closed: Some(closed),
                    opened: Some(opened),
                    status: ProductStatus::Active(next),
                })
            }
            DecisionKind::Stop => {
                current.ended_on = Some(on);
                let closed = *current;
                self.stopped_on = Some(on);
                Ok(Transition {
                    closed: Some(closed),
                    opened: None,
                    status: ProductStatus::Stopped,
                })
            }
        }
    }
}
