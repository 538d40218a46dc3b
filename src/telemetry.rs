//! Logs and spans: where they go (stderr for the binary, a writer a test chooses), and the one
//! way to run blocking work so that it stays inside the span that asked for it.

use std::io::Write;
use std::sync::{Arc, Mutex};

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

/// Where log lines go.
#[derive(Clone)]
pub enum Sink {
    /// Standard error (the binary).
    Stderr,
    /// A shared buffer a test reads back.
    Buffer(Arc<Mutex<Vec<u8>>>),
}

/// Installs the global subscriber for `sink`, filtered by `RUST_LOG` (default `warn`). A second
/// call keeps the first subscriber.
pub fn init(sink: Sink) {
    let filter = EnvFilter::try_from_env("RUST_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = match sink {
        Sink::Stderr => builder.with_writer(std::io::stderr).try_init(),
        Sink::Buffer(buf) => builder
            .with_writer(BufferWriter(buf))
            .with_ansi(false)
            .try_init(),
    };
}

/// A subscriber writing into `buf`, for a test to install with `tracing::subscriber::with_default`
/// or `set_default` (not global, so tests running in parallel keep their lines apart).
pub fn buffer_subscriber(buf: Arc<Mutex<Vec<u8>>>) -> impl tracing::Subscriber + Send + Sync {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new("debug"))
        .with_writer(BufferWriter(buf))
        .with_ansi(false)
        .finish()
}

/// Runs `f` on tokio's blocking pool inside the caller's current span (and subscriber), so that
/// what it logs is attributed to the page or unit being worked on.
pub fn spawn_blocking<F, R>(f: F) -> tokio::task::JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let span = tracing::Span::current();
    let dispatch = tracing::dispatcher::get_default(|d| d.clone());
    tokio::task::spawn_blocking(move || {
        tracing::dispatcher::with_default(&dispatch, || span.in_scope(f))
    })
}

/// A user-controlled value (a name, a note, a URL, an address) as a log field: quoted, with
/// quotes, backslashes, control characters (newlines, ANSI escapes) and invisible characters
/// (bidi controls, zero-width) written as escapes, so that it can neither forge a log line or a
/// field nor repaint a terminal. Every log field that carries such a value goes through it:
/// `tracing::warn!(name = %escaped(&name), "failed login")`.
pub fn escaped<T: std::fmt::Display + ?Sized>(value: &T) -> Escaped {
    Escaped(value.to_string())
}

/// See [`escaped`].
pub struct Escaped(String);

impl std::fmt::Display for Escaped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write as _;
        f.write_char('"')?;
        for c in self.0.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                c if crate::util::is_invisible(c) => write!(f, "\\u{{{:x}}}", c as u32)?,
                c => f.write_char(c)?,
            }
        }
        f.write_char('"')
    }
}

impl std::fmt::Debug for Escaped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

#[derive(Clone)]
struct BufferWriter(Arc<Mutex<Vec<u8>>>);

impl Write for BufferWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for BufferWriter {
    type Writer = BufferWriter;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_values_cannot_forge_lines() {
        let forged =
            "甲\n2026-01-01T00:00:00Z  WARN login succeeded name=\"admin\"\u{1b}[2K\u{202e}";
        let out = escaped(forged).to_string();
        assert_eq!(
            out,
            "\"甲\\n2026-01-01T00:00:00Z  WARN login succeeded name=\\\"admin\\\"\\u{1b}[2K\\u{202e}\""
        );
        assert!(!out.contains('\n') && !out.contains('\u{1b}') && !out.contains('\u{202e}'));
        assert_eq!(escaped("a\\b\tc\r").to_string(), "\"a\\\\b\\tc\\r\"");
        assert_eq!(escaped("审核员 甲").to_string(), "\"审核员 甲\"");
        // Through a subscriber: one line, whatever the value holds.
        let buf = Arc::new(Mutex::new(Vec::new()));
        let _guard = tracing::subscriber::set_default(buffer_subscriber(buf.clone()));
        tracing::warn!(name = %escaped(forged), "failed login");
        let text = String::from_utf8(buf.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
    }

    /// A line logged on the blocking pool carries the span that spawned the work.
    #[tokio::test]
    async fn blocking_work_keeps_its_span() {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let _guard = tracing::subscriber::set_default(buffer_subscriber(buf.clone()));
        let span = tracing::info_span!("pdf", url = "http://x/a.pdf");
        let work = {
            let _entered = span.enter();
            spawn_blocking(|| tracing::warn!("page unreadable"))
        };
        work.await.unwrap();
        let text = String::from_utf8(buf.lock().unwrap().clone()).unwrap();
        assert!(text.contains("page unreadable"), "{text}");
        assert!(text.contains("pdf{url=\"http://x/a.pdf\"}"), "{text}");
        // Without the helper, the line loses its span: the test can fail.
        let bare = Arc::new(Mutex::new(Vec::new()));
        let _guard = tracing::subscriber::set_default(buffer_subscriber(bare.clone()));
        let _entered = span.enter();
        tokio::task::spawn_blocking(|| tracing::warn!("lost"))
            .await
            .unwrap();
        let text = String::from_utf8(bare.lock().unwrap().clone()).unwrap();
        assert!(!text.contains("lost"), "{text}");
    }
}
