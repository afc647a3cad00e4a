//! Decoding a payload without unusual templates allocates nothing: the decoded view borrows.
//!
//! A counting global allocator; this file runs without the test harness so that no other thread
//! allocates while it counts.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only counts.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_of(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    f();
    ALLOCATIONS.load(Ordering::Relaxed) - before
}

fn main() {
    let payloads = [
        // The Central Bank's static example.
        "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D",
        // Its dynamic example.
        "00020101021226700014br.gov.bcb.pix2548pix.example.com/8b3da2f39a4140d1a91abd93113bd4415204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***630464E4",
        // UTF-8 city (stone-payments/ex-pix-brcode's decoder tests).
        "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASÍLIA62070503***6304B4F6",
        // Upper-case GUI, amount, postal code, txid (the same tests).
        "00020126580014BR.GOV.BCB.PIX013611111111-1111-1111-1111-11111111111152040000530398654040.015802BR5925Teste do Teste do TesteIE6009SAO PAULO61081111111162160512NUgpnvaS87Ts6304760E",
    ];
    // The counter counts: one string, one allocation.
    let mut failures = 0;
    let mut kept = String::new();
    if allocations_of(|| kept = String::from("x")) != 1 {
        println!("test counter_counts ... FAILED");
        failures += 1;
    }
    for payload in payloads {
        let mut result = None;
        let count = allocations_of(|| {
            let code = brcode_pix::decode(payload);
            result =
                Some(code.as_ref().map(|c| (c.merchant_city().len(), c.amount_centavos())).map_err(|e| e.offset()));
        });
        match result {
            Some(Ok(_)) if count == 0 => println!("test decode_allocates_nothing ... ok ({})", &payload[..40]),
            Some(Ok(_)) => {
                println!("test decode_allocates_nothing ... FAILED: {count} allocations for {payload}");
                failures += 1;
            }
            other => {
                println!("test decode_allocates_nothing ... FAILED: {payload} did not decode: {other:?}");
                failures += 1;
            }
        }
    }
    // A payload with an unusual template (a second merchant account) may allocate: not counted.
    println!("{} passed, {failures} failed", payloads.len() + 1 - failures);
    if failures > 0 {
        std::process::exit(1);
    }
}
