//! The auditors' review web UI: an axum server with server-rendered pages in Simplified Chinese.
//!
//! [`Application::build`] binds and builds the real app (tests start it on port 0); [`app`] is
//! the router alone. Every page and file needs a session; every form carries the session's
//! CSRF token; crawled text is escaped by the templates and crawled HTML is only shown inside a
//! sandboxed frame without scripts.

mod app;
mod auth;
mod bulk;
mod client;
mod csrf;
mod error;
mod evidence;
mod headers;
mod import;
mod indicators;
mod list;
mod pages;
mod password;
mod users;

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub use app::app;
pub use error::AppError;

use crate::config::PortalConfig;
use crate::rubric::Rubric;
use crate::store::Store;

/// The largest request body any form may send (the bulk form of a table's 49 units with long
/// notes stays well below it); larger bodies get a Chinese 413 page.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What the server needs.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub store: Store,
    pub rubric: Rubric,
    /// The portal configuration, to know every unit and its class (optional).
    pub portal: Option<PortalConfig>,
    /// How long a session lasts after login.
    pub session_ttl: Duration,
    /// Pause after a failed login, besides the throttle's growing wait.
    pub login_delay: Duration,
    /// Always mark the session cookie `Secure` (served over HTTPS directly).
    pub secure_cookie: bool,
    /// Reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed; a request
    /// from one of them that says `https` gets a `Secure` cookie and HSTS.
    pub trusted_proxies: Vec<IpAddr>,
    /// The time sessions and the login throttle go by (a test moves it by hand).
    pub clock: Clock,
    /// Serialises password checks (login, password change) from the throttle's look to its
    /// count, so that a burst of parallel guesses cannot all pass before the first is counted.
    login_gate: Arc<tokio::sync::Mutex<()>>,
}

impl AppConfig {
    /// Defaults: 8 hour sessions, 1 second pause after a failed login, no `Secure` flag, no
    /// trusted proxy, the system clock.
    pub fn new(store: Store) -> AppConfig {
        AppConfig {
            store,
            rubric: Rubric::bundled_2020(),
            portal: None,
            session_ttl: Duration::from_secs(8 * 3600),
            login_delay: Duration::from_secs(1),
            secure_cookie: false,
            trusted_proxies: Vec::new(),
            clock: Clock::system(),
            login_gate: Arc::default(),
        }
    }
}

impl AppConfig {
    /// Held while one password is checked against the throttle (see `login_gate`).
    pub(crate) async fn login_turn(&self) -> tokio::sync::OwnedMutexGuard<()> {
        self.login_gate.clone().lock_owned().await
    }
}

/// Unix seconds: the system's, or a hand-moved one shared by clones.
#[derive(Debug, Clone, Default)]
pub struct Clock(Option<Arc<AtomicI64>>);

impl Clock {
    pub fn system() -> Clock {
        Clock(None)
    }

    /// A clock that stands at `start` until [`Clock::advance`] moves it.
    pub fn manual(start: i64) -> Clock {
        Clock(Some(Arc::new(AtomicI64::new(start))))
    }

    pub fn advance(&self, secs: i64) {
        if let Some(t) = &self.0 {
            t.fetch_add(secs, Ordering::SeqCst);
        }
    }

    pub fn now(&self) -> i64 {
        match &self.0 {
            Some(t) => t.load(Ordering::SeqCst),
            None => chrono::Utc::now().timestamp(),
        }
    }
}

/// The bound server, ready to run.
pub struct Application {
    listener: tokio::net::TcpListener,
    router: axum::Router,
}

impl Application {
    /// Binds `addr` (port 0 picks a free port) and builds the app.
    pub async fn build(config: AppConfig, addr: &str) -> std::io::Result<Application> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        Ok(Application {
            listener,
            router: app(config),
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        // The peer address feeds the login throttle and the trusted-proxy check.
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    }
}

/// A field of a form read as pairs (forms whose rows repeat names: `ids`, `unit_K`); "" if absent.
fn form_field(form: &[(String, String)], name: &str) -> String {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}
