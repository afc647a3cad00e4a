//! Decoding never panics, whatever the input; a code that decodes re-encodes to a payload that
//! decodes to the same code, strictly or leniently.
#![no_main]

use brcode_pix::{DecodeOptions, decode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(payload) = std::str::from_utf8(data) else { return };
    let _ = brcode_pix::emv::Payload::parse(payload);
    if let Ok(code) = decode(payload) {
        let again = code.encode();
        assert_eq!(decode(&again).as_ref(), Ok(&code), "strict round trip of {payload:?}");
    }
    if let Ok(code) = DecodeOptions::lenient().decode(payload) {
        let again = code.encode();
        assert_eq!(DecodeOptions::lenient().decode(&again).as_ref(), Ok(&code), "lenient round trip of {payload:?}");
    }
});
