//! Reading and validating CNAB400 never panic, strictly or leniently, whatever the bytes; a file
//! that validates writes back, and what is written writes back to itself.
#![no_main]

use febraban_cnab::cnab400::{Cnab400, Record, validate};
use febraban_cnab::{ReadOptions, Reader, WriteOptions};
use libfuzzer_sys::fuzz_target;

fn read(bytes: &[u8]) -> Vec<Record> {
    Reader::with_format(bytes, ReadOptions::default(), Cnab400::default())
        .map(|item| item.expect("a valid file reads").1)
        .collect()
}

fn write(records: &[Record]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for record in records {
        bytes.extend_from_slice(&record.to_line(&WriteOptions::default()).expect("a record that reads writes"));
        bytes.extend_from_slice(b"\r\n");
    }
    bytes
}

fuzz_target!(|data: &[u8]| {
    let _ = validate(data, ReadOptions { lenient: true, ..Default::default() });
    if !validate(data, ReadOptions::default()).is_valid() {
        return;
    }
    let written = write(&read(data));
    assert_eq!(write(&read(&written)), written, "writing is not idempotent");
});
