//! Schemathesis (the pinned one of `scripts/ensure-venv`) against `/api/v1/openapi.json` with
//! an administrator's token, on the demo portfolio: thousands of generated requests, valid and
//! not, and every answer must be no server error, with a documented status, content type and
//! body shape.
//!
//! Checks, and why these: `not_a_server_error` (no 5xx, whatever the input);
//! `status_code_conformance` (every status is documented); `content_type_conformance` and
//! `response_schema_conformance` (clients can trust the document). Not run:
//! `negative_data_rejection` and `positive_data_acceptance`, which assume the schema states
//! every rule (it cannot say "an indicator of this product" or "not in the future", so valid
//! schema data is refused 422 by design); `ignored_auth` is covered by the e2e role tests.
//! Every phase runs: examples, coverage, fuzzing, and stateful (chains of calls following the
//! document's links, which reach the resources earlier calls created).

use std::{
    io::Read,
    path::Path,
    process::{Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use pilote_store::Backend;

use super::{ADMIN, PASSWORD, seed, site};

/// Examples per operation: about 50 operations give well over 1 000 cases in all.
const EXAMPLES: &str = "10";
/// The run is killed, and the test fails, beyond this.
const TIME_LIMIT: Duration = Duration::from_secs(240);
/// The fewest generated cases the run must report.
const AT_LEAST: u64 = 1_000;
/// The seed CI runs with (see the test).
const PINNED_SEED: u64 = 20_261_123;

/// The venv's bin directory, installing the pinned tools if needed.
fn venv_bin() -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new(Path::new(root).join("scripts/ensure-venv"))
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .expect("run scripts/ensure-venv (python3 with venv is required)");
    assert!(out.status.success(), "scripts/ensure-venv failed");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// "  2407 generated, ..." from the summary.
fn generated(output: &str) -> Option<u64> {
    output.lines().find_map(|line| {
        let (count, rest) = line.trim().split_once(' ')?;
        rest.starts_with("generated").then(|| count.parse().ok())?
    })
}

#[test]
fn schemathesis_finds_no_server_error_and_no_schema_violation() {
    let bin = venv_bin();
    let site = site(Backend::Sqlite);
    let server = site.start(&["--demo"]);
    let token = server.login(ADMIN, PASSWORD);
    // A pinned seed by default: CI must not turn red on a case nobody has seen yet (the
    // exploration is done by running with `RELIABILITY_SEED=random` or a number, and what it
    // finds becomes a fix and, if need be, the new pinned seed).
    let seed = match std::env::var("RELIABILITY_SEED").as_deref() {
        Ok(_) => seed("schemathesis") % 1_000_000_000,
        Err(_) => PINNED_SEED,
    };
    // A directory of its own: no stray schemathesis.toml, reports stay out of the tree.
    let work = tempfile::tempdir().expect("dir");
    let mut child = Command::new(format!("{bin}/schemathesis"))
        .current_dir(work.path())
        .env("NO_COLOR", "1")
        .args(["run", &format!("{}/api/v1/openapi.json", server.base)])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
        ])
        .args(["--max-examples", EXAMPLES, "--seed", &seed.to_string()])
        // One worker: schemathesis' workers are threads, and CPython 3.11's `ast.parse` (which
        // hypothesis calls to describe its filters) keeps its recursion depth in state shared
        // by all threads, so two at once can fail with "AST constructor recursion depth
        // mismatch", a tool error that turned CI red once (2026-11-23) with a green server.
        .args(["--workers", "1", "--request-timeout", "30", "--no-color"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start schemathesis");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("stderr")));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        thread::sleep(Duration::from_millis(200));
    };
    let output = stdout.join().expect("output");
    let errors = stderr.join().expect("errors");
    let Some(status) = status else {
        panic!("schemathesis ran over {TIME_LIMIT:?}:\n{output}\n{errors}");
    };
    assert!(
        status.success(),
        "schemathesis found failures (seed {seed}):\n{output}\n{errors}"
    );
    let cases = generated(&output).unwrap_or(0);
    eprintln!("schemathesis: {cases} cases, seed {seed}");
    assert!(cases >= AT_LEAST, "only {cases} cases generated:\n{output}");
    assert_eq!(server.get("/readyz").0, 200, "the server is still up");
}
