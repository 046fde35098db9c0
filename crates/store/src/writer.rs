//! SQLite's writer: one thread, one connection, writes committed in groups.
//!
//! SQLite lets one writer in at a time. Pooled writers competing for its lock poll (the busy
//! handler sleeps 1, 2, 5, 10… ms between tries), and writers queued on a mutex hand the
//! connection from thread to thread: under concurrent posts the profile showed half the
//! server's CPU in `futex` and the scheduler. Here the writes queue on a channel and one thread
//! runs them back to back, on a connection whose page and statement caches stay warm.
//!
//! Group commit: the thread begins a transaction, runs every write already queued (up to
//! [`GROUP_MAX_WRITES`], for at most [`GROUP_MAX_TIME`]) each in its own savepoint, then
//! commits once. A write that returns an error rolls back its savepoint only; the others go on.
//! No write waits for company: when the queue is empty the group commits at once, so a lone
//! write costs what it did before. Every caller hears back only once its group has committed,
//! so an acknowledged write has reached the database file (through a `kill -9`, see
//! `docs/operations.md`).
//!
//! What a group cannot survive: a write that panics, one that fails with an unexpected
//! database error (its savepoint's rollback may have failed too; by type the two look the
//! same) or after which the transaction is gone (SQLite rolls it back on a full disk or an I/O
//! error), and a failed `COMMIT`. Then the transaction is rolled back, the connection
//! replaced, the culprit gets its own panic or error, and the other writes of the group
//! [`StoreError::Unavailable`]: nothing of theirs was kept, except after a failed `COMMIT`
//! whose outcome SQLite cannot always tell (an I/O error), where they may have been.

use std::{
    any::Any,
    num::NonZeroU32,
    panic::{AssertUnwindSafe, catch_unwind, resume_unwind},
    sync::mpsc,
    time::{Duration, Instant},
};

use diesel::connection::{AnsiTransactionManager, TransactionManager};

use crate::{
    connection::{DatabaseUrl, DbConnection},
    error::{StoreError, StoreResult},
};

/// At most this many writes share one transaction, so that a burst is acknowledged in steps.
const GROUP_MAX_WRITES: usize = 64;
/// A group stops taking writes after this long, for the same reason.
const GROUP_MAX_TIME: Duration = Duration::from_millis(10);

/// How a write's group ended, told to the write once the group is over.
enum GroupEnd {
    Committed,
    /// The group's transaction was rolled back (or could not begin); why.
    Failed(String),
}

/// A queued write, type-erased so that writes of any result type share the queue.
trait Job: Send {
    /// Runs the write in the group's transaction. Returns whether the group can go on.
    fn run(&mut self, conn: &mut DbConnection) -> bool;
    /// Tells the caller how its write ended; a write never run is told the group failed.
    fn finish(self: Box<Self>, end: &GroupEnd);
}

/// What a caller receives: its write's result, or the panic it raised.
pub enum Reply<T> {
    Done(StoreResult<T>),
    Panicked(Box<dyn Any + Send>),
}

/// Where a write's [`Reply`] goes, called on the writer thread once its group is over: a
/// channel the caller blocks on ([`Writer::write`]), or one an async caller awaits
/// ([`crate::Database::queue_write`]).
type ReplyTo<T> = Box<dyn FnOnce(Reply<T>) + Send>;

struct Queued<T, F> {
    write: Option<F>,
    outcome: Option<std::thread::Result<StoreResult<T>>>,
    reply: Option<ReplyTo<T>>,
}

