//! Sending webhook deliveries: signed POSTs (Standard Webhooks 1.0) through a client that
//! reaches public addresses only (unless the operator allows private ones), follows no
//! redirect, times out, and reads at most a little of each answer.

use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use settlement_core::webhooks::{Attempt, Claimed, KEPT_RESPONSE, Reach, address, signature, webhook_id};
use time::OffsetDateTime;

/// A receiver must answer within this (the specification's "success is a 2xx within 10 s").
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Connecting may take this much of it.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The most of an answer read: enough to keep 1 KiB of it and to reuse the connection after a
/// short answer, never a receiver's whole stream.
const READ_AT_MOST: usize = 64 * 1024;
/// At most this many receivers' names are looked up at once. A lookup holds a thread of the
/// runtime's blocking pool (`getaddrinfo`) as long as the system's resolver takes, which is
/// seconds for a name no server answers for; uploads and file reads go through that pool too,
/// and were starved by a few hundred endpoints with unresolvable names (a 10 s stall of
/// `POST /files/import` in CI's Schemathesis run).
const CONCURRENT_LOOKUPS: usize = 16;
static LOOKUPS: LazyLock<Arc<tokio::sync::Semaphore>> =
    LazyLock::new(|| Arc::new(tokio::sync::Semaphore::new(CONCURRENT_LOOKUPS)));

/// Resolves names for the client and drops every address a webhook may not reach: the check
/// is on the address connected to, so a name that resolves elsewhere later does not pass.
#[derive(Debug)]
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            // The slot is released when the lookup ends, not when a timed-out delivery stops
            // waiting for it: the blocking thread is busy until then.
            let slot = LOOKUPS.clone().acquire_owned().await?;
            let target = host.clone();
            let found: Vec<SocketAddr> = tokio::task::spawn_blocking(move || {
                let _slot = slot;
                (target.as_str(), 0).to_socket_addrs().map(Iterator::collect::<Vec<_>>)
            })
            .await??;
            let reasons: Vec<&str> = found.iter().filter_map(|a| address::refusal(a.ip())).collect();
            let public: Vec<SocketAddr> = found.into_iter().filter(|a| address::refusal(a.ip()).is_none()).collect();
            if public.is_empty() {
                let why = reasons.first().copied().unwrap_or("no address");
                return Err(format!("{host} resolves to {why} addresses only; webhooks go to public receivers").into());
            }
            let addrs: Addrs = Box::new(public.into_iter());
            Ok(addrs)
        })
    }
}

/// Sends deliveries.
#[derive(Debug, Clone)]
pub struct Sender {
    client: reqwest::Client,
    reach: Reach,
}

impl Sender {
    /// A sender for `reach`.
    pub fn new(reach: Reach) -> Result<Self, String> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(TIMEOUT)
            .pool_idle_timeout(Duration::from_secs(30))
            .user_agent(concat!("pix-settlement-webhooks/", env!("CARGO_PKG_VERSION")));
        if !reach.allow_private {
            builder = builder.dns_resolver(Arc::new(PublicOnly));
        }
        let client = builder.build().map_err(|e| format!("the webhook client: {e}"))?;
        Ok(Sender { client, reach })
    }

    /// One attempt of `claimed`: what it found, and the receiver's `Retry-After`, if any.
    pub async fn send(&self, claimed: &Claimed) -> (Attempt, Option<Duration>) {
        let attempted_at = OffsetDateTime::now_utc();
        let started = Instant::now();
        let failed = |error: String| Attempt {
            attempted_at,
            status_code: None,
            latency_ms: started.elapsed().as_millis() as u64,
            response_body: None,
            error: Some(error),
        };
        // The URL was checked at registration; a literal address is checked again here, as the
        // resolver never sees one.
        if let Err(error) = self.reach.check(&claimed.url) {
            return (failed(error.to_string()), None);
        }
        let body = claimed.body();
        let id = webhook_id(claimed.event_id);
        let timestamp = attempted_at.unix_timestamp();
        let secrets: Vec<&str> = claimed.secrets.iter().map(String::as_str).collect();
        let request = self
            .client
            .post(&claimed.url)
            .header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature::header(&secrets, &id, timestamp, body.as_bytes()))
            .header("webhook-event-type", &claimed.event_type)
            .body(body);
        let mut response = match request.send().await {
            Ok(response) => response,
            Err(error) => return (failed(describe(&error)), None),
        };
        let status = response.status();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let mut kept = Vec::new();
        let mut read = 0;
        let mut error = None;
        while read < READ_AT_MOST {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    read += chunk.len();
                    let room = KEPT_RESPONSE.saturating_sub(kept.len());
                    kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
                }
                Ok(None) => break,
                Err(e) => {
                    error = Some(describe(&e));
                    break;
                }
            }
        }
        let error = error.or_else(|| {
            (!status.is_success()).then(|| match status.as_u16() {
                300..=399 => format!("answered {status}: redirects are not followed"),
                _ => format!("answered {status}"),
            })
        });
        let attempt = Attempt {
            attempted_at,
            status_code: Some(status.as_u16()),
            latency_ms: started.elapsed().as_millis() as u64,
            response_body: (!kept.is_empty()).then(|| String::from_utf8_lossy(&kept).into_owned()),
            error,
        };
        (attempt, retry_after)
    }
}

/// A client error with its causes: "error sending request" alone says nothing.
fn describe(error: &reqwest::Error) -> String {
    let mut text = if error.is_timeout() { format!("timed out after {TIMEOUT:?}") } else { error.to_string() };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
