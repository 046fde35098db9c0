//! The demo's accounts, as the login page lists them.
//!
//! Their passwords are argon2-hashed in the database like any other; the clear text lives only
//! in the memory of the `serve --demo` process that generated it at start-up (one fresh set per
//! start), and the login page shows it only when that process listens on the loopback address.

/// One demo account and its clear password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoAccount {
    pub email: String,
    pub password: String,
    /// The role's French label (« Administrateur »…).
    pub role: String,
    /// What the role is scoped to, if anything (an incubator or product name).
    pub scope: Option<String>,
}

/// The accounts the login page may list: empty unless `serve --demo` generated them and the
/// server listens on the loopback address.
#[derive(Clone, Debug, Default)]
pub struct DemoAccounts(pub Vec<DemoAccount>);
