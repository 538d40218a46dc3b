//! What a local crawl keeps in the store while it runs: the portal's crawl lease (one crawl per
//! portal and database at a time) and the run's request counters, both renewed by a heartbeat
//! task, so that a second crawl is refused while this one lives and a resumed run counts the
//! requests of every process that worked on it.

use std::sync::Arc;

use tokio::sync::{watch, Mutex};
use tokio::task::JoinHandle;

use crate::crawl::http::Fetcher;
use crate::store::{
    LeaseHolder, Store, StoreError, CRAWL_LEASE_HEARTBEAT as HEARTBEAT, CRAWL_LEASE_STALE as STALE,
};

/// This process, with a token of its own so that two crawls of one process differ.
pub(super) fn this_process() -> LeaseHolder {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into());
    let pid = std::process::id();
    let mut token = [0u8; 6];
    // Without the OS random source, the time still tells two crawls of this process apart.
    if getrandom::fill(&mut token).is_err() {
        let nanos = chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default();
        token.copy_from_slice(&nanos.to_le_bytes()[..6]);
    }
    let token: String = token.iter().map(|b| format!("{b:02x}")).collect();
    LeaseHolder {
        id: format!("{host}:{pid}:{token}"),
        host,
        pid,
    }
}

/// The requests and bytes of this process already added to the run's row.
pub(super) struct RunCounts {
    store: Store,
    run_id: i64,
    fetcher: Fetcher,
    written: Mutex<(u64, u64)>,
}

impl RunCounts {
    pub(super) fn new(store: Store, run_id: i64, fetcher: Fetcher) -> Self {
        RunCounts {
            store,
            run_id,
            fetcher,
            written: Mutex::new((0, 0)),
        }
    }

    /// Adds what this process fetched since the last write to the run's row.
    async fn flush(&self) -> Result<(), StoreError> {
        let (requests, bytes) = self.rest().await;
        if requests > 0 || bytes > 0 {
            // Taken as written: a failed write loses these counts, never doubles them.
            self.store
                .add_run_counts(self.run_id, requests, bytes)
                .await?;
        }
        Ok(())
    }

    /// What is not written yet, from now on counted as written (the caller writes it).
    pub(super) async fn rest(&self) -> (i64, i64) {
        let mut written = self.written.lock().await;
        let now = self.fetcher.stats();
        let rest = (
            now.requests.saturating_sub(written.0),
            now.bytes.saturating_sub(written.1),
        );
        *written = (now.requests, now.bytes);
        (
            i64::try_from(rest.0).unwrap_or(i64::MAX),
            i64::try_from(rest.1).unwrap_or(i64::MAX),
        )
    }
}

/// A taken lease and its heartbeat. Let go by [`Held::release`]; when dropped instead (the
/// crawl's future was cancelled) it is let go by a task of its own.
pub(super) struct Held {
    store: Store,
    portal: String,
    holder: LeaseHolder,
    counts: Option<Arc<RunCounts>>,
    stop: watch::Sender<bool>,
    lost: watch::Receiver<bool>,
    beat: Option<JoinHandle<()>>,
    released: bool,
}

impl Held {
    /// Takes the portal's lease, or says who holds it ([`StoreError::CrawlRunning`]).
    pub(super) async fn take(store: &Store, portal: &str) -> Result<Held, StoreError> {
        let holder = this_process();
        store.take_crawl_lease(portal, &holder, STALE).await?;
        let (stop, _) = watch::channel(false);
        let (_, lost) = watch::channel(false);
        Ok(Held {
            store: store.clone(),
            portal: portal.to_string(),
            holder,
            counts: None,
            stop,
            lost,
            beat: None,
            released: false,
        })
    }

    /// Names the run in the lease and starts the heartbeat, which also writes the run's counts.
    pub(super) async fn hold(
        &mut self,
        run_id: i64,
        counts: Arc<RunCounts>,
    ) -> Result<(), StoreError> {
        self.store
            .set_crawl_lease_run(&self.portal, &self.holder, run_id)
            .await?;
        let (lost_tx, lost) = watch::channel(false);
        self.lost = lost;
        self.counts = Some(Arc::clone(&counts));
        let (store, portal, holder) =
            (self.store.clone(), self.portal.clone(), self.holder.clone());
        let mut stop = self.stop.subscribe();
        self.beat = Some(tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = tokio::time::sleep(HEARTBEAT) => {}
                    _ = stop.wait_for(|s| *s) => return,
                }
                match store.renew_crawl_lease(&portal, &holder).await {
                    Ok(true) => {}
                    Ok(false) => {
                        let _ = lost_tx.send(true);
                        return;
                    }
                    // A short outage of the database: the lease holds for a minute.
                    Err(e) => {
                        tracing::warn!(portal = %portal, error = %e, "crawl lease not renewed")
                    }
                }
                if let Err(e) = counts.flush().await {
                    tracing::warn!(run_id, error = %e, "run counts not written");
                }
            }
        }));
        Ok(())
    }

    /// Resolves when another crawl took the lease over (this process missed its heartbeats
    /// for a minute); never while the lease is ours.
    pub(super) async fn lost(&self) {
        let mut lost = self.lost.clone();
        if lost.wait_for(|l| *l).await.is_err() {
            std::future::pending::<()>().await;
        }
    }

    /// Stops the heartbeat (waiting for a beat under way, so that counts are written once).
    pub(super) async fn stop(&mut self) {
        self.stop.send_replace(true);
        if let Some(beat) = self.beat.take() {
            let _ = beat.await;
        }
    }

    /// Stops the heartbeat and lets go of the lease.
    pub(super) async fn release(mut self) -> Result<(), StoreError> {
        self.stop().await;
        self.released = true;
        self.store
            .release_crawl_lease(&self.portal, &self.holder)
            .await
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.stop.send_replace(true);
        if self.released {
            return;
        }
        let beat = self.beat.take();
        let counts = self.counts.take();
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return; // the lease goes stale by itself
        };
        let (store, portal, holder) =
            (self.store.clone(), self.portal.clone(), self.holder.clone());
        runtime.spawn(async move {
            if let Some(beat) = beat {
                let _ = beat.await;
            }
            if let Some(counts) = counts {
                let _ = counts.flush().await;
            }
            let _ = store.release_crawl_lease(&portal, &holder).await;
        });
    }
}
