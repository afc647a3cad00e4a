//! Pix Automático over real HTTP: the documented list (parameters, shape, filters), the
//! headers (nonce, x-lang, x-wallet-uuid, products), replayed requests, and two users and a
//! product that never see each other's records. (The rules behind it, driven by a manual clock,
//! are in settlement-core's tests.)

mod common;

use std::time::Duration;

use common::{SECRET, Server};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{Value, json};
use settlement_server::auth;
use uuid::Uuid;

const USER_SCOPES: &str = "automatic.read automatic.write";

/// A user: a token whose subject is a UUID v4 (so that a product can name them).
struct User {
    subject: String,
    token: String,
}

impl User {
    fn new(scopes: &str) -> User {
        let subject = Uuid::new_v4().to_string();
        let token = auth::mint(SECRET.as_bytes(), &subject, scopes, Duration::from_secs(600), None, None).unwrap();
        User { subject, token }
    }

    /// A request with a fresh nonce.
    fn request(&self, server: &Server, method: Method, path: &str) -> RequestBuilder {
        self.without_nonce(server, method, path).header("nonce", Uuid::new_v4().to_string())
    }

    /// A request with no nonce yet.
    fn without_nonce(&self, server: &Server, method: Method, path: &str) -> RequestBuilder {
        server.client.request(method, server.url(&format!("/api/v1{path}"))).bearer_auth(&self.token)
    }
}

const PAYMENTS: &str = "/pix/scheduled-payments/automatic-payments";
const AUTHORIZATIONS: &str = "/pix/scheduled-payments/automatic-authorizations";

/// São Paulo's date `days` from now (the instruction window is read there).
fn date_in(days: i64) -> String {
    let now = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get("America/Sao_Paulo").unwrap());
    now.date().checked_add(jiff::Span::new().days(days)).unwrap().to_string()
}

fn authorization_body(frequency: &str, start: &str) -> Value {
    json!({
        "journey": "JOURNEY_2",
        "frequency": frequency,
        "start_date": start,
        "end_date": "2099-12-31",
        "floor_max_value": 5000,
        "payment_max_value": 20000,
        "retry_policy": "PERMITE_3R_7D",
        "owner_ispb": "12345678",
        "beneficiary_ispb": "87654321",
        "beneficiary_document": "11222333000181",
        "beneficiary_name": "Operadora Telefonia",
        "owner_document": "12345678909",
        "debtor_document": "98765432100",
        "debtor_name": "Maria Santos",
        "contract_number": "LINHA-11-99999-0000",
        "contract_description": "Plano móvel mensal",
        "request_expiration_date": "2099-01-01T00:00:00Z"
    })
}

async fn json_of(response: Response, status: u16) -> Value {
    let code = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    assert_eq!(code, status, "{body}");
    body
}

/// An APPROVED authorization of `user`: asked, accepted, confirmed by the payer's institution.
async fn approved(server: &Server, user: &User, frequency: &str, start: &str) -> Value {
    let created = user
        .request(server, Method::POST, AUTHORIZATIONS)
        .json(&authorization_body(frequency, start))
        .send()
        .await
        .unwrap();
    let created = json_of(created, 201).await;
    assert_eq!(created["status"], "PENDING");
    let id = created["id"].as_str().unwrap();
    let waiting = json_of(
        user.request(server, Method::PUT, &format!("{AUTHORIZATIONS}/{id}/approve")).send().await.unwrap(),
        200,
    )
    .await;
    assert_eq!(waiting["status"], "WAITING_APPROVAL");
    let institution = User::new("automatic.status");
    let confirm = institution
        .request(server, Method::PUT, &format!("{AUTHORIZATIONS}/{id}/status"))
        .json(&json!({"status": "APPROVED"}))
        .send()
        .await
        .unwrap();
    json_of(confirm, 200).await
}

async fn send_payment(server: &Server, user: &User, authorization: &Value, due: &str, value: i64) -> Value {
    let body = json!({"authorization_id": authorization["id"], "due_date": due, "value": value});
    json_of(user.request(server, Method::POST, PAYMENTS).json(&body).send().await.unwrap(), 201).await
}

async fn list(server: &Server, user: &User, query: &str) -> Value {
    json_of(user.request(server, Method::GET, &format!("{PAYMENTS}{query}")).send().await.unwrap(), 200).await
}

