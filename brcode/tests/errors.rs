//! Each rule the decoder checks, broken once: the error names the rule, the tag path and the byte
//! offset of the first character at fault. Payloads get a correct CRC so that each reaches the
//! rule it is about.

use brcode_pix::{AmountError, ErrorKind, UrlError, decode};

/// `body` followed by `6304` and its CRC.
fn with_crc(body: &str) -> String {
    let body = format!("{body}6304");
    let crc = brcode_pix::crc16(body.as_bytes());
    format!("{body}{crc:04X}")
}

/// Writes one data object, its length counted in characters.
fn tlv(id: u8, value: &str) -> String {
    format!("{id:02}{:02}{value}", value.chars().count())
}

/// A valid static payload, with one field replaced (or removed, with `None`).
fn static_with(id: u8, value: Option<&str>) -> String {
    let fields = [
        (0, "01".to_string()),
        (26, format!("{}{}", tlv(0, "br.gov.bcb.pix"), tlv(1, "fulano@example.com"))),
        (52, "0000".into()),
        (53, "986".into()),
        (54, "10.00".into()),
        (58, "BR".into()),
        (59, "Fulano de Tal".into()),
        (60, "BRASILIA".into()),
        (62, tlv(5, "PEDIDO42")),
    ];
    let mut body = String::new();
    for (field, default) in fields {
        if field == id {
            if let Some(value) = value {
                body.push_str(&tlv(field, value));
            }
        } else {
            body.push_str(&tlv(field, &default));
        }
    }
    with_crc(&body)
}

fn error(payload: &str) -> (usize, String, ErrorKind) {
    let e = decode(payload).expect_err(payload);
    (e.offset(), e.path().to_string(), e.kind().clone())
}

#[test]
fn the_reference_payload_is_valid() {
    let payload = static_with(99, None);
    let code = decode(&payload).unwrap();
    assert_eq!(code.amount_centavos(), Some(1000));
}

#[test]
fn mandatory_fields() {
    // Offsets of missing fields point at the CRC, where the payload ends.
    for (id, path) in [(52, "52"), (53, "53"), (58, "58"), (59, "59"), (60, "60")] {
        let payload = static_with(id, None);
        assert_eq!(error(&payload), (payload.len() - 8, path.into(), ErrorKind::Missing), "{id}");
    }
    let no_62 = static_with(62, None);
    assert_eq!(error(&no_62), (no_62.len() - 8, "62".into(), ErrorKind::Missing));
    let no_txid = static_with(62, Some(&tlv(1, "123")));
    assert_eq!(error(&no_txid).1, "62.05");
    let no_account = static_with(26, None);
    assert_eq!(error(&no_account), (0, "payload".into(), ErrorKind::NotPix));
}

#[test]
fn field_formats() {
    let cases: [(u8, &str, &str, ErrorKind); 12] = [
        (52, "12345", "52", ErrorKind::CategoryCode),
        (53, "840", "53", ErrorKind::Currency),
        (58, "US", "58", ErrorKind::Country),
        (54, "1.234", "54", AmountError::TooManyDecimals.into()),
        (54, "1,00", "54", AmountError::NotDecimal.into()),
        (54, "12345678901.00", "54", AmountError::TooLong.into()),
        (59, "Fulano de Tal Ferreira da Silva", "59", ErrorKind::TooLong { max: 25, found: 31 }),
        (60, "RIO DE JANEIRO RJ", "60", ErrorKind::TooLong { max: 15, found: 17 }),
        (62, "0508PEDIDO-4", "62.05", ErrorKind::Character { character: '-', position: 6, hint: None }),
        (62, "0526ABCDEFGHIJKLMNOPQRSTUVWXYZ", "62.05", ErrorKind::TooLong { max: 25, found: 26 }),
        (59, "Fulano\u{7}", "59", ErrorKind::Character { character: '\u{7}', position: 6, hint: None }),
        (1, "13", "01", ErrorKind::PointOfInitiation),
    ];
    for (id, value, path, kind) in cases {
        let payload = if id == 1 {
            with_crc(&format!("000201{}{}", tlv(1, value), &static_with(99, None)[6..static_with(99, None).len() - 8]))
        } else {
            static_with(id, Some(value))
        };
        let (offset, found_path, found_kind) = error(&payload);
        assert_eq!(found_path, path, "{value}");
        // Hints are prose; compare the rule and where.
        match (&found_kind, &kind) {
            (
                ErrorKind::Character { character: a, position: p, .. },
                ErrorKind::Character { character: b, position: q, .. },
            ) => assert_eq!((a, p), (b, q), "{value}"),
            _ => assert_eq!(found_kind, kind, "{value}"),
        }
        // The offset points into the payload at the value (or the field) at fault.
        let at = &payload[offset..];
        let value_start = value.strip_prefix("0508").or(value.strip_prefix("0526")).unwrap_or(value);
        assert!(at.starts_with(value_start), "{value}: offset {offset} points at {at:?}");
    }
}

