//! Reading and validating take the same memory whatever the file's size: the peak of live heap
//! bytes while validating a file of 40,000 payments is that of a file of 2,000.
//!
//! A counting global allocator; this file runs without the test harness so that no other thread
//! allocates while it counts.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use febraban_cnab::cnab240::{FileHeader, PaymentBatchHeader, Record, SegmentA, SegmentBPix};
use febraban_cnab::{PaymentBatch, PaymentFile, ReadOptions, WriterOptions, validate};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only counts.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn pix_file(payments: u64) -> Vec<u8> {
    let details = (0..payments)
        .flat_map(|n| {
            [
                Record::SegmentA(SegmentA {
                    clearing_house: 9,
                    payee_name: format!("FAVORECIDO NUMERO {n}").into(),
                    amount: 100 + n,
                    ..Default::default()
                }),
                Record::SegmentBPix(SegmentBPix {
                    initiation: "02".into(),
                    key: format!("favorecido.numero.{n}@example.com").into(),
                    ..Default::default()
                }),
            ]
        })
        .collect();
    let file = PaymentFile {
        header: FileHeader { bank: 1, ..Default::default() },
        batches: vec![PaymentBatch {
            header: PaymentBatchHeader { operation: "C".into(), entry_form: 45, ..Default::default() },
            details,
            ..Default::default()
        }],
        ..Default::default()
    };
    file.to_bytes(&WriterOptions::default()).expect("writes")
}

/// Peak live heap bytes above the starting point while validating `bytes`.
fn peak_while_validating(bytes: &[u8]) -> (usize, bool) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let report = validate(bytes, ReadOptions::default());
    let valid = report.is_valid();
    drop(report);
    (PEAK.load(Ordering::Relaxed) - base, valid)
}

fn main() {
    let small = pix_file(2_000);
    let large = pix_file(40_000);
    let (small_peak, small_valid) = peak_while_validating(&small);
    let (large_peak, large_valid) = peak_while_validating(&large);
    println!(
        "peak heap while validating: {small_peak} bytes for {} bytes, {large_peak} for {}",
        small.len(),
        large.len()
    );
    let ok = small_valid && large_valid && large_peak <= small_peak + 1024 && large_peak < 64 * 1024;
    if ok {
        println!("test validation_memory_is_constant ... ok");
        println!("1 passed, 0 failed");
    } else {
        println!("test validation_memory_is_constant ... FAILED (valid: {small_valid} {large_valid})");
        println!("0 passed, 1 failed");
        std::process::exit(1);
    }
}
