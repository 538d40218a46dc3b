//! Who is asking: the client's address and whether it came over HTTPS. Both come from the
//! socket, except when the peer is one of the configured trusted proxies (`gongkai serve
//! --trusted-proxy`): then `X-Forwarded-For`'s last hop (the address that proxy saw) and
//! `X-Forwarded-Proto` are believed. From anyone else those headers are ignored.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;

use super::app::AppState;

/// The client of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    /// None only when the server runs without connection info (a router driven in-process).
    pub addr: Option<IpAddr>,
    /// The request reached the trusted proxy over HTTPS.
    pub https: bool,
}

impl Client {
    /// The address as logs and the throttle name it.
    pub fn addr_label(&self) -> String {
        self.addr
            .map(|a| a.to_string())
            .unwrap_or_else(|| "unknown".into())
    }
}

/// The client from the socket peer and the forwarding headers.
pub fn resolve(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> Client {
    let Some(peer) = peer.map(canonical) else {
        return Client {
            addr: None,
            https: false,
        };
    };
    if !trusted.iter().any(|t| canonical(*t) == peer) {
        return Client {
            addr: Some(peer),
            https: false,
        };
    }
    // The last element over every line of the header (several lines read as one list); an
    // unreadable last line gives nothing rather than an earlier, client-written element.
    let last = |name: &str| {
        headers
            .get_all(name)
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    // Only the last hop: the proxy appended it; everything before it the client could write.
    let forwarded = last("x-forwarded-for").and_then(|v| parse_addr(&v));
    let https = last("x-forwarded-proto").is_some_and(|p| p.eq_ignore_ascii_case("https"));
    Client {
        addr: Some(forwarded.unwrap_or(peer)),
        https,
    }
}

/// An address as `X-Forwarded-For` writes it: `1.2.3.4`, `1.2.3.4:5678`, `::1`, `[::1]:5678`.
fn parse_addr(v: &str) -> Option<IpAddr> {
    v.parse::<IpAddr>()
        .ok()
        .or_else(|| v.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(canonical)
}

/// IPv4-mapped IPv6 addresses as IPv4, so that one client has one name.
fn canonical(a: IpAddr) -> IpAddr {
    match a {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// The client of a request as the app is configured.
pub fn of_parts(parts: &Parts, trusted: &[IpAddr]) -> Client {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    resolve(peer, &parts.headers, trusted)
}

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        st: &AppState,
    ) -> Result<Client, Self::Rejection> {
        Ok(of_parts(parts, &st.config.trusted_proxies))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn forwarding_headers_count_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let other: IpAddr = "203.0.113.9".parse().unwrap();
        let h = headers(&[
            ("x-forwarded-for", "1.1.1.1, 198.51.100.7"),
            ("x-forwarded-proto", "https"),
        ]);
        // From the proxy: the last hop and HTTPS.
        assert_eq!(
            resolve(Some(proxy), &h, &[proxy]),
            Client {
                addr: Some("198.51.100.7".parse().unwrap()),
                https: true
            }
        );
        // From anyone else: the socket, plain HTTP.
        assert_eq!(
            resolve(Some(other), &h, &[proxy]),
            Client {
                addr: Some(other),
                https: false
            }
        );
        assert_eq!(resolve(Some(proxy), &h, &[]).addr, Some(proxy));
        // Several headers: the last value of the last one; a garbled hop falls back to the peer.
        let h = headers(&[
            ("x-forwarded-for", "9.9.9.9"),
            ("x-forwarded-for", "[2001:db8::1]:443"),
            ("x-forwarded-proto", "https, http"),
        ]);
        let c = resolve(Some(proxy), &h, &[proxy]);
        assert_eq!(c.addr, Some("2001:db8::1".parse().unwrap()));
        assert!(!c.https);
        let h = headers(&[("x-forwarded-for", "not-an-address")]);
        assert_eq!(resolve(Some(proxy), &h, &[proxy]).addr, Some(proxy));
        // An IPv4-mapped peer is the IPv4 proxy.
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert!(
            resolve(
                Some(mapped),
                &headers(&[("x-forwarded-proto", "HTTPS")]),
                &[proxy]
            )
            .https
        );
        assert_eq!(resolve(None, &h, &[proxy]).addr, None);
    }
}
