//! Password hashing with argon2id (the crate's defaults: 19 MiB, 2 passes, 1 lane, as OWASP
//! recommends), stored as PHC strings that carry their own parameters and salt.

use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use pilote_domain::{DomainError, DomainResult};

/// The fewest characters a password may have.
pub const MIN_LENGTH: usize = 12;
/// The most: argon2 would take longer ones, but nobody types them and they cost memory.
pub const MAX_LENGTH: usize = 1024;

/// Checks a new password's length.
pub fn check_strength(password: &str) -> DomainResult<()> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(DomainError::rule(
            "password",
            format!("must be at least {MIN_LENGTH} characters long"),
            format!("Le mot de passe doit compter au moins {MIN_LENGTH} caractères."),
        ));
    }
    if length > MAX_LENGTH {
        return Err(DomainError::rule(
            "password",
            format!("must be at most {MAX_LENGTH} characters long"),
            format!("Le mot de passe compte {MAX_LENGTH} caractères au plus."),
        ));
    }
    Ok(())
}

/// Hashes a password with a fresh random salt.
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// A fresh random password of 16 characters from an alphabet without look-alikes (no 0/O,
/// 1/l/I): about 90 bits, for accounts whose password is shown rather than chosen.
pub fn generate() -> String {
    use argon2::password_hash::rand_core::RngCore;
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = OsRng;
    (0..16)
        .map(|_| {
            // Rejection sampling keeps every character equally likely.
            loop {
                let byte = (rng.next_u32() & 0xFF) as usize;
                if byte < 256 - 256 % ALPHABET.len() {
                    return char::from(ALPHABET[byte % ALPHABET.len()]);
                }
            }
        })
        .collect()
}

/// Whether `password` matches `stored`; a malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .and_then(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_are_strong_and_differ() {
        let a = generate();
        assert_eq!(a.chars().count(), 16);
        assert!(check_strength(&a).is_ok());
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() && !"0O1lI".contains(c))
        );
        assert_ne!(a, generate());
    }

    #[test]
    fn hashes_verify_and_are_salted() {
        let a = hash("correct horse battery").expect("hash");
        let b = hash("correct horse battery").expect("hash");
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b);
        assert!(verify("correct horse battery", &a));
        assert!(!verify("wrong horse battery", &a));
        assert!(!verify("correct horse battery", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_strength("court").is_err());
        assert!(check_strength("assez-long-pour-passer").is_ok());
    }
}
