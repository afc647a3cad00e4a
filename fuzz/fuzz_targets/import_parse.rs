//! The CSV and JSON import parsers never panic, whatever the bytes: each record they hand on
//! has a later line number than the one before (and, from CSV, a JSON object of fields; a JSON
//! element that is not an object is handed on as it is, for processing to refuse), the count they
//! return is the count they handed on, and checking a record as a payment never panics either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use settlement_core::files::parse::{self, Sink};
use settlement_core::payment::{PaymentRequest, Requirements};

fn check(objects: bool, read: impl FnOnce(&mut Sink<'_>) -> Result<u64, parse::ParseError>) {
    let mut last = 0;
    let mut handed = 0;
    let now = time::OffsetDateTime::UNIX_EPOCH;
    let result = read(&mut |record| {
        assert!(record.line_number > last, "line {} after {last}", record.line_number);
        last = record.line_number;
        assert!(!objects || record.fields.is_object(), "{:?}", record.fields);
        handed += 1;
        if let Ok(request) = serde_json::from_value::<PaymentRequest>(record.fields) {
            let _ = request.validate_for(Requirements::Import, now);
        }
        Ok(())
    });
    if let Ok(count) = result {
        assert_eq!(count, handed, "the count returned is not the records handed on");
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = parse::sniff(data);
    check(true, |sink| parse::csv(data, sink));
    check(false, |sink| parse::json(data, sink));
});
