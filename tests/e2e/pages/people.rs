//! A product's team (`/produits/{slug}/equipe`) and the administrators' pages
//! (`/admin/utilisateurs`, `/admin/incubateurs`) over HTTP with the session cookie, on both
//! backends: each form writes (seen through the API), a role that may not use it gets 403
//! pages, and a post without a valid CSRF token writes nothing.

use pilote_store::Backend;
use serde_json::{Value, json};

use super::{
    client::{call, csrf_field, encode, text},
    forms::sign_in_as,
};
use crate::world::{PRODUCT, World};

/// The user id `GET /api/v1/me` gives the bearer of `token`.
fn id_of(w: &World, token: &str) -> i64 {
    w.expect(200, "GET", "/api/v1/me", Some(token), None)["id"]
        .as_i64()
        .expect("id")
}

fn roles(w: &World, token: &str) -> Value {
    w.expect(200, "GET", "/api/v1/me", Some(token), None)["roles"].clone()
}

fn team(backend: Backend) {
    let w = World::on(backend).start();
    let s = w.server();
    let page = "/produits/mon-produit/equipe";
    let manager = sign_in_as(s, "manager@test.gouv.fr");
    let member = sign_in_as(s, "member@test.gouv.fr");
    let indicator = json!({"key": "k", "label": "K", "unit": "u", "direction": "increase",
                           "principle": "used", "periodicity": "week"});
    let indicators = format!("{PRODUCT}/indicators");

    // Anyone signed in reads the team; only its managers get the forms.
    assert_eq!(call(s, "GET", page, "", None).status, 303);
    let seen = call(s, "GET", page, &member, None);
    assert_eq!(seen.status, 200);
    assert!(text(&seen).contains("member@test.gouv.fr"));
    assert!(!text(&seen).contains("Ajouter à l'équipe"));
    let managed = call(s, "GET", page, &manager, None);
    assert!(text(&managed).contains("Ajouter à l'équipe"));
    assert!(text(&managed).contains("aria-current=\"page\">Équipe</a>"));
    let csrf = csrf_field(text(&managed));
    let member_csrf = csrf_field(text(&seen));

    // Adding: a member may not, no token or a wrong one writes nothing.
    let body = format!("email={}", encode("viewer@test.gouv.fr"));
    assert_eq!(
        call(
            s,
            "POST",
            page,
            &member,
            Some(&format!("csrf={member_csrf}&{body}"))
        )
        .status,
        403
    );
    assert_eq!(call(s, "POST", page, &manager, Some(&body)).status, 403);
    assert_eq!(
        call(
            s,
            "POST",
            page,
            &manager,
            Some(&format!("csrf=faux&{body}"))
        )
        .status,
        403
    );
    w.expect(403, "POST", &indicators, Some(&w.viewer), Some(&indicator));
    let unknown = call(
        s,
        "POST",
        page,
        &manager,
        Some(&format!("csrf={csrf}&email=personne%40test.gouv.fr")),
    );
    assert_eq!(unknown.status, 422);
    assert!(text(&unknown).contains("cette adresse : la personne doit"));
    assert!(text(&unknown).contains("aria-describedby=\"erreur-email"));
    let added = call(
        s,
        "POST",
        page,
        &manager,
        Some(&format!("csrf={csrf}&{body}")),
    );
    assert_eq!(added.status, 303, "{:?}", added.body);
    assert_eq!(added.header("location"), Some(page));
    w.expect(201, "POST", &indicators, Some(&w.viewer), Some(&indicator));
    let twice = call(
        s,
        "POST",
        page,
        &manager,
        Some(&format!("csrf={csrf}&{body}")),
    );
    assert_eq!(twice.status, 422);
    assert!(text(&twice).contains("Cette personne a déjà ce rôle."));

    // Removing: the same rules.
    let remove = "/produits/mon-produit/equipe/retirer";
    let viewer_id = id_of(&w, &w.viewer);
    let body = format!("utilisateur={viewer_id}");
    assert_eq!(
        call(
            s,
            "POST",
            remove,
            &member,
            Some(&format!("csrf={member_csrf}&{body}"))
        )
        .status,
        403
    );
    assert_eq!(call(s, "POST", remove, &manager, Some(&body)).status, 403);
    assert!(text(&call(s, "GET", page, &member, None)).contains("viewer@test.gouv.fr"));
    let removed = call(
        s,
        "POST",
        remove,
        &manager,
        Some(&format!("csrf={csrf}&{body}")),
    );
    assert_eq!(removed.status, 303, "{:?}", removed.body);
    assert!(!text(&call(s, "GET", page, &member, None)).contains("viewer@test.gouv.fr"));
    let other = json!({"key": "k2", "label": "K2", "unit": "u", "direction": "increase",
                       "principle": "used", "periodicity": "week"});
    w.expect(403, "POST", &indicators, Some(&w.viewer), Some(&other));
}

