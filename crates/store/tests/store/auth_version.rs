//! The authorisation version moves with every change to who may do what, and with nothing
//! a request does on its way (a token's use).

use pilote_domain::{Email, Grant};
use pilote_store::{
    Actor,
    repo::{auth_version, tokens, users},
    transaction,
};

use crate::common::seed;

both_backends! {
    fn every_change_to_who_may_do_what_moves_the_version(db) {
        let mut c = db.conn();
        let (_, product) = seed(&mut c);
        let email = Email::parse("camille@beta.gouv.fr").expect("email");
        let user = users::insert(&mut c, &email, "Camille", Some("x"), Actor::System).expect("user");
        let mut last = auth_version::current(&mut c).expect("version");
        let mut moved = |c: &mut pilote_store::DbConnection, what: &str| {
            let now = auth_version::current(c).expect("version");
            assert!(now > last, "{what} moves it ({last} → {now})");
            last = now;
        };
        users::grant(&mut c, user, &Grant::Admin, Actor::System).expect("grant");
        moved(&mut c, "a grant");
        users::end_sessions(&mut c, user).expect("end sessions");
        moved(&mut c, "a new session generation");
        users::revoke(&mut c, user, &Grant::Admin, Actor::System).expect("revoke");
        moved(&mut c, "a revocation");
        users::set_disabled(&mut c, user, true, Actor::System).expect("disable");
        moved(&mut c, "disabling the account");

        let (token, secret) = transaction::write(&mut c, |c| tokens::create(c, product, "Import", Actor::System)).expect("token");
        let before = auth_version::current(&mut c).expect("version");
        transaction::write(&mut c, |c| tokens::authenticate(c, &secret)).expect("auth");
        assert_eq!(auth_version::current(&mut c).expect("version"), before, "a token's use does not move it");
        last = before;
        let moved = |c: &mut pilote_store::DbConnection, what: &str| {
            let now = auth_version::current(c).expect("version");
            assert!(now > last, "{what} moves it ({last} → {now})");
        };
        tokens::revoke(&mut c, product, token, Actor::System).expect("revoke");
        moved(&mut c, "revoking a token");
    }
}
