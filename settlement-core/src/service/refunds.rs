//! Refunds of completed payments: asked for once per `refund_id`, within the window, never past
//! the payment's amount, and ended by the processing system.

use crate::audit::{Resource, Stamp, StateChange};
use crate::error::CoreError;
use crate::payment::{Payment, PaymentStatus};
use crate::refund::{Refund, RefundFilter, RefundRequest, RefundStatusRequest};
use crate::store::{RefundInserted, RefundLookup, RefundRecord, Store, StoreError};
use crate::time_format;
use crate::types::{Ispb, return_id};

use super::Settlement;

/// Days after a payment's settlement during which it can be refunded, by default: the Central
/// Bank's rule for a devolução.
pub const REFUND_WINDOW_DAYS: i64 = 90;

/// What asking for a refund came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requested {
    /// A new refund.
    New(Refund),
    /// The same request again: the refund it made, as it is now.
    Again(Refund),
}

impl<S: Store> Settlement<S> {
    /// Asks for a refund of payment `payment_id`, for `caller`. The same `refund_id` with the
    /// same request finds the refund it made; with another, it is refused. A new one must be of
    /// a `COMPLETED` payment, within the window of its settlement, and leave the payment's
    /// refunds not `NOT_DONE` within its amount.
    pub async fn request_refund(
        &self,
        payment_id: i64,
        refund_id: &str,
        request: RefundRequest,
        caller: &str,
    ) -> Result<Requested, CoreError> {
        let new = request.validate(refund_id)?;
        let payment = self.payment(payment_id).await?;
        let again = |existing: Refund| {
            if new.matches(&existing) {
                Ok(Requested::Again(existing))
            } else {
                Err(CoreError::RefundIdReused(new.refund_id.clone()))
            }
        };
        if let Some(existing) = self.store.refund(RefundLookup::Caller(payment_id, refund_id)).await? {
            return again(existing);
        }
        self.refusal(&payment, new.amount)?;
        let now = self.clock.now();
        // The institution that returns the money is the one that received it.
        let ispb = Ispb::parse(&payment.creditor_ispb)
            .map_err(|_| StoreError::Corrupt(format!("creditor_ispb of payment {payment_id}")))?;
        let rtr_id = return_id(&ispb, now);
        let record =
            RefundRecord { payment_id, refund: &new, rtr_id: &rtr_id, stamp: Stamp { actor: caller, at: now } };
        for _ in 0..super::RETRIES {
            match self.store.insert_refund(record).await? {
                RefundInserted::Created(refund) => return Ok(Requested::New(*refund)),
                RefundInserted::Existing(existing) => return again(*existing),
                RefundInserted::Refused(None) => return Err(CoreError::PaymentNotFound),
                // Another refund came first: the rule that now refuses it says why; if none
                // does (a refund it raced with was not done meanwhile), try again.
                RefundInserted::Refused(Some(payment)) => self.refusal(&payment, new.amount)?,
            }
        }
        Err(CoreError::RefundRaced)
    }

    /// Why a refund of `amount` of `payment` would be refused now, if it would.
    fn refusal(&self, payment: &Payment, amount: i64) -> Result<(), CoreError> {
        if payment.status != PaymentStatus::Completed {
            return Err(CoreError::PaymentNotRefundable(payment.status));
        }
        let processed_at = payment.processed_at.unwrap_or(payment.updated_at);
        if self.clock.now() > processed_at + time::Duration::days(self.refund_window_days) {
            return Err(CoreError::RefundWindowClosed {
                days: self.refund_window_days,
                processed_at: time_format::format(processed_at),
            });
        }
        let summary = payment.refunds.unwrap_or_default();
        let left = payment.amount - summary.returned_amount - summary.in_process_amount;
        if amount > left {
            return Err(CoreError::RefundExceedsAmount {
                asked: amount,
                amount: payment.amount,
                returned: summary.returned_amount,
                in_process: summary.in_process_amount,
                left,
            });
        }
        Ok(())
    }

    /// One refund of a payment.
    pub async fn refund(&self, payment_id: i64, refund_id: &str) -> Result<Refund, CoreError> {
        self.payment(payment_id).await?;
        self.store.refund(RefundLookup::Caller(payment_id, refund_id)).await?.ok_or(CoreError::RefundNotFound)
    }

    /// A page of refunds and how many match.
    pub async fn refunds(&self, filter: &RefundFilter) -> Result<(Vec<Refund>, u64), CoreError> {
        if let Some(payment_id) = filter.payment_request_id {
            self.payment(payment_id).await?;
        }
        Ok(self.store.refunds(filter).await?)
    }

    /// Ends an `IN_PROCESS` refund, for `caller` (the processing system): `RETURNED` adds its
    /// amount to the payment's `refunded_amount`; `NOT_DONE` makes it refundable again.
    pub async fn settle_refund(
        &self,
        payment_id: i64,
        refund_id: &str,
        request: RefundStatusRequest,
        caller: &str,
    ) -> Result<Refund, CoreError> {
        let settlement = request.validate()?;
        let current = self.refund(payment_id, refund_id).await?;
        if !current.status.can_become(settlement.to) {
            return Err(CoreError::RefundTransition { from: current.status, to: settlement.to });
        }
        let stamp = Stamp { actor: caller, at: self.clock.now() };
        match self.store.settle_refund(current.id, &settlement, stamp).await? {
            Some(refund) => Ok(refund),
            // Another request ended it first.
            None => {
                let now = self.refund(payment_id, refund_id).await?;
                Err(CoreError::RefundTransition { from: now.status, to: settlement.to })
            }
        }
    }

    /// A refund's state changes, oldest first.
    pub async fn refund_history(&self, payment_id: i64, refund_id: &str) -> Result<Vec<StateChange>, CoreError> {
        let refund = self.refund(payment_id, refund_id).await?;
        Ok(self.store.history(Resource::Refund, refund.id).await?)
    }

    /// A refund by its service id (an event's object).
    pub(super) async fn refund_by_id(&self, id: i64) -> Result<Option<Refund>, CoreError> {
        Ok(self.store.refund(RefundLookup::Id(id)).await?)
    }
}
