//! Product API tokens: created once, stored hashed, authenticated, listed, revoked, audited.

use pilote_domain::Email;
use pilote_store::{
    Actor, StoreError, TokenId,
    repo::{audit, tokens, users},
    transaction,
};

use crate::common::seed;

both_backends! {
    fn a_token_authenticates_until_revoked(db) {
        let mut conn = db.conn();
        let (_, product) = seed(&mut conn);
        let email = Email::parse("membre@beta.gouv.fr").expect("email");
        let user = users::insert(&mut conn, &email, "Membre", Some("$argon2id$fake"), Actor::System).expect("user");

        let (id, secret) = transaction::write(&mut conn, |c| tokens::create(c, product, " Import nocturne ", Actor::User(user))).expect("create");
        assert!(secret.starts_with("pil_"), "{secret}");
        assert_eq!(secret.len(), 4 + 64);
        assert!(secret[4..].bytes().all(|b| b.is_ascii_hexdigit()));

        let listed = tokens::list(&mut conn, product).expect("list");
        assert_eq!(listed.len(), 1);
        let info = &listed[0];
        assert_eq!((info.id, info.product_id, info.name.as_str(), info.created_by), (id, product, "Import nocturne", Some(user)));
        assert_eq!(info.prefix, secret[4..12]);
        assert_eq!((info.last_used_at, info.revoked_at), (None, None));
        // Neither the secret nor anything longer than the display prefix is kept in clear.
        assert!(!format!("{info:?}").contains(&secret[4..20]));

        assert_eq!(transaction::write(&mut conn, |c| tokens::authenticate(c, &secret)).expect("auth"), Some((id, product)));
        assert!(tokens::list(&mut conn, product).expect("list")[0].last_used_at.is_some());

        let mut wrong = secret.clone();
        wrong.replace_range(10..11, if &secret[10..11] == "0" { "1" } else { "0" });
        for bad in [wrong.as_str(), "pil_", "pil_zz", "garbage", "", &secret[4..]] {
            assert_eq!(tokens::authenticate(&mut conn, bad).expect("auth"), None, "{bad}");
        }

        transaction::write(&mut conn, |c| tokens::revoke(c, product, id, Actor::User(user))).expect("revoke");
        assert_eq!(tokens::authenticate(&mut conn, &secret).expect("auth"), None);
        assert!(tokens::list(&mut conn, product).expect("list")[0].revoked_at.is_some());
        // Revoking twice is harmless and records nothing more.
        tokens::revoke(&mut conn, product, id, Actor::User(user)).expect("again");

        let entries = audit::for_entity(&mut conn, "api_token", &id.to_string()).expect("audit");
        let actions: Vec<_> = entries.iter().map(|e| (e.action.as_str(), e.actor.clone())).collect();
        let actor = format!("user:{user}");
        assert_eq!(actions, [("api_token.create", actor.clone()), ("api_token.revoke", actor)]);
        assert!(entries.iter().all(|e| !format!("{e:?}").contains(&secret[4..])));
    }

    fn tokens_are_unique_and_scoped_to_their_product(db) {
        let mut conn = db.conn();
        let (_, product) = seed(&mut conn);
        let (a, secret_a) = tokens::create(&mut conn, product, "a", Actor::System).expect("a");
        let (b, secret_b) = tokens::create(&mut conn, product, "b", Actor::System).expect("b");
        assert_ne!(a, b);
        assert_ne!(secret_a, secret_b);
        assert_eq!(tokens::list(&mut conn, product).expect("list")[0].created_by, None);

        let other = pilote_store::ProductId(product.0 + 1000);
        let err = tokens::revoke(&mut conn, other, a, Actor::System).expect_err("other product");
        assert!(matches!(err, StoreError::NotFound { what: "api token" }), "{err:?}");
        let err = tokens::revoke(&mut conn, product, TokenId(9999), Actor::System).expect_err("unknown");
        assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
        assert!(tokens::list(&mut conn, other).expect("list").is_empty());

        for name in ["", "   ", &"x".repeat(101)] {
            let err = tokens::create(&mut conn, product, name, Actor::System).expect_err("bad name");
            assert!(matches!(err, StoreError::Domain(_)), "{err:?}");
        }
    }
}
