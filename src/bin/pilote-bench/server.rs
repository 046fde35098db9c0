//! The real `pilote serve` process under test, and its peak memory.

use std::{
    io::{BufRead, BufReader},
    net::SocketAddr,
    path::Path,
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::Duration,
};

use anyhow::{Context, bail};

/// A running server, killed when dropped.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
}

impl Server {
    /// Starts `binary serve` on a free loopback port over `database_url`, at the default log
    /// level (`info`: one line per request, as in production).
    pub fn start(binary: &Path, database_url: &str, workdir: &Path) -> anyhow::Result<Server> {
        let mut child = Command::new(binary)
            .args([
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--database-url",
                database_url,
            ])
            .current_dir(workdir)
            .env_remove("PILOTE_CONFIG")
            .env_remove("PILOTE_BIND")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let stderr = child.stderr.take().context("no stderr")?;
        let (tx, rx) = mpsc::channel();
        // Reads the log to its end so that the server never blocks on a full pipe.
        std::thread::spawn(move || {
            let verbose = std::env::var_os("PILOTE_BENCH_LOG").is_some();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if verbose {
                    eprintln!("[pilote] {line}");
                }
                if let Some(port) = line.split("listening on port ").nth(1) {
                    let _ = tx.send(port.trim().to_owned());
                }
            }
        });
        let port = match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(port) => port,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                bail!("pilote serve did not start (PILOTE_BENCH_LOG=1 shows its log)");
            }
        };
        let addr = format!("127.0.0.1:{port}").parse()?;
        Ok(Server { child, addr })
    }

    /// The peak resident set size so far (`VmHWM`), in KiB.
    pub fn peak_rss_kib(&self) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .context("no VmHWM in /proc/PID/status")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
