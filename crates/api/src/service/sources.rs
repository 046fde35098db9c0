//! Indicators' sources (issue 22): what the JSON routes, the source form and the job runner
//! (`pilote serve`, `pilote collect`) share. A source is checked here, its Matomo token
//! encrypted here, and a run fetches the source, reads its series and posts it through
//! [`measures::post_in`], the write path of a team's own values (periods filed, history kept,
//! suspect values flagged), with the source's name recorded. docs/connectors.md tells more.
//!
//! Runs are blocking (an HTTP request, then a transaction): handlers send them to the blocking
//! pool, the runner calls them from its own thread.

use std::time::Duration;

use actix_web::web;
use chacha20poly1305::{
    KeyInit, XChaCha20Poly1305, XNonce,
    aead::{Aead, AeadCore, OsRng, Payload},
};
use chrono::{NaiveDate, NaiveDateTime, TimeDelta, Utc};
use pilote_domain::{
    EVERY_HOURS, MatomoMetric, Period, Periodicity, Problem, SourceKind, parse_iso_week,
    retry_after_minutes,
};
use pilote_store::{
    Actor, Database, IndicatorId, StoreError, clock,
    repo::{
        indicators,
        measures::UpsertCounts,
        sources::{self, NewSource, Source},
    },
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    access::ProductScope,
    db,
    error::ApiError,
    openapi,
    service::{
        measures, scope,
        sheet::{Columns, Sheet},
    },
};

/// The hours between two runs when the body says none: once a day.
pub const DEFAULT_EVERY_HOURS: i32 = 24;

/// The longest answer a source may give, in bytes.
const MAX_ANSWER: u64 = 10 * 1024 * 1024;

/// The body of `PUT …/source`, and what the form sends.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceBody {
    #[schema(value_type = openapi::SourceKind)]
    pub kind: SourceKind,
    /// `http(s)://`: Matomo's base address (`https://stats.beta.gouv.fr`), or the JSON or CSV
    /// document's.
    pub url: String,
    /// Matomo only: the site's id (`idSite`).
    pub site_id: Option<u32>,
    /// Matomo only.
    #[schema(value_type = Option<openapi::MatomoMetric>)]
    pub metric: Option<MatomoMetric>,
    /// Matomo only: the `token_auth`, sent in POST bodies only, stored encrypted, never shown
    /// again. May be left out to keep the stored one (same kind and URL).
    pub token: Option<String>,
    /// JSON only: an RFC 6901 pointer to the series (`""`: the whole document), an object
    /// `{"2026-10": 123}`, an array of `[period, value]` or of `{"period", "value"}` objects.
    pub pointer: Option<String>,
    /// Hours between two runs (1 to 744, default 24).
    pub every_hours: Option<i32>,
}

/// What a kind keeps besides the URL (stored as JSON; never the token).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
struct Settings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    site_id: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metric: Option<MatomoMetric>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pointer: Option<String>,
}

/// A source as the API shows it: never its token.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SourceView {
    #[schema(value_type = openapi::SourceKind)]
    pub kind: SourceKind,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub site_id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<openapi::MatomoMetric>, required = false)]
    pub metric: Option<MatomoMetric>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub pointer: Option<String>,
    /// Whether a token is stored (Matomo); the token itself is never returned.
    pub token_stored: bool,
    pub every_hours: i32,
    #[serde(serialize_with = "crate::json::utc::serialize")]
    pub next_run_at: NaiveDateTime,
    /// How its values are labelled for people, in French.
    pub label_fr: String,
    /// The last run, if any.
    pub last_run: Option<LastRunView>,
}

/// A source's last run: what it wrote, or why it failed.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LastRunView {
    #[serde(serialize_with = "crate::json::utc::serialize")]
    pub at: NaiveDateTime,
    pub ok: bool,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Why it failed, in French, as the source's page and the digest say it.
    pub error_fr: Option<String>,
}

