//! Tokens verified with a public key (RS256 or ES256): the right algorithm passes; another
//! algorithm, and an HS256 token keyed with the public key itself (algorithm confusion), fail.

mod common;

use common::Server;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/keys");

fn key(name: &str) -> Vec<u8> {
    std::fs::read(format!("{KEYS}/{name}")).unwrap()
}

fn token(algorithm: Algorithm, key: &EncodingKey) -> String {
    let exp = time::OffsetDateTime::now_utc().unix_timestamp() + 600;
    let claims = json!({"sub": "issuer-user", "scope": "payments.read", "exp": exp});
    jsonwebtoken::encode(&Header::new(algorithm), &claims, key).unwrap()
}

async fn status(server: &Server, token: &str) -> u16 {
    server.client.get(server.url("/api/v1/payments")).bearer_auth(token).send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn rs256_from_a_pem_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = common::settings(dir.path());
    settings.jwt_public_key = Some(format!("{KEYS}/rs256-public.pem"));
    let server = Server::start_with(settings, dir).await;
    let rsa = EncodingKey::from_rsa_pem(&key("rs256-private.pem")).unwrap();
    let ec = EncodingKey::from_ec_pem(&key("es256-private.pem")).unwrap();
    assert_eq!(status(&server, &token(Algorithm::RS256, &rsa)).await, 200);
    assert_eq!(status(&server, &token(Algorithm::ES256, &ec)).await, 401);
    let confused = token(Algorithm::HS256, &EncodingKey::from_secret(&key("rs256-public.pem")));
    assert_eq!(status(&server, &confused).await, 401);
    // The HS256 secret no longer signs anything the server accepts.
    assert_eq!(status(&server, &Server::token("payments.read")).await, 401);
    server.stop().await;
}

#[tokio::test]
async fn es256_from_pem_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = common::settings(dir.path());
    settings.jwt_public_key = Some(String::from_utf8(key("es256-public.pem")).unwrap());
    let server = Server::start_with(settings, dir).await;
    let rsa = EncodingKey::from_rsa_pem(&key("rs256-private.pem")).unwrap();
    let ec = EncodingKey::from_ec_pem(&key("es256-private.pem")).unwrap();
    assert_eq!(status(&server, &token(Algorithm::ES256, &ec)).await, 200);
    assert_eq!(status(&server, &token(Algorithm::RS256, &rsa)).await, 401);
    let confused = token(Algorithm::HS256, &EncodingKey::from_secret(&key("es256-public.pem")));
    assert_eq!(status(&server, &confused).await, 401);
    server.stop().await;
}
