//! The client's address, for login rate limits. By default the TCP peer: `X-Forwarded-For` is
//! written by whoever sends the request, so it is believed only when the peer is one of the
//! reverse proxies named in `trusted_proxies` — and then only the hops those proxies added.

use std::net::IpAddr;

use actix_web::{HttpRequest, web};

/// The reverse proxies whose `X-Forwarded-For` is believed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpAddr>);

impl TrustedProxies {
    /// Parses the `trusted_proxies` setting: IP addresses separated by commas (empty: none).
    pub fn parse(setting: &str) -> Result<TrustedProxies, String> {
        setting
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse()
                    .map_err(|_| format!("trusted_proxies: {s:?} is not an IP address"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    fn trusts(&self, ip: &IpAddr) -> bool {
        self.0.contains(ip)
    }

    /// Walks the forwarding chain from the peer backwards while the hops are trusted proxies;
    /// the first address that is not one is the client. A malformed entry stops the walk at
    /// the last trusted hop, so a forged header can never name an arbitrary client.
    pub fn resolve(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        if !self.trusts(&peer) {
            return peer;
        }
        let mut client = peer;
        for hop in forwarded_for.unwrap_or("").rsplit(',').map(str::trim) {
            let Ok(ip) = hop.parse::<IpAddr>() else {
                break;
            };
            client = ip;
            if !self.trusts(&ip) {
                break;
            }
        }
        client
    }
}

/// The address login limits count a request under.
pub fn client_ip(req: &HttpRequest) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "unknown".to_owned();
    };
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    match req.app_data::<web::Data<TrustedProxies>>() {
        Some(proxies) => proxies.resolve(peer, forwarded).to_string(),
        None => peer.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn the_header_is_believed_only_from_trusted_proxies() {
        let proxies = TrustedProxies::parse("10.0.0.2, 10.0.0.3").expect("setting");
        let cases = [
            // Not a proxy: its header is ignored.
            ("203.0.113.9", Some("198.51.100.1"), "203.0.113.9"),
            // Through one proxy.
            ("10.0.0.2", Some("198.51.100.1"), "198.51.100.1"),
            // A client forging the start of the chain: only the hop our proxy added counts.
            ("10.0.0.2", Some("1.2.3.4, 198.51.100.1"), "198.51.100.1"),
            // Through two proxies.
            ("10.0.0.2", Some("198.51.100.1, 10.0.0.3"), "198.51.100.1"),
            // A proxy without the header, or with garbage: the proxy itself.
            ("10.0.0.2", None, "10.0.0.2"),
            ("10.0.0.2", Some("not-an-ip"), "10.0.0.2"),
        ];
        for (peer, header, expected) in cases {
            assert_eq!(
                proxies.resolve(ip(peer), header),
                ip(expected),
                "{peer} {header:?}"
            );
        }
    }

    #[test]
    fn the_setting_is_checked() {
        assert_eq!(
            TrustedProxies::parse("").expect("empty"),
            TrustedProxies::default()
        );
        assert!(TrustedProxies::parse("10.0.0.1, nope").is_err());
    }
}
