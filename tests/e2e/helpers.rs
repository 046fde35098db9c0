//! Starting the real binary and talking HTTP to it.

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::Duration,
};

/// The `pilote` binary cargo built for these tests.
pub fn pilote(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pilote"));
    command
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("PILOTE_BIND")
        .env_remove("PILOTE_CONFIG")
        .env("RUST_LOG", "info");
    command
}

/// A running `pilote serve`, killed when dropped.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    /// Starts `pilote serve --bind 127.0.0.1:0 ARGS...` in `dir` and waits until it listens.
    pub fn start(dir: &Path, args: &[&str]) -> Server {
        let mut child = pilote(dir)
            .args(["serve", "--bind", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn pilote serve");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if std::env::var_os("TEST_LOG").is_some() {
                    eprintln!("[pilote] {line}");
                }
                if let Some(port) = line.split("listening on port ").nth(1) {
                    let _ = tx.send(port.trim().to_owned());
                }
            }
        });
        // Generous: a debug build loading the demo on a busy 2-core machine.
        let port = match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(port) => port,
            Err(_) => {
                let _ = child.kill();
                panic!("pilote serve did not start (set TEST_LOG=1 to see its log)");
            }
        };
        Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    /// GET a path; returns the status and the body parsed as JSON.
    pub fn get(&self, path: &str) -> (u16, serde_json::Value) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        let mut response = agent
            .get(format!("{}{path}", self.base))
            .call()
            .expect("HTTP request");
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .read_json::<serde_json::Value>()
            .expect("JSON body");
        (status, body)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
