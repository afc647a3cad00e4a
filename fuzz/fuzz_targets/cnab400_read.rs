//! Reading and validating CNAB400 never panic, strictly or leniently, whatever the bytes; a file
//! that validates writes back, and what is written writes back to itself. Every bank profile is
//! fuzzed: the first byte chooses one, whose code is written into the header's bank (77-79), so
//! the profile is chosen from the fuzzed header as a real file chooses it.
#![no_main]

use febraban_cnab::cnab400::{BankProfile, Cnab400, Record, validate};
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

fuzz_target!(|input: &[u8]| {
    let Some((&choice, rest)) = input.split_first() else { return };
    let mut owned = rest.to_vec();
    let profiles = BankProfile::all();
    // Half the inputs keep their own bank; the others get a profile's.
    if choice & 1 == 1 && owned.len() >= 79 {
        let bank = profiles[usize::from(choice >> 1) % profiles.len()].bank;
        owned[76..79].copy_from_slice(format!("{bank:03}").as_bytes());
    }
    let data = owned.as_slice();
    let _ = validate(data, ReadOptions { lenient: true, ..Default::default() });
    if !validate(data, ReadOptions::default()).is_valid() {
        return;
    }
    let written = write(&read(data));
    assert_eq!(write(&read(&written)), written, "writing is not idempotent");
});
