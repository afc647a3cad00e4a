//! Reading and validating never panic, strictly or leniently, whatever the bytes. A file that
//! validates strictly writes back to a file that writes back to itself; when it is already
//! canonical (its free text upper-case ASCII), to the same bytes or, where the reader accepted a
//! form the writer does not write (a blank optional date, a number padded with blanks), to a
//! file that reads as the same values.
#![no_main]

use febraban_cnab::{CobrancaFile, LineEnding, PaymentFile, Profile, ReadOptions, WriterOptions, validate};

/// A valid file, read as payments or, failing that, as cobrança.
#[derive(Debug, PartialEq)]
enum File {
    Payments(PaymentFile),
    Cobranca(CobrancaFile),
}

fn read(bytes: &[u8]) -> File {
    match PaymentFile::read(bytes, ReadOptions::default()) {
        Ok(file) => File::Payments(file),
        Err(_) => File::Cobranca(
            CobrancaFile::read(bytes, ReadOptions::default()).expect("a valid file reads as payments or as cobrança"),
        ),
    }
}

/// Reads a valid file and writes it back.
fn rewrite(bytes: &[u8], options: &WriterOptions) -> Vec<u8> {
    let written = match read(bytes) {
        File::Payments(file) => file.to_bytes(options),
        File::Cobranca(file) => file.to_bytes(options),
    };
    written.expect("a valid file writes")
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
    let profile = Profile::for_bank(report.summary.bank.unwrap_or_default());
    let options = WriterOptions { line_ending, profile, ..Default::default() };
    let written = rewrite(data, &options);
    assert_eq!(rewrite(&written, &options), written, "writing is not idempotent");
    // Free text is written upper-case ASCII; a file already so comes back byte for byte.
    let canonical = data.iter().all(|b| b.is_ascii() && !b.is_ascii_lowercase());
    if canonical && written != data && read(&written) != read(data) {
        let lines = |bytes: &[u8]| bytes.split(|&b| b == b'\n').map(|l| String::from_utf8_lossy(l).into_owned()).collect::<Vec<_>>();
        let (read, wrote) = (lines(data), lines(&written));
        let first = read.iter().zip(&wrote).position(|(a, b)| a != b);
        panic!("a valid canonical file wrote back other values at line {first:?}:\n{:?}\n{:?}", first.map(|i| &read[i]), first.map(|i| &wrote[i]));
    }
});
