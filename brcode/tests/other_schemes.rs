//! EMV merchant-presented codes of other schemes parse at the generic EMV layer, and the Pix
//! decoder refuses them saying that they are not Pix. These complement the corpus's non-Pix
//! entries (EMVCo's Chinese sample, a Laotian code, the pre-launch `br.gov.bcb.spi` code).

use brcode_pix::{ErrorKind, decode, emv::Payload};

/// Thai PromptPay codes, from the test suite of dtinth/promptpay-qr (`index.test.js`): a phone
/// number, a national ID, and a phone with an amount (point of initiation 12).
const PROMPTPAY: [(&str, &str, Option<&str>); 3] = [
    ("00020101021129370016A000000677010111011300668012345675802TH530376463046197", "0066801234567", None),
    ("00020101021129370016A000000677010111021311111111111115802TH530376463047B5A", "1111111111111", None),
    (
        "00020101021229370016A000000677010111011300660000000005802TH530376454044.226304E469",
        "0066000000000",
        Some("4.22"),
    ),
];

#[test]
fn promptpay_parses_as_emv_and_is_refused_as_pix() {
    for (payload, id, amount) in PROMPTPAY {
        let emv = Payload::parse(payload).unwrap_or_else(|e| panic!("{payload}: {e}"));
        assert_eq!(emv.get(58).map(|o| o.value), Some("TH"));
        assert_eq!(emv.get(53).map(|o| o.value), Some("764"));
        assert_eq!(emv.get(54).map(|o| o.value), amount);
        let account = emv.get(29).unwrap();
        assert!(account.value.starts_with("0016A000000677010111"), "{payload}");
        assert!(account.value.ends_with(id), "{payload}");

        let error = decode(payload).unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::NotPix, "{payload}");
        assert!(error.to_string().contains("not a Pix code"));
    }
}

#[test]
fn a_damaged_promptpay_code_fails_its_crc_first() {
    let damaged = PROMPTPAY[0].0.replace("5802TH", "5802TX");
    assert!(matches!(Payload::parse(&damaged).unwrap_err().kind(), ErrorKind::CrcMismatch { .. }));
    assert!(matches!(decode(&damaged).unwrap_err().kind(), ErrorKind::CrcMismatch { .. }));
}
