//! Refunds over real HTTP: the idempotent PUT, the lifecycle and what it does to the payment,
//! the refusals, the scopes (MED natures need `refunds.med`), the lists, the export's column,
//! the events, and a refund of an imported payment.

mod common;

use std::time::Duration;

use common::{ALL_SCOPES, Server, error_of, payment_body};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, Response};
use serde_json::{Value, json};

/// Every payment scope and the refunds' own (not `refunds.med`).
fn scopes() -> String {
    format!("{ALL_SCOPES} refunds.read refunds.write refunds.status")
}

async fn call(server: &Server, scope: &str, method: Method, path: &str, body: Option<Value>) -> Response {
    let mut request = server.client.request(method, server.url(path)).bearer_auth(Server::token(scope));
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

async fn refund(server: &Server, payment: i64, refund_id: &str, body: Value) -> Response {
    call(server, &scopes(), Method::PUT, &format!("/api/v1/payments/{payment}/refunds/{refund_id}"), Some(body)).await
}

async fn end(server: &Server, payment: i64, refund_id: &str, body: Value) -> Response {
    let path = format!("/api/v1/payments/{payment}/refunds/{refund_id}/status");
    call(server, &scopes(), Method::PUT, &path, Some(body)).await
}

async fn read(server: &Server, path: &str) -> Value {
    let response = call(server, &scopes(), Method::GET, path, None).await;
    assert_eq!(response.status(), 200, "GET {path}");
    response.json().await.unwrap()
}

/// A payment moved to `COMPLETED`.
async fn completed(server: &Server, external_id: &str) -> i64 {
    let mut body = payment_body();
    body["external_id"] = json!(external_id);
    let id = server.created_id(&body).await;
    complete(server, id).await;
    id
}

async fn complete(server: &Server, id: i64) {
    for status in ["PROCESSING", "COMPLETED"] {
        assert_eq!(server.set_status(id, status).await.status(), 200);
    }
}

#[tokio::test]
async fn a_refund_is_asked_once_ends_returned_and_counts_on_the_payment() {
    let server = Server::start().await;
    let id = completed(&server, "HTTP-REFUND").await;
    let body = json!({"amount": 5000, "description": "Item returned"});

    let response = refund(&server, id, "R1", body.clone()).await;
    assert_eq!(response.status(), 201);
    let first: Value = response.json().await.unwrap();
    assert_eq!((first["refund_id"].as_str(), first["payment_request_id"].as_i64()), (Some("R1"), Some(id)));
    assert_eq!(
        (first["amount"].as_i64(), first["nature"].as_str(), first["status"].as_str()),
        (Some(5000), Some("ORIGINAL"), Some("IN_PROCESS"))
    );
    assert_eq!(first["description"], "Item returned");
    assert_eq!(first["created_by"], "ops@bank.example");
    let rtr_id = first["rtr_id"].as_str().unwrap();
    assert!(rtr_id.len() == 32 && rtr_id.starts_with("D87654321"), "the creditor's institution returns it: {rtr_id}");
    assert!(first["requested_at"].is_string() && first.get("settled_at").is_none());

    // The same PUT again: 200 and the same refund; another body with the same id: 409.
    let again = refund(&server, id, "R1", body.clone()).await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.unwrap();
    assert_eq!((&again["id"], &again["rtr_id"]), (&first["id"], &first["rtr_id"]));
    let (status, code, message) = error_of(refund(&server, id, "R1", json!({"amount": 5001})).await).await;
    assert_eq!((status, code.as_str()), (409, "REFUND_ID_REUSED"), "{message}");

    let payment = read(&server, &format!("/api/v1/payments/{id}")).await;
    assert_eq!(payment["refunded_amount"], 0);
    assert_eq!(
        payment["refunds"],
        json!({"count": 1, "returned_amount": 0, "in_process_amount": 5000, "refundable_amount": 10000})
    );

    let returned = end(&server, id, "R1", json!({"status": "RETURNED"})).await;
    assert_eq!(returned.status(), 200);
    let returned: Value = returned.json().await.unwrap();
    assert_eq!(returned["status"], "RETURNED");
    assert!(returned["settled_at"].is_string());
    let payment = read(&server, &format!("/api/v1/payments/{id}")).await;
    assert_eq!((payment["status"].as_str(), payment["refunded_amount"].as_i64()), (Some("COMPLETED"), Some(5000)));
    let (status, code, _) = error_of(end(&server, id, "R1", json!({"status": "NOT_DONE", "reason": "x"})).await).await;
    assert_eq!((status, code.as_str()), (409, "INVALID_TRANSITION"));

    // A second refund that is not done, with its reason; then the rest, and not a centavo more.
    assert_eq!(refund(&server, id, "R2", json!({"amount": 10000})).await.status(), 201);
    let (status, code, message) = error_of(refund(&server, id, "R3", json!({"amount": 1})).await).await;
    assert_eq!((status, code.as_str()), (409, "REFUND_EXCEEDS_AMOUNT"), "{message}");
    let (status, _, message) = error_of(end(&server, id, "R2", json!({"status": "NOT_DONE"})).await).await;
    assert_eq!(status, 400);
    assert!(message.contains("reason"), "{message}");
    let not_done = end(&server, id, "R2", json!({"status": "NOT_DONE", "reason": "Negado por timeout"})).await;
    assert_eq!(not_done.json::<Value>().await.unwrap()["reason"], "Negado por timeout");
    assert_eq!(refund(&server, id, "R3", json!({"amount": 10000, "nature": "RETIRADA"})).await.status(), 201);

    // Refusals, each with its code.
    for (body, refund_id, expected) in [
        (json!({"amount": 0}), "R4", "VALIDATION_ERROR"),
        (json!({}), "R4", "VALIDATION_ERROR"),
        (json!({"amount": 1, "nature": "MED_FRAUDE"}), "R4", "VALIDATION_ERROR"),
        (json!({"amount": 1, "colour": "red"}), "R4", "VALIDATION_ERROR"),
        (json!({"amount": 1}), "has-a-hyphen", "VALIDATION_ERROR"),
        (json!({"amount": 1}), &"A".repeat(36), "VALIDATION_ERROR"),
    ] {
        let (status, code, message) = error_of(refund(&server, id, refund_id, body.clone()).await).await;
        assert_eq!((status, code.as_str()), (400, expected), "{body} {refund_id}: {message}");
    }
    let mut pending = payment_body();
    pending["external_id"] = json!("HTTP-REFUND-PENDING");
    let pending = server.created_id(&pending).await;
    let (status, code, _) = error_of(refund(&server, pending, "R1", json!({"amount": 1})).await).await;
    assert_eq!((status, code.as_str()), (409, "PAYMENT_NOT_REFUNDABLE"));
    assert_eq!(error_of(refund(&server, 999_999, "R1", json!({"amount": 1})).await).await.0, 404);
    let missing = call(&server, &scopes(), Method::GET, &format!("/api/v1/payments/{id}/refunds/NOPE"), None).await;
    assert_eq!(error_of(missing).await.0, 404);

    // Lists and the trail.
    let own = read(&server, &format!("/api/v1/payments/{id}/refunds")).await;
    let ids: Vec<&str> = own["data"].as_array().unwrap().iter().map(|r| r["refund_id"].as_str().unwrap()).collect();
    assert_eq!((ids, own["pagination"]["total"].as_i64()), (vec!["R3", "R2", "R1"], Some(3)));
    let returned = read(&server, "/api/v1/refunds?status=RETURNED").await;
    assert_eq!(returned["data"].as_array().unwrap().len(), 1);
    let later = (time::OffsetDateTime::now_utc() + time::Duration::hours(1))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    assert_eq!(read(&server, &format!("/api/v1/refunds?from={later}")).await["pagination"]["total"], 0);
    assert_eq!(read(&server, &format!("/api/v1/refunds?to={later}&limit=2")).await["pagination"]["total"], 3);
    for bad in ["?status=DEVOLVIDO", "?from=yesterday", "?colour=red", "?limit=0"] {
        let response = call(&server, &scopes(), Method::GET, &format!("/api/v1/refunds{bad}"), None).await;
        assert_eq!(error_of(response).await.0, 400, "{bad}");
    }
    let trail = read(&server, &format!("/api/v1/payments/{id}/refunds/R1/history")).await;
    let steps: Vec<(&Value, &Value)> =
        trail["data"].as_array().unwrap().iter().map(|c| (&c["from"], &c["to"])).collect();
    assert_eq!(steps, [(&Value::Null, &json!("IN_PROCESS")), (&json!("IN_PROCESS"), &json!("RETURNED"))]);

    // The export's last column.
    let csv = call(&server, &scopes(), Method::GET, "/api/v1/files/export?status=COMPLETED", None)
        .await
        .text()
        .await
        .unwrap();
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().ends_with(",processed_at,refunded_amount"));
    assert!(lines.next().unwrap().ends_with(",5000"), "{csv}");

    // The events, in the feed of the payment's owner.
    let feed = format!("{} webhooks.read", scopes());
    let mut types = Vec::new();
    for _ in 0..100 {
        let response = call(&server, &feed, Method::GET, "/api/v1/events?type=payment.refund.*", None).await;
        let page: Value = response.json().await.unwrap();
        types = page["data"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap().to_owned()).collect();
        if types.len() == 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let created = types.iter().filter(|t| *t == "payment.refund.created").count();
    assert_eq!((created, types.len()), (3, 5), "{types:?}");
    server.stop().await;
}

#[tokio::test]
async fn each_refund_operation_needs_its_scope_and_med_needs_refunds_med() {
    let server = Server::start().await;
    let id = completed(&server, "HTTP-REFUND-SCOPES").await;
    let path = format!("/api/v1/payments/{id}/refunds/MED1");
    let med = json!({"amount": 100, "nature": "MED_FRAUD"});
    let forbidden = |response: Response| async move {
        let challenge = response.headers().get("www-authenticate").map(|h| h.to_str().unwrap().to_owned());
        (error_of(response).await.0, challenge.unwrap_or_default())
    };
    let (status, challenge) =
        forbidden(call(&server, ALL_SCOPES, Method::PUT, &path, Some(json!({"amount": 1}))).await).await;
    assert_eq!(status, 403);
    assert!(challenge.contains("refunds.write"), "{challenge}");
    let (status, challenge) =
        forbidden(call(&server, "refunds.write", Method::PUT, &path, Some(med.clone())).await).await;
    assert_eq!(status, 403);
    assert!(challenge.contains("refunds.med"), "{challenge}");
    let response = call(&server, "refunds.write refunds.med", Method::PUT, &path, Some(med)).await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.json::<Value>().await.unwrap()["nature"], "MED_FRAUD");
    for (method, path, scope) in [
        (Method::GET, path.clone(), "refunds.read"),
        (Method::GET, format!("/api/v1/payments/{id}/refunds"), "refunds.read"),
        (Method::GET, "/api/v1/refunds".to_owned(), "refunds.read"),
        (Method::PUT, format!("{path}/status"), "refunds.status"),
    ] {
        let body = (method == Method::PUT).then(|| json!({"status": "RETURNED"}));
        let (status, challenge) =
            forbidden(call(&server, "refunds.write refunds.med", method.clone(), &path, body.clone()).await).await;
        assert_eq!(status, 403, "{method} {path}");
        assert!(challenge.contains(scope), "{challenge}");
        assert!(
            call(&server, scope, method.clone(), &path, body).await.status().is_success(),
            "{method} {path} with {scope}"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn an_imported_payment_can_be_refunded() {
    let server = Server::start().await;
    let csv = "debtor_ispb,creditor_ispb,amount,description\n12345678,87654321,2500,Imported\n";
    let form =
        Form::new().part("file", Part::bytes(csv.as_bytes().to_vec()).file_name("refund.csv")).text("file_type", "CSV");
    let response = server.request(Method::POST, "/api/v1/files/import").multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 201);
    let import = response.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    server.request(Method::POST, &format!("/api/v1/files/imports/{import}/process")).send().await.unwrap();
    let mut payment = None;
    for _ in 0..200 {
        let page = read(&server, &format!("/api/v1/files/imports/{import}/records")).await;
        if let Some(id) = page["records"][0]["payment_request_id"].as_i64() {
            payment = Some(id);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let id = payment.expect("the import made its payment");
    complete(&server, id).await;
    // Its parties have no documents or accounts: the refund needs only the creditor's ISPB.
    let response = refund(&server, id, "WHOLE", json!({"amount": 2500})).await;
    assert_eq!(response.status(), 201);
    assert!(response.json::<Value>().await.unwrap()["rtr_id"].as_str().unwrap().starts_with("D87654321"));
    assert_eq!(end(&server, id, "WHOLE", json!({"status": "RETURNED"})).await.status(), 200);
    let payment = read(&server, &format!("/api/v1/payments/{id}")).await;
    assert_eq!(
        (payment["refunded_amount"].as_i64(), payment["refunds"]["refundable_amount"].as_i64()),
        (Some(2500), Some(0))
    );
    server.stop().await;
}
