//! QR codes over real HTTP: each type's payload checked field by field, the signed charge at a
//! dynamic code's location checked against the JWKS, every error, the picture read back by a
//! QR decoder, and payments that use codes up.

mod common;

use common::{Server, error_of, payment_body};
use jsonwebtoken::{DecodingKey, Validation};
use reqwest::Method;
use serde_json::{Value, json};

fn qr_body(kind: &str) -> Value {
    json!({
        "type": kind,
        "merchant_name": "Loja ABC",
        "merchant_city": "São Paulo",
        "merchant_category_code": "5411",
        "pix_key": "12345678909",
        "amount": 15000,
        "currency": "BRL",
        "description": "Compra na Loja ABC"
    })
}

async fn create(server: &Server, body: &Value) -> Value {
    let response = server.request(Method::POST, "/api/v1/qr-codes").json(body).send().await.unwrap();
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

fn location_path(code: &Value) -> String {
    let location = code["location"].as_str().unwrap();
    location.strip_prefix("pix.example.com").unwrap().to_owned()
}

#[tokio::test]
async fn each_type_returns_the_documents_fields_and_a_real_br_code() {
    let server = Server::start().await;
    let mut body = qr_body("STATIC");
    body["tx_id"] = json!("ABC123");
    let code = create(&server, &body).await;
    for field in [
        "id",
        "unique_id",
        "type",
        "payload",
        "emv_data",
        "merchant_name",
        "merchant_city",
        "merchant_category_code",
        "pix_key",
        "tx_id",
        "amount",
        "currency",
        "description",
        "is_valid",
        "validated_at",
        "used_count",
        "created_at",
        "updated_at",
    ] {
        assert!(!code[field].is_null(), "{field} missing: {code}");
    }
    assert_eq!(
        (code["type"].as_str(), code["merchant_city"].as_str(), code["is_valid"].as_bool()),
        (Some("STATIC"), Some("São Paulo"), Some(true))
    );
    let decoded = brcode_pix::decode(code["payload"].as_str().unwrap()).unwrap();
    assert_eq!(decoded.key(), Some("12345678909"));
    assert_eq!(decoded.txid(), Some("ABC123"));
    assert_eq!(decoded.amount_centavos(), Some(15000));
    assert_eq!(decoded.merchant_category_code(), "5411");
    assert_eq!((decoded.merchant_name(), decoded.merchant_city()), ("Loja ABC", "Sao Paulo"));
    assert_eq!(decoded.pix().info(), Some("Compra na Loja ABC"));
    assert!(code["payload"].as_str().unwrap().starts_with(code["emv_data"].as_str().unwrap()));

    for kind in ["IMMEDIATE", "DYNAMIC", "DUE_DATE"] {
        let mut body = qr_body(kind);
        if kind == "DUE_DATE" {
            body["due_date"] = json!("2099-02-10");
        }
        let code = create(&server, &body).await;
        let decoded = brcode_pix::decode(code["payload"].as_str().unwrap()).unwrap();
        assert!(decoded.is_dynamic(), "{kind}");
        assert_eq!((decoded.key(), decoded.txid(), decoded.amount()), (None, Some("***"), None), "{kind}");
        assert_eq!(decoded.url(), code["location"].as_str());
        let id = code["id"].as_i64().unwrap();
        let by_id: Value =
            server.request(Method::GET, &format!("/api/v1/qr-codes/{id}")).send().await.unwrap().json().await.unwrap();
        assert_eq!(by_id, code);
        let txid = code["tx_id"].as_str().unwrap();
        let by_txid: Value = server
            .request(Method::GET, &format!("/api/v1/qr-codes/txid/{txid}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(by_txid["id"], id);
    }
    let missing = server.request(Method::GET, "/api/v1/qr-codes/txid/NOPE").send().await.unwrap();
    assert_eq!(error_of(missing).await.0, 404);
    server.stop().await;
}

#[tokio::test]
async fn every_rule_is_a_400_naming_its_field() {
    let server = Server::start().await;
    // Four wrong fields, one of them a rule of the type: one answer lists them all.
    let mut four = qr_body("DUE_DATE");
    four["merchant_name"] = json!("A".repeat(26));
    four["pix_key"] = json!("12345678901");
    four["tx_id"] = json!("SHORT");
    four["due_date"] = json!("tomorrow");
    let response = server.request(Method::POST, "/api/v1/qr-codes").json(&four).send().await.unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    let fields: Vec<&str> =
        body["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["merchant_name", "pix_key", "tx_id", "due_date"], "{body}");
    assert_eq!(body["error"]["message"], body["error"]["details"][0]["message"]);

    let with = |kind: &str, field: &str, value: Value| {
        let mut body = qr_body(kind);
        if value.is_null() {
            body.as_object_mut().unwrap().remove(field);
        } else {
            body[field] = value;
        }
        body
    };
    let cases = [
        (with("STATIC", "merchant_category_code", json!("54A1")), "merchant_category_code must be 4 digits"),
        (with("STATIC", "merchant_name", json!("A".repeat(26))), "merchant_name must be at most 25 characters"),
        (with("STATIC", "merchant_city", json!("B".repeat(16))), "merchant_city must be at most 15 characters"),
        (with("STATIC", "pix_key", json!("12345678901")), "pix_key is not a valid Pix key"),
        (with("STATIC", "pix_key", Value::Null), "pix_key is required"),
        (with("IMMEDIATE", "amount", Value::Null), "amount is required for a IMMEDIATE code"),
        (with("STATIC", "amount", json!(0)), "amount must be an integer of at least 1"),
        (with("STATIC", "currency", json!("USD")), "currency must be BRL"),
        (with("IMMEDIATE", "expires_at", json!("2020-01-01T00:00:00Z")), "expires_at must be in the future"),
        (with("STATIC", "expires_at", json!("2099-01-01T00:00:00Z")), "expires_at is not accepted"),
        (with("STATIC", "description", json!("x".repeat(70))), "description must be at most"),
        (with("IMMEDIATE", "description", json!("x".repeat(141))), "description must be at most 140"),
        (with("IMMEDIATE", "tx_id", json!("A".repeat(26))), "tx_id of a IMMEDIATE code must be 1 to 25"),
        (with("DUE_DATE", "tx_id", json!("SHORT1")), "tx_id of a DUE_DATE code must be 26 to 35"),
        (with("DUE_DATE", "due_date", Value::Null), "due_date is required"),
        (with("STATIC", "type", json!("ROTATING")), "type must be one of"),
        (with("STATIC", "type", Value::Null), "type is required"),
        (with("STATIC", "colour", json!("red")), "colour: unknown field"),
    ];
    for (body, expected) in cases {
        let response = server.request(Method::POST, "/api/v1/qr-codes").json(&body).send().await.unwrap();
        let (status, code, message) = error_of(response).await;
        assert_eq!((status, code.as_str()), (400, "VALIDATION_ERROR"), "{expected}: {message}");
        assert!(message.starts_with(expected), "expected {expected:?}, got {message:?}");
    }
    let mut body = qr_body("IMMEDIATE");
    body["tx_id"] = json!("TAKEN1");
    create(&server, &body).await;
    let response = server.request(Method::POST, "/api/v1/qr-codes").json(&body).send().await.unwrap();
    let (status, code, _) = error_of(response).await;
    assert_eq!((status, code.as_str()), (409, "DUPLICATE_TXID"));
    server.stop().await;
}

#[tokio::test]
async fn the_location_serves_a_signed_charge_checked_against_the_jwks() {
    let server = Server::start().await;
    let mut body = qr_body("IMMEDIATE");
    body["tx_id"] = json!("COB123");
    let code = create(&server, &body).await;
    let response = server.client.get(server.url(&location_path(&code))).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/jose");
    let jws = response.text().await.unwrap();
    let header = jsonwebtoken::decode_header(&jws).unwrap();
    assert_eq!(header.alg, jsonwebtoken::Algorithm::ES256);
    assert_eq!(header.jku.as_deref(), Some("https://pix.example.com/.well-known/jwks.json"));
    let jwks: jsonwebtoken::jwk::JwkSet =
        server.client.get(server.url("/.well-known/jwks.json")).send().await.unwrap().json().await.unwrap();
    let jwk = jwks.find(header.kid.as_deref().unwrap()).expect("the header's kid is in the JWKS");
    let mut validation = Validation::new(jsonwebtoken::Algorithm::ES256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    let charge = jsonwebtoken::decode::<Value>(&jws, &DecodingKey::from_jwk(jwk).unwrap(), &validation).unwrap().claims;
    assert_eq!(charge["txid"], "COB123");
    assert_eq!(charge["revisao"], 0);
    assert_eq!(charge["status"], "ATIVA");
    assert_eq!(charge["chave"], "12345678909");
    assert_eq!(charge["valor"]["original"], "150.00");
    assert_eq!(charge["calendario"]["expiracao"], 86400);
    assert_eq!(charge["solicitacaoPagador"], "Compra na Loja ABC");

    let unknown = server.client.get(server.url("/pix/qr/v2/0123456789abcdef0123456789abcdef")).send().await.unwrap();
    assert_eq!(error_of(unknown).await.0, 404);
    let id = code["id"].as_i64().unwrap();
    let done = server.request(Method::PUT, &format!("/api/v1/qr-codes/{id}/deactivate")).send().await.unwrap();
    assert_eq!(done.status(), 200);
    let done: Value = done.json().await.unwrap();
    assert_eq!((done["status"].as_str(), done["used_count"].as_i64()), (Some("used"), Some(1)));
    assert!(done["used_at"].is_string());
    let gone = server.client.get(server.url(&location_path(&code))).send().await.unwrap();
    assert_eq!(error_of(gone).await.0, 410);
    let again = server.request(Method::PUT, &format!("/api/v1/qr-codes/{id}/deactivate")).send().await.unwrap();
    assert_eq!(error_of(again).await.1, "INVALID_TRANSITION");
    let fixed = create(&server, &qr_body("STATIC")).await;
    let refused =
        server.request(Method::PUT, &format!("/api/v1/qr-codes/{}/deactivate", fixed["id"])).send().await.unwrap();
    assert_eq!(
        error_of(refused).await,
        (
            409,
            "INVALID_TRANSITION".into(),
            "cannot deactivate a STATIC QR code: it is reusable and never expires".into()
        )
    );
    server.stop().await;
}

#[tokio::test]
async fn a_payment_uses_up_a_dynamic_code() {
    let server = Server::start().await;
    let code = create(&server, &qr_body("IMMEDIATE")).await;
    let mut payment = payment_body();
    payment["tx_id"] = code["tx_id"].clone();
    server.created_id(&payment).await;
    let read: Value = server
        .request(Method::GET, &format!("/api/v1/qr-codes/{}", code["id"]))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (read["used_count"].as_i64(), read["status"].as_str(), read["is_valid"].as_bool()),
        (Some(1), Some("used"), Some(false))
    );
    let mut second = payment_body();
    second["external_id"] = json!("SECOND");
    second["qr_code_data"] = code["payload"].clone();
    let (status, error, _) = error_of(server.create(&second).await).await;
    assert_eq!((status, error.as_str()), (409, "QR_CODE_USED"));
    server.stop().await;
}

#[tokio::test]
async fn validate_and_decode_judge_any_payload() {
    let server = Server::start().await;
    let code = create(&server, &qr_body("IMMEDIATE")).await;
    let payload = code["payload"].as_str().unwrap().to_owned();
    let post = |path: &'static str, payload: Value| {
        server.request(Method::POST, path).json(&json!({ "payload": payload })).send()
    };
    let check: Value = post("/api/v1/qr-codes/validate", json!(payload)).await.unwrap().json().await.unwrap();
    assert_eq!(check["valid"], true, "{check}");
    assert_eq!(check["qr_code"]["id"], code["id"]);
    assert_eq!(
        (check["qr_code"]["is_valid"].as_bool(), check["qr_code"]["validation_errors"].as_str()),
        (Some(true), Some(""))
    );
    server.request(Method::PUT, &format!("/api/v1/qr-codes/{}/deactivate", code["id"])).send().await.unwrap();
    let check: Value = post("/api/v1/qr-codes/validate", json!(payload)).await.unwrap().json().await.unwrap();
    assert_eq!(
        (check["valid"].as_bool(), check["qr_code"]["is_valid"].as_bool()),
        (Some(false), Some(false)),
        "{check}"
    );
    assert!(check["error"].as_str().unwrap().contains("used"), "{check}");

    let broken = format!("{}0000", &payload[..payload.len() - 4]);
    let response = post("/api/v1/qr-codes/validate", json!(broken)).await.unwrap();
    assert_eq!(response.status(), 200);
    let check: Value = response.json().await.unwrap();
    assert_eq!(check["valid"], false);
    assert!(check["error"].as_str().unwrap().contains("CRC"), "{check}");
    let garbage: Value = post("/api/v1/qr-codes/validate", json!("not a code")).await.unwrap().json().await.unwrap();
    assert_eq!(garbage["valid"], false);

    let bcb = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865409123456.785802BR5913Fulano de Tal6008BRASILIA62070503***6304";
    let crc = format!("{:04X}", brcode_pix::crc16(bcb.as_bytes()));
    let decoded: Value =
        post("/api/v1/qr-codes/decode", json!(format!("{bcb}{crc}"))).await.unwrap().json().await.unwrap();
    assert_eq!(decoded["valid"], true, "{decoded}");
    assert_eq!(decoded["type"], "STATIC");
    assert_eq!(decoded["pix_key"], "123e4567-e12b-12d1-a456-426655440000");
    assert_eq!(decoded["amount"], 12345678);
    assert_eq!(decoded["amount_formatted"], "R$ 123.456,78");
    assert_eq!((decoded["currency"].as_str(), decoded["country_code"].as_str()), (Some("BRL"), Some("BR")));
    assert_eq!((decoded["crc"].as_str(), decoded["crc_valid"].as_bool()), (Some(crc.as_str()), Some(true)));
    assert_eq!(decoded["raw_fields"]["26.00"], "br.gov.bcb.pix");
    assert_eq!(decoded["raw_fields"]["54"], "123456.78");
    assert_eq!(decoded["errors"], json!([]));
    let bad = format!("{bcb}{crc}").replace("5303986", "5303840").replace("5802BR", "5802US");
    let decoded: Value = post("/api/v1/qr-codes/decode", json!(bad)).await.unwrap().json().await.unwrap();
    assert_eq!((decoded["valid"].as_bool(), decoded["crc_valid"].as_bool()), (Some(false), Some(false)));
    let fields: Vec<&str> =
        decoded["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["63", "53", "58"], "{decoded}");
    let missing = server.request(Method::POST, "/api/v1/qr-codes/decode").json(&json!({})).send().await.unwrap();
    assert_eq!(error_of(missing).await.0, 400);
    server.stop().await;
}

/// A static payload with `body` between the currency and the CRC, its CRC computed.
fn static_code(body: &str) -> String {
    let head = format!("00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000520400005303986{body}6304");
    let crc = brcode_pix::crc16(head.as_bytes());
    format!("{head}{crc:04X}")
}

#[tokio::test]
async fn codes_wallets_pay_are_valid_with_warnings_naming_the_relaxation() {
    let server = Server::start().await;
    let post = |path: &'static str, payload: &str| {
        server.request(Method::POST, path).json(&json!({ "payload": payload })).send()
    };
    let conformant = static_code("5802BR5913Fulano de Tal6008BRASILIA62070503***");
    let cases = [
        // A city of 16 characters.
        (static_code("5802BR5913Fulano de Tal6016SAO JOSE DO PAIS62070503***"), vec![("long_merchant_city", "60")]),
        // No field 62.
        (static_code("5802BR5913Fulano de Tal6008BRASILIA"), vec![("missing_txid", "62")]),
        // A txid with a hyphen, in a static code: the manual's own example.
        (
            static_code("5802BR5913Fulano de Tal6008BRASILIA62190515RP12345678-2019"),
            vec![("nonstandard_txid", "62.05")],
        ),
        // Two at once, in payload order.
        (
            static_code("5802BR5931Fulano de Tal da Silva Sauro Jr6008BRASILIA"),
            vec![("long_merchant_name", "59"), ("missing_txid", "62")],
        ),
    ];
    let decoded: Value = post("/api/v1/qr-codes/decode", &conformant).await.unwrap().json().await.unwrap();
    assert_eq!(
        (&decoded["valid"], &decoded["conformant"], &decoded["warnings"]),
        (&json!(true), &json!(true), &json!([]))
    );
    for (payload, expected) in &cases {
        for path in ["/api/v1/qr-codes/decode", "/api/v1/qr-codes/validate"] {
            let answer: Value = post(path, payload).await.unwrap().json().await.unwrap();
            assert_eq!((&answer["valid"], &answer["conformant"]), (&json!(true), &json!(false)), "{path} {answer}");
            assert_eq!(answer["errors"], json!([]), "{path} {answer}");
            let warnings: Vec<(&str, &str)> = answer["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| (w["relaxation"].as_str().unwrap(), w["field"].as_str().unwrap()))
                .collect();
            assert_eq!(&warnings, expected, "{path} {answer}");
            assert!(answer["warnings"][0]["message"].as_str().is_some_and(|m| !m.is_empty()), "{answer}");
        }
        // A payment carrying it is accepted too.
        let mut payment = payment_body();
        payment["external_id"] = json!(format!("WALLET-{}", &payload[payload.len() - 4..]));
        payment["qr_code_data"] = json!(payload);
        server.created_id(&payment).await;
    }
    // What no wallet pays stays invalid: a broken CRC, a payload with no key nor location.
    let broken = format!("{}0000", &conformant[..conformant.len() - 4]);
    let no_key = {
        let head = "00020126180014br.gov.bcb.pix520400005303986".to_owned()
            + "5802BR5913Fulano de Tal6008BRASILIA62070503***6304";
        format!("{head}{:04X}", brcode_pix::crc16(head.as_bytes()))
    };
    for payload in [broken, no_key] {
        let answer: Value = post("/api/v1/qr-codes/decode", &payload).await.unwrap().json().await.unwrap();
        assert_eq!((&answer["valid"], &answer["conformant"]), (&json!(false), &json!(false)), "{answer}");
        let mut payment = payment_body();
        payment["qr_code_data"] = json!(payload);
        let (status, code, message) = error_of(server.create(&payment).await).await;
        assert_eq!((status, code.as_str()), (400, "VALIDATION_ERROR"), "{message}");
    }
    server.stop().await;
}

#[tokio::test]
async fn the_picture_scans_back_to_the_payload() {
    let server = Server::start().await;
    let code = create(&server, &qr_body("STATIC")).await;
    let id = code["id"].as_i64().unwrap();
    let response = server.request(Method::GET, &format!("/api/v1/qr-codes/{id}/image?size=400")).send().await.unwrap();
    assert_eq!(response.headers()["content-type"], "image/png");
    let bytes = response.bytes().await.unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes.to_vec()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let (width, height) = (info.width as usize, info.height as usize);
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| pixels[y * width + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(content, code["payload"].as_str().unwrap());

    let svg = server.request(Method::GET, &format!("/api/v1/qr-codes/{id}/image?format=svg")).send().await.unwrap();
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.unwrap().contains("<svg"));
    for bad in ["?format=gif", "?size=10", "?size=big", "?colour=red"] {
        let response = server.request(Method::GET, &format!("/api/v1/qr-codes/{id}/image{bad}")).send().await.unwrap();
        assert_eq!(error_of(response).await.0, 400, "{bad}");
    }
    server.stop().await;
}

#[tokio::test]
async fn lists_filter_and_scopes_guard() {
    let server = Server::start().await;
    create(&server, &qr_body("STATIC")).await;
    let used = create(&server, &qr_body("IMMEDIATE")).await;
    let mut body = qr_body("DYNAMIC");
    body["tx_id"] = json!("FINDME");
    create(&server, &body).await;
    server.request(Method::PUT, &format!("/api/v1/qr-codes/{}/deactivate", used["id"])).send().await.unwrap();
    let list = |query: &'static str| {
        let request = server.request(Method::GET, &format!("/api/v1/qr-codes{query}"));
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    assert_eq!(list("").await["pagination"], json!({"total": 3, "page": 0, "page_size": 20, "total_pages": 1}));
    assert_eq!(list("?type=STATIC").await["pagination"]["total"], 1);
    assert_eq!(list("?status=used").await["data"][0]["id"], used["id"]);
    assert_eq!(list("?tx_id=FINDME&status=active").await["pagination"]["total"], 1);
    assert_eq!(
        list("?limit=1&offset=1").await["pagination"],
        json!({"total": 3, "page": 1, "page_size": 1, "total_pages": 3})
    );
    for bad in ["?type=OTHER", "?status=ACTIVE", "?limit=101", "?colour=red"] {
        let response = server.request(Method::GET, &format!("/api/v1/qr-codes{bad}")).send().await.unwrap();
        assert_eq!(error_of(response).await.0, 400, "{bad}");
    }
    let payments_only = Server::token("payments.read payments.write");
    let response = server
        .client
        .post(server.url("/api/v1/qr-codes"))
        .bearer_auth(&payments_only)
        .json(&qr_body("STATIC"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["www-authenticate"], r#"Bearer error="insufficient_scope", scope="qrcodes.write""#);
    let response = server.client.get(server.url("/api/v1/qr-codes")).bearer_auth(&payments_only).send().await.unwrap();
    assert_eq!(error_of(response).await.0, 403);
    server.stop().await;
}

#[tokio::test]
async fn a_configured_rsa_key_signs_rs256() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = common::settings(dir.path());
    settings.jws_key = Some(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/keys/rs256-private.pem").to_owned());
    let server = Server::start_with(settings, dir).await;
    let code = create(&server, &qr_body("DYNAMIC")).await;
    let jws = server.client.get(server.url(&location_path(&code))).send().await.unwrap().text().await.unwrap();
    let header = jsonwebtoken::decode_header(&jws).unwrap();
    assert_eq!(header.alg, jsonwebtoken::Algorithm::RS256);
    let jwks: jsonwebtoken::jwk::JwkSet =
        server.client.get(server.url("/.well-known/jwks.json")).send().await.unwrap().json().await.unwrap();
    let jwk = jwks.find(header.kid.as_deref().unwrap()).unwrap();
    let mut validation = Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    let charge = jsonwebtoken::decode::<Value>(&jws, &DecodingKey::from_jwk(jwk).unwrap(), &validation).unwrap().claims;
    assert_eq!(charge["txid"], code["tx_id"]);
    // The generated ES256 key was not made: the configured one is used.
    assert!(!server.dir.path().join("jws-es256.pem").exists());
    server.stop().await;
}
