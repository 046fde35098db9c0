//! `pilote digest` end to end: the digest of a portfolio whose only product is late with its
//! weekly numbers and overdue in investigation, posted to a webhook receiver this test runs on
//! 127.0.0.1 (std's TcpListener): at once, after two failures, and never (non-zero exit).

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpListener,
    sync::mpsc,
    thread,
};

use pilote_store::Backend;
use serde_json::{Value, json};

use crate::{helpers::pilote, world::World};

/// Answers each incoming request with the next status of `statuses` (the last one repeats),
/// sending every body it receives down the channel. Returns the URL to post to.
fn receiver(statuses: Vec<u16>) -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!(
        "http://{}/hooks/pilote",
        listener.local_addr().expect("addr")
    );
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(value) = lower.strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
                if line == "\r\n" {
                    break;
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                return;
            }
            // Counted before the answer: once the command has exited, every post is in.
            if tx
                .send(String::from_utf8_lossy(&body).into_owned())
                .is_err()
            {
                return;
            }
            let status = *statuses.get(n).or(statuses.last()).unwrap_or(&200);
            let reply =
                format!("HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    (url, rx)
}

fn digest(w: &World, args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().expect("dir");
    pilote(dir.path())
        .args([
            "digest",
            "--database-url",
            w.db_url(),
            "--retry-delay-ms",
            "10",
        ])
        .args(args)
        .output()
        .expect("pilote digest")
}

fn scenario(backend: Backend) {
    let w = World::on(backend).with_product_token().start();
    // « Mon Produit » has been in investigation since 2025-01-06, over the 6 months allowed,
    // and has a weekly indicator with no value: late.
    let indicator = json!({"key": "demarches", "label": "Démarches", "unit": "", "direction": "increase",
                           "principle": "used", "periodicity": "week"});
    w.expect(
        201,
        "POST",
        "/api/v1/products/mon-produit/indicators",
        Some(&w.member),
        Some(&indicator),
    );

    // Printed as JSON: the figures.
    let out = digest(&w, &["--format", "json", "--incubator", "dinum"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["late_teams"][0]["slug"], "mon-produit", "{json}");
    assert_eq!(
        json["overdue_products"][0]["product"]["slug"],
        "mon-produit"
    );
    assert_eq!(json["incomplete_matrices"][0]["ok"], 0);

    // Posted at once.
    let (url, bodies) = receiver(vec![200]);
    let out = digest(&w, &["--webhook", &url]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let posted: Value = serde_json::from_str(&bodies.recv().expect("a post")).expect("JSON");
    let text = posted["text"].as_str().expect("text");
    let late = text
        .split("**Équipes en retard de saisie**")
        .nth(1)
        .expect("late section");
    assert!(
        late.lines()
            .nth(1)
            .is_some_and(|l| l.contains("Mon Produit")),
        "{text}"
    );
    let overdue = text
        .split("**Produits au-delà de la durée de leur phase**")
        .nth(1)
        .expect("overdue");
    assert!(
        overdue
            .lines()
            .nth(1)
            .is_some_and(|l| l.contains("Mon Produit (mon-produit)")),
        "{text}"
    );

    // Two failures, then accepted: three posts, success.
    let (url, bodies) = receiver(vec![500, 503, 200]);
    let out = digest(&w, &["--webhook", &url]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(bodies.try_iter().count(), 3);

    // Always refused: the retries are bounded and the exit is non-zero.
    let (url, bodies) = receiver(vec![500]);
    let out = digest(&w, &["--webhook", &url, "--retries", "2"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("après 3 tentatives"));
    assert_eq!(bodies.try_iter().count(), 3);

    // A week that is not one: refused, naming the option.
    let out = digest(&w, &["--week", "2026-W99"]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--week"));
}

both_backends!(the_digest => scenario);
