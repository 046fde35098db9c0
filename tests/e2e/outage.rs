//! The database goes away and comes back: `/readyz` and the API answer 503 in JSON meanwhile,
//! and the server recovers without a restart.
//!
//! The "outage" is a TCP relay between the server and the test PostgreSQL that the test cuts
//! and restores, so the shared PostgreSQL server keeps serving the other tests.

use std::{
    io,
    net::{Shutdown, TcpListener, TcpStream},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    thread,
    time::{Duration, Instant},
};

use pilote_store::{Backend, testing::TestDb};

use crate::helpers::Server;

/// Forwards loopback connections to `upstream` until cut.
struct Relay {
    port: u16,
    up: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl Relay {
    fn start(upstream: &'static str) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("relay port");
        let port = listener.local_addr().expect("addr").port();
        let up = Arc::new(AtomicBool::new(true));
        let open: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (flag, streams) = (up.clone(), open.clone());
        thread::spawn(move || {
            for client in listener.incoming().map_while(Result::ok) {
                if !flag.load(Ordering::SeqCst) {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect(upstream) else {
                    continue;
                };
                let pairs = [
                    (client.try_clone(), server.try_clone()),
                    (server.try_clone(), client.try_clone()),
                ];
                if let Ok(mut list) = streams.lock() {
                    list.extend([client, server]);
                }
                for pair in pairs {
                    if let (Ok(mut from), Ok(mut to)) = pair {
                        thread::spawn(move || {
                            let _ = io::copy(&mut from, &mut to);
                            let _ = to.shutdown(Shutdown::Both);
                        });
                    }
                }
            }
        });
        Relay { port, up, open }
    }

    /// Drops every open connection and refuses new ones.
    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        if let Ok(mut list) = self.open.lock() {
            for stream in list.drain(..) {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_server_answers_503_while_postgres_is_away_and_recovers_by_itself() {
    let db = TestDb::new(Backend::Postgres);
    let relay = Relay::start("127.0.0.1:5432");
    let url = db
        .url()
        .replace("127.0.0.1:5432", &format!("127.0.0.1:{}", relay.port));
    assert_ne!(
        url,
        db.url(),
        "the test database is expected on 127.0.0.1:5432"
    );
    let dir = tempfile::tempdir().expect("dir");
    let server = Server::start_with_env(
        dir.path(),
        &["--database-url", &url],
        &[("PILOTE_DATABASE__CONNECT_TIMEOUT_SECS", "1")],
    );
    assert_eq!(server.get("/readyz").0, 200);

    relay.cut();
    eventually("/readyz answers 503", || server.get("/readyz").0 == 503);
    let (status, body) = server.get("/readyz");
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (503, Some("database_unavailable"))
    );
    let login = server.post_json(
        "/api/v1/auth/login",
        &serde_json::json!({"email": "x@test.gouv.fr", "password": "un mot de passe"}),
    );
    assert_eq!(login.status, 503, "{:?}", login.body);
    assert!(
        !login.body.to_string().contains("5432"),
        "no connection details leak"
    );

    relay.restore();
    eventually("/readyz answers 200 again", || {
        server.get("/readyz").0 == 200
    });
}
