//! End-to-end tests: the real `pilote` binary, real databases, HTTP over loopback.

/// Runs a scenario once per backend: `both_backends!(the_contract => scenario)` declares
/// `the_contract::on_sqlite` and `the_contract::on_postgres`, each calling
/// `scenario(Backend::…)`; a lone name (`both_backends!(imports_the_json_sample)`) is both the
/// tests' module and the scenario.
macro_rules! both_backends {
    ($($name:ident $(=> $scenario:ident)?),* $(,)?) => {
        $(both_backends!(@one $name $(=> $scenario)?);)*
    };
    (@one $name:ident) => {
        both_backends!(@one $name => $name);
    };
    (@one $name:ident => $scenario:ident) => {
        mod $name {
            #[test]
            fn on_sqlite() {
                super::$scenario(::pilote_store::Backend::Sqlite)
            }

            #[test]
            fn on_postgres() {
                super::$scenario(::pilote_store::Backend::Postgres)
            }
        }
    };
}

mod aggregates;
mod api;
mod assets;
mod auth;
mod auth_cache;
mod bench;
mod betagouv;
mod bilan;
mod campaigns;
mod cli;
mod commands;
mod committees;
mod connectors;
mod contract;
mod demo;
mod demo_accounts;
mod demo_betagouv;
mod digest;
mod dump;
mod helpers;
mod impact;
mod import;
mod import_awkward;
mod irritants;
mod legal_pages;
mod mail;
mod matrix;
mod measures_files;
mod memory;
mod migrate_db;
mod outage;
mod pages;
mod proconnect;
mod product_sheet;
mod relay;
mod reliability;
mod replicas;
mod review_pack;
mod serve;
mod spreadsheets;
mod suspect;
mod sync_betagouv;
mod world;