impl SourceView {
    fn of(source: Source) -> SourceView {
        let settings: Settings = serde_json::from_str(&source.settings).unwrap_or_default();
        let label_fr = match source.kind {
            // beta.gouv.fr's Matomo runs without cookies: its counts are estimates.
            SourceKind::Matomo => "estimation (Matomo sans cookie)".to_owned(),
            kind => kind.label_fr().to_owned(),
        };
        SourceView {
            kind: source.kind,
            url: source.url,
            site_id: settings.site_id,
            metric: settings.metric,
            pointer: settings.pointer,
            token_stored: source.secret.is_some(),
            every_hours: source.every_hours,
            next_run_at: source.next_run_at,
            label_fr,
            last_run: source.last_run.map(|run| {
                let (counts, error_fr) = match run.outcome {
                    Ok(counts) => (counts, None),
                    Err(error) => (UpsertCounts::default(), Some(error)),
                };
                LastRunView {
                    at: run.at,
                    ok: error_fr.is_none(),
                    created: counts.created,
                    updated: counts.updated,
                    unchanged: counts.unchanged,
                    error_fr,
                }
            }),
        }
    }
}

/// The problem of a field, in both languages.
fn problem(field: &str, en: &str, fr: &str) -> (String, Problem) {
    (
        field.to_owned(),
        Problem::rule(en.to_owned(), fr.to_owned()),
    )
}

/// Checks a body for the kind it names, every problem at once.
fn check(body: SourceBody, token_stored: bool) -> Result<(NewSpec, Option<String>), ApiError> {
    let mut problems = Vec::new();
    let url = body.url.trim().to_owned();
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 2000 {
        problems.push(problem(
            "url",
            "must be an http:// or https:// address of at most 2000 characters",
            "L'adresse doit commencer par https:// (ou http://).",
        ));
    }
    let every_hours = body.every_hours.unwrap_or(DEFAULT_EVERY_HOURS);
    if !EVERY_HOURS.contains(&every_hours) {
        problems.push(problem(
            "every_hours",
            "must be between 1 and 744 hours",
            "La fréquence doit être comprise entre 1 et 744 heures.",
        ));
    }
    let kind = body.kind;
    let only = |problems: &mut Vec<(String, Problem)>, field: &str, set: bool, kinds: &str| {
        if set {
            problems.push(problem(
                field,
                &format!("only for a {kinds} source"),
                &format!("Ce champ ne concerne que les sources {kinds}."),
            ));
        }
    };
    let mut settings = Settings::default();
    let mut token = None;
    match kind {
        SourceKind::Matomo => {
            match body.site_id {
                Some(id) if id >= 1 => settings.site_id = Some(id),
                _ => problems.push(problem(
                    "site_id",
                    "must be the Matomo site's id, 1 or more",
                    "Indiquez l'identifiant du site dans Matomo (1 ou plus).",
                )),
            }
            match body.metric {
                Some(metric) => settings.metric = Some(metric),
                None => problems.push(problem(
                    "metric",
                    "must be one of nb_uniq_visitors, nb_visits, nb_actions",
                    "Choisissez la mesure Matomo.",
                )),
            }
            match body.token.as_deref().map(str::trim) {
                Some(t)
                    if !t.is_empty()
                        && t.len() <= 256
                        && t.chars().all(|c| c.is_ascii_alphanumeric()) =>
                {
                    token = Some(t.to_owned());
                }
                None | Some("") if token_stored => {}
                _ => problems.push(problem(
                    "token",
                    "must be the Matomo token_auth (letters and digits)",
                    "Indiquez le jeton d'authentification Matomo (lettres et chiffres).",
                )),
            }
            only(&mut problems, "pointer", body.pointer.is_some(), "JSON");
        }
        SourceKind::Json => match body.pointer.as_deref().map(str::trim) {
            Some(p) if p.is_empty() || p.starts_with('/') => {
                settings.pointer = Some(p.to_owned());
            }
            None => settings.pointer = Some(String::new()),
            Some(_) => problems.push(problem(
                "pointer",
                "must be a JSON pointer: empty or starting with /",
                "Le chemin JSON doit être vide ou commencer par / (par exemple /data/rows).",
            )),
        },
        SourceKind::Csv => only(&mut problems, "pointer", body.pointer.is_some(), "JSON"),
    }
    if kind != SourceKind::Matomo {
        only(&mut problems, "site_id", body.site_id.is_some(), "Matomo");
        only(&mut problems, "metric", body.metric.is_some(), "Matomo");
        only(&mut problems, "token", body.token.is_some(), "Matomo");
    }
    if !problems.is_empty() {
        return Err(ApiError::InvalidMany(problems));
    }
    let settings = serde_json::to_string(&settings).map_err(|e| ApiError::Internal(e.into()))?;
    Ok((
        NewSpec {
            kind,
            url,
            settings,
            every_hours,
        },
        token,
    ))
}

