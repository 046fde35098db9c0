//! A browser-like HTTP client for the pages' tests: form posts, cookies, no redirects followed.

use std::time::Duration;

use crate::helpers::{Reply, Server};

/// Sends a request without following redirects (the cookies are on the 303 itself).
pub fn call(server: &Server, method: &str, path: &str, cookie: &str, form: Option<&str>) -> Reply {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let url = format!("{}{path}", server.base);
    let result = match (method, form) {
        ("GET", _) => {
            let mut request = agent.get(&url).header("Accept", "text/html");
            if !cookie.is_empty() {
                request = request.header("Cookie", cookie);
            }
            request.call()
        }
        (_, body) => {
            let mut request = agent.post(&url).header("Accept", "text/html");
            if !cookie.is_empty() {
                request = request.header("Cookie", cookie);
            }
            request
                .content_type("application/x-www-form-urlencoded")
                .send(body.unwrap_or(""))
        }
    };
    let mut response = result.expect("HTTP request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    Reply {
        status,
        headers,
        body: serde_json::Value::String(text),
    }
}

pub fn text(reply: &Reply) -> &str {
    reply.body.as_str().expect("a text body")
}

/// Every `Set-Cookie` of a reply.
pub fn set_cookies(reply: &Reply) -> Vec<String> {
    reply
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect()
}

/// `name=value` of the cookie `name` a reply sets.
pub fn cookie_pair(reply: &Reply, name: &str) -> Option<String> {
    set_cookies(reply)
        .into_iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .and_then(|c| c.split(';').next().map(str::to_owned))
}

/// The value of the page's hidden CSRF field.
pub fn csrf_field(html: &str) -> String {
    let start = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[start..].split('"').next().expect("value").to_owned()
}

/// `application/x-www-form-urlencoded`, by hand for the few characters the tests use.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                char::from(b).to_string()
            }
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}
