//! The services: payments and credit confirmations here, QR codes in [`qr_codes`]. Each method
//! checks, decides with the state machine, and asks the store for one conditional change.

use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::audit::{RELEASE_WORKER, Resource, StateChange};
use crate::clock::Clock;
use crate::credit::{CreditConfirmation, CreditRequest, MAX_NOTES, NewCredit};
use crate::error::CoreError;
use crate::payment::{Payment, PaymentFilter, PaymentRequest, PaymentStatus, StatusUpdate, StatusUpdateRequest};
use crate::qrcode::QrCodeStatus;
use crate::store::{CreditInserted, IdempotencyClaim, Inserted, QrLookup, QrUse, Store, StoreError, Updated};

pub mod automatic;
pub mod files;
pub mod qr_codes;
pub mod refunds;
pub mod remessas;
pub mod retornos;
pub mod schedules;
pub mod webhooks;

use crate::types::{EndToEndId, Ispb};
pub use qr_codes::{
    ChargeError, DecodedPayload, LOCATION_PATH, PayloadCheck, PayloadProblem, ServedCharge, StoredCodeCheck,
    decode_payload, format_brl,
};

/// An `Idempotency-Key` with the request it came with.
#[derive(Debug, Clone)]
pub struct Idempotency {
    /// The header's value.
    pub key: String,
    /// The request body, parsed (its digest ignores key order and whitespace).
    pub body: serde_json::Value,
}

/// What a create returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    /// A new payment.
    New(Box<Payment>),
    /// A retry with a known idempotency key: the first response's body, verbatim.
    Replayed(String),
}

/// The settlement services over a store and a clock.
#[derive(Clone)]
pub struct Settlement<S> {
    store: S,
    clock: Arc<dyn Clock>,
    /// Where dynamic QR codes' charges are served: `host[:port][/path]`, no scheme (the
    /// payload's location), to which `/pix/qr/v2/{token}` is added.
    location_base: Arc<str>,
    /// The time zone of schedules that name none (IANA).
    time_zone: Arc<str>,
    /// Failed runs in a row after which a schedule pauses.
    schedule_failure_limit: i64,
    /// Which receivers webhooks may name.
    webhook_reach: crate::webhooks::Reach,
    /// Days after a payment's settlement during which it can be refunded.
    refund_window_days: i64,
}

impl<S: std::fmt::Debug> std::fmt::Debug for Settlement<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settlement").field("store", &self.store).finish_non_exhaustive()
    }
}

/// How many times a status change is re-decided when another writer got there first.
const RETRIES: usize = 3;

impl<S: Store> Settlement<S> {
    /// Services over `store`, reading time from `clock`.
    pub fn new(store: S, clock: Arc<dyn Clock>) -> Self {
        Settlement {
            store,
            clock,
            location_base: Arc::from("127.0.0.1:8080"),
            time_zone: Arc::from("UTC"),
            schedule_failure_limit: 3,
            webhook_reach: crate::webhooks::Reach::default(),
            refund_window_days: refunds::REFUND_WINDOW_DAYS,
        }
    }

    /// The same services, accepting refunds within `days` of a payment's settlement.
    #[must_use]
    pub fn with_refund_window(mut self, days: u32) -> Self {
        self.refund_window_days = i64::from(days);
        self
    }

    /// The same services, with schedules that name no time zone in `zone` (IANA), and pausing a
    /// schedule after `failures` failed runs in a row.
    #[must_use]
    pub fn with_schedules(mut self, zone: &str, failures: u32) -> Self {
        self.time_zone = Arc::from(zone);
        self.schedule_failure_limit = i64::from(failures.max(1));
        self
    }

    /// The same services, serving dynamic QR codes' charges under `base_url` (`https://pix.example.com`).
    #[must_use]
    pub fn with_public_url(mut self, base_url: &str) -> Self {
        let without_scheme = base_url.split_once("://").map_or(base_url, |(_, rest)| rest);
        self.location_base = Arc::from(without_scheme.trim_end_matches('/'));
        self
    }

    /// The same services, with webhooks allowed to reach `reach`.
    #[must_use]
    pub fn with_webhooks(mut self, reach: crate::webhooks::Reach) -> Self {
        self.webhook_reach = reach;
        self
    }