fn users(backend: Backend) {
    let w = World::on(backend).start();
    let s = w.server();
    let page = "/admin/utilisateurs";
    let admin = sign_in_as(s, "admin@test.gouv.fr");
    let manager = sign_in_as(s, "manager@test.gouv.fr");
    assert_eq!(call(s, "GET", page, "", None).status, 303);
    assert_eq!(call(s, "GET", page, &manager, None).status, 403);
    let list = call(s, "GET", page, &admin, None);
    assert_eq!(list.status, 200);
    assert!(text(&list).contains("member@test.gouv.fr"));
    assert!(text(&list).contains("href=\"/admin/utilisateurs\""));
    let csrf = csrf_field(text(&list));
    let manager_csrf = csrf_field(text(&call(s, "GET", "/", &manager, None)));

    // Giving a role.
    let grant = "/admin/utilisateurs/roles";
    let body = "email=viewer%40test.gouv.fr&role=manager&incubator=dinum&product=";
    assert_eq!(
        call(
            s,
            "POST",
            grant,
            &manager,
            Some(&format!("csrf={manager_csrf}&{body}"))
        )
        .status,
        403
    );
    assert_eq!(call(s, "POST", grant, &admin, Some(body)).status, 403);
    assert_eq!(
        call(s, "POST", grant, &admin, Some(&format!("csrf=faux&{body}"))).status,
        403
    );
    assert_eq!(roles(&w, &w.viewer), json!([{"role": "viewer"}]));
    let no_scope = call(
        s,
        "POST",
        grant,
        &admin,
        Some(&format!(
            "csrf={csrf}&email=viewer%40test.gouv.fr&role=manager&incubator="
        )),
    );
    assert_eq!(no_scope.status, 422);
    assert!(text(&no_scope).contains("aria-describedby=\"erreur-incubator"));
    let unknown = call(
        s,
        "POST",
        grant,
        &admin,
        Some(&format!(
            "csrf={csrf}&email=viewer%40test.gouv.fr&role=member&product=inconnu"
        )),
    );
    assert_eq!(unknown.status, 422);
    assert!(text(&unknown).contains("cet identifiant."));
    let given = call(
        s,
        "POST",
        grant,
        &admin,
        Some(&format!("csrf={csrf}&{body}")),
    );
    assert_eq!(given.status, 303, "{:?}", given.body);
    assert_eq!(
        roles(&w, &w.viewer),
        json!([{"role": "viewer"}, {"role": "manager", "incubator": "dinum"}])
    );

    // Taking it back; an administrator keeps their own administrator role.
    let revoke = "/admin/utilisateurs/roles/retirer";
    let viewer_id = id_of(&w, &w.viewer);
    let body = format!("utilisateur={viewer_id}&role=manager&incubator=dinum&product=");
    assert_eq!(
        call(
            s,
            "POST",
            revoke,
            &manager,
            Some(&format!("csrf={manager_csrf}&{body}"))
        )
        .status,
        403
    );
    assert_eq!(call(s, "POST", revoke, &admin, Some(&body)).status, 403);
    let taken = call(
        s,
        "POST",
        revoke,
        &admin,
        Some(&format!("csrf={csrf}&{body}")),
    );
    assert_eq!(taken.status, 303, "{:?}", taken.body);
    assert_eq!(roles(&w, &w.viewer), json!([{"role": "viewer"}]));
    let admin_id = id_of(&w, &w.admin);
    let own = call(
        s,
        "POST",
        revoke,
        &admin,
        Some(&format!("csrf={csrf}&utilisateur={admin_id}&role=admin")),
    );
    assert_eq!(own.status, 422);
    assert!(text(&own).contains("Vous ne pouvez pas retirer votre propre rôle"));
    assert_eq!(roles(&w, &w.admin), json!([{"role": "admin"}]));

    // Disabling an account ends its sessions and tokens; enabling it lets it in again.
    let state = "/admin/utilisateurs/etat";
    let member_id = id_of(&w, &w.member);
    let body = format!("utilisateur={member_id}&desactiver=oui");
    let member = sign_in_as(s, "member@test.gouv.fr");
    assert_eq!(
        call(
            s,
            "POST",
            state,
            &manager,
            Some(&format!("csrf={manager_csrf}&{body}"))
        )
        .status,
        403
    );
    assert_eq!(
        call(s, "POST", state, &admin, Some(&format!("csrf=faux&{body}"))).status,
        403
    );
    w.expect(200, "GET", "/api/v1/me", Some(&w.member), None);
    let disabled = call(
        s,
        "POST",
        state,
        &admin,
        Some(&format!("csrf={csrf}&{body}")),
    );
    assert_eq!(disabled.status, 303, "{:?}", disabled.body);
    w.expect(401, "GET", "/api/v1/me", Some(&w.member), None);
    assert_eq!(call(s, "GET", "/", &member, None).status, 303);
    assert!(text(&call(s, "GET", page, &admin, None)).contains("Réactiver"));
    let own = call(
        s,
        "POST",
        state,
        &admin,
        Some(&format!(
            "csrf={csrf}&utilisateur={admin_id}&desactiver=oui"
        )),
    );
    assert_eq!(own.status, 422);
    let enabled = call(
        s,
        "POST",
        state,
        &admin,
        Some(&format!(
            "csrf={csrf}&utilisateur={member_id}&desactiver=non"
        )),
    );
    assert_eq!(enabled.status, 303);
    let again = sign_in_as(s, "member@test.gouv.fr");
    assert_eq!(call(s, "GET", "/", &again, None).status, 200);
}

