//! Webhooks: endpoints (each its owner's), the event feed, and the work of the senders:
//! publishing events, claiming deliveries and recording what each attempt found.

use std::time::Duration;

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::Settlement;
use crate::error::CoreError;
use crate::store::{EndpointChange, NewEndpoint, Store};
use crate::webhooks::catalogue::{self, EVENT_TYPES};
use crate::webhooks::{
    self, Attempt, Claimed, Delivery, DeliveryFilter, Endpoint, EndpointPatch, EndpointRequest, EndpointWithSecret,
    Event, EventFilter, Outcome, Publication, ROTATION_OVERLAP, RawEvent, retry, signature,
};

/// Who asks: the token's subject and scopes.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// The token's `sub`.
    pub name: &'a str,
    /// The token's scopes.
    pub scopes: &'a [String],
}

impl<S: Store> Settlement<S> {
    /// Registers an endpoint for `subject`'s objects' events; the answer carries its secret,
    /// shown this once.
    pub async fn create_webhook(
        &self,
        request: EndpointRequest,
        subject: Subject<'_>,
    ) -> Result<EndpointWithSecret, CoreError> {
        let url = self.webhook_reach.check(&request.url)?;
        webhooks::check_selectors(&request.event_types, subject.scopes)?;
        webhooks::check_description(request.description.as_deref())?;
        let secret = signature::new_secret();
        let scopes = webhooks::read_scopes(subject.scopes);
        let endpoint = self
            .store
            .insert_endpoint(&NewEndpoint {
                url: url.as_str(),
                description: request.description.as_deref(),
                selectors: &request.event_types,
                enabled: request.enabled.unwrap_or(true),
                secret: &secret,
                owner: subject.name,
                scopes: &scopes,
                at: self.clock.now(),
            })
            .await?;
        Ok(EndpointWithSecret { endpoint, secret })
    }

    /// One of `owner`'s endpoints.
    pub async fn webhook(&self, id: i64, owner: &str) -> Result<Endpoint, CoreError> {
        self.store.endpoint(id, owner).await?.ok_or(CoreError::WebhookNotFound)
    }

    /// A page of `owner`'s endpoints, and how many there are.
    pub async fn webhooks(&self, owner: &str, limit: u32, offset: u64) -> Result<(Vec<Endpoint>, u64), CoreError> {
        Ok(self.store.endpoints(owner, limit, offset).await?)
    }

    /// Changes one of `subject`'s endpoints; what it receives is then read with the token's
    /// scopes of now.
    pub async fn update_webhook(
        &self,
        id: i64,
        patch: EndpointPatch,
        subject: Subject<'_>,
    ) -> Result<Endpoint, CoreError> {
        let url = patch.url.as_deref().map(|url| self.webhook_reach.check(url)).transpose()?;
        let current = self.webhook(id, subject.name).await?;
        webhooks::check_selectors(patch.event_types.as_ref().unwrap_or(&current.event_types), subject.scopes)?;
        if let Some(description) = &patch.description {
            webhooks::check_description(description.as_deref())?;
        }
        let scopes = webhooks::read_scopes(subject.scopes);
        let change = EndpointChange {
            url: url.as_ref().map(url::Url::as_str),
            selectors: patch.event_types.as_deref(),
            description: patch.description.as_ref().map(Option::as_deref),
            enabled: patch.enabled,
            scopes: &scopes,
            at: self.clock.now(),
        };
        self.store.update_endpoint(id, subject.name, &change).await?.ok_or(CoreError::WebhookNotFound)
    }

    /// Gives one of `owner`'s endpoints a new secret, shown this once; the old one keeps
    /// signing beside it for 24 hours.
    pub async fn rotate_webhook_secret(&self, id: i64, owner: &str) -> Result<EndpointWithSecret, CoreError> {
        let now = self.clock.now();
        let secret = signature::new_secret();
        let endpoint = self
            .store
            .rotate_secret(id, owner, &secret, now + ROTATION_OVERLAP, now)
            .await?
            .ok_or(CoreError::WebhookNotFound)?;
        Ok(EndpointWithSecret { endpoint, secret })
    }

    /// Removes one of `owner`'s endpoints, and its deliveries.
    pub async fn delete_webhook(&self, id: i64, owner: &str) -> Result<(), CoreError> {
        if self.store.delete_endpoint(id, owner).await? { Ok(()) } else { Err(CoreError::WebhookNotFound) }
    }

    /// A page of one of `owner`'s endpoints' deliveries with their attempts, and how many match.
    pub async fn webhook_deliveries(
        &self,
        id: i64,
        owner: &str,
        filter: &DeliveryFilter,
    ) -> Result<(Vec<Delivery>, u64), CoreError> {
        self.webhook(id, owner).await?;
        Ok(self.store.deliveries(id, filter).await?)
    }

