//! The vendored DSFR, served by the binary itself.

use pilote_api::assets::DSFR_VERSION;

use crate::helpers::{Request, Server};

#[test]
fn the_dsfr_is_served_with_its_type_and_a_long_cache() {
    let dir = tempfile::tempdir().expect("dir");
    let server = Server::start(dir.path(), &[]);
    for (file, kind) in [
        ("dsfr.min.css", "text/css; charset=utf-8"),
        ("dsfr.module.min.js", "text/javascript; charset=utf-8"),
        ("fonts/Marianne-Regular.woff2", "font/woff2"),
        ("icons/system/close-line.svg", "image/svg+xml"),
    ] {
        let reply = server.send(
            "GET",
            &format!("/static/dsfr/{DSFR_VERSION}/{file}"),
            Request::default(),
        );
        assert_eq!(reply.status, 200, "{file}");
        assert_eq!(reply.header("content-type"), Some(kind), "{file}");
        assert_eq!(
            reply.header("cache-control"),
            Some("public, max-age=31536000, immutable"),
            "{file}"
        );
    }
    for missing in [
        "/static/dsfr/0.0.0/dsfr.min.css".to_owned(),
        format!("/static/dsfr/{DSFR_VERSION}/nope.css"),
        format!("/static/dsfr/{DSFR_VERSION}/../../Cargo.toml"),
        format!("/static/dsfr/{DSFR_VERSION}/LICENSE.md"),
    ] {
        assert_eq!(
            server.send("GET", &missing, Request::default()).status,
            404,
            "{missing}"
        );
    }
}
