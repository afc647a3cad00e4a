//! Properties over generated codes and inputs:
//! - `decode(encode(x)) == x` for every code the builder accepts;
//! - re-encoding a decoded payload written by the encoder gives the same bytes;
//! - decoding never panics, on arbitrary strings or on damaged real payloads.

use brcode_pix::{BrCode, DecodeOptions, PixKey, decode};
use proptest::prelude::*;

/// A CPF with valid check digits.
fn cpf() -> impl Strategy<Value = String> {
    proptest::collection::vec(0u32..10, 9).prop_filter_map("repeated digits", |body| {
        if body.iter().all(|d| *d == body[0]) {
            return None;
        }
        let mut digits = body;
        for _ in 0..2 {
            let n = digits.len() as u32;
            let sum: u32 = digits.iter().enumerate().map(|(i, d)| d * (n + 1 - i as u32)).sum();
            digits.push(if sum % 11 < 2 { 0 } else { 11 - sum % 11 });
        }
        Some(digits.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect())
    })
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        cpf(),
        "[1-9]{2}9[0-9]{8}".prop_map(|n| format!("+55{n}")),
        "[a-z0-9._-]{1,30}@[a-z]{1,20}\\.(com|com\\.br|org)",
        "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
    ]
    .prop_filter("a valid key", |k| PixKey::parse(k.as_str()).is_ok())
}

/// Printable ASCII text of 1 to `max` characters, not blank.
fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[ -~]{{1,{max}}}"))
        .unwrap()
        .prop_filter("not blank", |t| !t.trim().is_empty())
}

/// Text with Portuguese letters, for codes built with `allow_utf8`.
fn utf8_text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Za-z çãõáéíóúâêôÇÃÕÁÉÍÓÚ]{{1,{max}}}"))
        .unwrap()
        .prop_filter("not blank", |t| !t.trim().is_empty())
}

#[derive(Debug, Clone)]
struct Input {
    account: Result<String, String>,
    name: String,
    city: String,
    amount: Option<i64>,
    txid: Option<String>,
    info: Option<String>,
    postal_code: Option<String>,
    recurrence: Option<String>,
    utf8: bool,
}

fn input() -> impl Strategy<Value = Input> {
    let url = "[a-z]{1,12}\\.example\\.com/qr/v2/[a-z0-9]{1,32}";
    let account = prop_oneof![key().prop_map(Ok), url.prop_map(Err)];
    (any::<bool>(), account)
        .prop_flat_map(move |(utf8, account)| {
            let name = if utf8 { utf8_text(25).boxed() } else { text(25).boxed() };
            let city = if utf8 { utf8_text(15).boxed() } else { text(15).boxed() };
            (
                Just(account),
                name,
                city,
                proptest::option::of(1i64..=9_999_999_999),
                proptest::option::of("[A-Za-z0-9]{1,25}"),
                proptest::option::of(text(20)),
                proptest::option::of("[0-9]{8}"),
                proptest::option::of("[a-z]{1,10}\\.example\\.com/rec/[a-z0-9]{1,20}"),
                Just(utf8),
            )
        })
        .prop_map(|(account, name, city, amount, txid, info, postal_code, recurrence, utf8)| Input {
            account,
            name,
            city,
            amount,
            txid,
            info,
            postal_code,
            recurrence,
            utf8,
        })
}