/// A checked source, its token apart.
struct NewSpec {
    kind: SourceKind,
    url: String,
    settings: String,
    every_hours: i32,
}

/// Encrypts a token for the indicator's source: hex of a random 24-byte nonce and the
/// ciphertext, the indicator's id bound as associated data (a token copied onto another
/// source's row does not open).
pub fn seal(key: &[u8; 32], indicator: IndicatorId, token: &str) -> Result<String, ApiError> {
    let cipher = XChaCha20Poly1305::new(key.into());
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let aad = indicator.0.to_le_bytes();
    let sealed = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: token.as_bytes(),
                aad: &aad,
            },
        )
        .map_err(|_| ApiError::Internal("token encryption failed".into()))?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Ok(hex::encode(out))
}

/// Decrypts what [`seal`] made for this indicator.
fn open(key: &[u8; 32], indicator: IndicatorId, sealed: &str) -> Result<String, Failure> {
    let bytes = hex::decode(sealed).map_err(|_| Failure::Secret)?;
    if bytes.len() < 24 {
        return Err(Failure::Secret);
    }
    let (nonce, ciphertext) = bytes.split_at(24);
    let cipher = XChaCha20Poly1305::new(key.into());
    let aad = indicator.0.to_le_bytes();
    let plain = cipher
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: &aad,
            },
        )
        .map_err(|_| Failure::Secret)?;
    String::from_utf8(plain).map_err(|_| Failure::Secret)
}

/// The indicator `key` of the product, for a source route.
async fn indicator_id(
    db: &web::Data<Database>,
    scope: &ProductScope,
    key: &str,
) -> Result<IndicatorId, ApiError> {
    let key = scope::slug(key, "indicator")?;
    let product = scope.id;
    let (id, _) = db::read(db, move |c| indicators::find(c, product, &key)).await?;
    Ok(id)
}

/// The indicator's source (404 when it has none).
pub async fn get(
    db: &web::Data<Database>,
    scope: &ProductScope,
    key: &str,
) -> Result<SourceView, ApiError> {
    let id = indicator_id(db, scope, key).await?;
    db::read(db, move |c| sources::get(c, id))
        .await?
        .map(SourceView::of)
        .ok_or(ApiError::NotFound("source"))
}

/// The indicator's source, or none.
pub async fn find(
    db: &web::Data<Database>,
    scope: &ProductScope,
    key: &str,
) -> Result<Option<SourceView>, ApiError> {
    let id = indicator_id(db, scope, key).await?;
    Ok(db::read(db, move |c| sources::get(c, id))
        .await?
        .map(SourceView::of))
}

