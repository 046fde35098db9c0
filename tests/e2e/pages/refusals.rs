//! Every page form, refused alike (issue 19): a POST without the session's CSRF token is 403
//! and writes nothing, on every form a signed-in person can send; a viewer's POST, with a valid
//! token, to a form only a product's team, its managers or an administrator may use is 403 and
//! writes nothing. A new form is one line in [`FORMS`].
//!
//! "Writes nothing": the number of rows of every table, the audit log's included (every write
//! of the pages is audited), is the same after the refusal as before.

use diesel::{QueryableByName, RunQueryDsl, sql_query, sql_types::Text};
use pilote_store::Database;

use super::{
    EMAIL, PASSWORD,
    client::{call, csrf_field, text},
    forms::sign_in_as,
    start,
};
use crate::helpers::must_add_user;

/// Who, besides anyone without the CSRF token, is refused a form.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Viewer {
    /// A viewer may not use it: 403 even with a valid token.
    Refused,
    /// Anyone signed in may (their own account, irritants, a campaign for agents, signing
    /// out): the CSRF refusal only.
    Allowed,
}

/// Every page form: its path (`{p}` the demo's published product, `{k}` one of its
/// indicators) and whether a viewer is refused it.
const FORMS: &[(&str, Viewer)] = &[
    ("/compte/mot-de-passe", Viewer::Allowed),
    ("/compte/jetons", Viewer::Allowed),
    ("/compte/jetons/revoquer", Viewer::Allowed),
    ("/admin/utilisateurs/roles", Viewer::Refused),
    ("/admin/utilisateurs/roles/retirer", Viewer::Refused),
    ("/admin/utilisateurs/etat", Viewer::Refused),
    ("/admin/incubateurs", Viewer::Refused),
    ("/admin/incubateurs/dinum", Viewer::Refused),
    ("/appels/nouveau", Viewer::Refused),
    ("/invitations/nouvelle", Viewer::Refused),
    ("/produits/nouveau", Viewer::Refused),
    ("/produits/{p}/modifier", Viewer::Refused),
    ("/produits/{p}/fiche", Viewer::Refused),
    ("/produits/{p}/engagements", Viewer::Refused),
    ("/produits/{p}/contrat/modifier", Viewer::Refused),
    ("/produits/{p}/decisions/nouvelle", Viewer::Refused),
    ("/produits/{p}/indicateurs/nouveau", Viewer::Refused),
    ("/produits/{p}/indicateurs/{k}/modifier", Viewer::Refused),
    ("/produits/{p}/indicateurs/{k}/source", Viewer::Refused),
    (
        "/produits/{p}/indicateurs/{k}/source/collecter",
        Viewer::Refused,
    ),
    (
        "/produits/{p}/indicateurs/{k}/source/supprimer",
        Viewer::Refused,
    ),
    (
        "/produits/{p}/indicateurs/{k}/mesures/2026-01-05/verifiee",
        Viewer::Refused,
    ),
    ("/produits/{p}/mesures", Viewer::Refused),
    ("/produits/{p}/mesures/csv/confirmer", Viewer::Refused),
    ("/produits/{p}/contrat/objectifs/nouveau", Viewer::Refused),
    (
        "/produits/{p}/contrat/objectifs/1/modifier",
        Viewer::Refused,
    ),
    (
        "/produits/{p}/contrat/objectifs/1/supprimer",
        Viewer::Refused,
    ),
    ("/produits/{p}/revues/nouvelle", Viewer::Refused),
    ("/produits/{p}/revues/1/modifier", Viewer::Refused),
    ("/produits/{p}/revues/1/signer", Viewer::Refused),
    ("/produits/{p}/depenses", Viewer::Refused),
    ("/produits/{p}/depenses/coller", Viewer::Refused),
    ("/produits/{p}/equipe", Viewer::Refused),
    ("/produits/{p}/equipe/retirer", Viewer::Refused),
    ("/incubateurs/dinum/irritants", Viewer::Allowed),
    // Anyone votes; the managers' forms refuse others on an irritant that exists
    // (tests/e2e/pages/irritants.rs).
    ("/irritants/1/vote", Viewer::Allowed),
    ("/irritants/1/lien", Viewer::Allowed),
    ("/irritants/1/cloture", Viewer::Allowed),
    // The jury's forms: their roles are the API's, tested in tests/e2e/campaigns.rs.
    ("/candidatures/1/statut", Viewer::Allowed),
    ("/candidatures/1/notes", Viewer::Allowed),
    ("/candidatures/1/lancer", Viewer::Allowed),
    ("/deconnexion", Viewer::Allowed),
];

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Every table's number of rows.
fn rows(db: &Database) -> Vec<(String, i64)> {
    let mut conn = db.get().expect("connection");
    let pilote_store::DbConnection::Sqlite(c) = &mut *conn else {
        panic!("the pages' tests run on SQLite");
    };
    let tables: Vec<Name> = sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         ORDER BY name",
    )
    .load(c)
    .expect("tables");
    tables
        .into_iter()
        .map(|t| {
            let count: Count = sql_query(format!("SELECT COUNT(*) AS n FROM \"{}\"", t.name))
                .get_result(c)
                .expect("count");
            (t.name, count.n)
        })
        .collect()
}

#[test]
fn every_form_refuses_a_post_without_its_csrf_token_and_a_viewer_where_it_must() {
    let dir = tempfile::tempdir().expect("dir");
    let (server, product) = start(dir.path());
    let url = format!("sqlite://{}", dir.path().join("pages.db").display());
    let db = Database::open(&url, &Default::default()).expect("open");
    let admin_email = "admin-refus@test.gouv.fr";
    must_add_user(
        dir.path(),
        &url,
        &["--email", admin_email, "--name", "Alix", "--role", "admin"],
        PASSWORD,
    );
    let admin = sign_in_as(&server, admin_email);
    let viewer = sign_in_as(&server, EMAIL);
    let key = server
        .get_as(
            &format!("/api/v1/products/{product}/indicators"),
            &server.login(admin_email, PASSWORD),
        )
        .body["items"][0]["key"]
        .as_str()
        .expect("an indicator")
        .to_owned();
    // The viewer's valid token, as any page of theirs carries it.
    let viewer_csrf = csrf_field(text(&call(&server, "GET", "/compte", &viewer, None)));

    let before = rows(&db);
    for &(pattern, refused) in FORMS {
        let path = pattern.replace("{p}", &product).replace("{k}", &key);
        // Signed in as an administrator, who may do anything but without the token: 403.
        for body in ["", "csrf=", "csrf=un-jeton-fabrique"] {
            let reply = call(&server, "POST", &path, &admin, Some(body));
            assert_eq!(reply.status, 403, "{path} with {body:?}: {:?}", reply.body);
            assert!(text(&reply).contains("Accès refusé"), "{path}");
        }
        // The viewer's own token on a form they may not use: 403.
        if refused == Viewer::Refused {
            let body = format!("csrf={viewer_csrf}");
            let reply = call(&server, "POST", &path, &viewer, Some(&body));
            assert_eq!(reply.status, 403, "{path} as a viewer: {:?}", reply.body);
        }
        assert_eq!(rows(&db), before, "{path} wrote something");
    }
}
