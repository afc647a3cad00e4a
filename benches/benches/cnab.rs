//! Reading and validating a CNAB240 file of 100,000 Pix payments (segments A and B, four
//! batches, about 48 MB), generated with the crate's own writer. Every field of every record is
//! typed. The floor measured in the same run is the bare line loop: `read_until` over the same
//! bytes with no parsing at all.

use std::hint::black_box;
use std::io::BufRead;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use febraban_cnab::{ReadOptions, Reader};

/// 100,000 Pix transfers in four batches of 25,000.
fn pix_file() -> Vec<u8> {
    pix_settlement_benches::pix_transfers_cnab240(100_000)
}

fn read(c: &mut Criterion) {
    let bytes = pix_file();
    let report = febraban_cnab::validate(bytes.as_slice(), ReadOptions::default());
    assert!(report.is_valid() && report.summary.payments == 100_000, "{:?}", report.problems.first());

    let mut group = c.benchmark_group("cnab240_100k_pix");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(20);
    group.bench_function("floor-line-loop", |b| {
        b.iter(|| {
            let (mut input, mut line, mut lines) = (bytes.as_slice(), Vec::with_capacity(242), 0usize);
            while input.read_until(b'\n', &mut line).unwrap_or(0) > 0 {
                lines += 1;
                line.clear();
            }
            black_box(lines)
        })
    });
    group.bench_function("read-typed", |b| {
        b.iter(|| Reader::new(black_box(bytes.as_slice())).filter(Result::is_ok).count())
    });
    group.bench_function("read-and-validate", |b| {
        b.iter(|| febraban_cnab::validate(black_box(bytes.as_slice()), ReadOptions::default()).summary.total_amount)
    });
    group.finish();
}

criterion_group!(benches, read);
criterion_main!(benches);