fn build(input: &Input) -> Result<BrCode<'_>, brcode_pix::EncodeError> {
    let mut builder = BrCode::builder().merchant_name(input.name.as_str()).merchant_city(input.city.as_str());
    builder = match &input.account {
        Ok(key) => {
            let builder = builder.key(key.as_str());
            match &input.info {
                Some(info) => builder.info(info.as_str()),
                None => builder,
            }
        }
        Err(url) => builder.location(url.as_str()),
    };
    if let Some(amount) = input.amount {
        builder = builder.amount_centavos(amount);
    }
    // A dynamic code's txid belongs to its charge; only static codes carry one.
    if let (Some(txid), Ok(_)) = (&input.txid, &input.account) {
        builder = builder.txid(txid.as_str());
    }
    if let Some(code) = &input.postal_code {
        builder = builder.postal_code(code.as_str());
    }
    if let Some(url) = &input.recurrence {
        builder = builder.recurrence_location(url.as_str());
    }
    builder.allow_utf8(input.utf8).build()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn decode_of_encode_is_identity(input in input()) {
        // Over-long merchant account templates (long key plus long info) are refused by name.
        let code = match build(&input) {
            Ok(code) => code,
            Err(e) => {
                prop_assert!(matches!(e.kind(), brcode_pix::ErrorKind::TemplateTooLong { .. }), "{e}");
                return Ok(());
            }
        };
        let payload = code.encode();
        let decoded = decode(&payload);
        prop_assert_eq!(decoded.as_ref(), Ok(&code), "{}", payload);
        prop_assert!(decoded.unwrap().relaxations().is_empty());
    }

    #[test]
    fn re_encoding_a_decoded_payload_gives_the_same_bytes(input in input()) {
        if let Ok(code) = build(&input) {
            let payload = code.encode();
            let decoded = decode(&payload).unwrap();
            prop_assert_eq!(decoded.encode(), payload.clone());
            prop_assert_eq!(decoded.into_owned().encode(), payload);
        }
    }

    #[test]
    fn decode_never_panics_on_any_string(input in any::<String>()) {
        let _ = decode(&input);
        let _ = DecodeOptions::lenient().decode(&input);
    }

    #[test]
    fn decode_never_panics_on_tlv_shaped_strings(input in "([0-9]{4}[ -~çãé]{0,12}){0,12}(6304[0-9A-Fa-f]{0,4})?") {
        let _ = decode(&input);
        let _ = DecodeOptions::lenient().decode(&input);
    }

    #[test]
    fn damaged_payloads_are_refused_without_panic(input in input(), at in any::<prop::sample::Index>(), with in proptest::char::range(' ', '~')) {
        if let Ok(code) = build(&input) {
            let payload = code.encode();
            let chars: Vec<char> = payload.chars().collect();
            let i = at.index(chars.len());
            // One ASCII character replaced by another is a burst of at most 8 bits, which a
            // CRC-16 always detects. (The CRC's own hex digits may change case: that is allowed.)
            let in_crc = i >= chars.len() - 4;
            if chars[i].is_ascii() && !(in_crc && chars[i].eq_ignore_ascii_case(&with)) && chars[i] != with {
                let mut damaged = chars.clone();
                damaged[i] = with;
                let damaged: String = damaged.into_iter().collect();
                prop_assert!(decode(&damaged).is_err(), "{} accepted", damaged);
            }
            // Cut short: always refused.
            let cut: String = chars[..i].iter().collect();
            prop_assert!(decode(&cut).is_err());
        }
    }

    #[test]
    fn diagnosis_agrees_with_decode(input in input(), at in any::<prop::sample::Index>(), with in proptest::char::range(' ', '~')) {
        if let Ok(code) = build(&input) {
            let payload = code.encode();
            prop_assert!(DecodeOptions::strict().diagnose(&payload).is_empty());
            // Damaged: the first problem diagnosed is the one decode reports.
            let mut chars: Vec<char> = payload.chars().collect();
            let i = at.index(chars.len().saturating_sub(8).max(1));
            chars[i] = with;
            let damaged: String = chars.into_iter().collect();
            let diagnosis = DecodeOptions::strict().diagnose(&damaged);
            prop_assert_eq!(diagnosis.is_empty(), decode(&damaged).is_ok());
            if let Err(error) = decode(&damaged) {
                prop_assert_eq!(&diagnosis[0], &error);
            }
        }
    }

    #[test]
    fn diagnosis_never_panics(input in "([0-9]{4}[ -~çãé]{0,12}){0,12}(6304[0-9A-Fa-f]{0,4})?") {
        let diagnosis = DecodeOptions::strict().diagnose(&input);
        prop_assert_eq!(diagnosis.is_empty(), decode(&input).is_ok());
    }
}
