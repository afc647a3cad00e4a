//! Payments and credit confirmation over real HTTP: every endpoint and each of its errors.

mod common;

use common::{Server, error_of, payment_body};
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn create_returns_201_with_the_documents_fields_and_get_reads_it_back() {
    let server = Server::start().await;
    let response = server.create(&payment_body()).await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    for field in [
        "external_id",
        "amount",
        "currency",
        "debtor_ispb",
        "debtor_name",
        "creditor_account_type",
        "description",
        "tx_id",
        "discounts",
        "additional_info",
    ] {
        assert_eq!(created[field], payment_body()[field], "{field}");
    }
    assert_eq!(created["status"], "PENDING");
    assert_eq!(created["created_by"], "ops@bank.example");
    assert!(uuid::Uuid::parse_str(created["unique_id"].as_str().unwrap()).is_ok());
    assert!(created["created_at"].as_str().unwrap().ends_with('Z'));
    let id = created["id"].as_i64().unwrap();
    let read: Value =
        server.request(Method::GET, &format!("/api/v1/payments/{id}")).send().await.unwrap().json().await.unwrap();
    assert_eq!(read, created);
    let missing = server.request(Method::GET, "/api/v1/payments/999999").send().await.unwrap();
    assert_eq!(error_of(missing).await, (404, "NOT_FOUND".into(), "payment request not found".into()));
    let not_a_number = server.request(Method::GET, "/api/v1/payments/abc").send().await.unwrap();
    assert_eq!(error_of(not_a_number).await.0, 400);
    server.stop().await;
}

#[tokio::test]
async fn an_integer_written_with_a_zero_fraction_is_that_integer() {
    // JSON Schema counts 15000.0 as an integer: schema-valid, so accepted; 150.5 is not.
    let server = Server::start().await;
    let mut body = payment_body();
    body["amount"] = serde_json::json!(15000.0);
    body["discounts"] = serde_json::json!([{"date": "2026-02-10T00:00:00Z", "amount": 5e2}]);
    let response = server.create(&body).await;
    assert_eq!(response.status(), 201);
    let payment: Value = response.json().await.unwrap();
    assert_eq!((payment["amount"].as_i64(), payment["discounts"][0]["amount"].as_i64()), (Some(15000), Some(500)));
    body["amount"] = serde_json::json!(150.5);
    body["external_id"] = serde_json::json!("OTHER");
    let (status, _, message) = error_of(server.create(&body).await).await;
    assert_eq!(status, 400);
    assert!(message.starts_with("amount: invalid type: floating point"), "{message}");
    server.stop().await;
}

