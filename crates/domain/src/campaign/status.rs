//! An application's status and the moves the managers may make.

use crate::{Conflict, DomainError, DomainResult, Problem, text::check_max_len};

/// The longest reason of a status change.
pub const REASON_MAX_CHARS: usize = 2000;

str_enum! {
    /// Where an application stands, in the order of the call.
    pub enum ApplicationStatus in "status" {
        /// Just submitted.
        Received = "received" / "Reçue",
        /// Kept for the audition.
        Preselected = "preselected" / "Présélectionnée",
        /// Heard by the jury.
        Auditioned = "auditioned" / "Auditionnée",
        /// Chosen: an investigation may be launched from it.
        Selected = "selected" / "Retenue",
        /// Not kept, with a reason.
        Rejected = "rejected" / "Non retenue",
    }
}

impl ApplicationStatus {
    /// The status one step forward, if any (`received → preselected → auditioned →
    /// selected`).
    pub fn next(self) -> Option<ApplicationStatus> {
        match self {
            ApplicationStatus::Received => Some(ApplicationStatus::Preselected),
            ApplicationStatus::Preselected => Some(ApplicationStatus::Auditioned),
            ApplicationStatus::Auditioned => Some(ApplicationStatus::Selected),
            ApplicationStatus::Selected | ApplicationStatus::Rejected => None,
        }
    }

    /// Whether no move is left (selected or rejected).
    pub fn is_final(self) -> bool {
        self.next().is_none()
    }

    /// The statuses reachable from this one, for a form's choices.
    pub fn moves(self) -> Vec<ApplicationStatus> {
        match self.next() {
            Some(next) => vec![next, ApplicationStatus::Rejected],
            None => Vec::new(),
        }
    }

    /// Checks a move from `self` to `to` with its `reason` (trimmed; blank is none): one step
    /// forward, or rejected from any status that is not final, with a reason (field
    /// "reason"). Never back, never from a final status (a conflict): a jury's decision,
    /// once told, is not taken back silently; a mistake is corrected by a new call or by
    /// hand in the database, and the history shows both. The reason, if any.
    pub fn change(self, to: ApplicationStatus, reason: &str) -> DomainResult<Option<String>> {
        let reason = reason.trim();
        check_max_len("reason", reason, REASON_MAX_CHARS)?;
        let allowed =
            self.next() == Some(to) || (to == ApplicationStatus::Rejected && !self.is_final());
        if !allowed {
            return Err(DomainError::Conflict(Conflict::rule(
                format!("an application cannot go from {self} to {to}"),
                format!(
                    "Une candidature ne peut pas passer de « {} » à « {} ».",
                    self.label_fr(),
                    to.label_fr()
                ),
            )));
        }
        if to == ApplicationStatus::Rejected && reason.is_empty() {
            return Err(DomainError::invalid("reason", Problem::Empty));
        }
        Ok((!reason.is_empty()).then(|| reason.to_owned()))
    }
}
