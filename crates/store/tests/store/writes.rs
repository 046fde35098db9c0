//! `Database::write` under concurrency: on SQLite the writes of many threads share group
//! transactions, and each must still commit or roll back on its own.

use std::sync::{Arc, Barrier};

use pilote_store::{Database, StoreError, repo::incubators};

use crate::common::*;

/// Starts `threads` threads that each run `rounds` writes at once; returns what each write
/// returned, by thread then round.
fn write_concurrently<T: Send + 'static>(
    db: &Database,
    threads: usize,
    rounds: usize,
    write: fn(&Database, usize, usize) -> T,
) -> Vec<Vec<T>> {
    let start = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (db, start) = (db.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                (0..rounds).map(|r| write(&db, t, r)).collect::<Vec<_>>()
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().expect("writer thread"))
        .collect()
}

fn insert_named(db: &Database, name: String, fail_after: bool) -> Result<(), StoreError> {
    db.write(move |c| {
        incubators::insert(c, &incubator(&name))?;
        if fail_after {
            // Written, then refused: none of it may stay.
            return Err(StoreError::Conflict("refused after writing".to_owned()));
        }
        Ok(())
    })
}

both_backends! {
    fn a_failing_write_rolls_back_alone(db) {
        // Every third write inserts then fails; with 12 threads at once, failures land in the
        // middle of SQLite's write groups.
        let results = write_concurrently(&db.db, 12, 15, |db, t, r| {
            insert_named(db, format!("inc-{t}-{r}"), (t + r) % 3 == 0)
        });
        let mut conn = db.conn();
        let stored: std::collections::HashSet<String> = incubators::list(&mut conn)
            .expect("list")
            .into_iter()
            .map(|(_, inc)| inc.slug.to_string())
            .collect();
        for (t, rounds) in results.iter().enumerate() {
            for (r, result) in rounds.iter().enumerate() {
                let name = format!("inc-{t}-{r}");
                if (t + r) % 3 == 0 {
                    assert!(matches!(result, Err(StoreError::Conflict(_))), "{name}: {result:?}");
                    assert!(!stored.contains(&name), "{name} was rolled back");
                } else {
                    assert!(result.is_ok(), "{name}: {result:?}");
                    assert!(stored.contains(&name), "{name} was committed");
                }
            }
        }
        assert_eq!(stored.len(), 12 * 15 - 60, "only the accepted writes are stored");
    }

    fn an_acknowledged_write_is_visible_to_every_reader(db) {
        // A write returns once committed: a read on another (pooled) connection right after
        // must see it, whichever group it went in.
        let results = write_concurrently(&db.db, 8, 10, |db, t, r| {
            let name = format!("seen-{t}-{r}");
            insert_named(db, name.clone(), false).expect("write");
            db.read(move |c| incubators::find(c, &slug(&name)).map(|_| ()))
        });
        for result in results.into_iter().flatten() {
            assert!(result.is_ok(), "{result:?}");
        }
    }

    fn a_panicking_write_panics_its_caller_and_writes_go_on(db) {
        let panicking = db.db.clone();
        let caught = std::thread::spawn(move || {
            panicking.write(|c| -> Result<(), StoreError> {
                incubators::insert(c, &incubator("panique"))?;
                panic!("a bug in a write");
            })
        })
        .join();
        let payload = caught.expect_err("the caller panics");
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"a bug in a write"));
        // The next writes work, and nothing of the panicking one was kept.
        let results = write_concurrently(&db.db, 4, 5, |db, t, r| {
            insert_named(db, format!("after-{t}-{r}"), false)
        });
        assert!(results.into_iter().flatten().all(|r| r.is_ok()));
        let mut conn = db.conn();
        let err = incubators::find(&mut conn, &slug("panique")).expect_err("rolled back");
        assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
        assert_eq!(incubators::list(&mut conn).expect("list").len(), 20);
    }

    fn a_write_failing_in_the_database_gives_up_its_group_and_nothing_else(db) {
        // A statement error is one SQLite's writer cannot tell from a failed rollback of the
        // savepoint, so the group it ran in is given up. To make a group for sure, a first
        // write holds the writer while six more queue behind it, the last one failing.
        let holder = {
            let db = db.db.clone();
            std::thread::spawn(move || {
                db.write(|c| {
                    incubators::insert(c, &incubator("tient"))?;
                    std::thread::sleep(std::time::Duration::from_millis(400));
                    Ok(())
                })
            })
        };
        std::thread::sleep(std::time::Duration::from_millis(30));
        let writers: Vec<_> = (0..6)
            .map(|i| {
                let db = db.db.clone();
                let writer = std::thread::spawn(move || {
                    let broken = i == 5;
                    let name = format!("db-{i}");
                    let result = db.write(move |c| {
                        incubators::insert(c, &incubator(&name))?;
                        if broken {
                            diesel::RunQueryDsl::execute(
                                diesel::sql_query("UPDATE no_such_table SET x = 1"),
                                c,
                            )?;
                        }
                        Ok(())
                    });
                    (broken, result)
                });
                // Queued in this order.
                std::thread::sleep(std::time::Duration::from_millis(5));
                writer
            })
            .collect();
        holder.join().expect("holder thread").expect("the holder's write");
        let results: Vec<_> = writers.into_iter().map(|w| w.join().expect("writer")).collect();
        let mut conn = db.conn();
        let mut unavailable = 0;
        for (i, (broken, result)) in results.iter().enumerate() {
            let name = format!("db-{i}");
            let stored = incubators::find(&mut conn, &slug(&name)).is_ok();
            match result {
                Ok(()) => assert!(stored, "{name} acknowledged but not stored"),
                Err(StoreError::Database(_)) if *broken => assert!(!stored, "{name}"),
                Err(StoreError::Unavailable(_)) if !broken => {
                    unavailable += 1;
                    assert!(!stored, "{name} refused but stored");
                }
                other => panic!("{name}: unexpected {other:?}"),
            }
        }
        match db.db.backend() {
            // The writes queued before the failing one shared its group.
            pilote_store::Backend::Sqlite => assert!(unavailable > 0, "no group was given up"),
            // Each write has its own transaction.
            pilote_store::Backend::Postgres => assert_eq!(unavailable, 0),
        }
        drop(conn);
        insert_named(&db.db, "apres".to_owned(), false).expect("writes go on");
    }
}