#[tokio::test]
async fn every_validation_rule_is_a_400_naming_its_field() {
    let server = Server::start().await;
    let with = |field: &str, value: Value| {
        let mut body = payment_body();
        body[field] = value;
        body
    };
    let without = |field: &str| {
        let mut body = payment_body();
        body.as_object_mut().unwrap().remove(field);
        body
    };
    let cases: Vec<(Value, &str)> = vec![
        (without("amount"), "amount is required"),
        (with("amount", json!(0)), "amount must be"),
        (with("amount", json!(-5)), "amount must be"),
        (with("amount", json!(150.5)), "amount: invalid type"),
        (with("amount", json!("15000")), "amount: invalid type"),
        (with("currency", json!("USD")), "currency must be BRL"),
        (without("debtor_ispb"), "debtor_ispb is required"),
        (with("debtor_ispb", json!("1234567")), "debtor_ispb must be exactly 8 digits"),
        (with("creditor_ispb", json!("8765432a")), "creditor_ispb must be exactly 8 digits"),
        (without("debtor_document"), "debtor_document is required"),
        (with("debtor_document", json!("12345678901")), "debtor_document must be a valid CPF or CNPJ"),
        (with("creditor_document", json!("11222333000199")), "creditor_document must be a valid CPF or CNPJ"),
        (without("debtor_account_no"), "debtor_account_no is required"),
        (with("debtor_account_type", json!("CHECKING")), "debtor_account_type must be one of CACC, SVGS, SLRY, TRAN"),
        (without("creditor_account_type"), "creditor_account_type is required"),
        (with("description", json!("x".repeat(141))), "description must be at most 140 characters"),
        (with("scheduled_date", json!("2026-02-15")), "scheduled_date must be an RFC 3339 date-time"),
        (
            with("discounts", json!([{"date": "soon", "amount": 500}])),
            "discounts[0].date must be an RFC 3339 date-time",
        ),
        (with("discounts", json!([{"date": "2026-02-10T00:00:00Z", "amount": 0}])), "discounts[0].amount must be"),
        (with("additional_info", json!([{"key": " ", "value": "v"}])), "additional_info[0].key must not be empty"),
        (with("qr_code_data", json!("00020126...6304ABCD")), "qr_code_data must be a BR Code a wallet can pay"),
        (with("surprise", json!(1)), "surprise: unknown field `surprise`"),
        (
            with("discounts", json!([{"date": "2026-02-10T00:00:00Z", "amount": 5, "extra": 1}])),
            "discounts[0].extra: unknown field `extra`",
        ),
    ];
    for (body, expected) in cases {
        let (status, code, message) = error_of(server.create(&body).await).await;
        assert_eq!((status, code.as_str()), (400, "VALIDATION_ERROR"), "{expected}: {message}");
        assert!(message.starts_with(expected), "expected {expected:?}, got {message:?}");
    }
    // Five wrong fields: one answer lists them all, in the order the fields are checked, and
    // the message stays the first one's.
    let mut five = with("amount", json!(0));
    five["debtor_ispb"] = json!("1234567");
    five["creditor_document"] = json!("11222333000199");
    five["description"] = json!("x".repeat(141));
    five["discounts"] = json!([{"date": "soon", "amount": 500}]);
    let response = server.create(&five).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    let details: Vec<(&str, &str)> = body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["field"].as_str().unwrap(), d["message"].as_str().unwrap()))
        .collect();
    let fields: Vec<&str> = details.iter().map(|(field, _)| *field).collect();
    assert_eq!(fields, ["amount", "debtor_ispb", "creditor_document", "description", "discounts[0].date"], "{body}");
    assert!(details.iter().all(|(field, message)| message.starts_with(field)), "{body}");
    assert_eq!(body["error"]["message"], details[0].1);
    assert_eq!(body["error"]["code"], "VALIDATION_ERROR");
    // One violation is a list of one; a body serde cannot read names the field it stopped at.
    let body: Value = server.create(&with("currency", json!("USD"))).await.json().await.unwrap();
    assert_eq!(body["error"]["details"], json!([{"field": "currency", "message": "currency must be BRL"}]));
    let body: Value = server.create(&with("amount", json!("15000"))).await.json().await.unwrap();
    assert_eq!(body["error"]["details"][0]["field"], "amount", "{body}");
    for raw in ["{\"amount\": ", "[1, 2]", "", "null"] {
        let response = server
            .request(Method::POST, "/api/v1/payments")
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        let (status, code, message) = error_of(response).await;
        assert_eq!((status, code.as_str()), (400, "VALIDATION_ERROR"), "{raw:?}: {message}");
    }
    // Nothing was stored.
    let list: Value = server.request(Method::GET, "/api/v1/payments").send().await.unwrap().json().await.unwrap();
    assert_eq!(list["pagination"]["total"], 0);
    server.stop().await;
}

#[tokio::test]
async fn external_ids_are_unique_and_idempotency_keys_replay() {
    let server = Server::start().await;
    let first = server.created_id(&payment_body()).await;
    let (status, code, message) = error_of(server.create(&payment_body()).await).await;
    assert_eq!((status, code.as_str()), (409, "DUPLICATE_EXTERNAL_ID"));
    assert!(message.contains(&format!("payment {first}")), "{message}");

    let mut body = payment_body();
    body["external_id"] = json!("IDEMPOTENT-1");
    let post = |body: &Value| {
        server.request(Method::POST, "/api/v1/payments").header("Idempotency-Key", "retry-me").json(body).send()
    };
    let original = post(&body).await.unwrap();
    assert_eq!(original.status(), 201);
    let original: Value = original.json().await.unwrap();
    let retried = post(&body).await.unwrap();
    assert_eq!(retried.status(), 201);
    assert_eq!(retried.headers()["idempotent-replayed"], "true");
    assert_eq!(retried.json::<Value>().await.unwrap(), original);
    body["amount"] = json!(20000);
    let (status, code, _) = error_of(post(&body).await.unwrap()).await;
    assert_eq!((status, code.as_str()), (422, "IDEMPOTENCY_KEY_REUSED"));
    server.stop().await;
}

