//! End-to-end tests: the real `pilote` binary, real databases, HTTP over loopback.

mod api;
mod auth;
mod bench;
mod cli;
mod contract;
mod contract_world;
mod helpers;
mod matrix;
mod outage;
mod pages;
mod relay;
mod replicas;
mod review_pack;
mod serve;
