//! `pilote digest`: the weekly digest of the portfolio (late teams, objectives that changed
//! status, suspect values, overdue products, reviews due, incomplete matrices), printed as
//! Markdown, HTML or JSON, or posted to a Mattermost/Slack incoming webhook. Scheduling it is
//! described in docs/digest.md.

use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use clap::{Args, ValueEnum};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use pilote_api::Settings;
use pilote_domain::{Digest, Period, Periodicity, Slug, parse_iso_week};
use pilote_store::{repo::digest, transaction};
use sha2::{Digest as _, Sha256};

use super::DatabaseArgs;
use crate::refusal::Refusal;

/// How the digest is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DigestFormat {
    /// Markdown (what the webhook posts).
    Md,
    /// A self-contained HTML page.
    Html,
    /// The figures as JSON.
    Json,
}

/// Options of `pilote digest`.
#[derive(Debug, Args)]
pub struct DigestArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Only this incubator's products.
    #[arg(long, value_name = "SLUG")]
    pub incubator: Option<String>,
    /// The ISO week (default: the last complete week).
    #[arg(long, value_name = "2026-W47")]
    pub week: Option<String>,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value = "md")]
    pub format: DigestFormat,
    /// Post the Markdown as `{"text": ...}` to this incoming-webhook URL instead of printing it.
    #[arg(long, value_name = "URL")]
    pub webhook: Option<String>,
    /// Post the digest to this Tchap (Matrix) room (`!id:server`), as the account of the
    /// settings `matrix.homeserver` and `matrix.access_token`, instead of printing it.
    #[arg(long, value_name = "ROOM")]
    pub matrix_room: Option<String>,
    /// How many times a failed post is retried (waits double each time from --retry-delay-ms).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(0..=10))]
    pub retries: u32,
    /// The first wait before a retry, in milliseconds.
    #[arg(long, default_value_t = 1000, value_name = "MS")]
    pub retry_delay_ms: u64,
}

/// Builds the digest and prints or posts it; a post that still fails after the retries is an
/// error (non-zero exit).
pub fn run(settings: &Settings, args: &DigestArgs) -> anyhow::Result<()> {
    let week = match &args.week {
        Some(text) => parse_iso_week(text)
            .map_err(|e| Refusal::Usage(format!("--week {text:?} : {e} (attendu : 2026-W47)")))?,
        None => Period::last_complete(Periodicity::Week, Utc::now().date_naive()),
    };
    let incubator = args
        .incubator
        .as_deref()
        .map(|text| {
            Slug::parse(text).map_err(|e| Refusal::Usage(format!("--incubator {text:?} : {e}")))
        })
        .transpose()?;
    let db = args.database.open(settings)?;
    let mut conn = db.get()?;
    let digest: Digest =
        transaction::read(&mut conn, |c| digest::of_week(c, incubator.as_ref(), week))
            .context("impossible de calculer la synthèse")?;
    let delay = Duration::from_millis(args.retry_delay_ms);
    if let Some(room) = &args.matrix_room {
        post_to_matrix(settings, room, &digest, args.retries, delay)?;
        println!("Synthèse de la semaine {} envoyée au salon.", digest.week);
    }
    match &args.webhook {
        Some(url) => {
            let body = serde_json::json!({ "text": digest.to_markdown() }).to_string();
            let agent = agent();
            with_retries(("le webhook", "au webhook"), args.retries, delay, || {
                agent
                    .post(url)
                    .content_type("application/json")
                    .send(body.as_str())
                    .map(drop)
            })?;
            println!("Synthèse de la semaine {} envoyée.", digest.week);
        }
        None if args.matrix_room.is_some() => {}
        None => match args.format {
            DigestFormat::Md => print!("{}", digest.to_markdown()),
            DigestFormat::Html => print!("{}", digest.to_html()),
            DigestFormat::Json => println!("{}", serde_json::to_string_pretty(&digest)?),
        },
    }
    Ok(())
}

/// The HTTP client of the posts: 20 s at most per attempt.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .new_agent()
}

/// Sends the digest to a Matrix room through the client-server API: `PUT
/// /_matrix/client/v3/rooms/{room}/send/m.room.message/{txn}`, the Markdown as `body` and its
/// HTML as `formatted_body`. The transaction id is a hash of the room and the message, so a
/// retry (or the same command run again) is the same transaction: the homeserver stores the
/// message once.
fn post_to_matrix(
    settings: &Settings,
    room: &str,
    digest: &Digest,
    retries: u32,
    delay: Duration,
) -> anyhow::Result<()> {
    let homeserver = settings.matrix.homeserver.trim().trim_end_matches('/');
    let token = settings.matrix.access_token.trim();
    if homeserver.is_empty() || token.is_empty() {
        return Err(Refusal::Usage(
            "--matrix-room demande les réglages matrix.homeserver et matrix.access_token \
             (PILOTE_MATRIX__HOMESERVER, PILOTE_MATRIX__ACCESS_TOKEN)"
                .to_owned(),
        )
        .into());
    }
    let markdown = digest.to_markdown();
    let mut hash = Sha256::new();
    hash.update(room.as_bytes());
    hash.update([0]);
    hash.update(markdown.as_bytes());
    let txn = format!(
        "pilote-digest-{}",
        &hash
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()[..32]
    );
    let url = format!(
        "{homeserver}/_matrix/client/v3/rooms/{}/send/m.room.message/{txn}",
        utf8_percent_encode(room, NON_ALPHANUMERIC)
    );
    let body = serde_json::json!({
        "msgtype": "m.notice",
        "body": markdown,
        "format": "org.matrix.custom.html",
        "formatted_body": digest.to_html_fragment(),
    })
    .to_string();
    let agent = agent();
    let bearer = format!("Bearer {token}");
    with_retries(
        ("le serveur Matrix", "au serveur Matrix"),
        retries,
        delay,
        || {
            agent
                .put(&url)
                .header("Authorization", &bearer)
                .content_type("application/json")
                .send(body.as_str())
                .map(drop)
        },
    )
}

/// Runs `send`, retrying up to `retries` times after a failure (connection refused, timeout,
/// any non-2xx answer), waiting `delay`, then twice as long each time: bounded, so that a cron
/// job never hangs. `(who, to_whom)` names the receiver in messages.
fn with_retries(
    (who, to_whom): (&str, &str),
    retries: u32,
    delay: Duration,
    send: impl Fn() -> Result<(), ureq::Error>,
) -> anyhow::Result<()> {
    let mut wait = delay;
    let mut attempt = 0;
    loop {
        attempt += 1;
        match send() {
            Ok(()) => return Ok(()),
            Err(e) if attempt > retries => {
                anyhow::bail!("{who} a refusé la synthèse après {attempt} tentatives : {e}")
            }
            Err(e) => {
                eprintln!(
                    "tentative {attempt} d'envoi {to_whom} en échec ({e}) ; nouvel essai dans {} ms",
                    wait.as_millis()
                );
                std::thread::sleep(wait);
                wait = wait.saturating_mul(2);
            }
        }
    }
}
