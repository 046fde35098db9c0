//! Users and roles.

use pilote_domain::{Email, Grant};
use pilote_store::{Actor, StoreError, repo::users};

use crate::common::{seed, slug};

both_backends! {
    fn users_and_grants_round_trip(db) {
        let mut conn = db.conn();
        seed(&mut conn);
        let email = Email::parse("Camille.Martin@beta.gouv.fr").expect("email");
        let id = users::insert(&mut conn, &email, "Camille Martin", "$argon2id$fake", Actor::System).expect("insert");
        let user = users::find_by_email(&mut conn, &email).expect("find");
        assert_eq!((user.id, user.email.as_ref(), user.name.as_str(), user.disabled), (id, "camille.martin@beta.gouv.fr", "Camille Martin", false));
        let err = users::insert(&mut conn, &email, "Autre", "$argon2id$fake", Actor::System).expect_err("same email");
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
