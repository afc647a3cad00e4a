//! Reading and validating never panic, strictly or leniently, whatever the bytes. A file that
//! validates strictly writes back to a file that writes back to itself; when it is already
//! canonical (its free text upper-case ASCII), to the same bytes or, where the reader accepted a
//! form the writer does not write (a blank optional date, a number padded with blanks), to a
//! file that reads as the same values.
#![no_main]

use febraban_cnab::{CobrancaFile, LineEnding, PaymentFile, ReadOptions, WriterOptions, validate};

/// A valid file, read as payments or, failing that, as cobrança.
#[derive(Debug, PartialEq)]
enum File {
    Payments(PaymentFile),
    Cobranca(CobrancaFile),
}

/// `None` for a valid file of neither (a bank statement, which has no writer of files).
fn read(bytes: &[u8]) -> Option<File> {
    if let Ok(file) = PaymentFile::read(bytes, ReadOptions::default()) {
        return Some(File::Payments(file));
    }
    CobrancaFile::read(bytes, ReadOptions::default()).ok().map(File::Cobranca)
}

/// The records of a valid file, but for what the writer computes where some banks leave zeros
/// (a cobrança batch trailer's boleto totals, which the validator then only warns about).
fn values(bytes: &[u8]) -> Vec<febraban_cnab::cnab240::Record> {
    use febraban_cnab::cnab240::{CobrancaBatchTrailer, Record};
    febraban_cnab::Reader::new(bytes)
        .map(|item| match item.expect("a valid file reads").1 {
            Record::CobrancaBatchTrailer(t) => Record::CobrancaBatchTrailer(CobrancaBatchTrailer {
                simple_count: None,
                simple_amount: 0,
                linked_count: None,
                linked_amount: 0,
                pledged_count: None,
                pledged_amount: 0,
                discounted_count: None,
                discounted_amount: 0,
                ..t
            }),
            record => record,
        })
        .collect()
}

/// Reads a valid file and writes it back.
fn rewrite(bytes: &[u8], options: &WriterOptions) -> Option<Vec<u8>> {
    let written = match read(bytes)? {
        File::Payments(file) => file.to_bytes(options),
        File::Cobranca(file) => file.to_bytes(options),
    };
    Some(written.expect("a valid file writes"))
}
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let lenient = ReadOptions { lenient: true, ..Default::default() };
    let _ = validate(data, lenient);
    let report = validate(data, ReadOptions::default());
    if !report.is_valid() {
        return;
    }
    // Regular files only: one line ending throughout, every line ended, no end-of-file mark.
    let crlf = data.windows(2).filter(|w| w == b"\r\n").count();
    let lf = data.iter().filter(|&&b| b == b'\n').count();
    let line_ending = match (crlf, lf) {
        (0, n) if n > 0 => LineEnding::Lf,
        (c, n) if c == n && c > 0 => LineEnding::CrLf,
        _ => return,
    };
    if !data.ends_with(b"\n") {
        return;
    }
    // The profile the reader chose from the fuzzed header.
    let mut header = febraban_cnab::Reader::new(data);
    let _ = header.next();
    let profile = header.profile();
    let options = WriterOptions { line_ending, profile, ..Default::default() };
    let Some(written) = rewrite(data, &options) else {
        // Only a bank statement has no file writer to round-trip through.
        let statement = febraban_cnab::Reader::new(data)
            .any(|item| matches!(item, Ok((_, febraban_cnab::cnab240::Record::StatementBatchHeader(_)))));
        assert!(statement, "a valid file is payments, cobrança or a statement");
        return;
    };
    assert_eq!(rewrite(&written, &options), Some(written.clone()), "writing is not idempotent");
    // Free text is written upper-case ASCII; a file already so comes back byte for byte.
    let canonical = data.iter().all(|b| b.is_ascii() && !b.is_ascii_lowercase());
    if canonical && written != data && values(&written) != values(data) {
        let lines = |bytes: &[u8]| bytes.split(|&b| b == b'\n').map(|l| String::from_utf8_lossy(l).into_owned()).collect::<Vec<_>>();
        let (read, wrote) = (lines(data), lines(&written));
        let first = read.iter().zip(&wrote).position(|(a, b)| a != b);
        panic!("a valid canonical file wrote back other values at line {first:?}:\n{:?}\n{:?}", first.map(|i| &read[i]), first.map(|i| &wrote[i]));
    }
});
