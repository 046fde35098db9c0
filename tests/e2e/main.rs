//! End-to-end tests: the real `pilote` binary, real databases, HTTP over loopback.

mod api;
mod assets;
mod auth;
mod bench;
mod betagouv;
mod cli;
mod committees;
mod contract;
mod contract_world;
mod demo_accounts;
mod digest;
mod helpers;
mod impact;
mod legal_pages;
mod matrix;
mod outage;
mod pages;
mod proconnect;
mod relay;
mod reliability;
mod replicas;
mod review_pack;
mod serve;
mod suspect;
