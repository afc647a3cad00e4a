//! Reading and validating a CNAB240 file of 100,000 Pix payments (segments A and B, four
//! batches, about 48 MB), generated with the crate's own writer. Every field of every record is
//! typed. The floor measured in the same run is the bare line loop: `read_until` over the same
//! bytes with no parsing at all.

use std::hint::black_box;
use std::io::BufRead;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use febraban_cnab::cnab240::{FileHeader, PaymentBatchHeader, Record, SegmentA, SegmentBPix};
use febraban_cnab::{PaymentBatch, PaymentFile, ReadOptions, Reader, WriterOptions};

/// 100,000 Pix transfers in four batches of 25,000 (a batch holds at most 99,999 details).
fn pix_file() -> Vec<u8> {
    let batch = |b: u64| PaymentBatch {
        header: PaymentBatchHeader {
            operation: "C".into(),
            service: 20,
            entry_form: 45,
            company_name: "EMPRESA EXEMPLO".into(),
            ..Default::default()
        },
        details: (0..25_000u64)
            .flat_map(|i| {
                let n = b * 25_000 + i;
                [
                    Record::SegmentA(SegmentA {
                        clearing_house: 9,
                        payee_name: format!("FAVORECIDO {n}").into(),
                        your_number: format!("PAG{n:010}").into(),
                        currency: "BRL".into(),
                        amount: 1_000 + n,
                        ..Default::default()
                    }),
                    Record::SegmentBPix(SegmentBPix {
                        initiation: "02".into(),
                        payee_document_type: 1,
                        payee_document: 12_345_678_909,
                        key: format!("favorecido{n}@example.com").into(),
                        ..Default::default()
                    }),
                ]
            })
            .collect(),
        ..Default::default()
    };
    let file = PaymentFile {
        header: FileHeader { bank: 237, company_name: "EMPRESA EXEMPLO".into(), ..Default::default() },
        batches: (0..4).map(batch).collect(),
        ..Default::default()
    };
    file.to_bytes(&WriterOptions::default()).expect("the generated file writes")
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