    /// Which receivers webhooks may reach.
    pub fn webhook_reach(&self) -> crate::webhooks::Reach {
        self.webhook_reach
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Checks the request and stores the payment, `SCHEDULED` when its date is in the future.
    pub async fn create_payment(
        &self,
        request: PaymentRequest,
        caller: &str,
        idempotency: Option<Idempotency>,
    ) -> Result<Created, CoreError> {
        let now = self.clock.now();
        let new = request.validate(now)?;
        let claim = idempotency.map(|idempotency| IdempotencyClaim {
            subject: caller.to_owned(),
            key: idempotency.key,
            request_hash: digest(&idempotency.body),
        });
        // The code it pays, if the service issued it: its use is recorded with the payment.
        let qr = self.qr_code_paid_by(&new).await?;
        let usage = qr.as_ref().map(|code| QrUse { id: code.id, single_use: code.kind.is_dynamic() });
        match self.store.insert_payment(&new, caller, now, claim.as_ref(), usage).await? {
            Inserted::Created(payment) => Ok(Created::New(payment)),
            Inserted::QrCodeUnavailable => {
                let id = usage.map_or(0, |usage| usage.id);
                match self.store.qr_code(QrLookup::Id(id)).await? {
                    Some(code) if code.status_at(self.clock.now()) == QrCodeStatus::Expired => {
                        Err(CoreError::QrCodeExpired(id))
                    }
                    _ => Err(CoreError::QrCodeUsed(id)),
                }
            }
            Inserted::Replay { request_hash, response } => {
                if claim.is_some_and(|claim| claim.request_hash == request_hash) {
                    Ok(Created::Replayed(response))
                } else {
                    Err(CoreError::IdempotencyKeyReused)
                }
            }
            Inserted::DuplicateExternalId(existing_id) => {
                Err(CoreError::DuplicateExternalId { external_id: new.external_id.unwrap_or_default(), existing_id })
            }
        }
    }

    /// One payment.
    pub async fn payment(&self, id: i64) -> Result<Payment, CoreError> {
        self.store.payment(id).await?.ok_or(CoreError::PaymentNotFound)
    }

    /// A page of payments and the number matching.
    pub async fn payments(&self, filter: &PaymentFilter) -> Result<(Vec<Payment>, u64), CoreError> {
        Ok(self.store.payments(filter).await?)
    }

    /// The payment's state changes, oldest first (404 for an unknown payment).
    pub async fn payment_history(&self, id: i64) -> Result<Vec<StateChange>, CoreError> {
        self.payment(id).await?;
        Ok(self.store.history(Resource::Payment, id).await?)
    }

    /// Cancels a `PENDING` or `SCHEDULED` payment, for `caller`.
    pub async fn cancel(&self, id: i64, caller: &str) -> Result<Payment, CoreError> {
        self.change_status(id, PaymentStatus::Cancelled, None, caller).await.map_err(|error| match error {
            CoreError::InvalidTransition { from, .. } => CoreError::CannotCancel(from),
            other => other,
        })
    }

    /// Applies a status change from the processing system, for `caller`.
    pub async fn update_status(
        &self,
        id: i64,
        request: StatusUpdateRequest,
        caller: &str,
    ) -> Result<Payment, CoreError> {
        let validation = |field: &str, rule: &str| CoreError::Validation {
            field: field.to_owned(),
            message: format!("{field} {rule}"),
        };
        let status = request.status.ok_or_else(|| validation("status", "is required"))?;
        let to = PaymentStatus::parse(&status).ok_or_else(|| {
            validation("status", "must be one of PENDING, PROCESSING, COMPLETED, FAILED, CANCELLED, SCHEDULED")
        })?;
        let end_to_end_id = match request.end_to_end_id {
            Some(_) if to != PaymentStatus::Completed => {
                return Err(validation("end_to_end_id", "is only accepted with status COMPLETED"));
            }
            Some(id) => Some(EndToEndId::parse(&id).map_err(|rule| validation("end_to_end_id", rule))?),
            None => None,
        };
        self.change_status(id, to, end_to_end_id, caller).await
    }

    /// Reads the payment, decides with the state machine, and applies the change only if the
    /// payment is still as read; if another writer changed it first, decides again.
    async fn change_status(
        &self,
        id: i64,
        to: PaymentStatus,
        end_to_end_id: Option<EndToEndId>,
        caller: &str,
    ) -> Result<Payment, CoreError> {
        for _ in 0..RETRIES {
            let current = self.payment(id).await?;
            current.status.transition(to)?;
            let now = self.clock.now();
            let end_to_end_id = match (to, &end_to_end_id) {
                (PaymentStatus::Completed, Some(given)) => Some(given.clone()),
                (PaymentStatus::Completed, None) => {
                    let ispb = Ispb::parse(&current.debtor_ispb)
                        .map_err(|_| StoreError::Corrupt(format!("debtor_ispb of payment {id}")))?;
                    Some(EndToEndId::generate(&ispb, now))
                }
                _ => None,
            };
            let processed_at = matches!(to, PaymentStatus::Completed | PaymentStatus::Failed).then_some(now);
            let update = StatusUpdate {
                from: current.status,
                to,
                end_to_end_id,
                processed_at,
                updated_at: now,
                changed_by: caller.to_owned(),
            };
            match self.store.update_status(id, &update).await? {
                Updated::Applied(payment) => return Ok(*payment),
                Updated::DuplicateEndToEndId(existing_id) => {
                    return Err(CoreError::DuplicateEndToEndId {
                        end_to_end_id: update.end_to_end_id.map(|id| id.to_string()).unwrap_or_default(),
                        existing_id,
                    });
                }
                Updated::Stale => continue,
            }
        }
        // Still racing after several tries: report against the state as it is now.
        let current = self.payment(id).await?;
        current.status.transition(to)?;
        Err(CoreError::InvalidTransition { from: current.status, to })
    }

    /// Moves due `SCHEDULED` payments to `PENDING`; returns how many.
    pub async fn release_due(&self) -> Result<u64, CoreError> {
        Ok(self.store.release_due(self.clock.now(), RELEASE_WORKER).await?)
    }

    /// Confirms the credit of a `COMPLETED` payment, once, for exactly its amount.
    pub async fn confirm_credit(
        &self,
        payment_id: i64,
        request: CreditRequest,
        caller: &str,
    ) -> Result<CreditConfirmation, CoreError> {
        let payment = self.payment(payment_id).await?;
        let amount = request.amount.ok_or_else(|| CoreError::Validation {
            field: "amount".to_owned(),
            message: "amount is required".to_owned(),
        })?;
        if amount < 1 {
            return Err(CoreError::Validation {
                field: "amount".to_owned(),
                message: "amount must be an integer of at least 1 (centavos)".to_owned(),
            });
        }
        if request.notes.as_ref().is_some_and(|notes| notes.chars().count() > MAX_NOTES) {
            return Err(CoreError::Validation {
                field: "notes".to_owned(),
                message: format!("notes must be at most {MAX_NOTES} characters"),
            });
        }
        if payment.status != PaymentStatus::Completed {
            return Err(CoreError::NotCompleted(payment.status));
        }
        if let Some(existing) = self.store.credit(payment_id).await? {
            return Err(CoreError::AlreadyConfirmed(existing.id));
        }
        if amount != payment.amount {
            return Err(CoreError::AmountMismatch { expected: payment.amount, found: amount });
        }
        let credit = NewCredit {
            payment_request_id: payment_id,
            confirmed_by: caller.to_owned(),
            amount,
            notes: request.notes,
            at: self.clock.now(),
        };
        match self.store.insert_credit(&credit).await? {
            CreditInserted::Created(confirmation) => Ok(confirmation),
            CreditInserted::AlreadyConfirmed(id) => Err(CoreError::AlreadyConfirmed(id)),
        }
    }

    /// The credit confirmation of a payment.
    pub async fn credit(&self, payment_id: i64) -> Result<CreditConfirmation, CoreError> {
        self.payment(payment_id).await?;
        self.store.credit(payment_id).await?.ok_or(CoreError::CreditNotFound)
    }
}

/// SHA-256 of the body's canonical form (object keys sorted, no whitespace), hexadecimal.
fn digest(body: &serde_json::Value) -> String {
    let mut hasher = Sha256::new();
    canonical(body, &mut hasher);
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Feeds `value` to the hasher with object keys in sorted order, whatever order serde_json keeps.
fn canonical(value: &serde_json::Value, hasher: &mut Sha256) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            hasher.update(b"{");
            for key in keys {
                hasher.update(Value::String(key.clone()).to_string().as_bytes());
                hasher.update(b":");
                canonical(&map[key], hasher);
                hasher.update(b",");
            }
            hasher.update(b"}");
        }
        Value::Array(items) => {
            hasher.update(b"[");
            for item in items {
                canonical(item, hasher);
                hasher.update(b",");
            }
            hasher.update(b"]");
        }
        scalar => hasher.update(scalar.to_string().as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_ignores_key_order_and_whitespace() {
        let a: serde_json::Value = serde_json::from_str(r#"{"amount": 1, "b": [1, {"y": 2, "x": 1}]}"#).unwrap();
        let b: serde_json::Value = serde_json::from_str(r#"{"b":[1,{"x":1,"y":2}],"amount":1}"#).unwrap();
        let c: serde_json::Value = serde_json::from_str(r#"{"b":[1,{"x":1,"y":2}],"amount":2}"#).unwrap();
        assert_eq!(digest(&a), digest(&b));
        assert_ne!(digest(&a), digest(&c));
    }
}
