//! Keeping an imported product in step with the beta.gouv.fr catalogue without losing what was
//! entered in Pilote: a three-way comparison of each field (see `docs/import.md`).

/// What to do with one field, given Pilote's value, the catalogue's value at the last sync
/// (the base) and the catalogue's value now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Merge {
    /// Nothing to do: both agree, or only Pilote changed it (Pilote's value stays).
    Keep,
    /// Only the catalogue changed it: take the catalogue's value.
    Take,
    /// Both changed it differently, or there is no record of the last sync to tell who did:
    /// Pilote's value stays and the difference is reported.
    Conflict,
}

/// Decides one field: `ours` in Pilote, `base` as last synced (`None`: never synced),
/// `theirs` in the catalogue now.
pub fn merge<T: PartialEq + ?Sized>(ours: &T, base: Option<&T>, theirs: &T) -> Merge {
    if ours == theirs {
        return Merge::Keep;
    }
    match base {
        Some(base) if base == ours => Merge::Take,
        Some(base) if base == theirs => Merge::Keep,
        _ => Merge::Conflict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_way_merge() {
        // Same on both sides.
        assert_eq!(merge("a", Some("x"), "a"), Merge::Keep);
        assert_eq!(merge("a", None, "a"), Merge::Keep);
        // Only the catalogue changed: taken.
        assert_eq!(merge("a", Some("a"), "b"), Merge::Take);
        // Only Pilote changed: kept, never overwritten.
        assert_eq!(merge("p", Some("a"), "a"), Merge::Keep);
        // Both changed, or no base: a conflict, Pilote's value stays.
        assert_eq!(merge("p", Some("a"), "b"), Merge::Conflict);
        assert_eq!(merge("p", None, "b"), Merge::Conflict);
    }
}
