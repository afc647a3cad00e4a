//! Health, readiness, auth, limits, routing, request ids, metrics and the OpenAPI document.

mod common;

use common::{Server, error_of, payment_body};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn health_and_readiness_at_the_root_and_under_the_base_path() {
    let server = Server::start().await;
    for path in ["/health", "/api/v1/health"] {
        let body: Value = server.client.get(server.url(path)).send().await.unwrap().json().await.unwrap();
        assert_eq!(body, json!({"status": "ok"}));
    }
    for path in ["/ready", "/api/v1/ready"] {
        let response = server.client.get(server.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.json::<Value>().await.unwrap(), json!({"status": "ready", "database": "connected"}));
    }
    // The database file goes away: not ready.
    std::fs::remove_file(server.dir.path().join("settlement.db")).unwrap();
    let response = server.client.get(server.url("/ready")).send().await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(response.json::<Value>().await.unwrap(), json!({"status": "unavailable", "database": "disconnected"}));
    server.stop().await;
}

fn claims(extra: Value) -> Value {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut claims = json!({"sub": "ops@bank.example", "scope": common::ALL_SCOPES, "exp": now + 600});
    for (key, value) in extra.as_object().unwrap() {
        if value.is_null() {
            claims.as_object_mut().unwrap().remove(key);
        } else {
            claims[key] = value.clone();
        }
    }
    claims
}

fn hs256(claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()
}

#[tokio::test]
async fn bad_tokens_are_401_with_a_bearer_challenge() {
    let server = Server::start().await;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let b64 = |value: &Value| {
        use std::fmt::Write;
        // base64url without padding, by hand: the test must not trust the library it tests.
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let bytes = value.to_string().into_bytes();
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
            for i in 0..=chunk.len() {
                let _ = out.write_char(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            }
        }
        out
    };
    let unsigned = format!("{}.{}.", b64(&json!({"alg": "none", "typ": "JWT"})), b64(&claims(json!({}))));
    let hs512 = jsonwebtoken::encode(
        &Header::new(Algorithm::HS512),
        &claims(json!({})),
        &EncodingKey::from_secret(common::SECRET.as_bytes()),
    )
    .unwrap();
    let cases: Vec<(Option<String>, &str)> = vec![
        (None, "missing"),
        (Some("Basic b3BzOnB3".into()), "Bearer"),
        (Some("Bearer not.a.token".into()), "invalid"),
        (Some(format!("Bearer {}", hs256(&claims(json!({})), "another-secret"))), "signature"),
        (Some(format!("Bearer {unsigned}")), "invalid"),
        (Some(format!("Bearer {hs512}")), "algorithm"),
        (Some(format!("Bearer {}", hs256(&claims(json!({"exp": now - 120})), common::SECRET))), "expired"),
        (Some(format!("Bearer {}", hs256(&claims(json!({"exp": null})), common::SECRET))), "exp"),
        (Some(format!("Bearer {}", hs256(&claims(json!({"nbf": now + 600})), common::SECRET))), "not valid yet"),
        (Some(format!("Bearer {}", hs256(&claims(json!({"sub": null})), common::SECRET))), "sub"),
    ];
    for (authorization, expected) in cases {
        let mut request = server.client.get(server.url("/api/v1/payments"));
        if let Some(value) = &authorization {
            request = request.header("Authorization", value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.headers()["www-authenticate"], r#"Bearer error="invalid_token""#, "{authorization:?}");
        let (status, code, message) = error_of(response).await;
        assert_eq!((status, code.as_str()), (401, "UNAUTHORIZED"), "{authorization:?}");
        assert!(message.contains(expected), "{authorization:?}: expected {expected:?} in {message:?}");
    }
    // Within the leeway, a just-expired token still passes.
    let recent = hs256(&claims(json!({"exp": now - 5})), common::SECRET);
    let response = server.client.get(server.url("/api/v1/payments")).bearer_auth(recent).send().await.unwrap();
    assert_eq!(response.status(), 200);
    server.stop().await;
}

#[tokio::test]
async fn issuer_and_audience_are_checked_when_configured() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = common::settings(dir.path());
    settings.jwt_issuer = Some("https://auth.bank.example".into());
    settings.jwt_audience = Some("settlement".into());
    let server = Server::start_with(settings, dir).await;
    let good = claims(json!({"iss": "https://auth.bank.example", "aud": "settlement"}));
    for (claims, expected) in [
        (good.clone(), 200),
        (claims(json!({"iss": "https://evil.example", "aud": "settlement"})), 401),
        (claims(json!({"iss": "https://auth.bank.example", "aud": "other"})), 401),
        (claims(json!({"aud": "settlement"})), 401),
    ] {
        let response = server
            .client
            .get(server.url("/api/v1/payments"))
            .bearer_auth(hs256(&claims, common::SECRET))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), expected, "{claims}");
    }
    server.stop().await;
}

