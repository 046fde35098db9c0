//! The job runner: inside `pilote serve` (a thread of its own) and `pilote collect` (one pass,
//! for cron). Each pass runs the indicators' sources that are due
//! (`pilote_api::service::sources::Runner`) and, when the settings schedule it, the
//! beta.gouv.fr sync. Every job is claimed in the database first (a lease, see
//! `pilote_store::repo::sources`), so that replicas sharing one database never run it twice.

use std::time::Duration;

use chrono::TimeDelta;
use pilote_api::{Settings, service::sources::Runner};
use pilote_store::{Database, clock, repo::sources};

use crate::import::sync::sync_betagouv;

/// The runner's name for the scheduled sync in `runner_jobs`.
pub const SYNC_JOB: &str = "sync_betagouv";

/// How long a claimed sync may take before another replica may take it over.
const SYNC_LEASE_MINUTES: i64 = 30;

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pass {
    /// Sources run (written or failed: each source's page says which).
    pub sources: usize,
    /// Whether this pass ran the sync.
    pub synced: bool,
}

/// The jobs of one process over one database.
pub struct JobRunner {
    db: Database,
    sources: Runner,
    /// Hours between two syncs and the catalogue's address; `None`: not scheduled.
    sync: Option<(u32, String)>,
}

impl JobRunner {
    /// The runner the settings describe (the key of sources' tokens, the sync's schedule).
    pub fn new(settings: &Settings, db: Database) -> anyhow::Result<JobRunner> {
        let sources = Runner::new(settings).map_err(anyhow::Error::msg)?;
        let connectors = &settings.connectors;
        let sync = (connectors.sync_betagouv_hours > 0).then(|| {
            (
                connectors.sync_betagouv_hours,
                connectors.sync_betagouv_url.clone(),
            )
        });
        Ok(JobRunner { db, sources, sync })
    }

    /// One pass: the due sources, then the sync if it is due.
    pub fn pass(&self) -> anyhow::Result<Pass> {
        let sources = self.sources.run_due(&self.db)?;
        let synced = match &self.sync {
            Some((hours, url)) => self.sync_if_due(*hours, url)?,
            None => false,
        };
        Ok(Pass { sources, synced })
    }

    /// Runs `pilote sync betagouv` if no replica ran it in the last `hours`.
    fn sync_if_due(&self, hours: u32, url: &str) -> anyhow::Result<bool> {
        let owner = self.sources.owner.clone();
        let now = clock::now();
        let until = now + TimeDelta::minutes(SYNC_LEASE_MINUTES);
        let claimant = owner.clone();
        let claimed = self
            .db
            .write(move |c| sources::claim_job(c, SYNC_JOB, &claimant, now, until))?;
        if !claimed {
            return Ok(false);
        }
        let outcome = {
            let mut conn = self.db.get()?;
            sync_betagouv(&mut conn, url, false)
        };
        let error = match outcome {
            Ok(report) => {
                log::info!("scheduled sync: {}", report.to_string().trim());
                None
            }
            Err(e) => {
                log::error!("scheduled sync failed: {e:#}");
                Some(format!("{e:#}"))
            }
        };
        let finished = clock::now();
        let next = finished + TimeDelta::hours(i64::from(hours));
        self.db.write(move |c| {
            sources::finish_job(c, SYNC_JOB, &owner, finished, error.as_deref(), next)
        })?;
        Ok(true)
    }

    /// Runs a pass every `every` on a thread of its own, for as long as the process lives
    /// (the server's shutdown ends the process, and a pass cut short leaves leases that
    /// expire). A failed pass is logged and the next one comes.
    pub fn spawn(self, every: Duration) -> std::io::Result<std::thread::JoinHandle<()>> {
        std::thread::Builder::new()
            .name("pilote-runner".to_owned())
            .spawn(move || {
                loop {
                    match self.pass() {
                        Ok(pass) if pass != Pass::default() => {
                            log::info!(
                                "runner: {} source(s) run, sync: {}",
                                pass.sources,
                                pass.synced
                            );
                        }
                        Ok(_) => {}
                        Err(e) => log::error!("runner pass failed: {e:#}"),
                    }
                    std::thread::sleep(every);
                }
            })
    }
}
