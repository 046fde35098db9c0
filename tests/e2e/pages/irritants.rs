//! The irritants' pages over HTTP: anonymous visitors go to the login page, a signed-in
//! person submits an irritant through the form (422 with the field's error when blank), votes
//! once (a second vote changes nothing) and withdraws; a POST without a valid CSRF token
//! writes nothing.

use super::{
    client::{call, csrf_field, encode, text},
    forms::sign_in_as,
    sign_in, start,
};

const ADMIN: &str = "admin-irritants@test.gouv.fr";
const LIST: &str = "/incubateurs/dinum/irritants";

#[test]
fn a_person_submits_and_votes_for_an_irritant_through_the_pages() {
    let dir = tempfile::tempdir().expect("dir");
    let (server, _) = start(dir.path());
    let s = &server;

    let anonymous = call(s, "GET", LIST, "", None);
    assert_eq!(anonymous.status, 303);
    assert!(
        anonymous
            .header("location")
            .unwrap_or("")
            .starts_with("/connexion")
    );

    let viewer = sign_in(s);
    let empty = call(s, "GET", LIST, &viewer, None);
    assert_eq!(empty.status, 200);
    assert!(text(&empty).contains("Aucun irritant pour l'instant"));
    let csrf = csrf_field(text(&empty));

    // A forged form writes nothing.
    let title = "Ressaisir chaque mois les mêmes pièces";
    let forged = format!("title={}&description=&csrf=faux", encode(title));
    assert_eq!(call(s, "POST", LIST, &viewer, Some(&forged)).status, 403);
    assert!(!text(&call(s, "GET", LIST, &viewer, None)).contains(title));

    // A blank title comes back with its error next to the field.
    let blank = format!("title=+&description=&csrf={csrf}");
    let refused = call(s, "POST", LIST, &viewer, Some(&blank));
    assert_eq!(refused.status, 422);
    assert!(text(&refused).contains("fr-error-text"));

    let body = format!("title={}&description=&csrf={csrf}", encode(title));
    let sent = call(s, "POST", LIST, &viewer, Some(&body));
    assert_eq!(sent.status, 303);
    let listed = call(s, "GET", LIST, &viewer, None);
    let html = text(&listed);
    assert!(html.contains(title));
    assert!(html.contains("1 vote ·"), "the author's vote counts");
    assert!(html.contains("Retirer mon vote"));
    let id = html
        .split("/irritants/")
        .nth(1)
        .and_then(|rest| rest.split(['/', '"']).next())
        .expect("the vote form's address")
        .to_owned();
    let vote = format!("/irritants/{id}/vote");

    // Voting again changes nothing; withdrawing, then voting, once each.
    let again = format!("vote=1&retour={}&csrf={csrf}", encode(LIST));
    assert_eq!(call(s, "POST", &vote, &viewer, Some(&again)).status, 303);
    assert!(text(&call(s, "GET", LIST, &viewer, None)).contains("1 vote ·"));
    let forged = "vote=0&csrf=faux".to_owned();
    assert_eq!(call(s, "POST", &vote, &viewer, Some(&forged)).status, 403);
    assert!(text(&call(s, "GET", LIST, &viewer, None)).contains("1 vote ·"));
    let withdraw = format!("vote=0&csrf={csrf}");
    assert_eq!(call(s, "POST", &vote, &viewer, Some(&withdraw)).status, 303);
    let after = call(s, "GET", LIST, &viewer, None);
    assert!(text(&after).contains("0 vote ·"));
    assert!(text(&after).contains(">Voter<"));

    // The filter: closed ones only shows none.
    let closed = call(s, "GET", &format!("{LIST}?statut=clos"), &viewer, None);
    assert!(!text(&closed).contains(title));

    // The irritant's page: a non-manager sees no closing form, and posting it is refused.
    let one = format!("/irritants/{id}");
    let read = call(s, "GET", &one, &viewer, None);
    assert_eq!(read.status, 200);
    assert!(!text(&read).contains("Clore avec une réponse"));
    let close = format!("{one}/cloture");
    let answer = format!(
        "answer={}&csrf={csrf}",
        encode("Le formulaire est prérempli.")
    );
    assert_eq!(call(s, "POST", &close, &viewer, Some(&answer)).status, 403);
    // Nor the link form, which a non-manager does not see either.
    assert!(!text(&read).contains("Lier à un produit"));
    let link = format!("{one}/lien");
    let to_nothing = format!("product_slug=&application_id=&csrf={csrf}");
    assert_eq!(
        call(s, "POST", &link, &viewer, Some(&to_nothing)).status,
        403
    );

    // The menu's « Irritants » leads to the incubators' lists.
    let menu = call(s, "GET", "/irritants", &viewer, None);
    assert!(text(&call(s, "GET", "/", &viewer, None)).contains("href=\"/irritants\""));
    assert!(
        menu.status == 303 && menu.header("location") == Some(LIST)
            || text(&menu).contains(&format!("href=\"{LIST}\"")),
        "{:?}",
        menu.body
    );

    // A manager (here an admin) links it to a product of the incubator: nothing chosen, or a
    // forged form, is refused and writes nothing.
    super::add_admin(dir.path(), ADMIN, "Alix");
    let admin = sign_in_as(s, ADMIN);
    let page = call(s, "GET", &one, &admin, None);
    assert!(text(&page).contains("Lier à un produit"));
    let token = csrf_field(text(&page));
    let slug = text(&page)
        .split("id=\"product_slug\"")
        .nth(1)
        .and_then(|rest| rest.split("<option value=\"").nth(2))
        .and_then(|rest| rest.split('"').next())
        .expect("a product to choose")
        .to_owned();
    let nothing = format!("product_slug=&application_id=&csrf={token}");
    let refused = call(s, "POST", &link, &admin, Some(&nothing));
    assert_eq!(refused.status, 422);
    assert!(
        text(&refused).contains("Choisissez un produit ou une candidature."),
        "{}",
        text(&refused).split("fr-error-text").nth(1).unwrap_or("")
    );
    let forged = format!("product_slug={slug}&application_id=&csrf=faux");
    assert_eq!(call(s, "POST", &link, &admin, Some(&forged)).status, 403);
    assert!(!text(&call(s, "GET", &one, &admin, None)).contains("Produit qui y répond"));
    let chosen = format!("product_slug={slug}&application_id=&csrf={token}");
    assert_eq!(call(s, "POST", &link, &admin, Some(&chosen)).status, 303);
    assert!(text(&call(s, "GET", &one, &viewer, None)).contains("Produit qui y répond"));

    // Then closes it with an answer; blank is refused on the field.
    let page = call(s, "GET", &one, &admin, None);
    assert!(text(&page).contains("Clore avec une réponse"));
    let blank = format!("answer=+&csrf={token}");
    assert_eq!(call(s, "POST", &close, &admin, Some(&blank)).status, 422);
    let answer = format!(
        "answer={}&csrf={token}",
        encode("Le formulaire est prérempli.")
    );
    assert_eq!(call(s, "POST", &close, &admin, Some(&answer)).status, 303);
    let done = call(s, "GET", &format!("{LIST}?statut=clos"), &viewer, None);
    assert!(text(&done).contains("Le formulaire est prérempli."));
}
