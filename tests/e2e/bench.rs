//! `pilote-bench --quick`: the benchmark harness still runs end to end (both backends, the
//! real server, every figure), so that it does not rot between full runs. No figure is
//! checked: timings belong in docs/benchmarks.md, never in assertions.

use std::process::Command;

#[test]
fn the_bench_runs_at_quick_scale_on_both_backends() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let output = Command::new(env!("CARGO_BIN_EXE_pilote-bench"))
        .args(["--quick", "--no-matplotlib", "--server"])
        .arg(env!("CARGO_BIN_EXE_pilote"))
        .arg("--workdir")
        .arg(dir.path())
        .env_remove("DATABASE_URL")
        .output()
        .expect("run pilote-bench");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "pilote-bench failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    for backend in ["sqlite", "postgres"] {
        for figure in [
            "ingestion through the store",
            "HTTP GET /healthz",
            "HTTP single-measure POST",
            "HTTP batch POST",
            "GET /api/v1/portfolio",
            "GET /api/v1/products",
            "GET /charts/portfolio/timeline.svg",
            "server peak RSS",
        ] {
            assert!(
                stdout
                    .lines()
                    .any(|l| l.starts_with(&format!("| {backend} | {figure}"))),
                "no {figure:?} row for {backend} in:\n{stdout}"
            );
        }
    }
    assert!(stdout.contains("indicator chart"), "{stdout}");
}
