//! Hostile input over real HTTP: SQL metacharacters in filters and paths, path traversal and
//! header injection in an uploaded file's name, headers and bodies over their limits, deeply
//! nested or huge JSON, and clients that send their headers or body too slowly. Each gets its
//! 4xx; none a 500 or a hang.

mod common;

use std::time::{Duration, Instant};

use common::{Server, error_of, payment_body};
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn tuned() -> Server {
    let dir = tempfile::tempdir().unwrap();
    Server::start_tuned(common::settings(dir.path()), dir, |app| {
        app.header_read_timeout = Duration::from_millis(500);
        app.body_idle_timeout = Duration::from_millis(500);
    })
    .await
}

/// Everything the server sends on a raw connection until it closes it, and how long that took.
async fn read_until_closed(stream: &mut TcpStream) -> (String, Duration) {
    let started = Instant::now();
    let mut received = Vec::new();
    let outcome = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut received)).await;
    assert!(outcome.is_ok(), "the server kept a stalled connection open for 10 s");
    (String::from_utf8_lossy(&received).into_owned(), started.elapsed())
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let server = tuned().await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream.write_all(b"GET /api/v1/payments HTTP/1.1\r\nHost: localhost\r\nX-Slow: ").await.unwrap();
    let (_, took) = read_until_closed(&mut stream).await;
    assert!(took < Duration::from_secs(5), "closed after {took:?}");
    // The server still serves everyone else.
    assert_eq!(server.client.get(server.url("/health")).send().await.unwrap().status(), 200);
    server.stop().await;
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_a_408_in_the_envelope() {
    let server = tuned().await;
    let token = Server::token(&format!("{} automatic.write", common::ALL_SCOPES));
    for path in ["/api/v1/payments", "/api/v1/pix/scheduled-payments/automatic-authorizations"] {
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nnonce: 0b9f3a52-7c1d-4e8a-9f6b-2d4c6e8a0b1c\r\n\
             Content-Type: application/json\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n{{\"amount\": "
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let (response, took) = read_until_closed(&mut stream).await;
        assert!(took < Duration::from_secs(5), "{path}: answered after {took:?}");
        assert!(response.starts_with("HTTP/1.1 408"), "{path}: {response}");
        assert!(response.contains(r#""code":"REQUEST_TIMEOUT""#), "{path}: {response}");
    }
    server.stop().await;
}

#[tokio::test]
async fn bodies_and_headers_over_their_limits() {
    let server = Server::start().await;
    // A JSON body over 1 MiB.
    let mut body = payment_body();
    body["description"] = json!("x".repeat(2 * 1024 * 1024));
    let (status, code, _) = error_of(server.create(&body).await).await;
    assert_eq!((status, code.as_str()), (413, "PAYLOAD_TOO_LARGE"));
    // A header far over hyper's buffer: refused before any handler runs.
    let huge = "a".repeat(1024 * 1024);
    match server.request(Method::GET, "/api/v1/payments").header("X-Huge", huge).send().await {
        Ok(response) => assert_eq!(response.status(), 431),
        Err(error) => assert!(error.is_request() || error.is_connect() || error.is_body(), "{error}"),
    }
    // Deeply nested and huge JSON: a 400 naming the problem, no stack overflow, no 500.
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    for path in ["/api/v1/payments", "/api/v1/qr-codes", "/api/v1/schedules"] {
        let response = server
            .request(Method::POST, path)
            .header("content-type", "application/json")
            .body(nested.clone())
            .send()
            .await
            .unwrap();
        let (status, code, message) = error_of(response).await;
        assert_eq!((status, code.as_str()), (400, "VALIDATION_ERROR"), "{path}: {message}");
        assert!(message.contains("recursion limit"), "{path}: {message}");
    }
    let wide = format!("{{{}\"amount\": 1}}", (0..30_000).map(|i| format!("\"k{i}\": {i}, ")).collect::<String>());
    let response = server
        .request(Method::POST, "/api/v1/payments")
        .header("content-type", "application/json")
        .body(wide)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(response).await.0, 400);
    assert_eq!(server.client.get(server.url("/health")).send().await.unwrap().status(), 200);
    server.stop().await;
}

#[tokio::test]
async fn sql_metacharacters_in_filters_and_paths_are_only_text() {
    let server = Server::start().await;
    let id = server.created_id(&payment_body()).await;
    let injections =
        ["' OR '1'='1", "1; DROP TABLE payments; --", "\" OR \"\"=\"", "%' --", "1) UNION SELECT * FROM payments --"];
    for injection in injections {
        for (path, parameter) in [
            ("/api/v1/payments", "debtor_ispb"),
            ("/api/v1/payments", "status"),
            ("/api/v1/payments", "min_amount"),
            ("/api/v1/qr-codes", "tx_id"),
            ("/api/v1/files/imports", "created_by"),
            ("/api/v1/schedules", "status"),
        ] {
            let response = server.request(Method::GET, path).query(&[(parameter, injection)]).send().await.unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap();
            match status {
                400 => assert_eq!(body["error"]["code"], "VALIDATION_ERROR", "{path}?{parameter}={injection}"),
                200 => {
                    let total = body["pagination"]["total"].as_u64().or(body["total"].as_u64()).unwrap_or(0);
                    assert_eq!(total, 0, "{path}?{parameter}={injection} matched something: {body}");
                }
                other => panic!("{path}?{parameter}={injection}: {other} {body}"),
            }
        }
        let encoded: String = injection.bytes().map(|b| format!("%{b:02X}")).collect();
        for path in [format!("/api/v1/payments/{encoded}"), format!("/api/v1/qr-codes/txid/{encoded}")] {
            let response = server.request(Method::GET, &path).send().await.unwrap();
            let (status, _, _) = error_of(response).await;
            assert!(status == 400 || status == 404, "{path}: {status}");
        }
    }
    // Everything is still there.
    let response = server.request(Method::GET, &format!("/api/v1/payments/{id}")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let list: Value = server.request(Method::GET, "/api/v1/payments").send().await.unwrap().json().await.unwrap();
    assert_eq!(list["pagination"]["total"], 1);
    server.stop().await;
}

#[tokio::test]
async fn an_uploaded_file_name_never_reaches_the_file_system_or_a_header() {
    let server = Server::start().await;
    let csv = "debtor_ispb,creditor_ispb,amount\n12345678,87654321,100\n";
    // Line breaks in a part's headers break the multipart framing itself: a 400, nothing stored.
    let form = Form::new()
        .part("file", Part::bytes(csv.as_bytes().to_vec()).file_name("evil\r\nX-Evil: 1\r\n.csv"))
        .text("file_type", "CSV");
    let response = server.request(Method::POST, "/api/v1/files/import").multipart(form).send().await.unwrap();
    assert!(response.headers().get("x-evil").is_none());
    assert_eq!(error_of(response).await.0, 400);
    let name = "../../../../tmp/pix-settlement-evil;\tX-Evil=1.csv";
    let form = Form::new().part("file", Part::bytes(csv.as_bytes().to_vec()).file_name(name)).text("file_type", "CSV");
    let response = server.request(Method::POST, "/api/v1/files/import").multipart(form).send().await.unwrap();
    assert!(response.headers().get("x-evil").is_none());
    assert!(response.headers().values().all(|value| !value.as_bytes().windows(4).any(|w| w == b"evil")));
    let status = response.status().as_u16();
    let import: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "{import}");
    assert_eq!(import["filename"], name, "echoed as data, escaped by JSON");
    assert!(!std::path::Path::new("/tmp/pix-settlement-evil;\tX-Evil=1.csv").exists());
    // Nothing but the service's own names under its data directory.
    let mut stack = vec![server.dir.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = path.display().to_string();
            assert!(!text.contains("evil") && !text.contains(".csv"), "{text}");
            if path.is_dir() {
                stack.push(path);
            }
        }
    }
    let id = import["id"].as_i64().unwrap();
    let read = server.request(Method::GET, &format!("/api/v1/files/imports/{id}")).send().await.unwrap();
    assert!(read.headers().values().all(|value| !value.as_bytes().windows(4).any(|w| w == b"evil")));
    server.stop().await;
}
