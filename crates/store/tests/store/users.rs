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

both_backends! {
    fn roles_are_taken_back_members_listed_and_accounts_disabled_all_audited(db) {
        let mut conn = db.conn();
        let (_, product) = seed(&mut conn);
        let add = |conn: &mut pilote_store::DbConnection, email: &str, name: &str| {
            let email = Email::parse(email).expect("email");
            users::insert(conn, &email, name, Some("$argon2id$fake"), Actor::System).expect("insert")
        };
        let zoe = add(&mut conn, "zoe@beta.gouv.fr", "Zoé");
        let alix = add(&mut conn, "alix@beta.gouv.fr", "Alix");
        let member = Grant::Member { product: slug("mon-produit") };
        for id in [zoe, alix] {
            users::grant(&mut conn, id, &member, Actor::System).expect("grant");
        }
        users::grant(&mut conn, zoe, &Grant::Viewer, Actor::System).expect("viewer");
        let names = |conn: &mut pilote_store::DbConnection| -> Vec<String> {
            users::members(conn, product).expect("members").into_iter().map(|u| u.name).collect()
        };
        assert_eq!(names(&mut conn), ["Alix", "Zoé"]);

        users::revoke(&mut conn, zoe, &member, Actor::User(alix)).expect("revoke");
        assert_eq!(names(&mut conn), ["Alix"]);
        assert_eq!(users::grants(&mut conn, zoe).expect("grants"), [Grant::Viewer]);
        let err = users::revoke(&mut conn, zoe, &member, Actor::System).expect_err("twice");
        assert!(matches!(err, StoreError::NotFound { what: "role" }), "{err:?}");
        let listed = users::list(&mut conn).expect("list");
        let who: Vec<(&str, usize)> = listed.iter().map(|(u, g)| (u.name.as_str(), g.len())).collect();
        assert_eq!(who, [("Alix", 1), ("Zoé", 1)]);

        assert_eq!(users::session_generation(&mut conn, zoe).expect("generation"), 0);
        users::set_disabled(&mut conn, zoe, true, Actor::User(alix)).expect("disable");
        assert!(users::get(&mut conn, zoe).expect("user").disabled);
        assert_eq!(users::session_generation(&mut conn, zoe).expect("generation"), 1);
        users::set_disabled(&mut conn, zoe, true, Actor::User(alix)).expect("again: no-op");
        users::set_disabled(&mut conn, zoe, false, Actor::User(alix)).expect("enable");
        assert!(!users::get(&mut conn, zoe).expect("user").disabled);

        let actions: Vec<String> = pilote_store::repo::audit::for_entity(&mut conn, "user", "zoe@beta.gouv.fr")
            .expect("audit")
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions, ["user.create", "role.grant", "role.grant", "role.revoke", "user.disable", "user.enable"]);
    }
}

both_backends! {
    fn incubators_are_created_and_updated_with_an_audit_entry(db) {
        use pilote_store::repo::{audit, incubators};
        let mut conn = db.conn();
        let mut dinum = crate::common::incubator("fabrique");
        incubators::create(&mut conn, &dinum, Actor::System).expect("create");
        dinum.name = "Fabrique numérique".to_owned();
        dinum.durations.construction_months = 30;
        incubators::update(&mut conn, &dinum, Actor::System).expect("update");
        assert_eq!(incubators::find(&mut conn, &slug("fabrique")).expect("find").1, dinum);
        dinum.durations.acceleration_months = 0;
        let err = incubators::update(&mut conn, &dinum, Actor::System).expect_err("0 months");
        assert!(matches!(&err, StoreError::Domain(e) if e.field() == Some("acceleration_months")), "{err:?}");
        let unknown = crate::common::incubator("inconnu");
        let err = incubators::update(&mut conn, &unknown, Actor::System).expect_err("unknown");
        assert!(matches!(err, StoreError::NotFound { what: "incubator" }), "{err:?}");
        let entries = audit::for_entity(&mut conn, "incubator", "fabrique").expect("audit");
        let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["incubator.create", "incubator.update"]);
        assert!(entries[1].after.as_deref().is_some_and(|a| a.contains("\"construction_months\":30")));
    }
}
