//! Starting the real binary and talking HTTP to it.

use std::{
    io::{BufRead, BufReader, Write},
    path::Path,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex, mpsc},
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
        // Servers run no job runner unless a test asks (tests/e2e/connectors.rs): a source
        // fetched behind a test's back would make its counts depend on timing.
        .env("PILOTE_CONNECTORS__RUNNER", "false")
        .env("RUST_LOG", "info");
    command
}

/// Runs `pilote user add --database-url URL ARGS...`, typing `password` on its standard input.
pub fn add_user(dir: &Path, url: &str, args: &[&str], password: &str) -> std::process::Output {
    let mut child = pilote(dir)
        .args(["user", "add", "--database-url", url])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("write password");
    child.wait_with_output().expect("wait")
}

/// Like [`add_user`], asserting that the command succeeded.
pub fn must_add_user(dir: &Path, url: &str, args: &[&str], password: &str) {
    let out = add_user(dir, url, args, password);
    assert!(
        out.status.success(),
        "user add {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An HTTP answer: status, headers, and the body parsed as JSON.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: ureq::http::HeaderMap,
    pub body: serde_json::Value,
}

impl Reply {
    /// A header's value, if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// What to send besides the method and the path.
#[derive(Clone, Copy, Debug, Default)]
pub struct Request<'a> {
    /// Extra headers.
    pub headers: &'a [(&'a str, &'a str)],
    /// `Authorization: Bearer <token>`.
    pub bearer: Option<&'a str>,
    /// A body and its content type.
    pub body: Option<(&'a str, &'a str)>,
}

/// A running `pilote serve`, killed when dropped.
pub struct Server {
    child: Child,
    pub base: String,
    /// The lines the server logged so far.
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `pilote serve --bind 127.0.0.1:0 ARGS...` in `dir` and waits until it listens.
    pub fn start(dir: &Path, args: &[&str]) -> Server {
        Server::start_with_env(dir, args, &[])
    }

    /// Like [`Server::start`], with extra environment variables.
    pub fn start_with_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Server {
        Server::start_on(dir, "127.0.0.1:0", args, env)
    }

    /// Like [`Server::start_with_env`], listening on `bind` (its port must be 0); requests
    /// still go to 127.0.0.1.
    pub fn start_on(dir: &Path, bind: &str, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = pilote(dir)
            .args(["serve", "--bind", bind])
            .args(args)
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn pilote serve");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        let log = Arc::new(Mutex::new(Vec::new()));
        let kept = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(mut kept) = kept.lock() {
                    kept.push(line.clone());
                }
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
            log,
        }
    }

    /// GET a path; returns the status and the body parsed as JSON.
    pub fn get(&self, path: &str) -> (u16, serde_json::Value) {
        let reply = self.send("GET", path, Request::default());
        (reply.status, reply.body)
    }

    /// GET a path with `Authorization: Bearer <token>`.
    pub fn get_as(&self, path: &str, token: &str) -> Reply {
        self.send(
            "GET",
            path,
            Request {
                bearer: Some(token),
                ..Request::default()
            },
        )
    }

    /// POST a JSON value.
    pub fn post_json(&self, path: &str, body: &serde_json::Value) -> Reply {
        let text = body.to_string();
        self.send(
            "POST",
            path,
            Request {
                body: Some(("application/json", &text)),
                ..Request::default()
            },
        )
    }

    /// Sends any request. A JSON answer is parsed; any other body comes back as a string, an
    /// empty one as `null`.
    pub fn send(&self, method: &str, path: &str, request: Request<'_>) -> Reply {
        let body = request.body.map(|(kind, text)| (kind, text.as_bytes()));
        self.send_bytes(method, path, request, body)
    }

    /// Posts bytes (a file that is not UTF-8, a workbook) of a content type as someone.
    pub fn post_file(&self, path: &str, token: &str, content_type: &str, bytes: &[u8]) -> Reply {
        let request = Request {
            bearer: Some(token),
            ..Request::default()
        };
        self.send_bytes("POST", path, request, Some((content_type, bytes)))
    }

    /// [`Server::send`], the body (and its content type) given as bytes.
    fn send_bytes(
        &self,
        method: &str,
        path: &str,
        request: Request<'_>,
        body: Option<(&str, &[u8])>,
    ) -> Reply {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        let url = format!("{}{path}", self.base);
        let authorization = request.bearer.map(|token| format!("Bearer {token}"));
        macro_rules! with_auth {
            ($builder:expr) => {{
                let mut builder = $builder;
                if let Some(value) = &authorization {
                    builder = builder.header("Authorization", value);
                }
                for (name, value) in request.headers {
                    builder = builder.header(*name, *value);
                }
                builder
            }};
        }
        let (content_type, text) = body.unwrap_or(("application/json", b""));
        let result = match method {
            "GET" => with_auth!(agent.get(&url)).call(),
            "DELETE" => with_auth!(agent.delete(&url)).call(),
            "POST" => with_auth!(agent.post(&url))
                .content_type(content_type)
                .send(text),
            "PATCH" => with_auth!(agent.patch(&url))
                .content_type(content_type)
                .send(text),
            "PUT" => with_auth!(agent.put(&url))
                .content_type(content_type)
                .send(text),
            other => panic!("unsupported method in tests: {other}"),
        };
        let mut response = result.expect("HTTP request");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_vec()
            .expect("body");
        // Images come back as (lossy) text: tests look at their headers and first bytes.
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let is_json = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        let body = if text.is_empty() {
            serde_json::Value::Null
        } else if is_json {
            serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{method} {path}: invalid JSON ({e}): {text:?}"))
        } else {
            serde_json::Value::String(text)
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    /// Sends JSON as someone (`None`: anonymous).
    pub fn json_as(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: &serde_json::Value,
    ) -> Reply {
        let text = body.to_string();
        self.send(
            method,
            path,
            Request {
                bearer: token,
                body: Some(("application/json", &text)),
                ..Request::default()
            },
        )
    }

    /// Logs in and returns the access token.
    pub fn login(&self, email: &str, password: &str) -> String {
        let reply = self.post_json(
            "/api/v1/auth/login",
            &serde_json::json!({ "email": email, "password": password }),
        );
        assert_eq!(reply.status, 200, "login {email}: {:?}", reply.body);
        reply.body["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }

    /// The server process's resident anonymous memory now (`RssAnon`: its heap, not the
    /// pages of its binary), in KiB.
    pub fn resident_anon_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("/proc/PID/status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("RssAnon:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("RssAnon")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
