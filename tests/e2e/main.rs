//! End-to-end tests: the real `pilote` binary, real databases, HTTP over loopback.

mod cli;
mod helpers;
mod serve;
