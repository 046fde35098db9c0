//! `pilote`: parses the command line and dispatches; everything else lives in the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    match pilote::cli::run(pilote::cli::Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("pilote: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