/// Sets the indicator's source (checked, its token encrypted); true when it is new.
pub async fn put(
    db: &web::Data<Database>,
    key_bytes: [u8; 32],
    scope: &ProductScope,
    key: &str,
    body: SourceBody,
) -> Result<(bool, SourceView), ApiError> {
    let id = indicator_id(db, scope, key).await?;
    let stored = db::read(db, move |c| sources::get(c, id)).await?;
    // A stored token counts only where it would be kept: same kind and address.
    let token_stored = stored
        .as_ref()
        .is_some_and(|s| s.secret.is_some() && s.kind == body.kind && s.url == body.url.trim());
    let (spec, token) = check(body, token_stored)?;
    let secret = token.map(|t| seal(&key_bytes, id, &t)).transpose()?;
    let source = NewSource {
        kind: spec.kind,
        url: spec.url,
        settings: spec.settings,
        secret,
        every_hours: spec.every_hours,
    };
    db::write(db, move |c| {
        let created = sources::put(c, id, &source, clock::now())?;
        let view = sources::get(c, id)?
            .map(SourceView::of)
            .ok_or(StoreError::NotFound { what: "source" })?;
        Ok((created, view))
    })
    .await
}

/// Removes the indicator's source (404 when it has none); its values stay.
pub async fn delete(
    db: &web::Data<Database>,
    scope: &ProductScope,
    key: &str,
) -> Result<(), ApiError> {
    let id = indicator_id(db, scope, key).await?;
    if db::write(db, move |c| sources::delete(c, id)).await? {
        Ok(())
    } else {
        Err(ApiError::NotFound("source"))
    }
}

/// Runs the indicator's source now (from `from` when given), on the blocking pool; 409 when a
/// run of it is under way elsewhere. The source as it stands after the run.
pub async fn run_now(
    db: &web::Data<Database>,
    runner: Runner,
    scope: &ProductScope,
    key: &str,
    from: Option<NaiveDate>,
) -> Result<SourceView, ApiError> {
    let id = indicator_id(db, scope, key).await?;
    if db::read(db, move |c| sources::get(c, id)).await?.is_none() {
        return Err(ApiError::NotFound("source"));
    }
    let database = db.get_ref().clone();
    let ran = web::block(move || runner.run(&database, id, from, true)).await??;
    if !ran {
        return Err(
            pilote_domain::DomainError::Conflict(pilote_domain::Conflict::rule(
                "a run of this source is under way",
                "Une collecte de cette source est déjà en cours.",
            ))
            .into(),
        );
    }
    get(db, scope, key).await
}

/// Why a run failed, in French: stored as the source's last error, shown on its page and in
/// the digest. (The API shows it as `error_fr`.)
#[derive(Debug)]
enum Failure {
    /// The token cannot be decrypted (the key changed).
    Secret,
    /// No answer (refused, timed out, DNS).
    Unreachable(String),
    /// An HTTP status other than 2xx.
    Status(u16),
    /// The answer is not what the kind reads.
    Unreadable(String),
    /// Matomo answered an error of its own.
    Matomo(String),
    /// Values the rules refused, in French.
    Refused(String),
}

impl Failure {
    fn french(&self) -> String {
        match self {
            Failure::Secret => {
                "le jeton enregistré ne peut plus être déchiffré (la clé a changé) : \
                saisissez-le de nouveau"
                    .to_owned()
            }
            Failure::Unreachable(e) => format!("la source ne répond pas ({e})"),
            Failure::Status(401 | 403) => {
                "la source refuse l'accès (HTTP 401/403) : vérifiez le jeton".to_owned()
            }
            Failure::Status(status) => format!("la source a répondu par une erreur HTTP {status}"),
            Failure::Unreadable(e) => format!("la réponse de la source est illisible : {e}"),
            Failure::Matomo(e) => format!("Matomo a répondu par une erreur : {e}"),
            Failure::Refused(e) => format!("valeurs refusées : {e}"),
        }
    }
}

/// Runs sources: who is running (the lease's owner), the key and the timeout.
#[derive(Clone)]
pub struct Runner {
    pub owner: String,
    pub key: [u8; 32],
    pub timeout: Duration,
}

