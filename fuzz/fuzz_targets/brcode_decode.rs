//! Decoding never panics, whatever the input; a code that decodes re-encodes to a payload that
//! decodes to the same code, strictly or leniently; the diagnosis of a payload is empty exactly
//! when it decodes, and starts with decode's error.
#![no_main]

use brcode_pix::{DecodeOptions, decode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(payload) = std::str::from_utf8(data) else { return };
    let _ = brcode_pix::emv::Payload::parse(payload);
    let diagnosis = brcode_pix::diagnose(payload);
    match decode(payload) {
        Ok(_) => assert!(diagnosis.is_empty(), "{payload:?} decodes but diagnosed {diagnosis:?}"),
        Err(error) => assert_eq!(diagnosis.first(), Some(&error), "diagnosis of {payload:?}"),
    }
    if let Ok(code) = decode(payload) {
        let again = code.encode();
        assert_eq!(decode(&again).as_ref(), Ok(&code), "strict round trip of {payload:?}");
    }
    if let Ok(code) = DecodeOptions::lenient().decode(payload) {
        let again = code.encode();
        assert_eq!(DecodeOptions::lenient().decode(&again).as_ref(), Ok(&code), "lenient round trip of {payload:?}");
    }
});