#[test]
fn merchant_account_rules() {
    let both = static_with(
        26,
        Some(&format!("{}{}{}", tlv(0, "br.gov.bcb.pix"), tlv(1, "fulano@example.com"), tlv(25, "pix.example.com/x"))),
    );
    let (offset, path, kind) = error(&both);
    assert_eq!((path.as_str(), kind), ("26.25", ErrorKind::KeyAndUrl));
    assert!(both[offset..].starts_with("2517pix.example.com/x"));

    let neither = static_with(26, Some(&tlv(0, "br.gov.bcb.pix")));
    assert_eq!(error(&neither).2, ErrorKind::NoKeyOrUrl);

    for (url, rule) in [
        ("https://pix.example.com/x", UrlError::Scheme),
        ("pix example.com/x", UrlError::Whitespace),
        ("localhost/x", UrlError::Host),
    ] {
        let payload = static_with(26, Some(&format!("{}{}", tlv(0, "br.gov.bcb.pix"), tlv(25, url))));
        let (offset, path, kind) = error(&payload);
        assert_eq!((path.as_str(), kind), ("26.25", rule.into()), "{url}");
        assert!(payload[offset..].starts_with(url));
    }

    let bad_fss = static_with(
        26,
        Some(&format!("{}{}{}", tlv(0, "br.gov.bcb.pix"), tlv(1, "fulano@example.com"), tlv(3, "1234"))),
    );
    assert_eq!(error(&bad_fss).2, ErrorKind::Ispb);
}

#[test]
fn structure_and_crc() {
    let good = static_with(99, None);
    // The CRC of three digits, the classic missing zero padding.
    let three = format!("{}6303{}", &good[..good.len() - 8], &good[good.len() - 3..]);
    assert_eq!(error(&three).2, ErrorKind::CrcFormat);
    // A length that runs past the end.
    let cut = &good[..good.len() - 2];
    assert!(matches!(error(cut).2, ErrorKind::Truncated { declared: 4, available: 2 }));
    // Something after the CRC.
    let trailing = format!("{good}\n");
    assert_eq!(error(&trailing), (good.len(), "63".into(), ErrorKind::CrcNotLast { trailing: 1 }));
    // A duplicate field, given a correct CRC.
    let duplicate = with_crc(&format!("{}{}", &good[..good.len() - 8], tlv(52, "0000")));
    assert_eq!(error(&duplicate), (good.len() - 8, "52".into(), ErrorKind::Duplicate));
    // Over 512 bytes.
    let long = with_crc(&format!(
        "{}{}{}",
        &good[..good.len() - 8],
        tlv(80, &tlv(0, &"x".repeat(95))),
        tlv(81, &tlv(0, &"x".repeat(95)))
    ));
    let longer = with_crc(&format!(
        "{}{}{}{}",
        &long[..long.len() - 8],
        tlv(82, &tlv(0, &"x".repeat(95))),
        tlv(83, &tlv(0, &"x".repeat(95))),
        tlv(84, &tlv(0, &"x".repeat(60)))
    ));
    assert!(longer.len() > 512);
    assert_eq!(error(&longer), (0, "payload".into(), ErrorKind::PayloadTooLong { found: longer.len() }));
}

#[test]
fn gui_is_compared_ignoring_case_and_field_62_of_a_dynamic_code_is_ignored() {
    let upper = static_with(26, Some(&format!("{}{}", tlv(0, "BR.GOV.BCB.PIX"), tlv(1, "fulano@example.com"))));
    assert_eq!(decode(&upper).unwrap().pix().gui(), "BR.GOV.BCB.PIX");
    let mixed = static_with(26, Some(&format!("{}{}", tlv(0, "br.gov.bcb.Pix"), tlv(1, "fulano@example.com"))));
    assert!(decode(&mixed).is_ok());
    // A dynamic code whose 62-05 holds what a static code may not: payers ignore it.
    let dynamic = static_with(26, Some(&format!("{}{}", tlv(0, "br.gov.bcb.pix"), tlv(25, "pix.example.com/qr/1"))));
    let dynamic = dynamic.replace("62120508PEDIDO42", "62190515RP12345678-2019");
    let dynamic = with_crc(&dynamic[..dynamic.len() - 8]);
    assert_eq!(decode(&dynamic).unwrap().txid(), Some("RP12345678-2019"));
}

#[test]
fn lower_case_crc_decodes_and_re_encodes_upper_case() {
    let payload = static_with(99, None);
    let (body, crc) = payload.split_at(payload.len() - 4);
    assert!(crc.bytes().any(|b| b.is_ascii_alphabetic()), "pick a payload whose CRC has a letter: {crc}");
    let lower = format!("{body}{}", crc.to_ascii_lowercase());
    let code = decode(&lower).unwrap();
    assert_eq!(code.encode(), payload);
}
