//! The auditors' review web UI: an axum server with server-rendered pages in Simplified Chinese.
//!
//! [`Application::build`] binds and builds the real app (tests start it on port 0); [`app`] is
//! the router alone. Every page and file needs a session; every form carries the session's
//! CSRF token; crawled text is escaped by the templates and crawled HTML is only shown inside a
//! sandboxed frame without scripts.

mod app;
mod auth;
mod bulk;
mod csrf;
mod error;
mod evidence;
mod headers;
mod list;
mod pages;
mod users;

use std::net::SocketAddr;
use std::time::Duration;

pub use app::app;
pub use error::AppError;

use crate::config::PortalConfig;
use crate::rubric::Rubric;
use crate::store::Store;

/// What the server needs.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub store: Store,
    pub rubric: Rubric,
    /// The portal configuration, to know every unit and its class (optional).
    pub portal: Option<PortalConfig>,
    /// How long a session lasts after login.
    pub session_ttl: Duration,
    /// Pause after a failed login (slows password guessing).
    pub login_delay: Duration,
    /// Mark the session cookie `Secure` (behind HTTPS).
    pub secure_cookie: bool,
}

impl AppConfig {
    /// Defaults: 8 hour sessions, 1 second pause after a failed login, no `Secure` flag.
    pub fn new(store: Store) -> AppConfig {
        AppConfig {
            store,
            rubric: Rubric::bundled_2020(),
            portal: None,
            session_ttl: Duration::from_secs(8 * 3600),
            login_delay: Duration::from_secs(1),
            secure_cookie: false,
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
        axum::serve(self.listener, self.router).await
    }
}
