//! Whatever a caller sends, checking a payment request answers with a payment or an error that
//! names a field (each field at fault, when several are), and never panics.

use proptest::prelude::*;
use settlement_core::{CoreError, PaymentRequest};
use time::macros::datetime;

const FIELDS: [&str; 21] = [
    "external_id",
    "amount",
    "currency",
    "debtor_ispb",
    "debtor_document",
    "debtor_name",
    "debtor_account_no",
    "debtor_account_type",
    "debtor_branch",
    "creditor_ispb",
    "creditor_document",
    "creditor_name",
    "creditor_account_no",
    "creditor_account_type",
    "creditor_branch",
    "description",
    "qr_code_data",
    "tx_id",
    "scheduled_date",
    "discounts",
    "additional_info",
];

fn value() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        any::<i64>().prop_map(serde_json::Value::from),
        "\\PC{0,160}".prop_map(serde_json::Value::from),
        "[0-9]{0,15}".prop_map(serde_json::Value::from),
        prop_oneof![
            Just("CACC"),
            Just("BRL"),
            Just("12345678909"),
            Just("2026-02-15T10:00:00Z"),
            Just("E1234567820260124103000000001")
        ]
        .prop_map(serde_json::Value::from),
        (any::<i64>(), "\\PC{0,30}").prop_map(|(amount, date)| serde_json::json!([{"date": date, "amount": amount}])),
        ("\\PC{0,10}", "\\PC{0,10}").prop_map(|(key, value)| serde_json::json!([{"key": key, "value": value}])),
        Just(serde_json::Value::Null),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn validation_never_panics_and_names_a_field(
        entries in proptest::collection::vec((0..FIELDS.len(), value()), 0..25)
    ) {
        let mut body = serde_json::Map::new();
        for (field, value) in entries {
            body.insert(FIELDS[field].to_owned(), value);
        }
        let Ok(request) = serde_json::from_value::<PaymentRequest>(serde_json::Value::Object(body)) else {
            return Ok(());
        };
        match request.validate(datetime!(2026-01-24 10:30:00 UTC)) {
            Ok(payment) => prop_assert!(payment.amount >= 1),
            Err(error @ (CoreError::Validation { .. } | CoreError::Violations(_))) => {
                let violations = error.violations();
                prop_assert!(!violations.is_empty());
                prop_assert_eq!(error.to_string(), violations[0].message.clone());
                for violation in violations {
                    let root = violation.field.split(['[', '.']).next().unwrap_or_default();
                    prop_assert!(FIELDS.contains(&root), "{}", violation.field);
                    prop_assert!(violation.message.starts_with(&violation.field), "{}", violation.message);
                }
            }
            Err(other) => prop_assert!(false, "{other:?}"),
        }
    }
}
