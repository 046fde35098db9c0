//! A browser-like HTTP client for the pages' tests: form posts, cookies, no redirects followed.

use std::time::Duration;

use crate::helpers::{Reply, Server};

/// A client that follows no redirect (the cookies are on the 303 itself) and takes any status.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// A page's answer: its status, headers and HTML (as a JSON string, like the API's).
fn page_reply(mut response: ureq::http::Response<ureq::Body>) -> Reply {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    Reply {
        status,
        headers,
        body: serde_json::Value::String(text),
    }
}

/// Sends a request without following redirects (the cookies are on the 303 itself).
pub fn call(server: &Server, method: &str, path: &str, cookie: &str, form: Option<&str>) -> Reply {
    let agent = agent();
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
    page_reply(result.expect("HTTP request"))
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

/// Posts a `multipart/form-data` body, as a browser sends a form with a file: each part is
/// `(name, file name if a file, content)`.
pub fn post_multipart(
    server: &Server,
    path: &str,
    cookie: &str,
    parts: &[(&str, Option<&str>, &str)],
) -> Reply {
    let parts: Vec<(&str, Option<&str>, &[u8])> = parts
        .iter()
        .map(|(name, file, content)| (*name, *file, content.as_bytes()))
        .collect();
    post_multipart_bytes(server, path, cookie, &parts)
}

/// [`post_multipart`] with parts of any bytes (a file that is not UTF-8, a workbook).
pub fn post_multipart_bytes(
    server: &Server,
    path: &str,
    cookie: &str,
    parts: &[(&str, Option<&str>, &[u8])],
) -> Reply {
    const BOUNDARY: &str = "----piloteFormBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, file, content) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let headers = match file {
            Some(file) => format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\
                 Content-Type: text/csv\r\n\r\n"
            ),
            None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
        };
        body.extend_from_slice(headers.as_bytes());
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let agent = agent();
    let response = agent
        .post(&format!("{}{path}", server.base))
        .header("Accept", "text/html")
        .header("Cookie", cookie)
        .content_type(&format!("multipart/form-data; boundary={BOUNDARY}"))
        .send(&body[..])
        .expect("HTTP request");
    page_reply(response)
}

/// The value of the input named `name` (the first one), HTML entities of the tests' texts
/// undone.
pub fn input_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\"");
    let start = html.find(&marker).expect("the input") + marker.len();
    let rest = &html[start..];
    let value = rest.find("value=\"").expect("a value") + 7;
    rest[value..]
        .split('"')
        .next()
        .expect("value")
        .replace("&#10;", "\n")
        .replace("&#13;", "\r")
        .replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&")
}

/// A reverse proxy on a free loopback port that adds `Cookie: <cookie>` to every request
/// before passing it to `server`: how a browser driven from its command line (which cannot
/// set cookies) sees signed-in pages. Runs until the test process ends.
pub fn cookie_proxy(server: &Server, cookie: &str) -> String {
    use std::{
        io::{Read, Write},
        net::{TcpListener, TcpStream},
        thread,
    };
    let listener = TcpListener::bind("127.0.0.1:0").expect("proxy port");
    let port = listener.local_addr().expect("addr").port();
    let upstream = server
        .base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let cookie = cookie.to_owned();
    thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let (upstream, cookie) = (upstream.clone(), cookie.clone());
            thread::spawn(move || {
                let mut client = client;
                // The browser only GETs here: the request is its head.
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match client.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => return,
                    }
                }
                let head = String::from_utf8_lossy(&head);
                let mut lines: Vec<&str> = head
                    .split("\r\n")
                    .filter(|l| !l.is_empty())
                    .filter(|l| {
                        let lower = l.to_ascii_lowercase();
                        !lower.starts_with("connection:") && !lower.starts_with("cookie:")
                    })
                    .collect();
                let cookie = format!("Cookie: {cookie}");
                lines.push(&cookie);
                lines.push("Connection: close");
                let request = format!("{}\r\n\r\n", lines.join("\r\n"));
                let Ok(mut server) = TcpStream::connect(&upstream) else {
                    return;
                };
                if server.write_all(request.as_bytes()).is_err() {
                    return;
                }
                let _ = std::io::copy(&mut server, &mut client);
            });
        }
    });
    format!("http://127.0.0.1:{port}")
}
