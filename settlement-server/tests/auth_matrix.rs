//! The auth matrix: every protected operation of the published OpenAPI document (the table the
//! router's handlers are annotated with) refuses each kind of bad token with 401 and a valid
//! token without its scope with 403, and lets the same token with its scope through. A handler
//! that takes a token but is missing from the document fails the first test, so a new endpoint
//! cannot be forgotten.

mod common;

use std::collections::BTreeSet;

use base64::Engine;
use common::{SECRET, Server};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{Value, json};

const ISSUER: &str = "https://issuer.example";
const AUDIENCE: &str = "settlement";
const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/keys");
const EVERY_SCOPE: &[&str] = &[
    "payments.read",
    "payments.write",
    "payments.status",
    "credit.read",
    "credit.write",
    "qrcodes.read",
    "qrcodes.write",
    "files.read",
    "files.write",
    "schedules.read",
    "schedules.write",
    "automatic.read",
    "automatic.write",
    "automatic.status",
    "automatic.product",
    "webhooks.read",
    "webhooks.write",
    "refunds.read",
    "refunds.write",
    "refunds.status",
    "refunds.med",
];

/// A protected operation: method, path with its parameters filled, the scope it needs.
#[derive(Debug, Clone)]
struct Operation {
    method: Method,
    path: String,
    scope: String,
}

async fn document(server: &Server) -> Value {
    server.client.get(server.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap()
}

/// A value each path parameter accepts, so that only the token decides the answer.
fn fill(path: &str) -> String {
    let uuid = "3f2b8c1e-6d4a-4e5f-9a7b-1c2d3e4f5a6b";
    path.replace("{product_uuid}", uuid)
        .replace("{txId}", "ABC123")
        .replace("{tx_id}", "ABC123")
        .replace("{token}", "t")
        .replace("{refund_id}", "R1")
        .replace("{id}", if path.contains("/pix/") { uuid } else { "1" })
}

fn protected(document: &Value) -> Vec<Operation> {
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Some(scopes) = operation["security"][0]["bearer"].as_array() else { continue };
            assert_eq!(scopes.len(), 1, "{method} {path}: one scope per operation");
            operations.push(Operation {
                method: method.to_uppercase().parse().unwrap(),
                path: fill(path),
                scope: scopes[0].as_str().unwrap().to_owned(),
            });
        }
    }
    operations
}

fn claims(scope: &str) -> Value {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    json!({"sub": "matrix", "scope": scope, "iat": now, "nbf": now, "exp": now + 600, "iss": ISSUER, "aud": AUDIENCE})
}

fn sign(algorithm: Algorithm, key: &EncodingKey, claims: &Value) -> String {
    jsonwebtoken::encode(&Header::new(algorithm), claims, key).unwrap()
}

fn key(name: &str) -> Vec<u8> {
    std::fs::read(format!("{KEYS}/{name}")).unwrap()
}

/// `alg: none`, unsigned.
fn unsigned(claims: &Value) -> String {
    let encode = |value: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string());
    format!("{}.{}.", encode(&json!({"alg": "none", "typ": "JWT"})), encode(claims))
}