impl Runner {
    /// A runner named after this process (host and pid), so that two replicas differ.
    pub fn new(settings: &crate::Settings) -> Result<Runner, String> {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "pilote".to_owned());
        Ok(Runner {
            owner: format!("{host}:{}", std::process::id()),
            key: settings.connectors.key()?,
            timeout: Duration::from_secs(settings.connectors.timeout_secs.max(1)),
        })
    }

    /// How long a claim holds: the request's timeout and the write, with room to spare.
    fn lease(&self) -> TimeDelta {
        TimeDelta::seconds(i64::try_from(self.timeout.as_secs()).unwrap_or(60) * 2 + 60)
    }

    /// Runs every due source once (at most 50 a call); the number run.
    pub fn run_due(&self, db: &Database) -> Result<usize, StoreError> {
        let due = db.read(|c| sources::due(c, clock::now(), 50))?;
        let mut ran = 0;
        for id in due {
            if self.run(db, id, None, false)? {
                ran += 1;
            }
        }
        Ok(ran)
    }

    /// Claims the indicator's source (when due, or whenever with `force`), fetches it, posts
    /// what it read and records the outcome. False when another runner holds it.
    pub fn run(
        &self,
        db: &Database,
        id: IndicatorId,
        from: Option<NaiveDate>,
        force: bool,
    ) -> Result<bool, StoreError> {
        let now = clock::now();
        let (owner, until) = (self.owner.clone(), now + self.lease());
        let claimed = db.write(move |c| sources::claim(c, id, &owner, now, until, force))?;
        if !claimed {
            return Ok(false);
        }
        let (source, (product, key, periodicity)) = db.read(|c| {
            let source = sources::get(c, id)?.ok_or(StoreError::NotFound { what: "source" })?;
            Ok((source, sources::target(c, id)?))
        })?;
        let today = Utc::now().date_naive();
        let outcome = match self.fetch(&source, &key, periodicity, from, today) {
            Ok(rows) => {
                let measure_source = source.kind.measure_source();
                match db.write(move |c| {
                    measures::post_in(c, product, rows, measure_source, Actor::System, today)
                })? {
                    Ok(posted) => Ok(posted.counts),
                    Err(refused) => Err(Failure::Refused(french_of(&refused))),
                }
            }
            Err(failure) => Err(failure),
        };
        let finished = clock::now();
        let (outcome, next) = match outcome {
            Ok(counts) => (
                Ok(counts),
                finished + TimeDelta::hours(i64::from(source.every_hours)),
            ),
            Err(failure) => {
                let failures = u32::try_from(source.failures).unwrap_or(0) + 1;
                let wait = retry_after_minutes(failures, source.every_hours);
                // Never the token: the failure's text is built from statuses and parse errors.
                log::warn!("source of indicator {} failed: {failure:?}", id.0);
                (Err(failure.french()), finished + TimeDelta::minutes(wait))
            }
        };
        let owner = self.owner.clone();
        db.write(move |c| sources::finish(c, id, &owner, finished, &outcome, next))?;
        Ok(true)
    }

    /// Fetches and reads the source's series as rows of the indicator `key`.
    fn fetch(
        &self,
        source: &Source,
        key: &str,
        periodicity: Periodicity,
        from: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<Vec<measures::RawRow>, Failure> {
        let settings: Settings = serde_json::from_str(&source.settings)
            .map_err(|e| Failure::Unreadable(e.to_string()))?;
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(self.timeout))
            .build()
            .new_agent();
        let series = match source.kind {
            SourceKind::Matomo => {
                let token = match &source.secret {
                    Some(sealed) => open(&self.key, source.indicator, sealed)?,
                    None => return Err(Failure::Secret),
                };
                let last = Period::last_complete(periodicity, today);
                let first = match from {
                    Some(from) => Period::containing(periodicity, from),
                    None => last.prev().prev(),
                };
                if first > last {
                    return Ok(Vec::new());
                }
                let metric = settings.metric.unwrap_or(MatomoMetric::NbVisits);
                let answer = matomo(
                    &agent,
                    &source.url,
                    settings.site_id.unwrap_or(1),
                    periodicity,
                    (first.start(), last.end()),
                    &token,
                )?;
                matomo_series(&answer, metric)?
            }
            SourceKind::Json => {
                let text = get_text(&agent, &source.url)?;
                let value: serde_json::Value =
                    serde_json::from_str(&text).map_err(|e| Failure::Unreadable(e.to_string()))?;
                let pointer = settings.pointer.unwrap_or_default();
                let series = value.pointer(&pointer).ok_or_else(|| {
                    Failure::Unreadable(format!("rien à l'emplacement {pointer:?}"))
                })?;
                json_series(series)?
            }
            SourceKind::Csv => {
                let text = get_text(&agent, &source.url)?;
                return csv_rows(text.as_bytes(), key)
                    .map(|rows| since(rows, periodicity, from))
                    .map_err(|e| Failure::Unreadable(french_of(&e)));
            }
        };
        let rows = series
            .into_iter()
            .enumerate()
            .map(|(i, (period, value))| measures::RawRow {
                field: format!("series[{i}]"),
                indicator: key.to_owned(),
                period,
                value,
                comment: None,
            })
            .collect();
        Ok(since(rows, periodicity, from))
    }
}

