//! End-to-end tests: the real `pilote` binary, real databases, HTTP over loopback.

mod api;
mod assets;
mod auth;
mod bench;
mod cli;
mod commands;
mod contract;
mod demo;
mod demo_accounts;
mod demo_betagouv;
mod digest;
mod dump;
mod helpers;
mod impact;
mod legal_pages;
mod matrix;
mod measures_files;
mod outage;
mod pages;
mod relay;
mod reliability;
mod replicas;
mod review_pack;
mod serve;
mod suspect;
mod world;
