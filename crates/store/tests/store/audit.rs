//! The audit log is append-only, enforced by the database itself.

use diesel::prelude::*;
use pilote_store::{Actor, StoreError, repo::audit, schema::audit_log, transaction};

both_backends! {
    fn audit_entries_cannot_be_changed_or_deleted(db) {
        let mut conn = db.conn();
        audit::append(&mut conn, audit::NewEntry {
            actor: Actor::System,
            action: "test.append",
            entity: "product",
            entity_key: "x".to_owned(),
            before: None,
            after: Some("{}".to_owned()),
        }).expect("append");
        let update = diesel::update(audit_log::table).set(audit_log::actor.eq("someone-else")).execute(&mut *conn);
        assert!(update.is_err(), "update must be refused");
        let delete = diesel::delete(audit_log::table).execute(&mut *conn);
        assert!(delete.is_err(), "delete must be refused");
        assert_eq!(audit::for_entity(&mut conn, "product", "x").expect("entries")[0].actor, "system");
    }

    fn a_failed_write_transaction_rolls_back(db) {
        let mut conn = db.conn();
        let result: Result<(), StoreError> = transaction::write(&mut conn, |c| {
            audit::append(c, audit::NewEntry {
                actor: Actor::System,
                action: "test.rollback",
                entity: "product",
                entity_key: "y".to_owned(),
                before: None,
                after: None,
            })?;
            Err(StoreError::Conflict("forced".to_owned()))
        });
        assert!(result.is_err());
        assert!(audit::for_entity(&mut conn, "product", "y").expect("entries").is_empty());
    }

    fn a_connection_given_back_by_a_panic_never_serves_again(db) {
        use diesel::connection::SimpleConnection;
        use pilote_store::{Database, PoolOptions, schema::incubators};
        // One connection in the pool, so the next checkout would get the panicked one back.
        let pool = Database::open(db.url(), &PoolOptions { max_size: 1, ..PoolOptions::default() })
            .expect("pool");
        let panicking = pool.clone();
        let _ = std::thread::spawn(move || {
            let mut conn = panicking.get().expect("connection");
            let _: Result<(), StoreError> =
                transaction::write(&mut conn, |_| panic!("a bug inside a handler"));
        })
        .join();
        let mut conn = pool.get().expect("connection");
        transaction::write(&mut conn, |c| {
            c.batch_execute(
                "INSERT INTO incubators (slug, name, administration, created_at) \
                 VALUES ('x', 'X', 'Y', '2026-01-01 00:00:00')",
            )?;
            Ok(())
        })
        .expect("write");
        drop(conn);
        let mut other = db.conn();
        let count: i64 = incubators::table.count().get_result(&mut *other).expect("count");
        assert_eq!(count, 1, "a write reported as committed is visible to other connections");
    }
}
