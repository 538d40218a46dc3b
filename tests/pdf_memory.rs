//! The decompression bomb (kit file 29) is read in bounded memory: peak live heap under
//! 100 MB, measured by a counting global allocator (this test binary runs one test only).

#[path = "it/support/pdf_common.rs"]
mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use gongkai::pdf::{check_pdf_sync, PdfLimits, PdfQuestion, Verdict};

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

#[test]
fn bomb_is_a_question_in_bounded_memory() {
    let (name, bytes) = common::kit_file("29");
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let check = check_pdf_sync(&bytes, &PdfLimits::default());
    let peak = PEAK.load(Ordering::Relaxed) - before;
    eprintln!(
        "{name}: {check:?}, peak heap {:.1} MB",
        peak as f64 / 1048576.0
    );
    assert_eq!(check.verdict, Verdict::Question);
    assert_eq!(check.reason, Some(PdfQuestion::TooBig));
    assert!(peak < 100 * 1024 * 1024, "peak {peak} bytes");
}