    /// Sends one delivery again, now (with the same `webhook-id`).
    pub async fn retry_webhook_delivery(&self, id: i64, delivery_id: i64, owner: &str) -> Result<Delivery, CoreError> {
        self.webhook(id, owner).await?;
        self.store.retry_delivery(id, delivery_id, self.clock.now()).await?.ok_or(CoreError::DeliveryNotFound)
    }

    /// Queues again what an endpoint missed since `since`: its failed deliveries, and the
    /// events it wants that it was never sent (made while it was disabled, or before it was
    /// registered). Returns how many.
    pub async fn replay_webhook(&self, id: i64, since: OffsetDateTime, owner: &str) -> Result<u64, CoreError> {
        let endpoint = self.webhook(id, owner).await?;
        let scopes = self.store.subscriptions().await?;
        // A disabled endpoint has no subscription row; its kept scopes are read from its own.
        let read_scopes = scopes
            .into_iter()
            .find(|subscription| subscription.endpoint_id == id)
            .map(|subscription| subscription.scopes);
        let types: Vec<&str> = EVENT_TYPES
            .iter()
            .map(|kind| kind.name)
            .filter(|name| match &read_scopes {
                Some(scopes) => catalogue::wanted(&endpoint.event_types, scopes, name),
                None => endpoint.event_types.iter().any(|selector| catalogue::selects(selector, name)),
            })
            .collect();
        Ok(self.store.replay(id, owner, &types, since, self.clock.now()).await?)
    }

