//! Ingestion: the same rows through the store (`measures::upsert`, what the API and the CSV
//! import call) and through the engine's bulk path (`COPY` on PostgreSQL, multi-row prepared
//! inserts on SQLite), the fastest a client can write them without any check.

use std::time::Instant;

use chrono::{NaiveDate, NaiveDateTime, Utc};
use diesel::{Connection, ExecuteCopyFromDsl, RunQueryDsl};
use pilote_domain::MeasureSource;
use pilote_store::{
    Actor, Database, DbConnection, StoreError, repo::measures, schema::measures as table,
    transaction,
};

use crate::portfolio::Batch;

/// How many rows went in, in how long.
#[derive(Clone, Copy, Debug)]
pub struct Rate {
    pub rows: u64,
    pub seconds: f64,
}

impl Rate {
    pub fn per_second(self) -> f64 {
        self.rows as f64 / self.seconds.max(1e-9)
    }
}

/// A measures row exactly as the store writes a new one (owned: diesel's `COPY` and its cached
/// fixed-size inserts take no borrowed row).
#[derive(diesel::Insertable)]
#[diesel(table_name = table, treat_none_as_default_value = false)]
struct CopyRow {
    indicator_id: i64,
    period: NaiveDate,
    value: f64,
    comment: Option<String>,
    source: &'static str,
    author_user_id: Option<i64>,
    author_token_id: Option<i64>,
    recorded_at: NaiveDateTime,
}

/// The engine's own bulk rate for the same rows, all in one transaction, with no validation,
/// lookup, history nor audit (issue 23): on PostgreSQL a binary `COPY` into `measures` (a table
/// of the very shape the store writes), one per product batch; on SQLite multi-row prepared
/// `INSERT`s of 1 000 rows (a fixed-size array: diesel prepares the statement once and keeps
/// it), the rest row by row.
pub fn bulk(conn: &mut DbConnection, batches: &[Batch]) -> anyhow::Result<Rate> {
    let now = Utc::now().naive_utc();
    let source = MeasureSource::Import.as_str();
    let rows_of = |batch: &Batch| -> Vec<CopyRow> {
        batch
            .inputs
            .iter()
            .map(|input| CopyRow {
                indicator_id: input.indicator.0,
                period: input.period.start(),
                value: input.value.get(),
                comment: input.comment.clone(),
                source,
                author_user_id: None,
                author_token_id: None,
                recorded_at: now,
            })
            .collect()
    };
    let started = Instant::now();
    let rows = match conn {
        DbConnection::Pg(c) => c.transaction(|c| {
            let mut rows = 0u64;
            for batch in batches {
                let batch = rows_of(batch);
                rows += diesel::copy_from(table::table)
                    .from_insertable(&batch)
                    .execute(c)? as u64;
            }
            Ok::<_, diesel::result::Error>(rows)
        })?,
        DbConnection::Sqlite(c) => c.transaction(|c| {
            let mut rows = 0u64;
            for batch in batches {
                let batch = rows_of(batch);
                let mut rest = batch.as_slice();
                while let Some((chunk, tail)) = rest.split_first_chunk::<1000>() {
                    rows += diesel::insert_into(table::table).values(chunk).execute(c)? as u64;
                    rest = tail;
                }
                for row in rest {
                    rows += diesel::insert_into(table::table).values(row).execute(c)? as u64;
                }
            }
            Ok::<_, diesel::result::Error>(rows)
        })?,
    };
    Ok(Rate {
        rows,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Through the store: one `measures::upsert` per product batch, each in its own write
/// transaction as the API runs it (lock, checks, lookup of existing values, audit entry).
pub fn store(conn: &mut DbConnection, batches: &[Batch], today: NaiveDate) -> anyhow::Result<Rate> {
    let started = Instant::now();
    let mut rows = 0u64;
    for batch in batches {
        let counts = transaction::write(conn, |c| {
            measures::upsert(
                c,
                batch.product,
                &batch.inputs,
                MeasureSource::Import,
                Actor::System,
                today,
            )
        })?;
        if counts.created as usize != batch.len() {
            return Err(StoreError::Conflict(format!(
                "expected {} new measures, the store created {}",
                batch.len(),
                counts.created
            ))
            .into());
        }
        rows += counts.created;
    }
    Ok(Rate {
        rows,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// As [`store`], with `writers` connections at once, each ingesting its share of the products:
/// PostgreSQL runs one backend process per connection, so one writer leaves the other cores
/// idle (its backend sits at 100 % of one core).
pub fn store_parallel(
    db: &Database,
    batches: &[Batch],
    today: NaiveDate,
    writers: usize,
) -> anyhow::Result<Rate> {
    let share = batches.len().div_ceil(writers.max(1)).max(1);
    let started = Instant::now();
    let rows = std::thread::scope(|scope| {
        let handles: Vec<_> = batches
            .chunks(share)
            .map(|mine| {
                scope.spawn(move || -> anyhow::Result<u64> {
                    let mut conn = db.get()?;
                    Ok(store(&mut conn, mine, today)?.rows)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .map_err(|_| anyhow::anyhow!("an ingesting thread panicked"))?
            })
            .sum::<anyhow::Result<u64>>()
    })?;
    Ok(Rate {
        rows,
        seconds: started.elapsed().as_secs_f64(),
    })
}