#[tokio::test]
async fn lists_filter_and_paginate() {
    let server = Server::start().await;
    for (index, amount) in [1000, 5000, 9000, 20000, 50000].into_iter().enumerate() {
        let mut body = payment_body();
        body["external_id"] = json!(format!("LIST-{index}"));
        body["amount"] = json!(amount);
        if index % 2 == 1 {
            body["creditor_ispb"] = json!("11111111");
        }
        server.created_id(&body).await;
    }
    let server = &server;
    let list = |query: &'static str| async move {
        let response = server.request(Method::GET, &format!("/api/v1/payments{query}")).send().await.unwrap();
        (response.status().as_u16(), response.json::<Value>().await.unwrap())
    };
    let (status, page) = list("?limit=2&offset=2").await;
    assert_eq!(status, 200);
    assert_eq!(page["pagination"], json!({"total": 5, "page": 1, "page_size": 2, "total_pages": 3}));
    assert_eq!(page["data"].as_array().unwrap().len(), 2);
    assert_eq!(page["data"][0]["amount"], 9000, "newest first");
    let (_, page) = list("?creditor_ispb=11111111&min_amount=6000").await;
    assert_eq!(page["pagination"]["total"], 1);
    assert_eq!(page["data"][0]["amount"], 20000);
    let (_, page) = list("?status=PENDING&debtor_ispb=12345678&max_amount=5000").await;
    assert_eq!(page["pagination"]["total"], 2);
    let (_, page) = list("").await;
    assert_eq!(page["pagination"]["page_size"], 20);
    for bad in [
        "?limit=101",
        "?limit=0",
        "?offset=-1",
        "?status=DONE",
        "?debtor_ispb=123",
        "?min_amount=x",
        "?min_amount=9&max_amount=1",
        "?colour=red",
    ] {
        let response = server.request(Method::GET, &format!("/api/v1/payments{bad}")).send().await.unwrap();
        let (status, code, message) = error_of(response).await;
        assert_eq!((status, code.as_str()), (400, "VALIDATION_ERROR"), "{bad}: {message}");
    }
}

#[tokio::test]
async fn status_follows_the_documents_table() {
    let server = Server::start().await;
    let id = server.created_id(&payment_body()).await;
    let (status, code, message) = error_of(server.set_status(id, "COMPLETED").await).await;
    assert_eq!((status, code.as_str()), (409, "INVALID_TRANSITION"));
    assert_eq!(message, "cannot transition payment from PENDING to COMPLETED");
    let (status, _, message) = error_of(server.set_status(id, "DONE").await).await;
    assert_eq!(status, 400, "{message}");
    assert_eq!(server.set_status(id, "PROCESSING").await.status(), 200);
    let done = server
        .request(Method::PUT, &format!("/api/v1/payments/{id}/status"))
        .json(&json!({"status": "COMPLETED", "end_to_end_id": "E1234567820260124103000000001"}))
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    let done: Value = done.json().await.unwrap();
    assert_eq!(done["status"], "COMPLETED");
    assert_eq!(done["end_to_end_id"], "E1234567820260124103000000001");
    assert!(done["processed_at"].is_string() && done["updated_at"].is_string());
    assert_eq!(done.as_object().unwrap().len(), 5, "{done}");

    let cancel = server.request(Method::DELETE, &format!("/api/v1/payments/{id}")).send().await.unwrap();
    assert_eq!(
        error_of(cancel).await,
        (409, "INVALID_TRANSITION".into(), "cannot cancel payment in COMPLETED status".into())
    );

    // The same end-to-end id on another payment; then a generated one.
    let mut body = payment_body();
    body["external_id"] = json!("SECOND");
    let second = server.created_id(&body).await;
    server.set_status(second, "PROCESSING").await;
    let duplicate = server
        .request(Method::PUT, &format!("/api/v1/payments/{second}/status"))
        .json(&json!({"status": "COMPLETED", "end_to_end_id": "E1234567820260124103000000001"}))
        .send()
        .await
        .unwrap();
    let (status, code, message) = error_of(duplicate).await;
    assert_eq!((status, code.as_str()), (409, "DUPLICATE_END_TO_END_ID"));
    assert!(message.contains(&format!("payment {id}")), "{message}");
    let generated: Value = server.set_status(second, "COMPLETED").await.json().await.unwrap();
    let e2e = generated["end_to_end_id"].as_str().unwrap();
    assert!(e2e.len() == 32 && e2e.starts_with("E12345678"), "{e2e}");

    // Cancel a pending payment: 200 with the payment.
    let mut body = payment_body();
    body["external_id"] = json!("THIRD");
    let third = server.created_id(&body).await;
    let cancelled = server.request(Method::DELETE, &format!("/api/v1/payments/{third}")).send().await.unwrap();
    assert_eq!(cancelled.status(), 200);
    assert_eq!(cancelled.json::<Value>().await.unwrap()["status"], "CANCELLED");

    // Each one's trail, with the token's subject; refused changes left nothing.
    let reader = &server;
    let history = |id: i64| async move {
        let response = reader.request(Method::GET, &format!("/api/v1/payments/{id}/history")).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                assert!(c["at"].is_string(), "{c}");
                (c["from"].as_str().map(str::to_owned), c["to"].as_str().unwrap().to_owned(), c["actor"].clone())
            })
            .collect::<Vec<_>>()
    };
    let ops = json!("ops@bank.example");
    assert_eq!(
        history(id).await,
        [
            (None, "PENDING".to_owned(), ops.clone()),
            (Some("PENDING".to_owned()), "PROCESSING".to_owned(), ops.clone()),
            (Some("PROCESSING".to_owned()), "COMPLETED".to_owned(), ops.clone()),
        ]
    );
    assert_eq!(history(third).await.last().unwrap().1, "CANCELLED");
    let missing = server.request(Method::GET, "/api/v1/payments/999999/history").send().await.unwrap();
    assert_eq!(error_of(missing).await.0, 404);
    server.stop().await;
}

