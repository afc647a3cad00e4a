//! Webhooks: endpoints that subscribe to event types, the events the store writes with every
//! change (the outbox), their deliveries and each delivery's attempts.
//!
//! An event is written by a trigger in the transaction of its change. It is then published: one
//! delivery queued for each enabled endpoint of the object's owner that selects its type and
//! whose owner reads it (see [`catalogue`]). Senders claim due deliveries, POST them signed
//! ([`signature`]), and record each attempt; a failed one is tried again on the [`retry`]
//! schedule. An event's `data` is rendered when it is first delivered, and kept: every attempt
//! sends the same bytes. An event no endpoint was sent is rendered when the feed reads it.

pub mod address;
pub mod catalogue;
pub mod retry;
pub mod signature;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::error::CoreError;

/// The longest endpoint URL, in characters.
pub const MAX_URL: usize = 2048;
/// The most selectors an endpoint may have.
pub const MAX_SELECTORS: usize = 50;
/// The longest description, in characters.
pub const MAX_DESCRIPTION: usize = 255;
/// How long the old secret still signs after a rotation.
pub const ROTATION_OVERLAP: time::Duration = time::Duration::hours(24);
/// The most of a receiver's answer kept with an attempt.
pub const KEPT_RESPONSE: usize = 1024;

/// A registered endpoint, as the API shows it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Endpoint {
    /// The endpoint's id.
    pub id: i64,
    /// Where deliveries are POSTed.
    pub url: String,
    /// What it is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The event types it receives: exact names, `prefix.*`, or `*`.
    pub event_types: Vec<String>,
    /// Whether deliveries are made; an endpoint failing for 5 days is disabled.
    pub enabled: bool,
    /// Why the service disabled it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<String>,
    /// Since when every attempt to it failed.
    #[serde(with = "crate::time_format::api_option", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub failing_since: Option<OffsetDateTime>,
    /// Until when the secret before the last rotation still signs.
    #[serde(with = "crate::time_format::api_option", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub previous_secret_expires_at: Option<OffsetDateTime>,
    /// The token subject that registered it: it receives that subject's objects' events.
    pub owner: String,
    /// When it was registered.
    #[serde(with = "crate::time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// When it last changed.
    #[serde(with = "crate::time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

/// An endpoint and its signing secret: the answer of a registration or a rotation, the only
/// times the secret is shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EndpointWithSecret {
    /// The endpoint.
    #[serde(flatten)]
    pub endpoint: Endpoint,
    /// `whsec_` and the secret's bytes in base64: verify deliveries with it.
    pub secret: String,
}

/// A registration, as the API takes it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointRequest {
    /// `https://` URL that receives the deliveries.
    #[schema(format = "uri")]
    pub url: String,
    /// Exact event types, `prefix.*` (`payment.*`), or `*`.
    #[schema(min_items = 1, max_items = 50)]
    pub event_types: Vec<String>,
    /// What it is for (up to 255 characters).
    #[schema(max_length = 255)]
    #[serde(default)]
    pub description: Option<String>,
    /// Default true.
    #[serde(default)]
    pub enabled: Option<bool>,
}

/// A change of an endpoint: the fields given are replaced.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointPatch {
    /// A new URL.
    #[schema(format = "uri")]
    #[serde(default)]
    pub url: Option<String>,
    /// New selectors.
    #[schema(min_items = 1, max_items = 50)]
    #[serde(default)]
    pub event_types: Option<Vec<String>>,
    /// A new description (`null` removes it).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 255)]
    pub description: Option<Option<String>>,
    /// Turn deliveries on or off; turning them on clears why the service disabled it.
    #[serde(default)]
    pub enabled: Option<bool>,
}

/// `Some(None)` for an explicit `null`, so that a patch can remove a value.
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

/// Which receivers an endpoint may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reach {
    /// `http://` and loopback, private or link-local receivers (development and tests only).
    pub allow_private: bool,
}

