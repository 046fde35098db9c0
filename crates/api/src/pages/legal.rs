//! The three pages every State service links from its footer: the accessibility statement,
//! the legal notice and the personal data notice. Public, like the statistics pages.

use actix_web::{HttpResponse, get, web};
use askama::Template;

use super::Nav;
use crate::auth::session::{MaybePageUser, SessionConfig};

/// `/accessibilite`: the accessibility statement and its status.
#[derive(Template)]
#[template(path = "accessibility.html")]
struct AccessibilityPage {
    nav: Nav,
}

/// `/mentions-legales`.
#[derive(Template)]
#[template(path = "legal_notice.html")]
struct LegalNoticePage {
    nav: Nav,
}

/// `/donnees-personnelles`.
#[derive(Template)]
#[template(path = "personal_data.html")]
struct PersonalDataPage {
    nav: Nav,
}

/// The accessibility statement (« Accessibilité : non conforme »: no audit yet).
#[get("/accessibilite")]
pub async fn accessibility(
    visitor: MaybePageUser,
    config: web::Data<SessionConfig>,
) -> HttpResponse {
    super::render(&AccessibilityPage {
        nav: Nav::of_visitor(&visitor, &config),
    })
}

/// The legal notice.
#[get("/mentions-legales")]
pub async fn legal_notice(
    visitor: MaybePageUser,
    config: web::Data<SessionConfig>,
) -> HttpResponse {
    super::render(&LegalNoticePage {
        nav: Nav::of_visitor(&visitor, &config),
    })
}

/// What personal data Pilote keeps, why and how long.
#[get("/donnees-personnelles")]
pub async fn personal_data(
    visitor: MaybePageUser,
    config: web::Data<SessionConfig>,
) -> HttpResponse {
    super::render(&PersonalDataPage {
        nav: Nav::of_visitor(&visitor, &config),
    })
}