impl<T, F> Job for Queued<T, F>
where
    F: FnOnce(&mut DbConnection) -> StoreResult<T> + Send,
    T: Send,
{
    fn run(&mut self, conn: &mut DbConnection) -> bool {
        let Some(write) = self.write.take() else {
            return true;
        };
        // Inside the group's transaction this is a savepoint of the write's own.
        let outcome = catch_unwind(AssertUnwindSafe(|| crate::transaction::write(conn, write)));
        let goes_on = match &outcome {
            Err(_panic) => false,
            // An error the write did not mean (not a refusal: a failing statement, a lost
            // file) may have come with a failed rollback of its savepoint, which would leave
            // its half-write in the group's transaction: the group is given up.
            Ok(Err(StoreError::Database(_) | StoreError::Unavailable(_))) => false,
            Ok(_) => open_transactions(conn) == Some(1),
        };
        self.outcome = Some(outcome);
        goes_on
    }

    fn finish(self: Box<Self>, end: &GroupEnd) {
        let message = match (self.outcome, end) {
            (Some(Err(panic)), _) => Reply::Panicked(panic),
            // A write that failed on its own was rolled back whatever the group did.
            (Some(Ok(Err(error))), _) => Reply::Done(Err(error)),
            (Some(Ok(Ok(value))), GroupEnd::Committed) => Reply::Done(Ok(value)),
            (Some(Ok(Ok(_))), GroupEnd::Failed(why)) | (None, GroupEnd::Failed(why)) => {
                Reply::Done(Err(StoreError::Unavailable(why.clone())))
            }
            (None, GroupEnd::Committed) => Reply::Done(Err(StoreError::Unavailable(
                "the write was not run".to_owned(),
            ))),
        };
        // The caller waits for this; if it is gone there is no one left to tell.
        if let Some(reply) = self.reply {
            reply(message);
        }
    }
}

/// The handle to the writer thread. The thread ends, and closes its connection, once every
/// clone of the handle (every clone of the `Database`) is gone.
#[derive(Clone, Debug)]
pub(crate) struct Writer {
    jobs: mpsc::Sender<Box<dyn Job>>,
}

impl Writer {
    /// Starts the writer thread. It opens its connection on the first write, like the pool.
    pub(crate) fn start(url: DatabaseUrl) -> StoreResult<Writer> {
        let (jobs, queue) = mpsc::channel::<Box<dyn Job>>();
        std::thread::Builder::new()
            .name("pilote-sqlite-writer".to_owned())
            .spawn(move || run(&url, &queue))
            .map_err(|e| StoreError::Unavailable(format!("cannot start the writer thread: {e}")))?;
        Ok(Writer { jobs })
    }

    /// Runs `f` in its own savepoint of the writer's current group, and returns once the group
    /// has committed (or failed). A panic in `f` is raised again here, in the caller's thread.
    pub(crate) fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        F: FnOnce(&mut DbConnection) -> StoreResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let (reply, answer) = mpsc::sync_channel::<Reply<T>>(1);
        self.queue(f, move |message| {
            let _ = reply.send(message);
        })?;
        match answer.recv() {
            Ok(Reply::Done(result)) => result,
            Ok(Reply::Panicked(panic)) => resume_unwind(panic),
            Err(_) => Err(StoreError::Unavailable(
                "the SQLite writer stopped before answering".to_owned(),
            )),
        }
    }
}

impl Writer {
    /// Queues `f` as [`Writer::write`] does, and returns at once: `reply` is called on the
    /// writer thread once `f`'s group has committed (or failed), with its result or its panic.
    /// An async caller awaits a channel that `reply` fills, and no thread of its own waits.
    pub(crate) fn queue<T, F>(
        &self,
        f: F,
        reply: impl FnOnce(Reply<T>) + Send + 'static,
    ) -> StoreResult<()>
    where
        F: FnOnce(&mut DbConnection) -> StoreResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let job: Box<dyn Job> = Box::new(Queued {
            write: Some(f),
            outcome: None,
            reply: Some(Box::new(reply) as ReplyTo<T>),
        });
        self.jobs
            .send(job)
            .map_err(|_| StoreError::Unavailable("the SQLite writer has stopped".to_owned()))
    }
}