/// Rows of the period containing `from` and later ones (all without it).
fn since(
    rows: Vec<measures::RawRow>,
    periodicity: Periodicity,
    from: Option<NaiveDate>,
) -> Vec<measures::RawRow> {
    match from {
        Some(from) => {
            let first = Period::containing(periodicity, from).start();
            rows.into_iter().filter(|r| r.period >= first).collect()
        }
        None => rows,
    }
}

/// A source's `period,value` file read by the one spreadsheet reader (encodings, French
/// headers and cells, as a team's upload), the indicator's key put in front of each line.
fn csv_rows(bytes: &[u8], key: &str) -> Result<Vec<measures::RawRow>, ApiError> {
    Sheet::read(&with_indicator_column(bytes, key), Columns::OneProduct)?.measures()
}

/// `period,value` lines as `indicator,period,value` (the separator the header uses).
fn with_indicator_column(bytes: &[u8], key: &str) -> Vec<u8> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let header = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let separator = if header.contains(&b';') { b';' } else { b',' };
    let mut out = Vec::with_capacity(bytes.len() + 64);
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            out.extend_from_slice(line);
            continue;
        }
        out.extend_from_slice(if i == 0 { b"indicator" } else { key.as_bytes() });
        out.push(separator);
        out.extend_from_slice(line);
    }
    out
}

/// A refusal in French, every problem with its place.
fn french_of(error: &ApiError) -> String {
    match error {
        ApiError::InvalidMany(problems) => problems
            .iter()
            .map(|(field, p)| format!("{field} : {}", p.french()))
            .collect::<Vec<_>>()
            .join(" ; "),
        ApiError::Refused(e) => e.french(),
        ApiError::BadRequest(e) => e.clone(),
        other => other.to_string(),
    }
}

/// A body of at most [`MAX_ANSWER`] bytes from a GET.
fn get_text(agent: &ureq::Agent, url: &str) -> Result<String, Failure> {
    let answer = agent.get(url).call().map_err(failure_of)?;
    read_body(answer)
}

fn read_body(mut answer: ureq::http::Response<ureq::Body>) -> Result<String, Failure> {
    answer
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER)
        .read_to_string()
        .map_err(|e| Failure::Unreadable(e.to_string()))
}

fn failure_of(error: ureq::Error) -> Failure {
    match error {
        ureq::Error::StatusCode(status) => Failure::Status(status),
        other => Failure::Unreachable(other.to_string()),
    }
}

