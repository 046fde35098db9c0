//! `pilote`: parses the command line and dispatches; everything else lives in the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    pilote::memory::tune_malloc();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    match pilote::cli::run(pilote::cli::Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            let message = pilote::refusal::french(&error);
            eprintln!("{} {message}", pilote::cli::progress::red("pilote:"));
            // 1 for a failure, 3 for refused input, 4 for a database that is not empty
            // (docs/usage.md); clap exits with 2 on a usage error before getting here.
            std::process::ExitCode::from(pilote::refusal::exit_code(&error))
        }
    }
}