#[tokio::test]
async fn concurrent_conflicting_updates_have_one_winner() {
    let server = Server::start().await;
    for round in 0..5 {
        let mut body = payment_body();
        body["external_id"] = json!(format!("RACE-{round}"));
        let id = server.created_id(&body).await;
        server.set_status(id, "PROCESSING").await;
        let (completed, failed) = tokio::join!(server.set_status(id, "COMPLETED"), server.set_status(id, "FAILED"));
        let statuses = [completed.status().as_u16(), failed.status().as_u16()];
        assert!(statuses == [200, 409] || statuses == [409, 200], "{statuses:?}");
    }
    server.stop().await;
}

#[tokio::test]
async fn a_scheduled_payment_becomes_pending_when_its_date_arrives() {
    let server = Server::start().await;
    let mut body = payment_body();
    let soon = time::OffsetDateTime::now_utc() + time::Duration::seconds(2);
    body["scheduled_date"] = json!(settlement_core::time_format::format(soon));
    let response = server.create(&body).await;
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["status"], "SCHEDULED");
    let id = created["id"].as_i64().unwrap();
    let mut status = String::new();
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let read: Value =
            server.request(Method::GET, &format!("/api/v1/payments/{id}")).send().await.unwrap().json().await.unwrap();
        status = read["status"].as_str().unwrap().to_owned();
        if status == "PENDING" {
            break;
        }
    }
    assert_eq!(status, "PENDING");
    server.stop().await;
}

#[tokio::test]
async fn credit_is_confirmed_once_by_the_tokens_subject() {
    let server = Server::start().await;
    let id = server.created_id(&payment_body()).await;
    let path = format!("/api/v1/payments/{id}/confirm-credit");
    let confirm = |amount: i64| {
        server
            .request(Method::POST, &path)
            .header("X-User-ID", "mallory")
            .json(&json!({"amount": amount, "notes": "Credit confirmed via bank statement"}))
            .send()
    };
    let (status, code, _) = error_of(confirm(15000).await.unwrap()).await;
    assert_eq!((status, code.as_str()), (409, "PAYMENT_NOT_COMPLETED"));
    let missing = server.request(Method::GET, &path).send().await.unwrap();
    assert_eq!(error_of(missing).await, (404, "NOT_FOUND".into(), "credit confirmation not found".into()));
    server.set_status(id, "PROCESSING").await;
    server.set_status(id, "COMPLETED").await;
    let (status, code, message) = error_of(confirm(14000).await.unwrap()).await;
    assert_eq!((status, code.as_str()), (422, "AMOUNT_MISMATCH"), "{message}");
    let confirmed = confirm(15000).await.unwrap();
    assert_eq!(confirmed.status(), 201);
    let confirmed: Value = confirmed.json().await.unwrap();
    assert_eq!(confirmed["confirmed_by"], "ops@bank.example");
    assert_eq!(confirmed["payment_request_id"], id);
    assert_eq!(confirmed["status"], "CONFIRMED");
    assert_eq!(confirmed["confirmed_amount"], 15000);
    let (status, code, _) = error_of(confirm(15000).await.unwrap()).await;
    assert_eq!((status, code.as_str()), (409, "ALREADY_CONFIRMED"));
    let read: Value = server.request(Method::GET, &path).send().await.unwrap().json().await.unwrap();
    assert_eq!(read, confirmed);
    let unknown = server
        .request(Method::POST, "/api/v1/payments/424242/confirm-credit")
        .json(&json!({"amount": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(unknown).await.0, 404);
    server.stop().await;
}