/// Asks Matomo's Reporting API for `VisitsSummary.get` by week or month between two dates.
/// The token goes in the POST body, never in the URL (which proxies and Matomo's own access
/// log record).
fn matomo(
    agent: &ureq::Agent,
    base: &str,
    site_id: u32,
    periodicity: Periodicity,
    (first, last): (NaiveDate, NaiveDate),
    token: &str,
) -> Result<serde_json::Value, Failure> {
    let endpoint = if base.ends_with("index.php") {
        base.to_owned()
    } else {
        format!("{}/index.php", base.trim_end_matches('/'))
    };
    let period = match periodicity {
        Periodicity::Week => "week",
        Periodicity::Month => "month",
    };
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("module", "API")
        .append_pair("method", "VisitsSummary.get")
        .append_pair("idSite", &site_id.to_string())
        .append_pair("period", period)
        .append_pair("date", &format!("{first},{last}"))
        .append_pair("format", "JSON")
        .append_pair("token_auth", token)
        .finish();
    let answer = agent
        .post(&endpoint)
        .content_type("application/x-www-form-urlencoded")
        .send(body.as_str())
        .map_err(failure_of)?;
    let text = read_body(answer)?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| Failure::Unreadable(e.to_string()))?;
    if value.get("result").and_then(|r| r.as_str()) == Some("error") {
        let message = value
            .get("message")
            .and_then(|m| m.as_str())
            .unwrap_or("sans message");
        return Err(Failure::Matomo(message.chars().take(300).collect()));
    }
    Ok(value)
}

/// `{"2026-10": {"nb_visits": 12, ...}, "2026-11": []}` (by month; by week the keys are
/// `2026-11-16,2026-11-22`): the metric of each period that has it.
fn matomo_series(
    answer: &serde_json::Value,
    metric: MatomoMetric,
) -> Result<Vec<(NaiveDate, f64)>, Failure> {
    let periods = answer
        .as_object()
        .ok_or_else(|| Failure::Unreadable("un objet par période était attendu".to_owned()))?;
    let mut series = Vec::new();
    for (label, figures) in periods {
        let period = period_start(label)
            .ok_or_else(|| Failure::Unreadable(format!("période {label:?} inconnue")))?;
        // An empty array: no visit recorded in the period.
        if let Some(value) = figures.get(metric.as_str()).and_then(number) {
            series.push((period, value));
        }
    }
    Ok(series)
}

/// A JSON series: an object `{period: value}`, an array of `[period, value]`, or an array
/// of objects with `period` (or `date`, `month`, `week`) and `value`.
fn json_series(series: &serde_json::Value) -> Result<Vec<(NaiveDate, f64)>, Failure> {
    let point = |period: Option<&serde_json::Value>, value: Option<&serde_json::Value>| {
        let text = period.and_then(|p| p.as_str()).unwrap_or_default();
        let period = period_start(text)
            .ok_or_else(|| Failure::Unreadable(format!("période {text:?} illisible")))?;
        let value = value.and_then(number).ok_or_else(|| {
            Failure::Unreadable(format!("valeur de la période {text:?} illisible"))
        })?;
        Ok((period, value))
    };
    match series {
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, v)| point(Some(&serde_json::Value::String(k.clone())), Some(v)))
            .collect(),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|item| match item {
                serde_json::Value::Array(pair) => point(pair.first(), pair.get(1)),
                serde_json::Value::Object(o) => {
                    let period = ["period", "date", "month", "week"]
                        .iter()
                        .find_map(|k| o.get(*k));
                    point(period, o.get("value"))
                }
                _ => Err(Failure::Unreadable(
                    "chaque élément doit être [période, valeur] ou {\"period\", \"value\"}"
                        .to_owned(),
                )),
            })
            .collect(),
        _ => Err(Failure::Unreadable(
            "la série doit être un objet ou un tableau".to_owned(),
        )),
    }
}

