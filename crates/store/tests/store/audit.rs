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
}
