//! The secrets of one-time links (invitations, password resets): 32 random bytes, written in
//! hex in the link; only their SHA-256 is stored (`pilote_store::repo::one_time_tokens`).
//! A SHA-256 rather than argon2: the secret is random and long, so nothing is to be gained by
//! guessing, and the hash must be found by equality.

use chrono::TimeDelta;
use sha2::{Digest, Sha256};

use super::session;

/// How long an invitation link serves.
pub const INVITATION_VALIDITY: TimeDelta = TimeDelta::days(7);
/// How long a password-reset link serves.
pub const RESET_VALIDITY: TimeDelta = TimeDelta::hours(1);

/// A fresh secret for a link, and the hash to store.
pub fn new_secret() -> (String, String) {
    let secret = session::nonce();
    let hash = hash(&secret);
    (secret, hash)
}

/// The stored form of a link's secret: SHA-256, hex.
pub fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `text` could be a link's secret (64 lower-case hex digits): anything else is not
/// looked up at all.
pub fn well_formed(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_hex_and_only_their_hash_is_kept() {
        let (a, hash_a) = new_secret();
        let (b, _) = new_secret();
        assert_ne!(a, b);
        assert!(well_formed(&a) && well_formed(&b));
        assert_eq!(hash_a, hash(&a));
        assert_ne!(hash_a, a);
        // SHA-256 of "abc" (FIPS 180-2's example).
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(!well_formed("../etc"));
        assert!(!well_formed(&a.to_uppercase()));
    }
}