fn incubators(backend: Backend) {
    let w = World::on(backend).start();
    let s = w.server();
    let page = "/admin/incubateurs";
    let admin = sign_in_as(s, "admin@test.gouv.fr");
    let manager = sign_in_as(s, "manager@test.gouv.fr");
    let months = |slug: &str| -> Value {
        let all = w.expect(200, "GET", "/api/v1/incubators", Some(&w.viewer), None);
        all["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["slug"] == slug)
            .map(|i| i["max_months"].clone())
            .unwrap_or(Value::Null)
    };
    assert_eq!(call(s, "GET", page, "", None).status, 303);
    assert_eq!(call(s, "GET", page, &manager, None).status, 403);
    assert_eq!(
        call(s, "GET", "/admin/incubateurs/dinum", &manager, None).status,
        403
    );
    let list = call(s, "GET", page, &admin, None);
    assert_eq!(list.status, 200);
    assert!(text(&list).contains("DINUM"));
    let csrf = csrf_field(text(&list));
    let manager_csrf = csrf_field(text(&call(s, "GET", "/", &manager, None)));

    let body = |inv: &str| {
        format!(
            "slug=mtes&name=Fabrique+num%C3%A9rique&administration=MTES&investigation_months={inv}&construction_months=18&acceleration_months=24"
        )
    };
    assert_eq!(
        call(
            s,
            "POST",
            page,
            &manager,
            Some(&format!("csrf={manager_csrf}&{}", body("6")))
        )
        .status,
        403
    );
    assert_eq!(call(s, "POST", page, &admin, Some(&body("6"))).status, 403);
    assert_eq!(
        call(
            s,
            "POST",
            page,
            &admin,
            Some(&format!("csrf=faux&{}", body("6")))
        )
        .status,
        403
    );
    for bad in ["0", "six"] {
        let refused = call(
            s,
            "POST",
            page,
            &admin,
            Some(&format!("csrf={csrf}&{}", body(bad))),
        );
        assert_eq!(refused.status, 422, "{bad}");
        assert!(text(&refused).contains("aria-describedby=\"erreur-investigation_months"));
    }
    assert_eq!(months("mtes"), Value::Null);
    let created = call(
        s,
        "POST",
        page,
        &admin,
        Some(&format!("csrf={csrf}&{}", body("6"))),
    );
    assert_eq!(created.status, 303, "{:?}", created.body);
    assert_eq!(
        months("mtes"),
        json!({"investigation": 6, "construction": 18, "acceleration": 24})
    );

    let edit = "/admin/incubateurs/dinum";
    let form = call(s, "GET", edit, &admin, None);
    assert_eq!(form.status, 200);
    assert!(text(&form).contains("value=\"DINUM\""));
    let fields = "name=DINUM&administration=%C3%89tat&investigation_months=6&construction_months=30&acceleration_months=24";
    assert_eq!(
        call(
            s,
            "POST",
            edit,
            &manager,
            Some(&format!("csrf={manager_csrf}&{fields}"))
        )
        .status,
        403
    );
    assert_eq!(call(s, "POST", edit, &admin, Some(fields)).status, 403);
    assert_eq!(months("dinum")["construction"], 24);
    let saved = call(
        s,
        "POST",
        edit,
        &admin,
        Some(&format!("csrf={csrf}&{fields}")),
    );
    assert_eq!(saved.status, 303, "{:?}", saved.body);
    assert_eq!(months("dinum")["construction"], 30);
}

both_backends!(a_team_is_managed_in_the_browser => team, administrators_manage_roles_and_accounts_in_the_browser => users, administrators_manage_incubators_in_the_browser => incubators);
