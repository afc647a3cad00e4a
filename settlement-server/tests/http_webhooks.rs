//! Webhooks over HTTP: a receiver on 127.0.0.1 checks every delivery with the Standard Webhooks
//! reference verifier (the `standardwebhooks` crate, not this project's code), retries keep
//! their `webhook-id`, rotation signs with both secrets, subjects see only their own events,
//! and the outbound rules refuse what a webhook may not reach.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use common::{ALL_SCOPES, Server, error_of, payment_body, settings};
use reqwest::Method;
use serde_json::{Value, json};

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}

/// A receiver on 127.0.0.1: `/ok` answers 204, `/flaky` 500 until it was called 3 times,
/// `/redirect` 302 to `/ok`.
struct Receiver {
    base: String,
    seen: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    async fn start() -> Receiver {
        let seen: Arc<Mutex<Vec<Received>>> = Arc::default();
        let record = seen.clone();
        let app =
            axum::Router::new().fallback(move |uri: axum::http::Uri, headers: HeaderMap, body: axum::body::Bytes| {
                let record = record.clone();
                async move {
                    let path = uri.path().to_owned();
                    let mut seen = record.lock().unwrap();
                    seen.push(Received { path: path.clone(), headers, body: body.to_vec() });
                    let calls = seen.iter().filter(|r| r.path == path).count();
                    match path.as_str() {
                        "/flaky" if calls <= 3 => {
                            (StatusCode::INTERNAL_SERVER_ERROR, HeaderMap::new(), "not yet".to_owned())
                        }
                        "/redirect" => {
                            let mut headers = HeaderMap::new();
                            headers.insert("location", "/ok".parse().unwrap());
                            (StatusCode::FOUND, headers, String::new())
                        }
                        _ => (StatusCode::NO_CONTENT, HeaderMap::new(), String::new()),
                    }
                }
            });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { base, seen }
    }

    fn at(&self, path: &str) -> Vec<Received> {
        self.seen.lock().unwrap().iter().filter(|r| r.path == path).cloned().collect()
    }