#[tokio::test]
async fn each_endpoint_needs_its_scope() {
    let server = Server::start().await;
    let id = server.created_id(&payment_body()).await;
    let cases = [
        (Method::POST, "/api/v1/payments".to_owned(), "payments.write"),
        (Method::GET, "/api/v1/payments".to_owned(), "payments.read"),
        (Method::GET, format!("/api/v1/payments/{id}"), "payments.read"),
        (Method::DELETE, format!("/api/v1/payments/{id}"), "payments.write"),
        (Method::PUT, format!("/api/v1/payments/{id}/status"), "payments.status"),
        (Method::POST, format!("/api/v1/payments/{id}/confirm-credit"), "credit.write"),
        (Method::GET, format!("/api/v1/payments/{id}/confirm-credit"), "credit.read"),
    ];
    // A token with every scope but the one needed.
    for (method, path, scope) in cases {
        let others: Vec<&str> = common::ALL_SCOPES.split(' ').filter(|s| *s != scope).collect();
        let mut request =
            server.client.request(method.clone(), server.url(&path)).bearer_auth(Server::token(&others.join(" ")));
        if method == Method::POST || method == Method::PUT {
            request = request.json(&payment_body());
        }
        let response = request.send().await.unwrap();
        let challenge = response.headers()["www-authenticate"].to_str().unwrap().to_owned();
        assert_eq!(challenge, format!(r#"Bearer error="insufficient_scope", scope="{scope}""#));
        let (status, code, _) = error_of(response).await;
        assert_eq!((status, code.as_str()), (403, "INSUFFICIENT_SCOPE"), "{method} {path}");
    }
    server.stop().await;
}

#[tokio::test]
async fn limits_routes_and_request_ids() {
    let server = Server::start().await;
    let huge = format!("{{\"description\": \"{}\"}}", "x".repeat(1024 * 1024 + 1));
    let response = server
        .request(Method::POST, "/api/v1/payments")
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(response).await;
    assert_eq!((status, code.as_str()), (413, "PAYLOAD_TOO_LARGE"));
    let response = server.request(Method::GET, "/api/v1/nothing-here").send().await.unwrap();
    assert_eq!(error_of(response).await, (404, "NOT_FOUND".into(), "no route for GET /api/v1/nothing-here".into()));
    let response = server.request(Method::PATCH, "/api/v1/payments").send().await.unwrap();
    assert_eq!(error_of(response).await.0, 405);

    let response = server.client.get(server.url("/health")).header("x-request-id", "trace-me-42").send().await.unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-me-42");
    let response = server.client.get(server.url("/health")).send().await.unwrap();
    let generated = response.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(generated).is_ok(), "{generated}");
    server.stop().await;
}

#[tokio::test]
async fn metrics_count_requests_per_route_and_status() {
    let server = Server::start().await;
    server.created_id(&payment_body()).await;
    server.request(Method::GET, "/api/v1/payments/999").send().await.unwrap();
    let text = server.client.get(server.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(text.contains(r#"http_requests_total{method="POST",route="/api/v1/payments",status="201"} 1"#), "{text}");
    assert!(
        text.contains(r#"http_requests_total{method="GET",route="/api/v1/payments/{id}",status="404"} 1"#),
        "{text}"
    );
    assert!(text.contains("http_request_duration_seconds_bucket"), "{text}");
    server.stop().await;
}

#[tokio::test]
async fn the_openapi_document_lists_every_endpoint() {
    let server = Server::start().await;
    let document: Value =
        server.client.get(server.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = document["paths"].as_object().unwrap();
    let expected = [
        ("/api/v1/health", vec!["get"]),
        ("/api/v1/ready", vec!["get"]),
        ("/api/v1/payments", vec!["get", "post"]),
        ("/api/v1/payments/{id}", vec!["get", "delete"]),
        ("/api/v1/payments/{id}/status", vec!["put"]),
        ("/api/v1/payments/{id}/confirm-credit", vec!["get", "post"]),
        ("/api/v1/qr-codes", vec!["get", "post"]),
        ("/api/v1/qr-codes/{id}", vec!["get"]),
        ("/api/v1/qr-codes/txid/{txId}", vec!["get"]),
        ("/api/v1/qr-codes/{id}/deactivate", vec!["put"]),
        ("/api/v1/qr-codes/validate", vec!["post"]),
        ("/api/v1/qr-codes/decode", vec!["post"]),
        ("/api/v1/qr-codes/{id}/image", vec!["get"]),
        ("/pix/qr/v2/{token}", vec!["get"]),
        ("/.well-known/jwks.json", vec!["get"]),
        ("/api/v1/files/import", vec!["post"]),
        ("/api/v1/files/imports", vec!["get"]),
        ("/api/v1/files/imports/{id}", vec!["get"]),
        ("/api/v1/files/imports/{id}/records", vec!["get"]),
        ("/api/v1/files/imports/{id}/process", vec!["post"]),
        ("/api/v1/files/export", vec!["get"]),
        ("/api/v1/schedules", vec!["get", "post"]),
        ("/api/v1/schedules/{id}", vec!["get", "put", "delete"]),
        ("/api/v1/schedules/{id}/pause", vec!["put"]),
        ("/api/v1/schedules/{id}/resume", vec!["put"]),
        ("/api/v1/schedules/{id}/runs", vec!["get"]),
    ];
    for (path, methods) in expected {
        for method in methods {
            assert!(paths[path].get(method).is_some(), "{method} {path} missing");
        }
    }
    assert!(document["components"]["schemas"]["PaymentRequest"].is_object());
    assert!(document["components"]["schemas"]["QrCodeRequest"].is_object());
    server.stop().await;
}
