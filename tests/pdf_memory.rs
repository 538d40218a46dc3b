//! The memory of one PDF check is bounded: peak live heap measured by a counting global
//! allocator, for the decompression bomb (kit file 29) and for hostile files built in memory
//! (100,000 pages; hundreds of thousands of tiny objects, loose or in object streams), one
//! check alone and eight at once. The tests of this binary take turns (one lock), so each
//! measures only itself.

#[path = "it/support/pdf_common.rs"]
mod common;
#[path = "it/support/hostile_pdf.rs"]
mod hostile;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use gongkai::pdf::{check_pdf_sync, PdfCheck, PdfLimits, PdfQuestion, Verdict};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const MB: usize = 1024 * 1024;

/// One measurement at a time.
fn turn() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `f` and returns its result with the peak live heap it added, in bytes.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed).saturating_sub(before))
}

fn report(what: &str, bytes: usize, check: &PdfCheck, peak: usize) {
    eprintln!(
        "{what} ({:.1} MB file): {:?} {:?}, peak heap {:.1} MB",
        bytes as f64 / MB as f64,
        check.verdict,
        check.reason,
        peak as f64 / MB as f64
    );
}

#[test]
fn bomb_is_a_question_in_bounded_memory() {
    let _turn = turn();
    let (name, bytes) = common::kit_file("29");
    let (check, peak) = peak_of(|| check_pdf_sync(&bytes, &PdfLimits::default()));
    report(&name, bytes.len(), &check, peak);
    assert_eq!(check.verdict, Verdict::Question);
    assert_eq!(check.reason, Some(PdfQuestion::TooBig));
    assert!(peak < 100 * MB, "peak {peak} bytes");
}

#[test]
fn hostile_files_one_at_a_time() {
    let _turn = turn();
    let files = [
        ("100,000 pages", hostile::many_pages(100_000)),
        ("300,000 loose objects", hostile::many_objects(300_000)),
        (
            "300,000 objects in streams of 100",
            hostile::packed_objects(300_000, 100),
        ),
        (
            "300,000 objects in one stream",
            hostile::packed_objects(300_000, 300_000),
        ),
    ];
    for (what, bytes) in &files {
        let (check, peak) = peak_of(|| check_pdf_sync(bytes, &PdfLimits::default()));
        report(what, bytes.len(), &check, peak);
    }
}

#[test]
fn eight_hostile_checks_at_once() {
    let _turn = turn();
    let bytes = bytes::Bytes::from(hostile::many_pages(100_000));
    let (checks, peak) = peak_of(|| {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| s.spawn(|| check_pdf_sync(&bytes, &PdfLimits::default())))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap())
                .collect::<Vec<_>>()
        })
    });
    report(
        "eight threads x 100,000 pages",
        bytes.len(),
        &checks[0],
        peak,
    );
}
