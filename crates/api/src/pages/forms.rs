//! What the pages' forms share: the signed-in visitor of a product, the CSRF check, field
//! errors in French, numbers typed the French way, and a small `multipart/form-data` reader
//! (for the CSV upload; the crate has no multipart dependency and needs only two text parts).

use actix_web::{HttpResponse, web};
use pilote_store::Database;

use super::{error_page, redirect};
use crate::{
    access::ProductScope,
    auth::session::{MaybePageUser, PageUser, SessionConfig},
    error::ApiError,
    routes::products::scope_of,
};

/// One field at fault: the `id` of the input it concerns (the summary links to it), the
/// field's label and the problem, in French.
#[derive(Clone, Debug)]
pub struct Problem {
    pub id: String,
    pub label: String,
    pub message: String,
}

/// The signed-in visitor and the product the path names; otherwise the answer to give (a
/// redirect to the login page, or a French error page).
pub async fn visitor_and_product(
    visitor: MaybePageUser,
    db: &web::Data<Database>,
    slug: &str,
) -> Result<(PageUser, ProductScope), HttpResponse> {
    let Some(user) = visitor.0 else {
        return Err(redirect("/connexion"));
    };
    let scope = scope_of(db, slug).await.map_err(error_page)?;
    Ok((user, scope))
}

/// 403 unless `token` is the session's CSRF token.
pub fn check_csrf(config: &SessionConfig, user: &PageUser, token: &str) -> Result<(), ApiError> {
    if config.check_csrf("session", &user.jwt, token) {
        Ok(())
    } else {
        Err(ApiError::Forbidden("invalid CSRF token".to_owned()))
    }
}

/// A number as people type it: `12,5` or `12.5`, spaces (thousands) ignored.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{A0}' | '\u{202F}'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    // `inf` and `NaN` parse as f64 but are not numbers anyone types on purpose.
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A value as a French form shows it: a decimal comma, no thousands separator.
pub fn decimal_text(value: f64) -> String {
    value.to_string().replace('.', ",")
}

/// The domain's problems (English, for the API) said in French for the pages.
pub fn french_problem(problem: &str) -> String {
    let known = [
        ("must be a finite number", "La valeur doit être un nombre."),
        (
            "is in the future",
            "La période est dans le futur : elle ne peut pas encore être saisie.",
        ),
        (
            "unknown indicator",
            "Cet indicateur n'existe pas pour ce produit.",
        ),
        (
            "same indicator and period",
            "Cette période figure deux fois dans l'envoi.",
        ),
        ("must not be empty", "Ce champ est obligatoire."),
        ("at most", "Le texte est trop long."),
        ("must be a date", "La date doit être au format AAAA-MM-JJ."),
        // The CSV parser's wording, which quotes the cell.
        ("is not a date", "La date doit être au format AAAA-MM-JJ."),
        (
            "is not a number",
            "La valeur doit être un nombre (par exemple 12,5).",
        ),
        (
            "must be a number",
            "La valeur doit être un nombre (par exemple 12,5).",
        ),
        (
            "the header must be",
            "La première ligne doit être indicator,period,value,comment.",
        ),
        (
            "malformed CSV",
            "Ligne illisible (guillemets ou nombre de colonnes).",
        ),
    ];
    known
        .iter()
        .find(|(english, _)| problem.contains(english))
        .map_or_else(
            || format!("Valeur refusée ({problem})."),
            |(_, fr)| (*fr).to_owned(),
        )
}

/// The parts of a `multipart/form-data` body, by name, in order; `None` if the body is not
/// one. Parts hold bytes: a file is not necessarily UTF-8.
pub fn multipart(content_type: &str, body: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let boundary = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))?
        .trim_matches('"');
    if boundary.is_empty() {
        return None;
    }
    // With a line end in front, the first delimiter looks like every other one.
    let mut text = b"\r\n".to_vec();
    text.extend_from_slice(body);
    let delimiter = format!("\r\n--{boundary}").into_bytes();
    let mut parts = Vec::new();
    let mut rest = &text[find(&text, &delimiter)? + delimiter.len()..];
    loop {
        if rest.starts_with(b"--") {
            return Some(parts);
        }
        let end = find(rest, &delimiter)?;
        let part = rest[..end].strip_prefix(b"\r\n")?;
        let split = find(part, b"\r\n\r\n")?;
        let headers = String::from_utf8_lossy(&part[..split]);
        let name = headers
            .split(';')
            .map(str::trim)
            .find_map(|p| p.strip_prefix("name=\""))
            .and_then(|p| p.split('"').next())?
            .to_owned();
        parts.push((name, part[split + 4..].to_vec()));
        rest = &rest[end + delimiter.len()..];
    }
}

/// The first position of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The text of the part `name`, if any (invalid UTF-8 replaced).
pub fn part_text(parts: &[(String, Vec<u8>)], name: &str) -> Option<String> {
    parts
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_numbers_are_read() {
        assert_eq!(parse_decimal("12,5"), Some(12.5));
        assert_eq!(parse_decimal("1 234,5"), Some(1234.5));
        assert_eq!(parse_decimal("12.5"), Some(12.5));
        assert_eq!(parse_decimal("douze"), None);
        assert_eq!(parse_decimal("inf"), None);
        assert_eq!(decimal_text(12.5), "12,5");
    }

    #[test]
    fn multipart_bodies_are_split_by_name() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n\
            --XyZ\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"m.csv\"\r\n\
            Content-Type: text/csv\r\n\r\nindicator,period\r\nx,2026-01-05\r\n--XyZ--\r\n";
        let parts = multipart("multipart/form-data; boundary=XyZ", body).expect("multipart");
        assert_eq!(part_text(&parts, "csrf").as_deref(), Some("abc"));
        assert_eq!(
            part_text(&parts, "fichier").as_deref(),
            Some("indicator,period\r\nx,2026-01-05")
        );
        assert!(multipart("text/plain", body).is_none());
    }
}
