//! The portal's robots.txt, read once per fetcher: which paths gongkai may fetch, and the
//! `Crawl-delay` it asks for (honoured when slower than the configured rate, up to a cap).

use std::time::Duration;

use texting_robots::Robot;

/// The token gongkai answers to in robots.txt (`User-agent: gongkai`); `*` rules apply otherwise.
pub const AGENT: &str = "gongkai";

/// A `Crawl-delay` above this is honoured as this: a county's portal is crawled once a day, and
/// an hour per page would never end. The cap is printed with the run's politeness.
pub const MAX_CRAWL_DELAY: Duration = Duration::from_secs(30);

/// What the portal's robots.txt says to gongkai.
pub enum RobotsRules {
    /// No robots.txt (404 and other 4xx), or one without rules for us: everything is allowed.
    AllowAll,
    /// The rules of the group for `gongkai`, or of `*`.
    Rules(Box<Robot>),
}

impl std::fmt::Debug for RobotsRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RobotsRules::AllowAll => f.write_str("AllowAll"),
            RobotsRules::Rules(r) => f.debug_tuple("Rules").field(&r.delay).finish(),
        }
    }
}

impl RobotsRules {
    /// Reads a robots.txt body. An HTML page served in its place (portals answer unknown paths
    /// with their home page) holds no rules.
    pub fn parse(body: &[u8], content_type: Option<&str>) -> Self {
        let html = content_type.is_some_and(|c| c.to_ascii_lowercase().contains("html"))
            || body
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|b| *b == b'<');
        if html {
            return RobotsRules::AllowAll;
        }
        match Robot::new(AGENT, body) {
            Ok(robot) => RobotsRules::Rules(Box::new(robot)),
            Err(e) => {
                tracing::warn!(error = %e, "robots.txt unreadable; treated as allowing all");
                RobotsRules::AllowAll
            }
        }
    }

    /// Whether gongkai may fetch `url` (its path and query are what the rules match).
    pub fn allowed(&self, url: &url::Url) -> bool {
        match self {
            RobotsRules::AllowAll => true,
            RobotsRules::Rules(robot) => robot.allowed(url.as_str()),
        }
    }

    /// The wait between two requests the portal asks for, capped at [`MAX_CRAWL_DELAY`].
    pub fn crawl_delay(&self) -> Option<Duration> {
        match self {
            RobotsRules::AllowAll => None,
            RobotsRules::Rules(robot) => robot
                .delay
                .filter(|d| d.is_finite() && *d > 0.0)
                .map(|d| Duration::from_secs_f32(d).min(MAX_CRAWL_DELAY)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(path: &str) -> url::Url {
        url::Url::parse(&format!("http://x.gov.cn{path}")).unwrap()
    }

    #[test]
    fn our_group_wins_over_the_star_group_and_the_longest_rule_decides() {
        let r = RobotsRules::parse(
            b"User-agent: *\nDisallow: /\n\nUser-agent: gongkai\nDisallow: /module/\nAllow: /module/web/jpage/\nCrawl-delay: 2\n",
            Some("text/plain"),
        );
        assert!(r.allowed(&url("/col/col1/index.html")));
        assert!(!r.allowed(&url("/module/download/downfile.jsp?classid=0")));
        assert!(r.allowed(&url("/module/web/jpage/dataproxy.jsp?startrecord=1")));
        assert_eq!(r.crawl_delay(), Some(Duration::from_secs(2)));
    }

    #[test]
    fn the_star_group_applies_to_us_and_huge_delays_are_capped() {
        let r = RobotsRules::parse(
            b"User-agent: *\nDisallow: /hdjl/\nCrawl-delay: 3600\n",
            None,
        );
        assert!(!r.allowed(&url("/hdjl/zxts.htm")));
        assert!(r.allowed(&url("/zfxxgkpt.htm")));
        assert_eq!(r.crawl_delay(), Some(MAX_CRAWL_DELAY));
    }

    #[test]
    fn an_html_page_in_place_of_robots_txt_has_no_rules() {
        let r = RobotsRules::parse(
            b"<!DOCTYPE html><html><body>Disallow: /</body></html>",
            Some("text/html; charset=utf-8"),
        );
        assert!(r.allowed(&url("/anything")));
        assert_eq!(r.crawl_delay(), None);
        let r = RobotsRules::parse(b"  <html>Disallow: /</html>", None);
        assert!(r.allowed(&url("/anything")));
    }
}
