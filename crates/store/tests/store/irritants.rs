//! Irritants: one vote per person (the author's submission counts), sorted by votes, linked to
//! a product, closed with an answer; every write audited.

use pilote_domain::{ApplicationStatus, Email, IrritantAnswer, IrritantStatus, NewIrritant};
use pilote_store::{
    Actor, DbConnection, IrritantId, StoreError, UserId,
    repo::{
        applications, audit, campaigns,
        irritants::{self, IrritantFilter},
        users,
    },
    transaction,
};

use crate::{
    campaigns::{application, campaign},
    common::{seed, slug},
};

fn person(conn: &mut DbConnection, who: &str) -> UserId {
    let email = Email::parse(&format!("{who}@example.gouv.fr")).expect("email");
    users::insert(conn, &email, who, None, Actor::System).expect("user")
}

fn submit(conn: &mut DbConnection, author: UserId, title: &str) -> IrritantId {
    let (incubator, _) = pilote_store::repo::incubators::find(conn, &slug("dinum")).expect("inc");
    let new = NewIrritant::parse(title, "Chaque mois, la même saisie.").expect("valid");
    irritants::create(conn, incubator, author, &new, Actor::User(author)).expect("create")
}

both_backends! {
    fn one_vote_per_person_the_most_voted_first(db) {
        let mut conn = db.conn();
        let (incubator, _) = seed(&mut conn);
        let (ana, bob, eve) = (person(&mut conn, "ana"), person(&mut conn, "bob"), person(&mut conn, "eve"));
        let first = submit(&mut conn, ana, "Trop de ressaisies");
        let second = submit(&mut conn, bob, "Pas d'accusé de réception");
        // The author's submission is their vote: voting again changes nothing.
        let read = irritants::get(&mut conn, first, Some(ana)).expect("get");
        assert_eq!((read.votes, read.voted_by_me, read.author.as_str()), (1, true, "ana"));
        assert_eq!(read.status, IrritantStatus::Open);
        assert!(!irritants::vote(&mut conn, first, ana, Actor::User(ana)).expect("again"));
        // Two more on the second: it comes first.
        for who in [ana, eve] {
            assert!(irritants::vote(&mut conn, second, who, Actor::User(who)).expect("vote"));
            assert!(!irritants::vote(&mut conn, second, who, Actor::User(who)).expect("twice"));
        }
        let filter = IrritantFilter { incubator: Some(incubator), ..IrritantFilter::default() };
        let all = irritants::list(&mut conn, filter, Some(eve)).expect("list");
        let order: Vec<_> = all.iter().map(|i| (i.id, i.votes, i.voted_by_me)).collect();
        assert_eq!(order, [(second, 3, true), (first, 1, false)]);
        // Withdrawing: once.
        assert!(irritants::withdraw_vote(&mut conn, second, eve, Actor::User(eve)).expect("withdraw"));
        assert!(!irritants::withdraw_vote(&mut conn, second, eve, Actor::User(eve)).expect("again"));
        assert_eq!(irritants::get(&mut conn, second, Some(eve)).expect("get").votes, 2);

        let actions: Vec<String> = audit::for_entity(&mut conn, "irritant", &second.to_string())
            .expect("audit")
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            actions,
            ["irritant.create", "irritant.vote", "irritant.vote", "irritant.withdraw_vote"]
        );
        assert!(matches!(
            irritants::get(&mut conn, IrritantId(9999), None),
            Err(StoreError::NotFound { what: "irritant" })
        ));
    }

    fn linked_to_a_product_and_closed_with_an_answer(db) {
        let mut conn = db.conn();
        let (_, product) = seed(&mut conn);
        let (ana, manager) = (person(&mut conn, "ana"), person(&mut conn, "manon"));
        let id = submit(&mut conn, ana, "Trop de ressaisies");
        irritants::link(&mut conn, id, product, Actor::User(manager)).expect("link");
        let answer = IrritantAnswer::parse("Mon Produit supprime la ressaisie.").expect("answer");
        irritants::close(&mut conn, id, &answer, manager, Actor::User(manager)).expect("close");

        let read = irritants::get(&mut conn, id, None).expect("get");
        assert_eq!(read.status, IrritantStatus::Closed);
        assert_eq!(read.answer.as_deref(), Some("Mon Produit supprime la ressaisie."));
        assert_eq!(read.closed_by.as_deref(), Some("manon"));
        assert!(read.closed_at.is_some());
        let linked = read.product.expect("linked");
        assert_eq!((linked.slug, linked.name.as_str()), (slug("mon-produit"), "Produit mon-produit"));

        // Closed: no more votes, no second closing.
        let conflict = |r: Option<StoreError>| matches!(r, Some(StoreError::Domain(e)) if e.field().is_none());
        assert!(conflict(irritants::vote(&mut conn, id, manager, Actor::User(manager)).err()));
        assert!(conflict(irritants::close(&mut conn, id, &answer, manager, Actor::User(manager)).err()));

        // The product's irritants; the open and closed filters.
        let of_product = IrritantFilter { product: Some(product), ..IrritantFilter::default() };
        assert_eq!(irritants::list(&mut conn, of_product, None).expect("list").len(), 1);
        let open = IrritantFilter { status: Some(IrritantStatus::Open), ..IrritantFilter::default() };
        assert!(irritants::list(&mut conn, open, None).expect("list").is_empty());
        let actions: Vec<String> = audit::for_entity(&mut conn, "irritant", &id.to_string())
            .expect("audit")
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions, ["irritant.create", "irritant.link", "irritant.close"]);
    }

    fn linked_to_an_application_and_listed_under_it(db) {
        let mut conn = db.conn();
        seed(&mut conn);
        let (ana, manager) = (person(&mut conn, "ana"), person(&mut conn, "manon"));
        let id = submit(&mut conn, ana, "Trop de ressaisies");
        let other = submit(&mut conn, ana, "Pas d'accusé de réception");
        let application = transaction::write(&mut conn, |c| {
            let campaign = campaigns::create(c, &campaign(), Actor::User(manager))?;
            applications::submit(c, campaign, &application("Première"), Actor::Anonymous)
        })
        .expect("application");
        assert_eq!(irritants::get(&mut conn, id, None).expect("get").application, None);

        irritants::link_application(&mut conn, id, application, Actor::User(manager)).expect("link");
        let linked = irritants::get(&mut conn, id, None).expect("get").application.expect("linked");
        assert_eq!((linked.id, linked.title.as_str()), (application, "Première"));
        assert_eq!(linked.status, ApplicationStatus::Received);
        let answered = IrritantFilter { application: Some(application), ..IrritantFilter::default() };
        let listed: Vec<_> = irritants::list(&mut conn, answered, None).expect("list").into_iter().map(|i| i.id).collect();
        assert_eq!(listed, [id]);
        assert_eq!(irritants::get(&mut conn, other, None).expect("get").application, None);

        let entries = audit::for_entity(&mut conn, "irritant", &id.to_string()).expect("audit");
        let last = entries.last().expect("entry");
        assert_eq!(last.action, "irritant.link_application");
        assert!(last.after.as_deref().is_some_and(|a| a.contains(&application.0.to_string())));
        assert!(matches!(
            irritants::link_application(&mut conn, IrritantId(9999), application, Actor::System),
            Err(StoreError::NotFound { what: "irritant" })
        ));
    }
}