/// Every kind of bad token, named, for a server verifying with `good` (HS256 or RS256).
fn bad_tokens(good: Algorithm, scope: &str) -> Vec<(&'static str, Option<String>)> {
    let secret = EncodingKey::from_secret(SECRET.as_bytes());
    let rsa = EncodingKey::from_rsa_pem(&key("rs256-private.pem")).unwrap();
    let (good_key, other) = match good {
        Algorithm::HS256 => {
            (&secret, ("an RS256 token where HS256 is configured", sign(Algorithm::RS256, &rsa, &claims(scope))))
        }
        _ => (&rsa, ("an HS256 token where RS256 is configured", sign(Algorithm::HS256, &secret, &claims(scope)))),
    };
    let with = |change: &dyn Fn(&mut Value)| {
        let mut claims = claims(scope);
        change(&mut claims);
        sign(good, good_key, &claims)
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut wrong_signature = sign(good, good_key, &claims(scope));
    let last = wrong_signature.pop().unwrap();
    wrong_signature.push(if last == 'A' { 'B' } else { 'A' });
    vec![
        ("no token", None),
        ("a malformed token", Some("not.a.jwt".to_owned())),
        ("a wrong signature", Some(wrong_signature)),
        (
            "a token signed with another key",
            Some(match good {
                Algorithm::HS256 => sign(good, &EncodingKey::from_secret(b"another secret"), &claims(scope)),
                _ => sign(
                    Algorithm::ES256,
                    &EncodingKey::from_ec_pem(&key("es256-private.pem")).unwrap(),
                    &claims(scope),
                ),
            }),
        ),
        ("alg: none", Some(unsigned(&claims(scope)))),
        (other.0, Some(other.1)),
        ("an expired token", Some(with(&|c| c["exp"] = json!(now - 3600)))),
        ("a token before its nbf", Some(with(&|c| c["nbf"] = json!(now + 3600)))),
        ("the wrong issuer", Some(with(&|c| c["iss"] = json!("https://elsewhere.example")))),
        ("the wrong audience", Some(with(&|c| c["aud"] = json!("another-service")))),
        ("no subject", Some(with(&|c| c["sub"] = json!("")))),
    ]
}

async fn status_of(server: &Server, operation: &Operation, token: Option<&str>) -> u16 {
    let mut request = server.client.request(operation.method.clone(), server.url(&operation.path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap().status().as_u16()
}

async fn matrix(server: &Server, good: Algorithm, good_key: &EncodingKey) {
    let operations = protected(&document(server).await);
    assert!(operations.len() >= 40, "{} protected operations", operations.len());
    for operation in &operations {
        for (what, token) in bad_tokens(good, &operation.scope) {
            let status = status_of(server, operation, token.as_deref()).await;
            assert_eq!(status, 401, "{} {} with {what}", operation.method, operation.path);
        }
        let others: Vec<&str> = EVERY_SCOPE.iter().copied().filter(|s| *s != operation.scope).collect();
        let without = sign(good, good_key, &claims(&others.join(" ")));
        let status = status_of(server, operation, Some(&without)).await;
        assert_eq!(status, 403, "{} {} without {}", operation.method, operation.path, operation.scope);
        // The control: the same token with the scope is not refused for want of it.
        let with = sign(good, good_key, &claims(&operation.scope));
        let status = status_of(server, operation, Some(&with)).await;
        assert!(
            status != 401 && status != 403,
            "{} {} with {}: {status}",
            operation.method,
            operation.path,
            operation.scope
        );
    }
}

/// Credentials come first: with no token, a request whose other headers are malformed is 401,
/// not 400, on every protected operation.
#[tokio::test]
async fn credentials_are_judged_before_any_other_header() {
    let server = Server::start().await;
    for operation in protected(&document(&server).await) {
        let response = server
            .client
            .request(operation.method.clone(), server.url(&operation.path))
            .header("x-lang", "null")
            .header("nonce", "not-a-uuid")
            .header("x-wallet-uuid", "null")
            .header("Idempotency-Key", "")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{} {}", operation.method, operation.path);
    }
    server.stop().await;
}

fn settings_with_claims(dir: &std::path::Path) -> settlement_server::Settings {
    let mut settings = common::settings(dir);
    settings.jwt_issuer = Some(ISSUER.to_owned());
    settings.jwt_audience = Some(AUDIENCE.to_owned());
    settings
}

#[tokio::test]
async fn every_protected_operation_refuses_every_bad_token_with_hs256() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(settings_with_claims(dir.path()), dir).await;
    matrix(&server, Algorithm::HS256, &EncodingKey::from_secret(SECRET.as_bytes())).await;
    server.stop().await;
}

#[tokio::test]
async fn every_protected_operation_refuses_every_bad_token_with_rs256() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = settings_with_claims(dir.path());
    settings.jwt_public_key = Some(format!("{KEYS}/rs256-public.pem"));
    let server = Server::start_with(settings, dir).await;
    matrix(&server, Algorithm::RS256, &EncodingKey::from_rsa_pem(&key("rs256-private.pem")).unwrap()).await;
    server.stop().await;
}

/// The operation id of every handler that takes a token (`Authorized<…>` or `Automatic<…>`),
/// read from the route modules: the `operation_id` of the `#[utoipa::path]` above it, or, for a
/// handler with none, its name (which no document operation has).
fn handlers_taking_a_token() -> Vec<String> {
    let mut ids = Vec::new();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src/routes");
    let mut files = vec![std::path::PathBuf::from(root)];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|entry| entry.unwrap().path()));
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        let mut before = source.split("pub async fn ");
        let mut preceding = before.next().unwrap_or_default();
        for handler in before {
            let signature = &handler[..handler.find('{').unwrap_or(handler.len())];
            if signature.contains("Authorized<") || signature.contains("Automatic<") {
                let name = signature[..signature.find(['(', '<']).unwrap()].trim();
                let annotation = preceding.rfind("#[utoipa::path(").map(|at| &preceding[at..]);
                let id = annotation
                    .and_then(|a| a.split("operation_id = \"").nth(1))
                    .and_then(|rest| rest.split('"').next())
                    .map_or_else(|| format!("{name} (no operation_id)"), str::to_owned);
                ids.push(id);
            }
            preceding = handler;
        }
    }
    ids
}

#[tokio::test]
async fn every_handler_that_takes_a_token_is_in_the_document_with_its_scope() {
    let server = Server::start().await;
    let document = document(&server).await;
    let mut documented = Vec::new();
    let mut every_id = Vec::new();
    for item in document["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            let id = operation["operationId"].as_str().unwrap().to_owned();
            if operation["security"][0]["bearer"].as_array().is_some_and(|s| !s.is_empty()) {
                documented.push(id.clone());
            }
            every_id.push(id);
        }
    }
    let unique: BTreeSet<&String> = every_id.iter().collect();
    assert_eq!(unique.len(), every_id.len(), "operationIds repeat: {every_id:?}");
    let handlers = handlers_taking_a_token();
    assert!(handlers.len() >= 40, "{handlers:?}");
    let (named, listed): (BTreeSet<&String>, BTreeSet<&String>) =
        (handlers.iter().collect(), documented.iter().collect());
    let missing: Vec<&&String> = named.difference(&listed).collect();
    assert!(missing.is_empty(), "handlers that take a token but are not in the OpenAPI document: {missing:?}");
    assert_eq!(handlers.len(), documented.len(), "handlers taking a token vs protected operations documented");
    server.stop().await;
}
