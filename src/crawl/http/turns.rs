//! Turns taken from outside this process: several crawler workers on one database keep the
//! portal's rate together (see `crawl::global_limit`). The fetcher asks for a turn before every
//! request, retries and redirect hops included, after its own per-process limit.

use futures::future::BoxFuture;

/// A source of request turns shared with other processes.
pub trait HostTurns: Send + Sync + std::fmt::Debug {
    /// Waits until this process may send one request to `host`. An error (Chinese) fails the
    /// request without sending it: no turn, no request.
    fn wait_turn<'a>(&'a self, host: &'a str) -> BoxFuture<'a, Result<(), String>>;
}