/// A number, or a string holding one the French way (`1 234,5`).
fn number(value: &serde_json::Value) -> Option<f64> {
    match value {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
            .collect::<String>()
            .replace(',', ".")
            .parse()
            .ok(),
        _ => None,
    }
}

/// The first day of a period label: `2026-10-05`, `2026-10`, `2026-W41`, `05/10/2026`, or
/// Matomo's week `2026-10-05,2026-10-11`.
fn period_start(label: &str) -> Option<NaiveDate> {
    let label = label.split(',').next().unwrap_or_default().trim();
    if let Ok(date) = NaiveDate::parse_from_str(label, "%Y-%m-%d") {
        return Some(date);
    }
    if let Ok(date) = NaiveDate::parse_from_str(&format!("{label}-01"), "%Y-%m-%d") {
        return Some(date);
    }
    if let Ok(date) = NaiveDate::parse_from_str(label, "%d/%m/%Y") {
        return Some(date);
    }
    parse_iso_week(label).ok().map(Period::start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    #[test]
    fn period_labels_are_read() {
        assert_eq!(period_start("2026-10"), Some(d("2026-10-01")));
        assert_eq!(period_start("2026-11-16,2026-11-22"), Some(d("2026-11-16")));
        assert_eq!(period_start("05/10/2026"), Some(d("2026-10-05")));
        assert_eq!(period_start("2026-W47"), Some(d("2026-11-16")));
        assert_eq!(period_start("octobre"), None);
    }

    #[test]
    fn matomo_answers_are_read() {
        let answer = serde_json::json!({
            "2026-09": {"nb_visits": 10, "nb_uniq_visitors": 7},
            "2026-10": [],
            "2026-11": {"nb_visits": 12}
        });
        let series = matomo_series(&answer, MatomoMetric::NbVisits).expect("series");
        assert_eq!(
            series,
            vec![(d("2026-09-01"), 10.0), (d("2026-11-01"), 12.0)]
        );
    }

    #[test]
    fn json_series_take_three_shapes() {
        let object = serde_json::json!({"2026-10": "1 234,5"});
        let pairs = serde_json::json!([["2026-10-01", 1234.5]]);
        let rows = serde_json::json!([{"month": "2026-10", "value": 1234.5}]);
        for shape in [object, pairs, rows] {
            assert_eq!(
                json_series(&shape).expect("series"),
                vec![(d("2026-10-01"), 1234.5)]
            );
        }
    }

    #[test]
    fn csv_sources_get_the_indicator_column() {
        let file = "\u{feff}period;value\r\n2026-10-01;12,5\r\n\r\n";
        let out = with_indicator_column(file.as_bytes(), "visites");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "indicator;period;value\r\nvisites;2026-10-01;12,5\r\n\r\n"
        );
        let rows = csv_rows(file.as_bytes(), "visites").expect("rows");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].value, 12.5);
    }

    #[test]
    fn tokens_open_only_for_their_indicator() {
        let key = [7_u8; 32];
        let sealed = seal(&key, IndicatorId(3), "abc123").expect("sealed");
        assert!(!sealed.contains("abc123"));
        assert_eq!(
            open(&key, IndicatorId(3), &sealed).ok().as_deref(),
            Some("abc123")
        );
        assert!(open(&key, IndicatorId(4), &sealed).is_err());
        assert!(open(&[8_u8; 32], IndicatorId(3), &sealed).is_err());
    }

    #[test]
    fn a_matomo_source_needs_its_fields() {
        let body = SourceBody {
            kind: SourceKind::Matomo,
            url: "ftp://x".to_owned(),
            site_id: None,
            metric: None,
            token: None,
            pointer: Some("/a".to_owned()),
            every_hours: None,
        };
        let Err(ApiError::InvalidMany(problems)) = check(body, false) else {
            panic!("refused");
        };
        let fields: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["url", "site_id", "metric", "token", "pointer"]);
    }
}
