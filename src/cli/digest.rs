//! `pilote digest`: the weekly digest of the portfolio (late teams, objectives that changed
//! status, suspect values, overdue products, reviews due, incomplete matrices), printed as
//! Markdown, HTML or JSON, or posted to a Mattermost/Slack incoming webhook. Scheduling it is
//! described in docs/digest.md.

use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use clap::{Args, ValueEnum};
use pilote_api::Settings;
use pilote_domain::{Digest, Period, Periodicity, Slug, parse_iso_week};
use pilote_store::{repo::digest, transaction};

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
    match &args.webhook {
        Some(url) => {
            let body = serde_json::json!({ "text": digest.to_markdown() }).to_string();
            let delay = Duration::from_millis(args.retry_delay_ms);
            post_with_retries(url, &body, args.retries, delay)?;
            println!("Synthèse de la semaine {} envoyée.", digest.week);
        }
        None => match args.format {
            DigestFormat::Md => print!("{}", digest.to_markdown()),
            DigestFormat::Html => print!("{}", digest.to_html()),
            DigestFormat::Json => println!("{}", serde_json::to_string_pretty(&digest)?),
        },
    }
    Ok(())
}

/// POSTs `body` as JSON, retrying up to `retries` times after a failure (connection refused,
/// timeout, any non-2xx answer), waiting `delay`, then twice as long each time: bounded, so
/// that a cron job never hangs.
fn post_with_retries(url: &str, body: &str, retries: u32, delay: Duration) -> anyhow::Result<()> {
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .new_agent();
    let mut wait = delay;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let outcome = agent.post(url).content_type("application/json").send(body);
        match outcome {
            Ok(_) => return Ok(()),
            Err(e) if attempt > retries => {
                anyhow::bail!("le webhook a refusé la synthèse après {attempt} tentatives : {e}")
            }
            Err(e) => {
                eprintln!(
                    "tentative {attempt} d'envoi au webhook en échec ({e}) ; nouvel essai dans {} ms",
                    wait.as_millis()
                );
                std::thread::sleep(wait);
                wait = wait.saturating_mul(2);
            }
        }
    }
}
