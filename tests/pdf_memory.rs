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

/// The most heap one check may take, whatever the file.
const ONE_CHECK: usize = 64 * MB;

#[test]
fn hostile_files_are_refused_before_loading() {
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
        assert_eq!(check.verdict, Verdict::Question, "{what}");
        assert_eq!(check.reason, Some(PdfQuestion::TooManyObjects), "{what}");
        assert!(peak < ONE_CHECK, "{what}: peak {peak} bytes");
    }
}

/// The largest files the limits let through: as many pages, or packed objects, as the
/// object cap allows.
fn largest_accepted() -> [(&'static str, Vec<u8>); 2] {
    let max = PdfLimits::default().max_objects;
    // Three objects besides the pages, two objects a page. The scan counts a stream's members
    // from the room in its index, (/First + 1) / 4, about three times the honest count here.
    [
        (
            "pages up to the object cap",
            hostile::many_pages((max - 3) / 2),
        ),
        (
            "packed objects up to the object cap",
            hostile::packed_objects(max / 4, 100),
        ),
    ]
}

#[test]
fn largest_accepted_files_are_read_in_bounded_memory() {
    let _turn = turn();
    for (what, bytes) in &largest_accepted() {
        let (check, peak) = peak_of(|| check_pdf_sync(bytes, &PdfLimits::default()));
        report(what, bytes.len(), &check, peak);
        assert_ne!(check.reason, Some(PdfQuestion::TooManyObjects), "{what}");
        assert_ne!(check.verdict, Verdict::Unmarked, "{what}");
        assert!(peak < ONE_CHECK, "{what}: peak {peak} bytes");
    }
}

/// The permits of `gongkai::crawl::check_pdf` (its rule: one a core, at most four).
fn checks_at_once() -> usize {
    std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 4)
}

/// Eight checks started at once through the crawler's entry point.
fn eight_through_the_crawler(bytes: &bytes::Bytes) -> (Vec<PdfCheck>, usize) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(8)
        .enable_all()
        .build()
        .unwrap();
    peak_of(|| {
        runtime.block_on(futures::future::join_all(
            (0..8).map(|_| gongkai::crawl::check_pdf(bytes.clone(), PdfLimits::default())),
        ))
    })
}

#[test]
fn eight_checks_at_once_take_turns() {
    let _turn = turn();
    let permits = checks_at_once();
    let hostile = bytes::Bytes::from(hostile::many_pages(100_000));
    let (checks, peak) = eight_through_the_crawler(&hostile);
    report(
        "eight at once x 100,000 pages",
        hostile.len(),
        &checks[0],
        peak,
    );
    assert!(checks
        .iter()
        .all(|c| c.reason == Some(PdfQuestion::TooManyObjects)));
    assert!(peak < ONE_CHECK, "peak {peak} bytes");

    let [(what, largest), _] = largest_accepted();
    let largest = bytes::Bytes::from(largest);
    // For comparison: eight threads without the permits.
    let (_, unbounded) = peak_of(|| {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| s.spawn(|| check_pdf_sync(&largest, &PdfLimits::default())))
                .collect();
            handles.into_iter().for_each(|h| drop(h.join()));
        })
    });
    let (checks, peak) = eight_through_the_crawler(&largest);
    report(
        &format!("eight at once x {what}, {permits} at a time"),
        largest.len(),
        &checks[0],
        peak,
    );
    eprintln!(
        "  (eight threads without the permits: peak heap {:.1} MB)",
        unbounded as f64 / MB as f64
    );
    assert!(checks.iter().all(|c| c.verdict != Verdict::Unmarked));
    assert!(
        peak < permits * ONE_CHECK,
        "peak {peak} bytes for {permits} at a time"
    );
}