    /// A page of `subject`'s events of the types its scopes read (and `selector` chooses), in
    /// the order they were made.
    pub async fn events(
        &self,
        subject: Subject<'_>,
        selector: Option<&str>,
        since: Option<OffsetDateTime>,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<Event>, CoreError> {
        if let Some(selector) = selector
            && catalogue::selected(selector).next().is_none()
        {
            return Err(CoreError::Validation {
                field: "type".into(),
                message: format!("type {selector:?} is no event type, `prefix.*` or `*`"),
            });
        }
        let types = EVENT_TYPES
            .iter()
            .filter(|kind| subject.scopes.iter().any(|scope| scope == kind.scope))
            .filter(|kind| selector.is_none_or(|selector| catalogue::selects(selector, kind.name)))
            .map(|kind| kind.name)
            .collect();
        let filter = EventFilter { owner: subject.name.to_owned(), types, since, after, limit };
        let mut events = Vec::new();
        for (event, data) in self.store.events(&filter).await? {
            // An event no endpoint was sent has no kept data: it is rendered now.
            let data = match data {
                Some(data) => data,
                None => self.render(&event).await?.to_string(),
            };
            let data = serde_json::value::RawValue::from_string(data)
                .map_err(|e| crate::StoreError::Corrupt(format!("event {}'s data: {e}", event.id)))?;
            events.push(Event {
                id: event.id,
                webhook_id: webhooks::webhook_id(event.id),
                event_type: event.event_type,
                timestamp: event.occurred_at,
                data,
            });
        }
        Ok(events)
    }

    /// Publishes up to `limit` events: queues a delivery of each for every enabled endpoint that
    /// receives it, in one transaction. Returns how many. Safe to run anywhere at once: an event
    /// is published once, whoever publishes it.
    pub async fn publish_events(&self, limit: u32) -> Result<usize, CoreError> {
        let events = self.store.unpublished_events(limit).await?;
        if events.is_empty() {
            return Ok(0);
        }
        let subscriptions = self.store.subscriptions().await?;
        let mut publications = Vec::with_capacity(events.len());
        for event in &events {
            let endpoints = subscriptions
                .iter()
                .filter(|s| s.owner == event.owner && catalogue::wanted(&s.selectors, &s.scopes, &event.event_type))
                .map(|s| s.endpoint_id)
                .collect();
            publications.push(Publication {
                event_id: event.id,
                event_type: event.event_type.clone(),
                object_key: event.object_key(),
                endpoints,
            });
        }
        Ok(self.store.publish(&publications, self.clock.now()).await? as usize)
    }

    /// An event's `data`: its object as the object's `GET` answers it now, with the `change` that
    /// made the event (a status change), or the `run` (a schedule's run).
    async fn render(&self, event: &RawEvent) -> Result<Value, CoreError> {
        let id = || event.object_id.parse::<i64>().ok();
        let uuid = || uuid::Uuid::parse_str(&event.object_id).ok();
        let missing = |error: CoreError| match error {
            CoreError::Store(error) => Err(CoreError::Store(error)),
            _ => Ok(None),
        };
        let to_value = |value: Result<Value, serde_json::Error>| value.ok();
        let object: Option<Value> = match (event.resource.as_str(), event.event_type.as_str()) {
            ("payment", "payment.credit_confirmed") => match id() {
                Some(id) => self.credit(id).await.map(|c| to_value(serde_json::to_value(c))).or_else(missing)?,
                None => None,
            },
            ("payment", _) => match id() {
                Some(id) => self.payment(id).await.map(|p| to_value(serde_json::to_value(p))).or_else(missing)?,
                None => None,
            },
            ("qr_code", _) => match id() {
                Some(id) => self.qr_code(id).await.map(|q| to_value(serde_json::to_value(q))).or_else(missing)?,
                None => None,
            },
            ("file_import", _) => match id() {
                Some(id) => self.file_import(id).await.map(|f| to_value(serde_json::to_value(f))).or_else(missing)?,
                None => None,
            },
            ("file_export", _) => match id() {
                Some(id) => self.file_export(id).await.map(|f| to_value(serde_json::to_value(f))).or_else(missing)?,
                None => None,
            },
            ("schedule", _) => match id() {
                Some(id) => self.schedule(id).await.map(|s| to_value(serde_json::to_value(s))).or_else(missing)?,
                None => None,
            },
            ("refund", _) => match id() {
                Some(id) => self.refund_by_id(id).await?.and_then(|r| to_value(serde_json::to_value(r))),
                None => None,
            },
            ("automatic_authorization", _) => match uuid() {
                Some(id) => self.store.authorization(id).await?.and_then(|(a, ..)| to_value(serde_json::to_value(a))),
                None => None,
            },
            ("automatic_payment", _) => match uuid() {
                Some(id) => {
                    self.store.automatic_payment(id).await?.and_then(|(p, ..)| to_value(serde_json::to_value(p)))
                }
                None => None,
            },
            _ => None,
        };
        let mut data = match object {
            Some(Value::Object(map)) => map,
            _ => {
                tracing::warn!(event = event.id, resource = %event.resource, object = %event.object_id, "an event's object is gone");
                Map::from_iter([("id".to_owned(), Value::from(event.object_id.as_str()))])
            }
        };
        if let Some(to) = &event.to_status {
            data.insert("change".into(), json!({ "from": event.from_status, "to": to, "actor": event.actor }));
        }
        if let (Some(occurrence), Some(schedule)) = (event.detail.as_deref().and_then(|d| d.parse().ok()), id()) {
            let run = self.store.schedule_run(schedule, occurrence).await?;
            data.insert("run".into(), serde_json::to_value(run).unwrap_or(Value::Null));
        }
        Ok(Value::Object(data))
    }

    /// Claims up to `limit` due deliveries for `lease`: no other sender takes them until it
    /// lapses (a killed sender's claims lapse, and they are sent again). An event sent for the
    /// first time has its `data` rendered and kept here, so every attempt sends the same bytes.
    pub async fn claim_deliveries(&self, limit: u32, lease: Duration) -> Result<Vec<Claimed>, CoreError> {
        let now = self.clock.now();
        let until = now + time::Duration::try_from(lease).unwrap_or(time::Duration::MINUTE);
        let mut claimed = self.store.claim_deliveries(now, until, limit).await?;
        let mut unrendered: Vec<i64> = claimed.iter().filter(|c| c.data.is_none()).map(|c| c.event_id).collect();
        unrendered.sort_unstable();
        unrendered.dedup();
        let mut fresh = Vec::with_capacity(unrendered.len());
        for event in self.store.raw_events(&unrendered).await? {
            fresh.push((event.id, self.render(&event).await?.to_string()));
        }
        let rendered = self.store.keep_event_data(&fresh).await?;
        for delivery in claimed.iter_mut().filter(|c| c.data.is_none()) {
            delivery.data = rendered.get(&delivery.event_id).cloned();
        }
        Ok(claimed)
    }

    /// What an attempt of `claimed` found: when it is tried next, if it failed and attempts are
    /// left. `retry_after` is the receiver's `Retry-After`, if any.
    pub fn outcome(&self, claimed: &Claimed, attempt: Attempt, retry_after: Option<Duration>) -> Outcome {
        let succeeded = attempt.status_code.is_some_and(|code| (200..300).contains(&code));
        let gone = attempt.status_code == Some(410);
        let next_attempt_at = (!succeeded && !gone)
            .then(|| retry::next_attempt(claimed.attempts + 1, rand::random::<f64>(), retry_after))
            .flatten()
            .map(|wait| attempt.attempted_at + time::Duration::try_from(wait).unwrap_or(time::Duration::HOUR));
        Outcome {
            delivery_id: claimed.delivery_id,
            endpoint_id: claimed.endpoint_id,
            attempt,
            succeeded,
            gone,
            next_attempt_at,
        }
    }

    /// Records what the attempts found, in one transaction.
    pub async fn record_deliveries(&self, outcomes: &[Outcome]) -> Result<(), CoreError> {
        Ok(self.store.record_outcomes(outcomes, self.clock.now()).await?)
    }

    /// The time now, by the services' clock.
    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }
}