impl Reach {
    /// Checks `url`: absolute, `https` (or `http` when private receivers are allowed), with a
    /// host, no credentials, and not a literal address that is not public. Names are checked
    /// again by the sender on every address they resolve to.
    pub fn check(self, url: &str) -> Result<url::Url, CoreError> {
        let bad = |rule: &str| invalid("url", rule);
        if url.chars().count() > MAX_URL {
            return Err(bad(&format!("must be at most {MAX_URL} characters")));
        }
        let parsed = url::Url::parse(url).map_err(|e| bad(&format!("is not an absolute URL: {e}")))?;
        match parsed.scheme() {
            "https" => {}
            "http" if self.allow_private => {}
            "http" => return Err(bad("must be https (plain http is allowed only with --webhooks-allow-private)")),
            other => return Err(bad(&format!("must be https, not {other}"))),
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(bad("must not carry credentials: they would be stored and logged with it"));
        }
        let literal = match parsed.host() {
            None => return Err(bad("has no host")),
            Some(url::Host::Ipv4(v4)) => Some(std::net::IpAddr::V4(v4)),
            Some(url::Host::Ipv6(v6)) => Some(std::net::IpAddr::V6(v6)),
            Some(url::Host::Domain(_)) => None,
        };
        if let Some(reason) = literal.and_then(address::refusal)
            && !self.allow_private
        {
            return Err(bad(&format!("names a {reason} address; webhooks go to public receivers only")));
        }
        Ok(parsed)
    }
}

/// Checks an endpoint's selectors: 1 to 50, each choosing at least one event type that one of
/// `scopes` reads.
pub fn check_selectors(selectors: &[String], scopes: &[String]) -> Result<(), CoreError> {
    if selectors.is_empty() || selectors.len() > MAX_SELECTORS {
        return Err(invalid("event_types", format!("must list 1 to {MAX_SELECTORS} event types")));
    }
    for (index, selector) in selectors.iter().enumerate() {
        let field = format!("event_types[{index}]");
        let mut chosen = catalogue::selected(selector).peekable();
        if chosen.peek().is_none() {
            return Err(invalid(field, format!("{selector:?} is no event type, `prefix.*` or `*`")));
        }
        let needed: Vec<&str> = chosen.map(|kind| kind.scope).collect();
        if !needed.iter().any(|scope| scopes.iter().any(|held| held == scope)) {
            let mut needed = needed;
            needed.dedup();
            return Err(invalid(field, format!("{selector:?} needs a token with {}", needed.join(" or "))));
        }
    }
    Ok(())
}

/// Checks a description: at most 255 characters.
pub fn check_description(description: Option<&str>) -> Result<(), CoreError> {
    match description {
        Some(text) if text.chars().count() > MAX_DESCRIPTION => {
            Err(invalid("description", format!("must be at most {MAX_DESCRIPTION} characters")))
        }
        _ => Ok(()),
    }
}

fn invalid(field: impl Into<String>, rule: impl std::fmt::Display) -> CoreError {
    let field = field.into();
    CoreError::Validation { message: format!("{field} {rule}"), field }
}

/// The read scopes among a token's, kept with an endpoint: it receives only what they read.
pub fn read_scopes(scopes: &[String]) -> Vec<String> {
    let mut kept: Vec<String> = scopes
        .iter()
        .filter(|scope| catalogue::EVENT_TYPES.iter().any(|kind| kind.scope == scope.as_str()))
        .cloned()
        .collect();
    kept.sort();
    kept.dedup();
    kept
}

/// An event, as the feed and the deliveries show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Event {
    /// The event's id: in the feed's order.
    pub id: i64,
    /// The `webhook-id` header of its deliveries: `evt_` and the id.
    pub webhook_id: String,
    /// The event type.
    #[serde(rename = "type")]
    pub event_type: String,
    /// When the change happened.
    #[serde(with = "crate::time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub timestamp: OffsetDateTime,
    /// The object (see the event types in the documentation).
    #[schema(value_type = Object)]
    pub data: Box<serde_json::value::RawValue>,
}

/// The `webhook-id` of an event.
pub fn webhook_id(event_id: i64) -> String {
    format!("evt_{event_id}")
}

/// An event as the store wrote it, before it is published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEvent {
    /// Its id.
    pub id: i64,
    /// Its type.
    pub event_type: String,
    /// `payment`, `qr_code`, `file_import`, `file_export`, `schedule`,
    /// `automatic_authorization` or `automatic_payment`.
    pub resource: String,
    /// The object's id in the API.
    pub object_id: String,
    /// A schedule run's occurrence, for run events.
    pub detail: Option<String>,
    /// The subject whose object it is.
    pub owner: String,
    /// The status before, for a change.
    pub from_status: Option<String>,
    /// The status after.
    pub to_status: Option<String>,
    /// Who made the change.
    pub actor: Option<String>,
    /// When.
    pub occurred_at: OffsetDateTime,
}

impl RawEvent {
    /// The key of its object: deliveries of one object to one endpoint go out in order.
    pub fn object_key(&self) -> String {
        format!("{}:{}", self.resource, self.object_id)
    }
}

