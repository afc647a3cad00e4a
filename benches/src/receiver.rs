//! A webhook receiver on 127.0.0.1 for the load run and the delivery benchmark: it verifies
//! each delivery's signature with the Standard Webhooks reference crate (`standardwebhooks`, not
//! this project's code), answers 204, and records what it got.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;

/// One delivery received.
#[derive(Debug, Clone)]
pub struct Received {
    /// Its `webhook-id`.
    pub webhook_id: String,
    /// The event's type.
    pub event_type: String,
    /// The payment it is about: `data.id`, or a credit confirmation's or a refund's
    /// `payment_request_id`.
    pub payment_id: Option<i64>,
    /// A refund's event: the refund's `data.id`.
    pub refund_id: Option<i64>,
    /// The status a change moved to (`data.change.to`).
    pub to: Option<String>,
}

#[derive(Deserialize)]
struct Body {
    #[serde(rename = "type")]
    event_type: String,
    data: Data,
}

#[derive(Deserialize)]
struct Data {
    id: Option<serde_json::Value>,
    payment_request_id: Option<i64>,
    change: Option<Change>,
}

#[derive(Deserialize)]
struct Change {
    to: Option<String>,
}

#[derive(Default)]
struct State {
    secret: RwLock<Option<String>>,
    received: Mutex<Vec<Received>>,
    count: AtomicU64,
    unverified: AtomicU64,
}

/// The receiver.
pub struct Receiver {
    /// Where it listens: `http://127.0.0.1:PORT/hook`.
    pub url: String,
    state: Arc<State>,
}

impl Receiver {
    /// Listens on a free port of 127.0.0.1, in the current runtime.
    pub async fn start() -> Receiver {
        let state = Arc::new(State::default());
        let shared = state.clone();
        let app = axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
            let state = shared.clone();
            async move { state.receive(&headers, &body) }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let url = format!("http://{}/hook", listener.local_addr().expect("an address"));
        tokio::spawn(async move { axum::serve(listener, app).await.expect("the receiver serves") });
        Receiver { url, state }
    }

    /// The endpoint's secret, once it is registered.
    pub fn set_secret(&self, secret: &str) {
        *self.state.secret.write().expect("secret") = Some(secret.to_owned());
    }

    /// Deliveries received.
    pub fn count(&self) -> u64 {
        self.state.count.load(Ordering::Relaxed)
    }

    /// Deliveries whose signature did not verify.
    pub fn unverified(&self) -> u64 {
        self.state.unverified.load(Ordering::Relaxed)
    }

    /// What was received, in order.
    pub fn received(&self) -> Vec<Received> {
        self.state.received.lock().expect("received").clone()
    }
}

impl State {
    fn receive(&self, headers: &HeaderMap, body: &[u8]) -> StatusCode {
        let verified = self
            .secret
            .read()
            .expect("secret")
            .as_deref()
            .and_then(|secret| standardwebhooks::Webhook::new(secret).ok())
            .is_some_and(|webhook| webhook.verify(body, headers).is_ok());
        if !verified {
            self.unverified.fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        let id = headers.get("webhook-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        if let Ok(event) = serde_json::from_slice::<Body>(body) {
            let object = event.data.id.as_ref().and_then(serde_json::Value::as_i64);
            let refund = event.event_type.starts_with("payment.refund.");
            let payment_id = match event.event_type.as_str() {
                "payment.credit_confirmed" => event.data.payment_request_id,
                _ if refund => event.data.payment_request_id,
                _ => object,
            };
            let refund_id = object.filter(|_| refund);
            let to = event.data.change.and_then(|change| change.to);
            self.received.lock().expect("received").push(Received {
                webhook_id: id,
                event_type: event.event_type,
                payment_id,
                refund_id,
                to,
            });
        }
        if verified { StatusCode::NO_CONTENT } else { StatusCode::BAD_REQUEST }
    }
}
