//! Users and roles.

use pilote_domain::{Email, Grant};
use pilote_store::{Actor, StoreError, repo::users};

use crate::common::{seed, slug};

both_backends! {
    fn users_and_grants_round_trip(db) {
        let mut conn = db.conn();
        seed(&mut conn);
        let email = Email::parse("Camille.Martin@beta.gouv.fr").expect("email");
        let id = users::insert(&mut conn, &email, "Camille Martin", Some("$argon2id$fake"), Actor::System).expect("insert");
        let user = users::find_by_email(&mut conn, &email).expect("find");
        assert_eq!((user.id, user.email.as_ref(), user.name.as_str(), user.disabled), (id, "camille.martin@beta.gouv.fr", "Camille Martin", false));
        let err = users::insert(&mut conn, &email, "Autre", Some("$argon2id$fake"), Actor::System).expect_err("same email");
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");

        let grants = [
            Grant::Manager { incubator: slug("dinum") },
            Grant::Member { product: slug("mon-produit") },
            Grant::Viewer,
        ];
        for g in &grants {
            users::grant(&mut conn, id, g, Actor::System).expect("grant");
        }
        assert_eq!(users::grants(&mut conn, id).expect("grants"), grants);
        let err = users::grant(&mut conn, id, &Grant::Viewer, Actor::System).expect_err("twice");
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
        let err = users::grant(&mut conn, id, &Grant::Member { product: slug("inconnu") }, Actor::System).expect_err("unknown product");
        assert!(matches!(err, StoreError::NotFound { what: "product" }), "{err:?}");
    }
}

both_backends! {
    fn logging_out_and_a_new_password_move_the_session_generation_on(db) {
        let mut conn = db.conn();
        let email = Email::parse("sessions@beta.gouv.fr").expect("email");
        let id = users::insert(&mut conn, &email, "Sessions", Some("$argon2id$old"), Actor::System).expect("insert");
        assert_eq!(users::session_generation(&mut conn, id).expect("generation"), 0);
        assert_eq!(users::end_sessions(&mut conn, id).expect("logout"), 1);
        assert_eq!(users::set_password(&mut conn, id, "$argon2id$new", Actor::User(id)).expect("password"), 2);
        assert_eq!(users::session_generation(&mut conn, id).expect("generation"), 2);
        assert_eq!(users::get(&mut conn, id).expect("user").password_hash.as_deref(), Some("$argon2id$new"));
        let missing = pilote_store::UserId(id.0 + 1000);
        assert!(matches!(users::end_sessions(&mut conn, missing), Err(StoreError::NotFound { what: "user" })));
        assert!(matches!(users::session_generation(&mut conn, missing), Err(StoreError::NotFound { what: "user" })));
    }
}