    /// Waits until `path` received `count` requests (or 15 s passed), and returns them.
    async fn wait_for(&self, path: &str, count: usize) -> Vec<Received> {
        for _ in 0..300 {
            let got = self.at(path);
            if got.len() >= count {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{path} received {} requests, not {count}: {:?}", self.at(path).len(), self.at(path));
    }
}

fn token(subject: &str, scope: &str) -> String {
    settlement_server::auth::mint(common::SECRET.as_bytes(), subject, scope, Duration::from_secs(600), None, None)
        .unwrap()
}

const WEBHOOK_SCOPES: &str = "webhooks.read webhooks.write";

fn as_subject(server: &Server, subject: &str, method: Method, path: &str) -> reqwest::RequestBuilder {
    server
        .client
        .request(method, server.url(&format!("/api/v1{path}")))
        .bearer_auth(token(subject, &format!("{ALL_SCOPES} {WEBHOOK_SCOPES}")))
}

/// Registers an endpoint for `subject`: its id and secret.
async fn register(server: &Server, subject: &str, url: &str, types: &[&str]) -> (i64, String) {
    let response = as_subject(server, subject, Method::POST, "/webhooks")
        .json(&json!({"url": url, "event_types": types}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    assert!(body["secret"].as_str().unwrap().starts_with("whsec_"));
    (body["id"].as_i64().unwrap(), body["secret"].as_str().unwrap().to_owned())
}

/// Verifies a delivery with the reference library.
fn verify(secret: &str, received: &Received) -> Result<(), String> {
    let webhook = standardwebhooks::Webhook::new(secret).map_err(|e| e.to_string())?;
    webhook.verify(&received.body, &received.headers).map_err(|e| e.to_string())
}

async fn create_payment(server: &Server, subject: &str, external_id: &str) -> i64 {
    let mut body = payment_body();
    body["external_id"] = json!(external_id);
    body["tx_id"] = Value::Null;
    let response = as_subject(server, subject, Method::POST, "/payments").json(&body).send().await.unwrap();
    assert_eq!(response.status(), 201);
    response.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn set_status(server: &Server, subject: &str, id: i64, status: &str) {
    let response = as_subject(server, subject, Method::PUT, &format!("/payments/{id}/status"))
        .json(&json!({"status": status}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_receiver_verifies_every_signature_and_sees_each_lifecycle_event_once() {
    let receiver = Receiver::start().await;
    let server = Server::start().await;
    let (_, secret) = register(&server, "alice", &format!("{}/ok", receiver.base), &["payment.*", "qr_code.*"]).await;

    let id = create_payment(&server, "alice", "WH-1").await;
    set_status(&server, "alice", id, "PROCESSING").await;
    set_status(&server, "alice", id, "COMPLETED").await;
    let confirmed = as_subject(&server, "alice", Method::POST, &format!("/payments/{id}/confirm-credit"))
        .json(&json!({"amount": 15000}))
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), 201);
    let code: Value = as_subject(&server, "alice", Method::POST, "/qr-codes")
        .json(&json!({"type": "IMMEDIATE", "merchant_name": "Loja ABC", "merchant_city": "Sao Paulo",
            "merchant_category_code": "5411", "pix_key": "12345678909", "amount": 15000, "currency": "BRL"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code_id = code["id"].as_i64().unwrap();
    let deactivated =
        as_subject(&server, "alice", Method::PUT, &format!("/qr-codes/{code_id}/deactivate")).send().await.unwrap();
    assert_eq!(deactivated.status(), 200);

    receiver.wait_for("/ok", 6).await;
    // Nothing more comes: each event once.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got = receiver.at("/ok");
    for delivery in &got {
        verify(&secret, delivery).unwrap_or_else(|e| panic!("{e}: {delivery:?}"));
        assert_eq!(delivery.header("webhook-event-type"), delivery.json()["type"]);
        assert_eq!(delivery.header("content-type"), "application/json");
    }
    let ids: Vec<&str> = got.iter().map(|d| d.header("webhook-id")).collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "each event once: {ids:?}");
    let events: Vec<Value> = got.iter().map(Received::json).collect();
    // Each object's events arrive in the order they happened (two objects' may interleave).
    let of = |prefix: &str| -> Vec<(String, Value, Value)> {
        events
            .iter()
            .filter(|e| e["type"].as_str().unwrap().starts_with(prefix))
            .map(|e| {
                (
                    e["type"].as_str().unwrap().to_owned(),
                    e["data"]["change"]["from"].clone(),
                    e["data"]["change"]["to"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(
        of("payment."),
        vec![
            ("payment.created".to_owned(), Value::Null, json!("PENDING")),
            ("payment.status_changed".to_owned(), json!("PENDING"), json!("PROCESSING")),
            ("payment.status_changed".to_owned(), json!("PROCESSING"), json!("COMPLETED")),
            ("payment.credit_confirmed".to_owned(), Value::Null, Value::Null),
        ]
    );
    assert_eq!(
        of("qr_code."),
        vec![
            ("qr_code.created".to_owned(), Value::Null, json!("active")),
            ("qr_code.deactivated".to_owned(), json!("active"), json!("used")),
        ]
    );
    let find = |kind: &str| events.iter().find(|e| e["type"] == kind).unwrap();
    assert_eq!(find("payment.created")["data"]["id"], id);
    assert_eq!(find("payment.created")["data"]["amount"], 15000);
    assert_eq!(find("payment.credit_confirmed")["data"]["payment_request_id"], id);
    assert_eq!(find("payment.credit_confirmed")["data"]["confirmed_amount"], 15000);
    assert_eq!(find("qr_code.deactivated")["data"]["id"], code_id);
    assert!(events.iter().all(|e| e["timestamp"].as_str().unwrap().ends_with('Z')));

    // The feed has the same events, in the same order, with the same ids.
    let feed: Value = as_subject(&server, "alice", Method::GET, "/events?type=*&limit=100")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let feed_ids: Vec<&str> =
        feed["data"].as_array().unwrap().iter().map(|e| e["webhook_id"].as_str().unwrap()).collect();
    let mut delivered = ids.clone();
    delivered.sort_by_key(|id| id.trim_start_matches("evt_").parse::<i64>().unwrap());
    assert_eq!(feed_ids, delivered);
    // A token without payments.read reads none of the payment events.
    let narrow: Value = server
        .client
        .get(server.url("/api/v1/events"))
        .bearer_auth(token("alice", "qrcodes.read webhooks.read"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let types: Vec<&str> = narrow["data"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["qr_code.created", "qr_code.deactivated"]);
    server.stop().await;
}

#[tokio::test]
async fn a_failing_receiver_gets_the_same_webhook_id_each_time_with_the_attempts_recorded() {
    let receiver = Receiver::start().await;
    let server = Server::start().await;
    let (endpoint, secret) =
        register(&server, "alice", &format!("{}/flaky", receiver.base), &["payment.created"]).await;
    create_payment(&server, "alice", "WH-FLAKY").await;

    // The first attempt fails; the schedule's first retry comes about 5 s later by itself.
    let first_two = receiver.wait_for("/flaky", 2).await;
    let deliveries = |query: &'static str| {
        let request = as_subject(&server, "alice", Method::GET, &format!("/webhooks/{endpoint}/deliveries{query}"));
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let page = deliveries("").await;
    let delivery = page["data"][0].clone();
    let delivery_id = delivery["id"].as_i64().unwrap();
    let attempts = delivery["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2, "{delivery}");
    assert_eq!(delivery["status"], "PENDING");
    // The operator sends it again now, twice: the third attempt fails, the fourth succeeds.
    for expected in [3, 4] {
        let retried =
            as_subject(&server, "alice", Method::POST, &format!("/webhooks/{endpoint}/deliveries/{delivery_id}/retry"))
                .send()
                .await
                .unwrap();
        assert_eq!(retried.status(), 202);
        receiver.wait_for("/flaky", expected).await;
        for _ in 0..100 {
            let page = deliveries("").await;
            if page["data"][0]["attempt_count"] == expected {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let got = receiver.at("/flaky");
    assert_eq!(got.len(), 4);
    let id = got[0].header("webhook-id").to_owned();
    assert!(got.iter().all(|r| r.header("webhook-id") == id), "one webhook-id");
    assert!(got.iter().all(|r| verify(&secret, r).is_ok()));
    assert_eq!(got[0].body, first_two[1].body, "the same body each time");

    let page = deliveries("?status=SUCCEEDED").await;
    let delivery = &page["data"][0];
    assert_eq!(delivery["status"], "SUCCEEDED", "{page}");
    assert_eq!(delivery["webhook_id"], id);
    let attempts = delivery["attempts"].as_array().unwrap();
    let codes: Vec<i64> = attempts.iter().map(|a| a["status_code"].as_i64().unwrap()).collect();
    assert_eq!(codes, [500, 500, 500, 204]);
    assert_eq!(attempts[0]["response_body"], "not yet");
    assert_eq!(attempts[0]["error"], "answered 500 Internal Server Error");
    assert!(attempts.iter().all(|a| a["latency_ms"].is_u64() && a["attempted_at"].is_string()));
    let at = |i: usize| settlement_core::time_format::parse(attempts[i]["attempted_at"].as_str().unwrap()).unwrap();
    let wait = (at(1) - at(0)).whole_seconds();
    assert!((4..=7).contains(&wait), "the first retry waits about 5 s, not {wait}");
    assert_eq!(deliveries("?status=PENDING").await["data"], json!([]));
    assert_eq!(deliveries("?event_type=payment.status_changed").await["data"], json!([]));
    server.stop().await;
}

#[tokio::test]
async fn a_rotated_secret_signs_beside_the_old_one() {
    let receiver = Receiver::start().await;
    let server = Server::start().await;
    let (endpoint, old) = register(&server, "alice", &format!("{}/ok", receiver.base), &["payment.created"]).await;
    let rotated: Value = as_subject(&server, "alice", Method::POST, &format!("/webhooks/{endpoint}/rotate-secret"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let new = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert!(rotated["previous_secret_expires_at"].is_string(), "{rotated}");
    // The secret is shown only in the answers of the registration and the rotation.
    let shown: Value = as_subject(&server, "alice", Method::GET, &format!("/webhooks/{endpoint}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(shown.get("secret").is_none());

    create_payment(&server, "alice", "WH-ROTATE").await;
    let got = receiver.wait_for("/ok", 1).await;
    let signatures: Vec<&str> = got[0].header("webhook-signature").split(' ').collect();
    assert_eq!(signatures.len(), 2, "{signatures:?}");
    assert!(signatures.iter().all(|s| s.starts_with("v1,")));
    verify(&new, &got[0]).unwrap();
    verify(&old, &got[0]).unwrap();
    verify(&settlement_core::webhooks::signature::new_secret(), &got[0]).unwrap_err();
    server.stop().await;
}

#[tokio::test]
async fn each_subject_gets_only_its_own_events() {
    let receiver = Receiver::start().await;
    let server = Server::start().await;
    let (alice_endpoint, _) = register(&server, "alice", &format!("{}/ok?for=alice", receiver.base), &["*"]).await;
    let (_, _) = register(&server, "bob", &format!("{}/ok?for=bob", receiver.base), &["*"]).await;
    let alices = create_payment(&server, "alice", "WH-ALICE").await;
    let bobs = create_payment(&server, "bob", "WH-BOB").await;
    receiver.wait_for("/ok", 2).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got = receiver.at("/ok");
    assert_eq!(got.len(), 2, "{got:?}");
    for delivery in &got {
        let event = delivery.json();
        let owner = event["data"]["created_by"].as_str().unwrap().to_owned();
        let expected_id = if owner == "alice" { alices } else { bobs };
        assert_eq!(event["data"]["id"], expected_id);
    }
    // Bob sees neither Alice's endpoint nor her events.
    let bobs_list: Value =
        as_subject(&server, "bob", Method::GET, "/webhooks").send().await.unwrap().json().await.unwrap();
    assert_eq!(bobs_list["pagination"]["total"], 1);
    let (status, code, _) =
        error_of(as_subject(&server, "bob", Method::GET, &format!("/webhooks/{alice_endpoint}")).send().await.unwrap())
            .await;
    assert_eq!((status, code.as_str()), (404, "NOT_FOUND"));
    let (status, _, _) = error_of(
        as_subject(&server, "bob", Method::DELETE, &format!("/webhooks/{alice_endpoint}")).send().await.unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    let feed: Value = as_subject(&server, "bob", Method::GET, "/events").send().await.unwrap().json().await.unwrap();
    let ids: Vec<&Value> = feed["data"].as_array().unwrap().iter().map(|e| &e["data"]["id"]).collect();
    assert_eq!(ids, [&json!(bobs)]);
    // An endpoint may not ask for what its owner's token does not read.
    let refused = server
        .client
        .post(server.url("/api/v1/webhooks"))
        .bearer_auth(token("carol", "webhooks.write payments.read"))
        .json(&json!({"url": format!("{}/ok", receiver.base), "event_types": ["qr_code.*"]}))
        .send()
        .await
        .unwrap();
    let (status, code, message) = error_of(refused).await;
    assert_eq!((status, code.as_str()), (400, "VALIDATION_ERROR"), "{message}");
    assert!(message.contains("qrcodes.read"), "{message}");
    server.stop().await;
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let receiver = Receiver::start().await;
    let server = Server::start().await;
    let (endpoint, _) = register(&server, "alice", &format!("{}/redirect", receiver.base), &["payment.created"]).await;
    create_payment(&server, "alice", "WH-REDIRECT").await;
    receiver.wait_for("/redirect", 1).await;
    let mut page = Value::Null;
    for _ in 0..100 {
        page = as_subject(&server, "alice", Method::GET, &format!("/webhooks/{endpoint}/deliveries"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if page["data"][0]["attempt_count"] == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let attempt = &page["data"][0]["attempts"][0];
    assert_eq!(attempt["status_code"], 302, "{page}");
    assert!(attempt["error"].as_str().unwrap().contains("redirects are not followed"));
    assert_eq!(page["data"][0]["status"], "PENDING");
    assert!(receiver.at("/ok").is_empty(), "the redirect was followed");
    server.stop().await;
}

#[tokio::test]
async fn without_the_development_flag_private_and_plain_http_receivers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let settings = settlement_server::Settings { webhooks_allow_private: false, ..settings(dir.path()) };
    let server = Server::start_with(settings, dir).await;
    let refused = [
        ("http://93.184.215.14/hook", "must be https"),
        ("https://127.0.0.1/hook", "loopback"),
        ("https://[::1]/hook", "loopback"),
        ("https://10.1.2.3/hook", "private"),
        ("https://192.168.0.10/hook", "private"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("https://[::ffff:172.16.0.1]/hook", "private"),
        ("https://user:pass@example.com/hook", "credentials"),
        ("ftp://example.com/hook", "must be https"),
    ];
    for (url, why) in refused {
        let response = as_subject(&server, "alice", Method::POST, "/webhooks")
            .json(&json!({"url": url, "event_types": ["*"]}))
            .send()
            .await
            .unwrap();
        let (status, code, message) = error_of(response).await;
        assert_eq!((status, code.as_str()), (400, "VALIDATION_ERROR"), "{url}: {message}");
        assert!(message.contains(why), "{url}: {message}");
    }
    // A name is checked where it resolves, when the delivery connects: `localhost` passes the
    // registration (it is no literal address) and is refused at connect time, as a name that
    // resolves to a private address only after it was registered would be.
    let (endpoint, _) = register(&server, "alice", "https://localhost:9/hook", &["payment.created"]).await;
    create_payment(&server, "alice", "WH-REBIND").await;
    let mut attempt = Value::Null;
    for _ in 0..100 {
        let page: Value = as_subject(&server, "alice", Method::GET, &format!("/webhooks/{endpoint}/deliveries"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        attempt = page["data"][0]["attempts"][0].clone();
        if !attempt.is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let error = attempt["error"].as_str().unwrap_or_default();
    assert!(error.contains("loopback addresses only"), "{attempt}");
    assert!(attempt.get("status_code").is_none());
    server.stop().await;
}

#[tokio::test]
async fn endpoints_are_changed_and_removed_and_bad_requests_refused() {
    let server = Server::start().await;
    let (endpoint, _) = register(&server, "alice", "http://127.0.0.1:9/hook", &["payment.created"]).await;
    let changed: Value = as_subject(&server, "alice", Method::PATCH, &format!("/webhooks/{endpoint}"))
        .json(&json!({"event_types": ["schedule.*"], "description": "ops", "enabled": false}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(changed["event_types"], json!(["schedule.*"]));
    assert_eq!(changed["description"], "ops");
    assert_eq!(changed["enabled"], false);
    for (body, field) in [
        (json!({"url": "http://127.0.0.1:9/", "event_types": []}), "event_types"),
        (json!({"url": "http://127.0.0.1:9/", "event_types": ["payment.eaten"]}), "event_types[0]"),
        (json!({"url": "not a url", "event_types": ["*"]}), "url"),
        (json!({"url": "http://127.0.0.1:9/", "event_types": ["*"], "secret": "mine"}), "secret"),
    ] {
        let (status, _, message) =
            error_of(as_subject(&server, "alice", Method::POST, "/webhooks").json(&body).send().await.unwrap()).await;
        assert_eq!(status, 400, "{body}");
        assert!(message.contains(field), "{message}");
    }
    let removed = as_subject(&server, "alice", Method::DELETE, &format!("/webhooks/{endpoint}")).send().await.unwrap();
    assert_eq!(removed.status(), 204);
    let gone = as_subject(&server, "alice", Method::GET, &format!("/webhooks/{endpoint}")).send().await.unwrap();
    assert_eq!(gone.status(), 404);
    // Scopes: reading needs webhooks.read, writing webhooks.write.
    let no_scope = server
        .client
        .get(server.url("/api/v1/webhooks"))
        .bearer_auth(token("alice", "payments.read"))
        .send()
        .await
        .unwrap();
    assert_eq!(no_scope.status(), 403);
    server.stop().await;
}
