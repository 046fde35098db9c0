//! Identities from an OpenID Connect provider linked to users.

use pilote_domain::Email;
use pilote_store::{
    Actor, StoreError,
    repo::{identities, users},
};

both_backends! {
    fn an_identity_links_once_to_one_user(db) {
        let mut conn = db.conn();
        let email = Email::parse("agent@beta.gouv.fr").expect("email");
        let id = users::insert(&mut conn, &email, "Agent", Some("$argon2id$fake"), Actor::System).expect("insert");
        let issuer = "https://auth.agentconnect.gouv.fr/api/v2";
        assert_eq!(identities::find(&mut conn, issuer, "sub-1").expect("find"), None);
        identities::link(&mut conn, issuer, "sub-1", id, Actor::System).expect("link");
        assert_eq!(identities::find(&mut conn, issuer, "sub-1").expect("find"), Some(id));
        // Same subject at another issuer: another identity.
        assert_eq!(identities::find(&mut conn, "https://autre.example", "sub-1").expect("find"), None);
        let err = identities::link(&mut conn, issuer, "sub-1", id, Actor::System).expect_err("twice");
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
        identities::link(&mut conn, "https://autre.example", "sub-1", id, Actor::System).expect("second provider");
    }
}
