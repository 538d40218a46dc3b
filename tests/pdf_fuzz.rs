//! Property test over mutated PDFs (truncations, byte flips, inserted garbage) of a few kit
//! files: the check always returns (no panic escapes) and memory stays bounded.

#[path = "it/support/pdf_common.rs"]
mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use gongkai::pdf::{check_pdf_sync, PdfLimits, Verdict};
use proptest::prelude::*;

/// Counts live heap bytes and their peak over the whole test process.
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

/// Peak live heap allowed over the whole fuzz run (several checks may run in parallel).
const MAX_PEAK: usize = 400 * 1024 * 1024;

/// Kit files used as seeds, plus file 25 with its streams stored uncompressed (so that
/// mutations hit the embedded TrueType font and its cmap, not just the deflate data).
const SEED_FILES: [&str; 7] = ["01", "14", "16", "19", "25", "26", "29"];
const SEED_COUNT: usize = SEED_FILES.len() + 1;

fn seeds() -> &'static Vec<Vec<u8>> {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut seeds: Vec<Vec<u8>> = SEED_FILES.iter().map(|p| common::kit_file(p).1).collect();
        let mut doc = lopdf::Document::load_mem(&common::kit_file("25").1).unwrap();
        doc.decompress();
        let mut plain = Vec::new();
        doc.save_to(&mut plain).unwrap();
        let check = check_pdf_sync(&plain, &limits());
        assert_eq!(check.verdict, Verdict::Marked, "uncompressed 25: {check:?}");
        seeds.push(plain);
        assert_eq!(seeds.len(), SEED_COUNT);
        seeds
    })
}

fn limits() -> PdfLimits {
    PdfLimits {
        time_limit: Duration::from_secs(5),
        ..PdfLimits::default()
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(f64),
    Flip(Vec<(f64, u8)>),
    Insert(f64, Vec<u8>),
    Delete(f64, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0.0f64..1.0).prop_map(Mutation::Truncate),
        prop::collection::vec((0.0f64..1.0, any::<u8>()), 1..32).prop_map(Mutation::Flip),
        (0.0f64..1.0, prop::collection::vec(any::<u8>(), 1..256))
            .prop_map(|(at, g)| Mutation::Insert(at, g)),
        (0.0f64..1.0, 1usize..4096).prop_map(|(at, n)| Mutation::Delete(at, n)),
    ]
}

fn apply(seed: &[u8], muts: &[Mutation]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for m in muts {
        let pos = |f: f64, len: usize| ((f * len as f64) as usize).min(len);
        match m {
            Mutation::Truncate(f) => data.truncate(pos(*f, data.len())),
            Mutation::Flip(flips) => {
                for (f, b) in flips {
                    if !data.is_empty() {
                        let i = pos(*f, data.len() - 1);
                        data[i] ^= b | 1;
                    }
                }
            }
            Mutation::Insert(f, g) => {
                let i = pos(*f, data.len());
                data.splice(i..i, g.iter().copied());
            }
            Mutation::Delete(f, n) => {
                let i = pos(*f, data.len());
                let end = (i + n).min(data.len());
                data.drain(i..end);
            }
        }
    }
    data
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_pdfs_never_panic_and_stay_bounded(
        which in 0usize..SEED_COUNT,
        muts in prop::collection::vec(mutation(), 1..4),
    ) {
        let data = apply(&seeds()[which], &muts);
        let check = check_pdf_sync(&data, &limits());
        // A question always carries a reason; a marking always has its page.
        if check.verdict == Verdict::Question {
            prop_assert!(check.reason.is_some());
        }
        if check.verdict == Verdict::Marked {
            prop_assert!(check.page.is_some() && check.marking.is_some());
        }
        prop_assert!(PEAK.load(Ordering::Relaxed) < MAX_PEAK, "peak {} bytes", PEAK.load(Ordering::Relaxed));
    }
}

#[test]
fn truncations_of_a_marked_file_never_panic() {
    let (_, seed) = common::kit_file("01");
    let step = (seed.len() / 97).max(1);
    for cut in (0..seed.len()).step_by(step) {
        let check = check_pdf_sync(&seed[..cut], &limits());
        assert!(check.verdict != Verdict::Marked || check.page == Some(3));
    }
}
