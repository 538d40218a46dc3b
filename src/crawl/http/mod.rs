//! The polite HTTP fetcher of the crawler: stays on the portal's host, keeps to a request rate and
//! a concurrency bound, retries what a retry can cure, caps time and size, and decodes the GBK
//! pages old county portals still serve.

mod client;
mod encoding;
mod error;
mod fetched;
pub mod heads;
mod limit;
pub(crate) mod retry;
pub mod robots;
mod scope;
mod turns;

pub use client::{FetchStats, Fetcher, Turn, MAX_REDIRECTS};
pub use encoding::{charset_of_content_type, decode_html, html_encoding, DecodedPage};
pub use error::FetchError;
pub(crate) use error::{cause_chain, network_cause, NetworkCause};
pub use fetched::{FetchOptions, Fetched};
pub use turns::HostTurns;
