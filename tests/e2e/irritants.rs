//! Irritants end to end, on SQLite and on PostgreSQL: submitted by anyone signed in, one vote
//! per person (the author's submission counts), the most voted first, linked to a product and
//! closed with an answer by the incubator's managers; 401 and 403 on each route.

use pilote_store::Backend;
use serde_json::json;

use crate::{
    campaigns::{application, campaign},
    world::{Who, World},
};

const LIST: &str = "/api/v1/incubators/dinum/irritants";

fn scenario(backend: Backend) {
    let w = World::on(backend)
        .with_second_incubator()
        .with_product_token()
        .start();
    let Who {
        admin,
        manager,
        other,
        member,
        viewer,
        token,
    } = w.who();
    let new = json!({"title": "Ressaisir chaque mois les mêmes pièces",
                     "description": "Les agents saisissent trois fois la même adresse."});

    // Submitting: anyone signed in; anonymous 401, an API token 403; bad input 422 by field.
    w.expect(401, "POST", LIST, None, Some(&new));
    w.expect(403, "POST", LIST, token, Some(&new));
    let bad = json!({"title": " ", "description": "x".repeat(4001)});
    let body = w.expect(422, "POST", LIST, viewer, Some(&bad));
    assert_eq!(w.fields(&body), ["title", "description"]);
    w.expect(
        404,
        "POST",
        "/api/v1/incubators/nulle-part/irritants",
        viewer,
        Some(&new),
    );
    let first = w.expect(201, "POST", LIST, viewer, Some(&new));
    assert_eq!(
        (first["votes"].as_i64(), first["voted_by_me"].as_bool()),
        (Some(1), Some(true))
    );
    assert_eq!(first["status"], "open");
    let id = first["id"].as_i64().expect("id");
    let second = w.expect(
        201,
        "POST",
        LIST,
        member,
        Some(&json!({"title": "Pas d'accusé"})),
    );
    let other_id = second["id"].as_i64().expect("id");

    // One vote per person: a second vote changes nothing (200), the author's counts already.
    let one = format!("/api/v1/irritants/{id}");
    let votes = format!("{one}/votes");
    w.expect(401, "POST", &votes, None, None);
    w.expect(403, "POST", &votes, token, None);
    for who in [member, manager, member, viewer] {
        w.expect(200, "POST", &votes, who, None);
    }
    let read = w.expect(200, "GET", &one, admin, None);
    assert_eq!(
        (read["votes"].as_i64(), read["voted_by_me"].as_bool()),
        (Some(3), Some(false))
    );
    let mine = w.expect(200, "GET", &one, member, None);
    assert_eq!(mine["voted_by_me"], true);
    w.expect(401, "GET", &one, None, None);
    w.expect(403, "GET", &one, token, None);
    w.expect(404, "GET", "/api/v1/irritants/999999", viewer, None);
    // Withdrawing: once, then harmless.
    w.expect(401, "DELETE", &votes, None, None);
    w.expect(403, "DELETE", &votes, token, None);
    let gone = w.expect(200, "DELETE", &votes, manager, None);
    assert_eq!(
        (gone["votes"].as_i64(), gone["voted_by_me"].as_bool()),
        (Some(2), Some(false))
    );
    w.expect(200, "DELETE", &votes, manager, None);

    // The list: the most voted first, filtered by status.
    w.expect(401, "GET", LIST, None, None);
    w.expect(403, "GET", LIST, token, None);
    w.expect(422, "GET", &format!("{LIST}?status=maybe"), viewer, None);
    let list = w.expect(200, "GET", LIST, viewer, None);
    let ids: Vec<_> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_i64())
        .collect();
    assert_eq!(ids, [Some(id), Some(other_id)]);

    // Linking: the incubator's managers and admins, to a product of the incubator.
    let link = format!("{one}/link");
    let product = json!({"product_slug": "mon-produit"});
    w.expect(401, "POST", &link, None, Some(&product));
    for who in [viewer, member, other, token] {
        w.expect(403, "POST", &link, who, Some(&product));
    }
    let body = w.expect(
        422,
        "POST",
        &link,
        manager,
        Some(&json!({"product_slug": "inconnu"})),
    );
    assert_eq!(w.fields(&body), ["product_slug"]);
    w.expect(
        404,
        "POST",
        "/api/v1/irritants/999999/link",
        manager,
        Some(&product),
    );
    let linked = w.expect(200, "POST", &link, manager, Some(&product));
    assert_eq!(linked["product"]["slug"], "mon-produit");

    // Or to an application to one of the incubator's campaigns: one of the two fields, else 422.
    w.expect(
        201,
        "POST",
        "/api/v1/incubators/dinum/campaigns",
        manager,
        Some(&campaign("appel-irritants", "public", -1)),
    );
    let submitted = w.expect(
        201,
        "POST",
        "/api/v1/campaigns/appel-irritants/applications",
        None,
        Some(&application("Accueil", "camille@example.gouv.fr")),
    );
    let app = submitted["id"].as_i64().expect("id");
    let to_app = json!({"application_id": app});
    w.expect(401, "POST", &link, None, Some(&to_app));
    for who in [viewer, member, other, token] {
        w.expect(403, "POST", &link, who, Some(&to_app));
    }
    let both = json!({"application_id": app, "product_slug": "mon-produit"});
    for (body, field) in [
        (json!({}), "product_slug"),
        (both, "application_id"),
        (json!({"application_id": 999_999}), "application_id"),
    ] {
        let refused = w.expect(422, "POST", &link, manager, Some(&body));
        assert_eq!(w.fields(&refused), [field]);
    }
    let linked = w.expect(200, "POST", &link, manager, Some(&to_app));
    assert_eq!(linked["application"]["id"], app);
    assert_eq!(linked["application"]["title"], "Accueil");
    assert_eq!(linked["application"]["status"], "received");
    assert_eq!(linked["product"]["slug"], "mon-produit");
    let read = w.expect(
        200,
        "GET",
        &format!("/api/v1/applications/{app}"),
        manager,
        None,
    );
    let answered: Vec<_> = read["irritants"]
        .as_array()
        .expect("irritants")
        .iter()
        .map(|i| i["title"].clone())
        .collect();
    assert_eq!(answered, [linked["title"].clone()]);

    // Closing: an answer is needed; once.
    let close = format!("{one}/close");
    let answer = json!({"answer": "Mon Produit préremplit l'adresse."});
    w.expect(401, "POST", &close, None, Some(&answer));
    for who in [viewer, member, other, token] {
        w.expect(403, "POST", &close, who, Some(&answer));
    }
    let body = w.expect(422, "POST", &close, manager, Some(&json!({"answer": "  "})));
    assert_eq!(w.fields(&body), ["answer"]);
    let closed = w.expect(200, "POST", &close, admin, Some(&answer));
    assert_eq!(closed["status"], "closed");
    assert_eq!(
        closed["closed_by"].as_str().map(|s| !s.is_empty()),
        Some(true)
    );
    w.expect(409, "POST", &close, manager, Some(&answer));
    w.expect(409, "POST", &votes, admin, None);
    let open = w.expect(200, "GET", &format!("{LIST}?status=open"), viewer, None);
    assert_eq!(open["total"], 1);
    let done = w.expect(200, "GET", &format!("{LIST}?status=closed"), viewer, None);
    assert_eq!(
        done["items"][0]["answer"],
        "Mon Produit préremplit l'adresse."
    );
}

#[test]
fn irritants_on_sqlite() {
    scenario(Backend::Sqlite);
}

#[test]
fn irritants_on_postgres() {
    scenario(Backend::Postgres);
}
