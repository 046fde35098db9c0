//! Static assets embedded in the binary: the vendored DSFR (`crates/api/static/dsfr/`, refreshed
//! by `scripts/refresh-dsfr`). No CDN, no npm at build or run time.
//!
//! URLs carry the DSFR version (`/static/dsfr/1.15.3/dsfr.min.css`), so a response may be
//! cached for a year: an upgrade changes every URL.

use actix_web::{HttpResponse, get, http::header, web};

#[rustfmt::skip]
mod dsfr_files;

pub use dsfr_files::VERSION as DSFR_VERSION;

/// The content type of a vendored file, from its extension.
fn content_type(path: &str) -> Option<&'static str> {
    let extension = path.rsplit_once('.')?.1;
    Some(match extension {
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "woff2" => "font/woff2",
        "svg" => "image/svg+xml",
        _ => return None,
    })
}

/// One file of the vendored DSFR, or 404 (also for another version than the vendored one).
#[get("/static/dsfr/{version}/{path:.*}")]
pub async fn dsfr(path: web::Path<(String, String)>) -> HttpResponse {
    let (version, path) = path.into_inner();
    let found = dsfr_files::FILES
        .iter()
        .find(|(name, _)| *name == path)
        .filter(|_| version == DSFR_VERSION)
        .and_then(|(name, bytes)| Some((content_type(name)?, *bytes)));
    match found {
        Some((kind, bytes)) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, kind))
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .body(bytes),
        None => HttpResponse::NotFound()
            .insert_header((header::CONTENT_TYPE, "text/plain; charset=utf-8"))
            .body("fichier introuvable"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vendored_file_has_a_content_type() {
        assert!(dsfr_files::FILES.len() > 10);
        for (name, bytes) in dsfr_files::FILES {
            assert!(content_type(name).is_some(), "{name}");
            assert!(!bytes.is_empty(), "{name}");
        }
        assert!(
            dsfr_files::FILES
                .iter()
                .any(|(name, _)| *name == "dsfr.min.css")
        );
    }
}
