//! Campaigns and applications (issue 24): criteria kept in order, statuses with their
//! history, one score sheet per juror, the link to the product and the funnel.

use std::collections::BTreeMap;

use pilote_domain::{
    Application, ApplicationStatus, Audience, Campaign, Consents, Criterion, Email, Intrapreneur,
    ScoreSheet,
};
use pilote_store::{
    Actor, StoreError,
    repo::{applications, audit, campaigns, products, users},
    transaction,
};

use crate::common::{date, product, seed, slug};

/// Also the campaign of the irritants' tests (an irritant linked to its application).
pub(crate) fn campaign() -> Campaign {
    Campaign {
        slug: slug("appel-2026"),
        incubator: slug("dinum"),
        title: "Appel 2026".to_owned(),
        opens_on: date("2026-01-01"),
        closes_on: date("2026-03-31"),
        audience: Audience::Public,
        description: "Vos irritants".to_owned(),
        criteria: vec![
            Criterion {
                key: "impact".into(),
                label: "Impact".into(),
                weight: 3,
            },
            Criterion {
                key: "faisabilite".into(),
                label: "Faisabilité".into(),
                weight: 1,
            },
        ],
    }
}

pub(crate) fn application(title: &str) -> Application {
    Application {
        title: title.to_owned(),
        problem: "2 000 dossiers par an ressaisis à la main.".into(),
        who_suffers: "Les agents".into(),
        current_workaround: "Un tableur".into(),
        first_users: String::new(),
        intrapreneur: Intrapreneur {
            name: "Camille".into(),
            email: Email::parse("camille@example.gouv.fr").expect("email"),
            availability_percent: 80,
        },
        sponsor: "DGFiP".into(),
        consents: Consents {
            processing: true,
            contact: true,
        },
    }
}

both_backends! {
    fn a_campaign_keeps_its_criteria_and_its_applications_their_history(db) {
        let mut conn = db.conn();
        seed(&mut conn);
        let juror = users::insert(
            &mut conn,
            &Email::parse("jury@example.gouv.fr").expect("email"),
            "Juré",
            None,
            Actor::System,
        )
        .expect("juror");
        let id = transaction::write(&mut conn, |c| campaigns::create(c, &campaign(), Actor::User(juror)))
            .expect("create");
        let again = transaction::write(&mut conn, |c| campaigns::create(c, &campaign(), Actor::System));
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
        let (found, stored) = transaction::read(&mut conn, |c| campaigns::find(c, &slug("appel-2026")))
            .expect("find");
        assert_eq!(found, id);
        assert_eq!(stored, campaign());
        assert_eq!(
            transaction::read(&mut conn, |c| campaigns::list(c, Some(&slug("dinum")))).expect("list").len(),
            1
        );

        let first = transaction::write(&mut conn, |c| {
            applications::submit(c, id, &application("Première"), Actor::Anonymous)
        })
        .expect("submit");
        let second = transaction::write(&mut conn, |c| {
            applications::submit(c, id, &application("Seconde"), Actor::User(juror))
        })
        .expect("submit");
        let listed = transaction::read(&mut conn, |c| applications::list(c, id)).expect("list");
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].application, application("Première"));
        assert_eq!(listed[0].status, ApplicationStatus::Received);
        assert_eq!(listed[0].submitted_by, None);
        assert_eq!(listed[1].submitted_by, Some(juror));

        // Statuses: forward one step, history kept; a skip is refused.
        let move_to = |conn: &mut pilote_store::DbConnection, to, reason: &str| {
            transaction::write(conn, |c| applications::set_status(c, first, to, reason, Actor::User(juror)))
        };
        move_to(&mut conn, ApplicationStatus::Preselected, "").expect("preselect");
        assert!(move_to(&mut conn, ApplicationStatus::Selected, "").is_err());
        move_to(&mut conn, ApplicationStatus::Auditioned, "Audition le 3 mars").expect("audition");
        move_to(&mut conn, ApplicationStatus::Selected, "").expect("select");
        let history = transaction::read(&mut conn, |c| applications::history(c, first)).expect("history");
        let statuses: Vec<_> = history.iter().map(|h| h.status).collect();
        assert_eq!(
            statuses,
            [
                ApplicationStatus::Received,
                ApplicationStatus::Preselected,
                ApplicationStatus::Auditioned,
                ApplicationStatus::Selected
            ]
        );
        assert_eq!(history[2].reason.as_deref(), Some("Audition le 3 mars"));
        assert_eq!(history[2].actor, Some(juror));
        transaction::write(&mut conn, |c| {
            applications::set_status(c, second, ApplicationStatus::Rejected, "Hors périmètre", Actor::User(juror))
        })
        .expect("reject");

        // One sheet per juror: a second save replaces the first.
        let scores: BTreeMap<String, i64> = [("impact".to_owned(), 4), ("faisabilite".to_owned(), 2)].into();
        let sheet = ScoreSheet::new(&campaign().criteria, &scores, false).expect("sheet");
        for conflict in [false, true] {
            let sheet = ScoreSheet { conflict_of_interest: conflict, ..sheet.clone() };
            transaction::write(&mut conn, |c| applications::put_scores(c, first, juror, &sheet, Actor::User(juror)))
                .expect("scores");
        }
        let sheets = transaction::read(&mut conn, |c| applications::sheets(c, id)).expect("sheets");
        assert_eq!(sheets[&first].len(), 1);
        assert!(sheets[&first][0].1.conflict_of_interest);
        assert_eq!(sheets[&first][0].1.scores["impact"], 4);

        // The product launched from it, linked both ways, once.
        let (product_id, _) = transaction::write(&mut conn, |c| {
            let p = products::insert(c, &product("lance", "dinum", "2026-04-01"), Actor::System)?;
            applications::link_product(c, first, p, Actor::User(juror))?;
            Ok((p, ()))
        })
        .expect("launch");
        let twice = transaction::write(&mut conn, |c| applications::link_product(c, first, product_id, Actor::System));
        assert!(twice.is_err());
        let linked = transaction::read(&mut conn, |c| applications::get(c, first)).expect("get");
        assert_eq!(linked.product, Some(slug("lance")));
        assert_eq!(
            transaction::read(&mut conn, |c| applications::of_product(c, product_id)).expect("of"),
            Some(first)
        );

        // The funnel: two received, one preselected, selected, launched; none in construction yet.
        let funnels = transaction::read(&mut conn, |c| campaigns::funnels(c, Some(id))).expect("funnel");
        let f = funnels[0].funnel;
        assert_eq!((f.received, f.preselected, f.selected, f.investigations, f.construction), (2, 1, 1, 1, 0));
        assert_eq!(funnels[0].year, 2026);
        assert_eq!(campaigns::per_year(&funnels)[0].1, f);

        let entries = transaction::read(&mut conn, |c| audit::for_entity(c, "application", &first.to_string()))
            .expect("audit");
        let actions: Vec<_> = entries.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions[0], "application.submit");
        assert_eq!(entries[0].actor, "anonymous");
        assert!(actions.contains(&"application.score"));
        assert!(actions.contains(&"application.launch"));
        assert_eq!(actions.iter().filter(|a| **a == "application.status").count(), 3);
    }
}