/// An event and the endpoints to deliver it to.
#[derive(Debug, Clone)]
pub struct Publication {
    /// The event.
    pub event_id: i64,
    /// Its type.
    pub event_type: String,
    /// Its object's key.
    pub object_key: String,
    /// The endpoints that receive it.
    pub endpoints: Vec<i64>,
}

/// An enabled endpoint's subscription: whose events, which types, read with which scopes.
#[derive(Debug, Clone)]
pub struct Subscription {
    /// The endpoint.
    pub endpoint_id: i64,
    /// Its owner.
    pub owner: String,
    /// Its selectors.
    pub selectors: Vec<String>,
    /// Its owner's read scopes.
    pub scopes: Vec<String>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeliveryStatus {
    /// Waiting for its next attempt.
    Pending,
    /// A 2xx answered it.
    Succeeded,
    /// Every attempt of the schedule failed.
    Failed,
}

impl DeliveryStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "PENDING",
            DeliveryStatus::Succeeded => "SUCCEEDED",
            DeliveryStatus::Failed => "FAILED",
        }
    }

    /// The status named `text`.
    pub fn parse(text: &str) -> Option<Self> {
        [DeliveryStatus::Pending, DeliveryStatus::Succeeded, DeliveryStatus::Failed]
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

/// One attempt to deliver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Attempt {
    /// When it was made.
    #[serde(with = "crate::time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub attempted_at: OffsetDateTime,
    /// The receiver's HTTP status, when it answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    /// From the request's start to the answer's end (or the failure), in milliseconds.
    pub latency_ms: u64,
    /// The first 1 KiB of the receiver's answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
    /// Why it failed, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A delivery of one event to one endpoint, with its attempts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Delivery {
    /// The delivery's id.
    pub id: i64,
    /// The endpoint.
    pub endpoint_id: i64,
    /// The event.
    pub event_id: i64,
    /// The `webhook-id` header: the same on every attempt.
    pub webhook_id: String,
    /// The event type.
    pub event_type: String,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made.
    pub attempt_count: u32,
    /// When the next attempt is due (pending only).
    #[serde(with = "crate::time_format::api_option", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_attempt_at: Option<OffsetDateTime>,
    /// When a 2xx answered it.
    #[serde(with = "crate::time_format::api_option", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub delivered_at: Option<OffsetDateTime>,
    /// When it was queued.
    #[serde(with = "crate::time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// Its attempts, oldest first.
    pub attempts: Vec<Attempt>,
}

/// A page of an endpoint's deliveries.
#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    /// Only in this status.
    pub status: Option<DeliveryStatus>,
    /// Only of this event type.
    pub event_type: Option<String>,
    /// Page size.
    pub limit: u32,
    /// Page start.
    pub offset: u64,
}

/// A page of a subject's events.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Whose.
    pub owner: String,
    /// The types the caller reads.
    pub types: Vec<&'static str>,
    /// Only events at or after this time.
    pub since: Option<OffsetDateTime>,
    /// Only events after this id (the last one seen).
    pub after: Option<i64>,
    /// Page size.
    pub limit: u32,
}

/// A delivery claimed by a sender: what to send, where, and with which secrets.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// The delivery.
    pub delivery_id: i64,
    /// Attempts made before this one.
    pub attempts: u32,
    /// The event.
    pub event_id: i64,
    /// Its type.
    pub event_type: String,
    /// When it happened.
    pub occurred_at: OffsetDateTime,
    /// Its `data`, JSON: rendered by the first sender that needed it (the store's claim leaves
    /// it `None` until then; [`crate::Settlement::claim_deliveries`] fills it).
    pub data: Option<String>,
    /// The endpoint.
    pub endpoint_id: i64,
    /// Its URL.
    pub url: String,
    /// The secrets that sign: the current one, then the one before a rotation while it lasts.
    pub secrets: Vec<String>,
}

impl Claimed {
    /// The body POSTed: `{"type", "timestamp", "data"}`.
    pub fn body(&self) -> String {
        format!(
            r#"{{"type":{},"timestamp":{},"data":{}}}"#,
            serde_json::Value::from(self.event_type.as_str()),
            serde_json::Value::from(crate::time_format::format(self.occurred_at)),
            self.data.as_deref().unwrap_or("null")
        )
    }
}

/// What an attempt found.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The delivery.
    pub delivery_id: i64,
    /// Its endpoint.
    pub endpoint_id: i64,
    /// The attempt.
    pub attempt: Attempt,
    /// Succeeded (a 2xx).
    pub succeeded: bool,
    /// The receiver said it is gone (410): the endpoint is disabled.
    pub gone: bool,
    /// The next attempt, when one is left (failures only).
    pub next_attempt_at: Option<OffsetDateTime>,
}
