//! A real server on 127.0.0.1, port 0, over a temporary SQLite file, and a client for it.

// Each test binary uses its own part of this module.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use reqwest::{Client, Method, RequestBuilder, Response};
use serde_json::{Value, json};
use settlement_server::{App, Settings, auth};
use tokio::sync::oneshot;

pub(crate) const SECRET: &str = "integration-test-secret";
pub(crate) const ALL_SCOPES: &str = "payments.read payments.write payments.status credit.read credit.write qrcodes.read qrcodes.write files.read files.write schedules.read schedules.write";

pub(crate) struct Server {
    pub(crate) addr: SocketAddr,
    pub(crate) client: Client,
    pub(crate) dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

pub(crate) fn settings(dir: &std::path::Path) -> Settings {
    Settings {
        data_dir: dir.to_path_buf(),
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
    }
}

impl Server {
    pub(crate) async fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        Server::start_with(settings(dir.path()), dir).await
    }

    pub(crate) async fn start_with(settings: Settings, dir: tempfile::TempDir) -> Server {
        Server::start_tuned(settings, dir, |_| {}).await
    }

    /// A server whose app `tune` adjusts (its timeouts) before it serves.
    pub(crate) async fn start_tuned(settings: Settings, dir: tempfile::TempDir, tune: impl FnOnce(&mut App)) -> Server {
        let mut app = App::build(&settings).await.unwrap();
        app.release_interval = Duration::from_millis(200);
        tune(&mut app);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(app.serve(listener, async move {
            let _ = stopped.await;
        }));
        Server { addr, client: Client::new(), dir, stop: Some(stop), task: Some(task) }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub(crate) fn token(scope: &str) -> String {
        auth::mint(SECRET.as_bytes(), "ops@bank.example", scope, Duration::from_secs(600), None, None).unwrap()
    }

    /// A request with a token carrying every payment scope.
    pub(crate) fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path)).bearer_auth(Server::token(ALL_SCOPES))
    }

    pub(crate) async fn create(&self, body: &Value) -> Response {
        self.request(Method::POST, "/api/v1/payments").json(body).send().await.unwrap()
    }

    pub(crate) async fn created_id(&self, body: &Value) -> i64 {
        let response = self.create(body).await;
        assert_eq!(response.status(), 201);
        response.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
    }

    pub(crate) async fn set_status(&self, id: i64, status: &str) -> Response {
        self.request(Method::PUT, &format!("/api/v1/payments/{id}/status"))
            .json(&json!({ "status": status }))
            .send()
            .await
            .unwrap()
    }

    pub(crate) async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }
}

/// The document's example body, with valid CPFs.
pub(crate) fn payment_body() -> Value {
    json!({
        "external_id": "MERCHANT-12345",
        "amount": 15000,
        "currency": "BRL",
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
        "creditor_branch": "0002",
        "description": "Payment for invoice #12345",
        "tx_id": "ABC123XYZ",
        "discounts": [{"date": "2026-02-10T00:00:00Z", "amount": 500}],
        "additional_info": [{"key": "invoice_number", "value": "INV-12345"}]
    })
}

/// Status, error code and message of an error response.
pub(crate) async fn error_of(response: Response) -> (u16, String, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    (
        status,
        body["error"]["code"].as_str().unwrap_or_default().to_owned(),
        body["error"]["message"].as_str().unwrap_or_default().to_owned(),
    )
}
