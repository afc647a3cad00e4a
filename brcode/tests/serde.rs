//! With the `serde` feature, the borrowed view and the owned form serialize alike.
#![cfg(feature = "serde")]

use brcode_pix::{BrCode, DecodeOptions, PixKey};
use serde_json::json;

const MACEIO: &str = "00020101021126330014br.gov.bcb.pix0111002051041185204000053039865406350.005802BR5928Leone Parise Vieira da Silva6006Maceió62070503***6304E5FB";

#[test]
fn borrowed_and_owned_serialize_the_same() {
    let code = DecodeOptions::lenient().decode(MACEIO).unwrap();
    let borrowed = serde_json::to_value(&code).unwrap();
    let owned: BrCode<'static> = code.into_owned();
    assert_eq!(serde_json::to_value(&owned).unwrap(), borrowed);

    assert_eq!(borrowed["merchant_city"], "Maceió");
    assert_eq!(borrowed["amount"], "350.00");
    assert_eq!(borrowed["point_of_initiation"], "static");
    assert_eq!(borrowed["pix"]["key"], "00205104118");
    assert_eq!(borrowed["additional_data"]["txid"], "***");
    assert_eq!(borrowed["crc"], json!({ "found": "E5FB", "computed": "E5FB" }));
    assert_eq!(borrowed["relaxations"], json!(["long_merchant_name"]));
}

#[test]
fn keys_serialize_with_their_kind() {
    let key = PixKey::parse("+5561912345678").unwrap();
    assert_eq!(serde_json::to_value(&key).unwrap(), json!({ "kind": "PHONE", "key": "+5561912345678" }));
}
