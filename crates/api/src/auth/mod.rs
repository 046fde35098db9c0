//! Authentication. Passwords for now; sessions, JWT and API tokens come with the API.

pub mod password;
