//! One-time links: a purpose, an expiry, used once; invited accounts without a password.

use chrono::TimeDelta;
use pilote_domain::Email;
use pilote_store::{
    Actor, clock,
    repo::{
        identities,
        one_time_tokens::{self, Purpose, Unusable},
        users,
    },
};

both_backends! {
    fn a_token_serves_its_purpose_once_before_it_expires(db) {
        let mut conn = db.conn();
        let email = Email::parse("invitee@beta.gouv.fr").expect("email");
        let user = users::insert(&mut conn, &email, "Invitée", None, Actor::System).expect("user");
        assert_eq!(users::get(&mut conn, user).expect("user").password_hash, None);
        assert!(!users::is_activated(&mut conn, user).expect("activated"));

        let now = clock::now();
        let later = now + TimeDelta::days(7);
        let (invitation, reset) = (Purpose::Invitation, Purpose::PasswordReset);
        one_time_tokens::insert(&mut conn, invitation, "hash-a", user, later, Actor::System).expect("a");
        one_time_tokens::insert(&mut conn, invitation, "hash-b", user, later, Actor::System).expect("b");
        one_time_tokens::insert(&mut conn, reset, "hash-old", user, now - TimeDelta::seconds(1), Actor::System)
            .expect("expired");
        assert_eq!(one_time_tokens::find(&mut conn, invitation, "hash-a", now).expect("find"), Ok(user));
        // Another purpose, another hash, past the expiry: nothing.
        assert_eq!(one_time_tokens::find(&mut conn, reset, "hash-a", now).expect("find"), Err(Unusable::Unknown));
        assert_eq!(one_time_tokens::find(&mut conn, invitation, "nope", now).expect("find"), Err(Unusable::Unknown));
        assert_eq!(one_time_tokens::consume(&mut conn, reset, "hash-old", now).expect("use"), Err(Unusable::Expired));

        assert_eq!(one_time_tokens::consume(&mut conn, invitation, "hash-a", now).expect("use"), Ok(user));
        assert_eq!(one_time_tokens::consume(&mut conn, invitation, "hash-a", now).expect("again"), Err(Unusable::Used));
        // Using one retires the user's other links of the same purpose.
        assert_eq!(one_time_tokens::find(&mut conn, invitation, "hash-b", now).expect("find"), Err(Unusable::Used));

        // A hash is unique, whatever its purpose.
        assert!(one_time_tokens::insert(&mut conn, reset, "hash-a", user, later, Actor::System).is_err());

        // Activated by a password, or by an identity.
        users::set_password(&mut conn, user, "$argon2id$fake", Actor::System).expect("password");
        assert!(users::is_activated(&mut conn, user).expect("activated"));
        let other = Email::parse("agent@beta.gouv.fr").expect("email");
        let agent = users::insert(&mut conn, &other, "Agent", None, Actor::System).expect("agent");
        identities::link(&mut conn, "https://issuer.example", "sub", agent, Actor::System).expect("link");
        assert!(users::is_activated(&mut conn, agent).expect("activated"));
    }
}
