//! The JSON API end to end: every route as anonymous (401), with the wrong role (403) and the
//! right one (2xx), and its refusals (404, 409, 413, 422), on SQLite and on PostgreSQL.

use pilote_store::Backend;

use crate::{
    helpers::{Reply, Request},
    world::{PRODUCT, Who, World},
};

mod access;
mod catalogue;
mod measures;
mod ops;

impl World {
    /// Posts a CSV file of measures as someone.
    fn post_csv(&self, token: Option<&str>, text: &str) -> Reply {
        self.server.send(
            "POST",
            &format!("{PRODUCT}/measures.csv"),
            Request {
                bearer: token,
                body: Some(("text/csv", text)),
                ..Request::default()
            },
        )
    }
}

/// One world, then each part in turn: later parts rely on what earlier ones created.
fn scenario(backend: Backend) {
    let w = World::on(backend).with_second_incubator().start();
    catalogue::run(&w);
    measures::run(&w);
    access::run(&w);
    ops::run(&w);
}

both_backends!(the_api => scenario);