async fn refusal(response: Response, status: u16) -> (String, String) {
    let language = response.headers().get("content-language").map(|v| v.to_str().unwrap().to_owned());
    let body = json_of(response, status).await;
    assert!(language.is_some(), "every refusal of the group says its language");
    (body["error"]["code"].as_str().unwrap().to_owned(), body["error"]["message"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn the_documented_list_lists_real_payments() {
    let server = Server::start().await;
    let alice = User::new(USER_SCOPES);
    let monthly = approved(&server, &alice, "MONTHLY", &date_in(5)).await;
    let weekly = approved(&server, &alice, "WEEKLY", &date_in(3)).await;
    let first = send_payment(&server, &alice, &monthly, &date_in(5), 12990).await;
    let second = send_payment(&server, &alice, &weekly, &date_in(3), 5000).await;
    let third = send_payment(&server, &alice, &weekly, &date_in(10), 5000).await;

    let page = list(&server, &alice, "").await;
    assert_eq!(
        (page["page"].as_u64(), page["page_size"].as_u64(), page["page_total"].as_u64(), page["total"].as_u64()),
        (Some(1), Some(20), Some(1), Some(3))
    );
    let data = page["data"].as_array().unwrap();
    let ids: Vec<&Value> = data.iter().map(|p| &p["id"]).collect();
    assert_eq!(ids, [&first["id"], &second["id"], &third["id"]], "by creation, ascending");
    let payment = &data[0];
    for field in [
        "id",
        "pix_automatic_authorization",
        "due_date",
        "value",
        "scheduling_purpose",
        "status",
        "created_at",
        "updated_at",
    ] {
        assert!(!payment[field].is_null(), "{field}: {payment}");
    }
    assert_eq!(
        (payment["value"].as_i64(), payment["scheduling_purpose"].as_str(), payment["status"].as_str()),
        (Some(12990), Some("SCHEDULING"), Some("CREATED"))
    );
    let authorization = &payment["pix_automatic_authorization"];
    assert_eq!(authorization, &monthly, "the authorization, whole");
    for (field, value) in [
        ("journey", json!("JOURNEY_2")),
        ("frequency", json!("MONTHLY")),
        ("end_date", json!("2099-12-31")),
        ("floor_max_value", json!(5000)),
        ("payment_max_value", json!(20000)),
        ("beneficiary_ispb", json!("87654321")),
        ("beneficiary_document", json!("11222333000181")),
        ("beneficiary_name", json!("Operadora Telefonia")),
        ("owner_document", json!("12345678909")),
        ("debtor_document", json!("98765432100")),
        ("debtor_name", json!("Maria Santos")),
        ("contract_number", json!("LINHA-11-99999-0000")),
        ("contract_description", json!("Plano móvel mensal")),
        ("request_expiration_date", json!("2099-01-01T00:00:00Z")),
        ("status", json!("APPROVED")),
    ] {
        assert_eq!(authorization[field], value, "{field}");
    }

    // Paging, order, and the status filter, repeated or comma-separated.
    let second_page = list(&server, &alice, "?size=2&page=2&sort=created_at&order=desc").await;
    assert_eq!(
        (second_page["page_total"].as_u64(), second_page["data"][0]["id"].clone()),
        (Some(2), first["id"].clone())
    );
    let beyond = list(&server, &alice, "?page=9").await;
    assert_eq!((beyond["total"].as_u64(), beyond["data"].as_array().unwrap().len()), (Some(3), 0));
    let id = second["id"].as_str().unwrap();
    let cancelled =
        json_of(alice.request(&server, Method::DELETE, &format!("{PAYMENTS}/{id}")).send().await.unwrap(), 200).await;
    assert_eq!(cancelled["status"], "WAITING_CANCELLATION");
    let waiting = list(&server, &alice, "?status=WAITING_CANCELLATION").await;
    assert_eq!((waiting["total"].as_u64(), waiting["data"][0]["id"].clone()), (Some(1), second["id"].clone()));
    let both = list(&server, &alice, "?status=CREATED&status=CANCELED").await;
    assert_eq!(both["total"], 2);
    let comma = list(&server, &alice, "?status=CREATED,WAITING_CANCELLATION").await;
    assert_eq!(comma["total"], 3);

    // The institution confirms; the payment is read back by id.
    let institution = User::new("automatic.status");
    let confirm = institution
        .request(&server, Method::PUT, &format!("{PAYMENTS}/{id}/status"))
        .json(&json!({"status": "CANCELED"}))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(confirm, 200).await["status"], "CANCELED");
    let read =
        json_of(alice.request(&server, Method::GET, &format!("{PAYMENTS}/{id}")).send().await.unwrap(), 200).await;
    assert_eq!(read["status"], "CANCELED");

    // A second instruction for a cycle is a 400 naming the field, in Portuguese by default.
    let again = alice
        .request(&server, Method::POST, PAYMENTS)
        .json(&json!({"authorization_id": monthly["id"], "due_date": date_in(5), "value": 12990}))
        .send()
        .await
        .unwrap();
    let (code, message) = refusal(again, 400).await;
    assert_eq!(code, "VALIDATION_ERROR");
    assert!(message.starts_with("due_date já tem o pagamento deste ciclo"), "{message}");
    server.stop().await;
}

#[tokio::test]
async fn a_payment_under_an_authorization_not_approved_is_a_conflict() {
    let server = Server::start().await;
    let alice = User::new(USER_SCOPES);
    let created = alice
        .request(&server, Method::POST, AUTHORIZATIONS)
        .json(&authorization_body("MONTHLY", "2026-03-01"))
        .send()
        .await
        .unwrap();
    let pending = json_of(created, 201).await;
    let body = json!({"authorization_id": pending["id"], "due_date": "2026-03-01", "value": 1000});
    let response = alice.request(&server, Method::POST, PAYMENTS).json(&body).send().await.unwrap();
    let (code, message) = refusal(response, 409).await;
    assert_eq!(code, "AUTHORIZATION_NOT_APPROVED");
    assert!(message.contains("PENDING"), "{message}");
    server.stop().await;
}

#[tokio::test]
async fn parameters_and_headers_are_checked_in_both_languages() {
    let server = Server::start().await;
    let alice = User::new(USER_SCOPES);
    for (query, pt, en) in [
        ("?size=101", "size deve ser um inteiro de 1 a 100", "size must be an integer from 1 to 100"),
        ("?page=0", "page deve ser um inteiro de 1 a 2147483647", "page must be an integer from 1 to 2147483647"),
        ("?order=up", "order deve ser um de asc, desc", "order must be one of asc, desc"),
        ("?sort=value", "sort deve ser um de created_at", "sort must be one of created_at"),
        ("?status=PAID", "status deve ser um de CREATED", "status must be one of CREATED"),
        ("?limit=10", "limit não é um parâmetro conhecido", "limit is not a known parameter"),
    ] {
        let (code, message) =
            refusal(alice.request(&server, Method::GET, &format!("{PAYMENTS}{query}")).send().await.unwrap(), 400)
                .await;
        assert_eq!(code, "VALIDATION_ERROR");
        assert!(message.starts_with(pt), "{query}: {message}");
        let english = alice
            .request(&server, Method::GET, &format!("{PAYMENTS}{query}"))
            .header("x-lang", "en-US")
            .send()
            .await
            .unwrap();
        let (_, message) = refusal(english, 400).await;
        assert!(message.starts_with(en), "{query}: {message}");
    }
    let url = server.url(&format!("/api/v1{PAYMENTS}"));
    let without_nonce = server.client.get(&url).bearer_auth(&alice.token).send().await.unwrap();
    assert_eq!(refusal(without_nonce, 400).await.1, "nonce é obrigatório");
    for bad in ["not-a-uuid", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"] {
        let response = server
            .client
            .get(&url)
            .bearer_auth(&alice.token)
            .header("nonce", bad)
            .header("x-lang", "en-US")
            .send()
            .await
            .unwrap();
        assert_eq!(refusal(response, 400).await.1, "nonce must be a version 4 UUID", "{bad} (a v1 UUID is not v4)");
    }
    let french = alice.request(&server, Method::GET, PAYMENTS).header("x-lang", "fr-FR").send().await.unwrap();
    assert_eq!(refusal(french, 400).await.1, "x-lang deve ser um de pt-BR, en-US");
    let accept = alice
        .request(&server, Method::GET, &format!("{PAYMENTS}?size=0"))
        .header("accept-language", "en-GB,en;q=0.8")
        .send()
        .await
        .unwrap();
    assert!(refusal(accept, 400).await.1.starts_with("size must be"));

    // Auth and scopes, in the request's language.
    let anonymous = server.client.get(&url).header("nonce", Uuid::new_v4().to_string()).send().await.unwrap();
    assert_eq!(anonymous.headers()["www-authenticate"], r#"Bearer error="invalid_token""#);
    let (code, message) = refusal(anonymous, 401).await;
    assert_eq!(code, "UNAUTHORIZED");
    assert!(message.starts_with("token ausente ou inválido"), "{message}");
    let reader = User::new("automatic.read");
    let write = reader
        .request(&server, Method::POST, AUTHORIZATIONS)
        .json(&authorization_body("MONTHLY", &date_in(5)))
        .header("x-lang", "en-US")
        .send()
        .await
        .unwrap();
    assert_eq!(
        refusal(write, 403).await,
        ("INSUFFICIENT_SCOPE".into(), "this operation requires the scope automatic.write".into())
    );
    let settlement_token = server
        .client
        .get(&url)
        .bearer_auth(Server::token(common::ALL_SCOPES))
        .header("nonce", Uuid::new_v4().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(refusal(settlement_token, 403).await.0, "INSUFFICIENT_SCOPE");

    // Bodies: the field named, in the language asked.
    let mut body = authorization_body("MONTHLY", &date_in(5));
    body["value"] = json!(9990);
    let both = alice
        .request(&server, Method::POST, AUTHORIZATIONS)
        .json(&body)
        .header("x-lang", "en-US")
        .send()
        .await
        .unwrap();
    assert_eq!(
        refusal(both, 400).await.1,
        "floor_max_value cannot be given with value: a fixed value or a floor, not both"
    );
    body = authorization_body("MONTHLY", &date_in(5));
    body["payment_max_value"] = json!(100);
    let below = alice.request(&server, Method::POST, AUTHORIZATIONS).json(&body).send().await.unwrap();
    assert_eq!(refusal(below, 400).await.1, "payment_max_value não pode ser menor que o piso do recebedor, 5000");
    body = authorization_body("MONTHLY", &date_in(5));
    body["contract_number"] = json!("X".repeat(36));
    let long = alice
        .request(&server, Method::POST, AUTHORIZATIONS)
        .json(&body)
        .header("x-lang", "en-US")
        .send()
        .await
        .unwrap();
    assert_eq!(refusal(long, 400).await.1, "contract_number must be at most 35 characters");
    let typed = alice
        .request(&server, Method::POST, AUTHORIZATIONS)
        .json(&json!({"value": "ten"}))
        .header("x-lang", "en-US")
        .send()
        .await
        .unwrap();
    assert!(refusal(typed, 400).await.1.starts_with("value is not the JSON expected: invalid type"));
    let unknown_id =
        alice.request(&server, Method::GET, &format!("{AUTHORIZATIONS}/{}", Uuid::new_v4())).send().await.unwrap();
    assert_eq!(refusal(unknown_id, 404).await, ("NOT_FOUND".into(), "autorização não encontrada".into()));
    server.stop().await;
}

#[tokio::test]
async fn a_replayed_request_changes_nothing() {
    let server = Server::start().await;
    let alice = User::new(USER_SCOPES);
    let nonce = Uuid::new_v4().to_string();
    let body = authorization_body("MONTHLY", &date_in(5));
    let send = || alice.without_nonce(&server, Method::POST, AUTHORIZATIONS).header("nonce", &nonce).json(&body).send();
    json_of(send().await.unwrap(), 201).await;
    let (code, message) = refusal(send().await.unwrap(), 409).await;
    assert_eq!(code, "NONCE_REUSED");
    assert!(message.contains("24 horas"), "{message}");
    let listed = json_of(alice.request(&server, Method::GET, AUTHORIZATIONS).send().await.unwrap(), 200).await;
    assert_eq!(listed["total"], 1, "the replay stored nothing");
    // Reads may repeat a nonce.
    for _ in 0..2 {
        let read =
            alice.without_nonce(&server, Method::GET, AUTHORIZATIONS).header("nonce", &nonce).send().await.unwrap();
        assert_eq!(read.status(), 200);
    }
    // Two nonces in one request: refused, not one of them picked.
    let twice =
        alice.request(&server, Method::POST, AUTHORIZATIONS).header("nonce", &nonce).json(&body).send().await.unwrap();
    assert_eq!(refusal(twice, 400).await.1, "nonce só pode aparecer uma vez");
    server.stop().await;
}

#[tokio::test]
async fn two_users_and_a_product_never_see_each_others_records() {
    let server = Server::start().await;
    let alice = User::new(USER_SCOPES);
    let bob = User::new(USER_SCOPES);
    let authorization = approved(&server, &alice, "MONTHLY", &date_in(5)).await;
    let payment = send_payment(&server, &alice, &authorization, &date_in(5), 12990).await;
    let payment_path = format!("{PAYMENTS}/{}", payment["id"].as_str().unwrap());
    let authorization_path = format!("{AUTHORIZATIONS}/{}", authorization["id"].as_str().unwrap());

    assert_eq!(list(&server, &bob, "").await["total"], 0);
    for path in [&payment_path, &authorization_path] {
        let response = bob.request(&server, Method::GET, path).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}: no leak, not even a 403");
    }
    let cancel = bob.request(&server, Method::DELETE, &payment_path).send().await.unwrap();
    assert_eq!(cancel.status(), 404);

    // Wallets: Alice's default is hers alone; her second wallet is empty.
    let wallets = json_of(alice.request(&server, Method::GET, "/pix/wallets").send().await.unwrap(), 200).await;
    let default = wallets[0]["uuid"].as_str().unwrap().to_owned();
    assert_eq!(wallets[0]["is_default"], true);
    let stolen = bob.request(&server, Method::GET, PAYMENTS).header("x-wallet-uuid", &default).send().await.unwrap();
    assert_eq!(refusal(stolen, 403).await, ("FORBIDDEN".into(), "x-wallet-uuid não é uma carteira sua".into()));
    let own = alice.request(&server, Method::GET, PAYMENTS).header("x-wallet-uuid", &default).send().await.unwrap();
    assert_eq!(json_of(own, 200).await["total"], 1);
    let second = json_of(alice.request(&server, Method::POST, "/pix/wallets").send().await.unwrap(), 201).await;
    let other = alice
        .request(&server, Method::GET, PAYMENTS)
        .header("x-wallet-uuid", second["uuid"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(other, 200).await["total"], 0);

    // A product acts for Alice only with the scope and her grant.
    let product = Uuid::new_v4().to_string();
    let platform = User::new("automatic.read automatic.product");
    let as_product = |user: &User, target: &str| {
        user.request(&server, Method::GET, PAYMENTS)
            .header("x-product-uuid", &product)
            .header("x-product-target-user-uuid", target)
    };
    assert_eq!(as_product(&platform, &alice.subject).send().await.unwrap().status(), 403, "not granted yet");
    let grant = alice.request(&server, Method::PUT, &format!("/pix/product-grants/{product}")).send().await.unwrap();
    assert_eq!(grant.status(), 204);
    let listed = json_of(as_product(&platform, &alice.subject).send().await.unwrap(), 200).await;
    assert_eq!(listed["data"][0]["id"], payment["id"]);
    assert_eq!(as_product(&platform, &bob.subject).send().await.unwrap().status(), 403, "Bob granted nothing");
    let no_scope = User::new("automatic.read");
    assert_eq!(as_product(&no_scope, &alice.subject).send().await.unwrap().status(), 403, "no automatic.product");
    let target_alone = platform
        .request(&server, Method::GET, PAYMENTS)
        .header("x-product-target-user-uuid", &alice.subject)
        .send()
        .await
        .unwrap();
    assert_eq!(refusal(target_alone, 400).await.1, "x-product-target-user-uuid exige x-product-uuid");
    let revoke =
        alice.request(&server, Method::DELETE, &format!("/pix/product-grants/{product}")).send().await.unwrap();
    assert_eq!(revoke.status(), 204);
    assert_eq!(as_product(&platform, &alice.subject).send().await.unwrap().status(), 403, "revoked");
    server.stop().await;
}
