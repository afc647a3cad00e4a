//! The service over loopback HTTP, against its SQLite store: `POST /payments`,
//! `GET /payments/{id}`, `POST /qr-codes`, the signed charge at a dynamic code's location and a
//! page of the automatic-payments list, next to `GET /health` (no database, no auth) measured in
//! the same run. `POST /payments` also runs against a second server whose database has the
//! payments' event triggers dropped: the difference is what the outbox (the event row written
//! with each payment, and its publication) costs.
//! Each iteration sends 16 requests at once, so criterion's throughput is requests per second
//! with 16 in flight.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};
use settlement_server::{App, Settings, auth};

const IN_FLIGHT: usize = 16;
const SECRET: &str = "bench-secret";

fn body() -> Value {
    json!({
        "amount": 15000,
        "debtor_ispb": "12345678",
        "debtor_document": "12345678909",
        "debtor_name": "João da Silva",
        "debtor_account_no": "123456",
        "debtor_account_type": "CACC",
        "debtor_branch": "0001",
        "creditor_ispb": "87654321",
        "creditor_document": "98765432100",
        "creditor_name": "Maria Santos",
        "creditor_account_no": "654321",
        "creditor_account_type": "SVGS",
        "description": "Payment for invoice #12345"
    })
}

fn http(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        data_dir: dir.path().to_path_buf(),
        database_url: None,
        jwt_secret: Some(SECRET.to_owned()),
        jwt_public_key: None,
        jwt_issuer: None,
        jwt_audience: None,
        public_url: Some("https://pix.example.com".to_owned()),
        jws_key: None,
        time_zone: "UTC".to_owned(),
        schedule_failure_limit: 3,
        webhooks_allow_private: true,
        refund_window_days: 90,
    };
    let serve = |settings: Settings, drop_events: bool| async move {
        let app = App::build(&settings).await.unwrap();
        if drop_events {
            let pool = sqlx::AnyPool::connect(&settings.database_url()).await.unwrap();
            for trigger in ["payments_event_created", "payments_event_changed"] {
                sqlx::query(&format!("DROP TRIGGER {trigger}")).execute(&pool).await.unwrap();
            }
            pool.close().await;
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(app.serve(listener, std::future::pending()));
        addr
    };
    sqlx::any::install_default_drivers();
    let without_dir = tempfile::tempdir().unwrap();
    let without_events = Settings { data_dir: without_dir.path().to_path_buf(), ..settings.clone() };
    let addr = runtime.block_on(serve(settings, false));
    let addr_without_events = runtime.block_on(serve(without_events, true));
    let token = auth::mint(
        SECRET.as_bytes(),
        "bench",
        "payments.read payments.write qrcodes.read qrcodes.write automatic.read automatic.write automatic.status",
        Duration::from_secs(3600),
        None,
        None,
    )
    .unwrap();
    let client = reqwest::Client::new();
    let url = |path: &str| format!("http://{addr}{path}");
    let id = runtime.block_on(async {
        let response = client.post(url("/api/v1/payments")).bearer_auth(&token).json(&body()).send().await.unwrap();
        assert_eq!(response.status(), 201);
        response.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
    });

    let qr_body = json!({
        "type": "IMMEDIATE", "merchant_name": "Loja ABC", "merchant_city": "Sao Paulo",
        "pix_key": "12345678909", "amount": 15000, "description": "Compra na Loja ABC"
    });
    let location = runtime.block_on(async {
        let response = client.post(url("/api/v1/qr-codes")).bearer_auth(&token).json(&qr_body).send().await.unwrap();
        assert_eq!(response.status(), 201);
        let code: Value = response.json().await.unwrap();
        let location = code["location"].as_str().unwrap().to_owned();
        location[location.find("/pix/").unwrap()..].to_owned()
    });

    // 10 weekly authorizations starting in 3 days, each with its 2 cycles inside the
    // instruction window: 20 automatic payments, one full page of the documented list.
    let automatic = "/api/v1/pix/scheduled-payments/automatic-payments";
    runtime.block_on(async {
        let today = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get("America/Sao_Paulo").unwrap()).date();
        let day = |n: i64| today.checked_add(jiff::Span::new().days(n)).unwrap().to_string();
        let send = |method: reqwest::Method, path: String, body: Value| {
            let nonce = uuid::Uuid::new_v4().to_string();
            client.request(method, url(&path)).bearer_auth(&token).header("nonce", nonce).json(&body).send()
        };
        for n in 0..10 {
            let authorization = json!({
                "journey": "JOURNEY_1", "frequency": "WEEKLY", "start_date": day(3), "value": 4990 + n,
                "owner_ispb": "12345678", "beneficiary_ispb": "87654321", "beneficiary_document": "11222333000181",
                "beneficiary_name": "Academia Boa Forma", "owner_document": "12345678909",
                "contract_number": format!("CONTRATO-{n}"), "contract_description": "Mensalidade",
                "request_expiration_date": "2099-01-01T00:00:00Z"
            });
            let paths = "/api/v1/pix/scheduled-payments/automatic-authorizations";
            let created: Value =
                send(reqwest::Method::POST, paths.to_owned(), authorization).await.unwrap().json().await.unwrap();
            let id = created["id"].as_str().unwrap();
            send(reqwest::Method::PUT, format!("{paths}/{id}/approve"), json!({})).await.unwrap();
            send(reqwest::Method::PUT, format!("{paths}/{id}/status"), json!({"status": "APPROVED"})).await.unwrap();
            for due in [day(3), day(10)] {
                let payment = json!({"authorization_id": id, "due_date": due, "value": 4990 + n});
                let response = send(reqwest::Method::POST, automatic.to_owned(), payment).await.unwrap();
                assert_eq!(response.status(), 201);
            }
        }
    });

    let mut group = c.benchmark_group("http");
    group.throughput(Throughput::Elements(IN_FLIGHT as u64));
    group.measurement_time(Duration::from_secs(10));
    let batch = |make: &dyn Fn() -> reqwest::RequestBuilder, expected: u16| {
        runtime.block_on(async {
            let requests: Vec<_> = (0..IN_FLIGHT).map(|_| tokio::spawn(make().send())).collect();
            for request in requests {
                assert_eq!(black_box(request.await.unwrap().unwrap()).status().as_u16(), expected);
            }
        })
    };
    group.bench_function("GET /health", |b| b.iter(|| batch(&|| client.get(url("/health")), 200)));
    group.bench_function("GET /payments/{id}", |b| {
        b.iter(|| batch(&|| client.get(url(&format!("/api/v1/payments/{id}"))).bearer_auth(&token), 200))
    });
    group.bench_function("POST /payments", |b| {
        b.iter(|| batch(&|| client.post(url("/api/v1/payments")).bearer_auth(&token).json(&body()), 201))
    });
    let url_without_events = |path: &str| format!("http://{addr_without_events}{path}");
    group.bench_function("POST /payments (event triggers dropped)", |b| {
        b.iter(|| batch(&|| client.post(url_without_events("/api/v1/payments")).bearer_auth(&token).json(&body()), 201))
    });
    group.bench_function("POST /qr-codes", |b| {
        b.iter(|| batch(&|| client.post(url("/api/v1/qr-codes")).bearer_auth(&token).json(&qr_body), 201))
    });
    group.bench_function("GET /pix/qr/v2/{token} (JWS)", |b| b.iter(|| batch(&|| client.get(url(&location)), 200)));
    let nonce = "9b2f1c4e-5d6a-4b7c-8d9e-0f1a2b3c4d5e";
    group.bench_function("GET automatic-payments (page of 20)", |b| {
        b.iter(|| batch(&|| client.get(url(automatic)).bearer_auth(&token).header("nonce", nonce), 200))
    });
    group.finish();
}

criterion_group!(benches, http);
criterion_main!(benches);