/// The writer thread: one group per turn until every handle is dropped.
fn run(url: &DatabaseUrl, queue: &mpsc::Receiver<Box<dyn Job>>) {
    let mut conn: Option<DbConnection> = None;
    while let Ok(first) = queue.recv() {
        let connection = match &mut conn {
            Some(connection) => connection,
            empty => match url.establish() {
                Ok(connection) => empty.insert(connection),
                Err(error) => {
                    fail_waiting(first, queue, &error.to_string());
                    continue;
                }
            },
        };
        if !run_group(connection, first, queue) {
            // Dropping the connection rolls back whatever it still holds.
            conn = None;
        }
    }
}

/// Runs one group. Returns whether the connection may serve the next one.
fn run_group(
    conn: &mut DbConnection,
    first: Box<dyn Job>,
    queue: &mpsc::Receiver<Box<dyn Job>>,
) -> bool {
    if let Err(error) = begin(conn) {
        fail_waiting(first, queue, &format!("cannot begin a write: {error}"));
        return open_transactions(conn) == Some(0);
    }
    let started = Instant::now();
    let mut group: Vec<Box<dyn Job>> = Vec::with_capacity(GROUP_MAX_WRITES);
    let mut next = Some(first);
    while let Some(mut job) = next.take() {
        let goes_on = job.run(conn);
        group.push(job);
        if !goes_on {
            rollback(conn);
            end_group(
                group,
                &GroupEnd::Failed("another write of its group failed".into()),
            );
            return false;
        }
        if group.len() < GROUP_MAX_WRITES && started.elapsed() < GROUP_MAX_TIME {
            next = queue.try_recv().ok();
        }
    }
    match commit(conn) {
        Ok(()) => {
            end_group(group, &GroupEnd::Committed);
            true
        }
        Err(error) => {
            log::error!("SQLite commit failed: {error}");
            rollback(conn);
            end_group(group, &GroupEnd::Failed(format!("commit failed: {error}")));
            false
        }
    }
}

fn end_group(group: Vec<Box<dyn Job>>, end: &GroupEnd) {
    for job in group {
        job.finish(end);
    }
}

/// Fails `first` and every write queued behind it, unrun: the database cannot take them now.
fn fail_waiting(first: Box<dyn Job>, queue: &mpsc::Receiver<Box<dyn Job>>, why: &str) {
    log::error!("SQLite writes failed: {why}");
    end_group(
        std::iter::once(first).chain(queue.try_iter()).collect(),
        &GroupEnd::Failed(why.to_owned()),
    );
}

/// How many transactions are open on the connection: 1 in a group between writes (SQLite
/// rolls the whole transaction back on some failures, a full disk or an I/O error, and diesel
/// then counts 0), 0 between groups; `None` once diesel has marked its state broken.
fn open_transactions(conn: &mut DbConnection) -> Option<u32> {
    let DbConnection::Sqlite(inner) = conn else {
        return None;
    };
    let depth = AnsiTransactionManager::transaction_manager_status_mut(inner)
        .transaction_depth()
        .ok()?;
    Some(depth.map_or(0, NonZeroU32::get))
}

fn begin(conn: &mut DbConnection) -> StoreResult<()> {
    let DbConnection::Sqlite(inner) = conn else {
        return Err(StoreError::Unavailable(
            "the writer thread serves SQLite only".to_owned(),
        ));
    };
    Ok(crate::transaction::begin_immediate(inner)?)
}

fn commit(conn: &mut DbConnection) -> StoreResult<()> {
    let DbConnection::Sqlite(inner) = conn else {
        return Ok(());
    };
    AnsiTransactionManager::commit_transaction(inner)?;
    Ok(())
}

fn rollback(conn: &mut DbConnection) {
    // A failed `COMMIT` may have been rolled back already, by SQLite or by diesel.
    if open_transactions(conn) == Some(0) {
        return;
    }
    if let DbConnection::Sqlite(inner) = conn
        && let Err(error) = AnsiTransactionManager::rollback_transaction(inner)
    {
        log::error!("SQLite rollback of a write group failed: {error}");
    }
}
