//! The pool and lost PostgreSQL connections (a server restart, an administrator's
//! `pg_terminate_backend`): a connection is tested at checkout only when it has been idle, or
//! after a connection was seen lost, and one that fails is replaced.
//!
//! PostgreSQL only: a SQLite connection is a file handle in this process, with no server that
//! could close it; `both_backends!` would test nothing on that side.

use std::time::Duration;

use diesel::{prelude::*, sql_types::Integer};
use pilote_store::{Database, DatabaseUrl, PoolOptions, StoreResult, testing::TestDb};

#[derive(QueryableByName)]
struct Pid {
    #[diesel(sql_type = Integer)]
    pid: i32,
}

/// The server process behind a connection of the pool.
fn backend_pid(pool: &Database) -> StoreResult<i32> {
    pool.query(|c| {
        Ok(diesel::sql_query("SELECT pg_backend_pid() AS pid")
            .get_result::<Pid>(c)?
            .pid)
    })
}

/// Ends server processes from a connection outside the pool, as an administrator would.
fn terminate(test: &TestDb, pids: &[i32]) {
    let mut admin = DatabaseUrl::parse(test.url())
        .and_then(|url| url.establish())
        .expect("admin connection");
    for pid in pids {
        diesel::sql_query(format!("SELECT pg_terminate_backend({pid})"))
            .execute(&mut admin)
            .expect("terminate");
    }
}

fn pool_of(test: &TestDb, size: u32) -> Database {
    Database::open(
        test.url(),
        &PoolOptions {
            max_size: size,
            ..PoolOptions::default()
        },
    )
    .expect("pool")
}

#[test]
fn an_idle_connection_lost_is_replaced_at_checkout_and_no_request_fails() {
    let test = TestDb::postgres();
    let pool = pool_of(&test, 1);
    let first = backend_pid(&pool).expect("first use");
    terminate(&test, &[first]);
    // Past the window in which a connection just used is trusted without a test.
    std::thread::sleep(Duration::from_millis(700));
    let second = backend_pid(&pool).expect("the lost connection is replaced, not handed out");
    assert_ne!(first, second);
}

#[test]
fn after_a_lost_connection_every_pooled_one_is_tested_and_the_pool_recovers() {
    let test = TestDb::postgres();
    let pool = pool_of(&test, 2);
    // Two connections in the pool, both just used (inside the trusted window).
    let both = {
        let (mut a, mut b) = (pool.get().expect("a"), pool.get().expect("b"));
        let pid = |c: &mut pilote_store::DbConnection| {
            diesel::sql_query("SELECT pg_backend_pid() AS pid")
                .get_result::<Pid>(c)
                .expect("pid")
                .pid
        };
        [pid(&mut a), pid(&mut b)]
    };
    terminate(&test, &both);
    // Within the window the first use may meet its dead connection (a 503 for that request:
    // the cost of not testing every checkout); it must be the only one.
    let first = backend_pid(&pool);
    if let Err(error) = &first {
        assert!(
            error.is_unavailable(),
            "a lost connection is said unavailable: {error}"
        );
    }
    let next = backend_pid(&pool).expect("the pool has replaced its lost connections");
    assert!(
        !both.contains(&next),
        "a terminated connection served again"
    );
}
