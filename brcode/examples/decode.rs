//! Decodes a BR Code and prints every field as JSON, or the error and exit status 1.
//!
//! ```sh
//! cargo run -p brcode-pix --example decode -- '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D'
//! ```
//!
//! `--lenient` accepts what codes in circulation break (long names, hyphenated txids...) and
//! lists it under `relaxations`.

use brcode_pix::{BrCode, DecodeOptions, Field, Template};
use serde_json::{Value, json};

fn fields(fields: &[Field<'_>]) -> Value {
    fields.iter().map(|f| json!({ "id": format!("{:02}", f.id), "value": f.value })).collect()
}

fn templates(templates: &[Template<'_>]) -> Value {
    templates
        .iter()
        .map(|t| {
            let inner: Vec<Value> =
                t.fields().map(|(id, value)| json!({ "id": format!("{id:02}"), "value": value })).collect();
            json!({ "id": format!("{:02}", t.id()), "fields": inner })
        })
        .collect()
}

fn to_json(code: &BrCode<'_>) -> Value {
    let pix = code.pix();
    let crc =
        code.crc().map(|c| json!({ "found": format!("{:04X}", c.found), "computed": format!("{:04X}", c.computed) }));
    json!({
        "point_of_initiation": code.point_of_initiation().map(|p| p.as_str()),
        "dynamic": code.is_dynamic(),
        "pix": {
            "id": format!("{:02}", pix.id()),
            "gui": pix.gui(),
            "key": pix.key(),
            "key_kind": pix.parsed_key().map(|k| k.map(|k| format!("{:?}", k.kind())).unwrap_or_else(|e| format!("invalid: {e}"))),
            "info": pix.info(),
            "fss": pix.fss(),
            "url": pix.url(),
            "other_fields": fields(pix.other_fields()),
        },
        "merchant_accounts": templates(code.merchant_accounts()),
        "merchant_category_code": code.merchant_category_code(),
        "currency": code.currency(),
        "amount": code.amount_text(),
        "amount_centavos": code.amount_centavos(),
        "country_code": code.country_code(),
        "merchant_name": code.merchant_name(),
        "merchant_city": code.merchant_city(),
        "postal_code": code.postal_code(),
        "txid": code.txid(),
        "additional_data_fields": code.additional_data().map(|d| fields(d.other_fields())),
        "language_template": code.language_template().map(|t| templates(std::slice::from_ref(t))),
        "unreserved_templates": templates(code.unreserved_templates()),
        "recurrence_url": code.recurrence_url(),
        "other_fields": fields(code.other_fields()),
        "crc": crc,
        "relaxations": code.relaxations().iter().map(|r| r.to_string()).collect::<Vec<_>>(),
    })
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let lenient = args.iter().any(|a| a == "--lenient");
    args.retain(|a| a != "--lenient");
    let [payload] = args.as_slice() else {
        eprintln!("usage: decode [--lenient] PAYLOAD");
        std::process::exit(2);
    };
    let options = if lenient { DecodeOptions::lenient() } else { DecodeOptions::strict() };
    match options.decode(payload) {
        Ok(code) => {
            let text = serde_json::to_string_pretty(&to_json(&code)).unwrap_or_default();
            println!("{text}");
        }
        Err(error) => {
            eprintln!("error: {error}");
            eprintln!("  at byte {} in {}", error.offset(), error.path());
            std::process::exit(1);
        }
    }
}
