//! Which URLs belong to the portal. Only the configured portal is ever fetched: a link elsewhere
//! (a provincial platform, a CDN, a mail link) is reported, not followed.

use url::Url;

/// The origin of the configured portal.
#[derive(Debug, Clone)]
pub(crate) struct PortalScope {
    host: String,
    scheme: String,
    port: Option<u16>,
}

impl PortalScope {
    pub(crate) fn new(portal: &Url) -> Option<Self> {
        if !matches!(portal.scheme(), "http" | "https") {
            return None;
        }
        Some(PortalScope {
            host: portal.host_str()?.to_ascii_lowercase(),
            scheme: portal.scheme().to_string(),
            port: portal.port_or_known_default(),
        })
    }

    /// The portal's robots.txt.
    pub(crate) fn robots_url(&self) -> Option<Url> {
        let mut url = Url::parse(&format!("{}://{}/robots.txt", self.scheme, self.host)).ok()?;
        url.set_port(self.port).ok()?;
        Some(url)
    }

    /// The portal's host, the rate limiter's key.
    pub(crate) fn host(&self) -> &str {
        &self.host
    }

    /// Same host and same scheme and port; or, when both use their scheme's default port, an
    /// http↔https switch on the same host (portals link and redirect between the two).
    pub(crate) fn contains(&self, url: &Url) -> bool {
        if !matches!(url.scheme(), "http" | "https") {
            return false;
        }
        let Some(host) = url.host_str() else {
            return false;
        };
        if !host.eq_ignore_ascii_case(&self.host) {
            return false;
        }
        if url.scheme() == self.scheme {
            return url.port_or_known_default() == self.port;
        }
        let default_of = |scheme: &str| if scheme == "https" { 443 } else { 80 };
        url.port_or_known_default() == Some(default_of(url.scheme()))
            && self.port == Some(default_of(&self.scheme))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(s: &str) -> PortalScope {
        PortalScope::new(&Url::parse(s).unwrap()).unwrap()
    }

    #[test]
    fn same_host_only() {
        let s = scope("http://www.yncn.gov.cn/");
        assert!(s.contains(&Url::parse("http://www.yncn.gov.cn/info/1/2.htm").unwrap()));
        assert!(s.contains(&Url::parse("https://WWW.yncn.gov.cn/a").unwrap()));
        assert!(!s.contains(&Url::parse("http://yncn.gov.cn/a").unwrap()));
        assert!(!s.contains(&Url::parse("http://www.yncn.gov.cn:8080/a").unwrap()));
        assert!(!s.contains(&Url::parse("mailto:a@yncn.gov.cn").unwrap()));
        assert!(!s.contains(&Url::parse("ftp://www.yncn.gov.cn/a").unwrap()));
    }

    #[test]
    fn explicit_port_must_match() {
        let s = scope("http://127.0.0.1:8080/");
        assert!(s.contains(&Url::parse("http://127.0.0.1:8080/x").unwrap()));
        assert!(!s.contains(&Url::parse("http://127.0.0.1:8081/x").unwrap()));
        assert!(!s.contains(&Url::parse("https://127.0.0.1:8080/x").unwrap()));
    }
}
