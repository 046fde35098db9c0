//! Login attempts: recorded, counted per email and per address, purged.

use chrono::TimeDelta;
use pilote_store::{
    clock,
    repo::login_attempts::{self, Key, Kind},
};

both_backends! {
    fn failures_are_counted_per_email_and_per_address(db) {
        let mut conn = db.conn();
        let start = clock::now() - TimeDelta::seconds(1);
        for _ in 0..3 {
            login_attempts::record(&mut conn, Kind::Login, "a@beta.gouv.fr", "10.0.0.1", false).expect("record");
        }
        login_attempts::record(&mut conn, Kind::Login, "a@beta.gouv.fr", "10.0.0.1", true).expect("success");
        login_attempts::record(&mut conn, Kind::Login, "b@beta.gouv.fr", "10.0.0.1", false).expect("other email");
        login_attempts::record(&mut conn, Kind::Login, "a@beta.gouv.fr", "10.0.0.2", false).expect("other address");

        let count = |conn: &mut pilote_store::DbConnection, key, limit| {
            login_attempts::recent_failures(conn, Kind::Login, key, start, limit).expect("count").len()
        };
        assert_eq!(count(&mut conn, Key::Email("a@beta.gouv.fr"), 10), 4);
        assert_eq!(count(&mut conn, Key::Email("a@beta.gouv.fr"), 2), 2);
        assert_eq!(count(&mut conn, Key::Ip("10.0.0.1"), 10), 4);
        assert_eq!(count(&mut conn, Key::Ip("10.0.0.3"), 10), 0);

        // Password-reset requests have their own budget.
        login_attempts::record(&mut conn, Kind::PasswordReset, "a@beta.gouv.fr", "10.0.0.1", false).expect("reset");
        assert_eq!(count(&mut conn, Key::Email("a@beta.gouv.fr"), 10), 4);
        let resets = login_attempts::recent_failures(&mut conn, Kind::PasswordReset, Key::Ip("10.0.0.1"), start, 10);
        assert_eq!(resets.expect("resets").len(), 1);

        let failures = login_attempts::recent_failures(&mut conn, Kind::Login, Key::Ip("10.0.0.1"), start, 10).expect("times");
        assert!(failures.windows(2).all(|w| w[0] >= w[1]), "newest first: {failures:?}");
        let later = clock::now() + TimeDelta::seconds(1);
        assert_eq!(login_attempts::recent_failures(&mut conn, Kind::Login, Key::Ip("10.0.0.1"), later, 10).expect("none").len(), 0);

        // Over-long keys are cut, not refused, and still counted together.
        let long = "x".repeat(2000);
        login_attempts::record(&mut conn, Kind::Login, &long, &long, false).expect("long");
        assert_eq!(count(&mut conn, Key::Email(&long), 10), 1);

        assert_eq!(login_attempts::purge_before(&mut conn, later).expect("purge"), 8);
        assert_eq!(count(&mut conn, Key::Email("a@beta.gouv.fr"), 10), 0);
    }
}
