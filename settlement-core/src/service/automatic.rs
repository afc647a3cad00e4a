//! The Pix Automático services: who acts (a user's wallet, or a product the user granted), the
//! payer's authorizations and their round trips, the automatic payments under them (one per
//! cycle, new attempts and re-sends within the rules), cancellation before the cut-off, and
//! settling what falls due, each once.

use jiff::ToSpan;
use jiff::civil::Date;
use time::OffsetDateTime;
use uuid::Uuid;

use super::Settlement;
use crate::audit::{AUTOMATIC_WORKER, Resource, Stamp, StateChange};
use crate::automatic::model::{
    Authorization, AuthorizationRequest, AutomaticPayment, AutomaticPaymentRequest, SchedulingPurpose, date,
};
use crate::automatic::refusal::{AutomaticError, Rule};
use crate::automatic::{
    AuthorizationStatus, AutomaticPaymentStatus, cancellation_deadline, check_new_attempt, in_instruction_window,
    sao_paulo,
};
use crate::payment::{PaymentRequest, Requirements};
use crate::schedule::{to_offset, to_timestamp};
use crate::store::{AutomaticFilter, Store};
use crate::time_format;

/// Automatic payments settled per pass of the worker.
const DUE_BATCH: u32 = 100;

/// Whose records a request reads and changes: a user's wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The user (the token's subject, or the user a product acts for).
    pub owner: String,
    /// The wallet.
    pub wallet: Uuid,
    /// The token's subject: who the audit trail names.
    pub subject: String,
}

/// Who asks, as the headers say.
#[derive(Debug, Clone, Default)]
pub struct ActingAs {
    /// `x-wallet-uuid`.
    pub wallet: Option<Uuid>,
    /// `x-product-uuid` with `x-product-target-user-uuid`.
    pub product: Option<(Uuid, String)>,
    /// Whether the token carries `automatic.product`.
    pub may_act_for_users: bool,
}

fn with<T>(value: Option<T>, error: AutomaticError) -> Result<T, AutomaticError> {
    value.ok_or(error)
}

/// A stored value the service does not know: written by something else.
fn corrupt(what: &str, value: &str) -> AutomaticError {
    AutomaticError::Store(crate::store::StoreError::Corrupt(format!("{what} {value:?}")))
}

/// São Paulo's date at `now`: due dates and the instruction window are read there.
fn local_date(now: OffsetDateTime) -> Date {
    to_timestamp(now).to_zoned(sao_paulo()).date()
}

impl<S: Store> Settlement<S> {
    /// The wallet a request acts on: the subject's own (the requested one, or the default), or,
    /// for a product holding `automatic.product`, the wallet of a user who granted it.
    pub async fn automatic_actor(&self, subject: &str, acting: ActingAs) -> Result<Actor, AutomaticError> {
        let owner = match acting.product {
            None => subject.to_owned(),
            Some((product, user)) => {
                if !acting.may_act_for_users || !self.store.product_granted(product, &user).await? {
                    return Err(AutomaticError::ProductForbidden);
                }
                user
            }
        };
        let wallet = self.store.wallet(&owner, acting.wallet, self.clock.now()).await?;
        Ok(Actor { owner, wallet: with(wallet, AutomaticError::WalletForbidden)?, subject: subject.to_owned() })
    }

    /// Records a state-changing request's nonce: 409 when `subject` used it in the last 24 hours.
    pub async fn use_nonce(&self, subject: &str, nonce: Uuid) -> Result<(), AutomaticError> {
        if self.store.use_nonce(subject, nonce, self.clock.now()).await? {
            Ok(())
        } else {
            Err(AutomaticError::NonceReused)
        }
    }

    /// The user's wallets, the default first (created on first use).
    pub async fn wallets(&self, owner: &str) -> Result<Vec<(Uuid, bool)>, AutomaticError> {
        self.store.wallet(owner, None, self.clock.now()).await?;
        Ok(self.store.wallets(owner).await?)
    }

    /// A new wallet of the user.
    pub async fn create_wallet(&self, owner: &str) -> Result<Uuid, AutomaticError> {
        Ok(self.store.create_wallet(owner, self.clock.now()).await?)
    }

    /// The user lets `product` act for them.
    pub async fn grant_product(&self, owner: &str, product: Uuid) -> Result<(), AutomaticError> {
        Ok(self.store.grant_product(product, owner, self.clock.now()).await?)
    }

    /// The user withdraws what they granted `product`; false when there was nothing.
    pub async fn revoke_product(&self, owner: &str, product: Uuid) -> Result<bool, AutomaticError> {
        Ok(self.store.revoke_product(product, owner).await?)
    }

    /// Stores a PENDING authorization in the actor's wallet.
    pub async fn create_authorization(
        &self,
        actor: &Actor,
        request: AuthorizationRequest,
    ) -> Result<Authorization, AutomaticError> {
        let now = self.clock.now();
        let new = request.validate(now)?;
        Ok(self
            .store
            .insert_authorization(&actor.owner, actor.wallet, &new, Stamp { actor: &actor.subject, at: now })
            .await?)
    }

    /// One of the actor's authorizations (404 for anyone else's: no leak).
    pub async fn authorization(&self, actor: &Actor, id: Uuid) -> Result<Authorization, AutomaticError> {
        match self.store.authorization(id).await? {
            Some((authorization, owner, wallet)) if owner == actor.owner && wallet == actor.wallet => Ok(authorization),
            _ => Err(AutomaticError::AuthorizationNotFound),
        }
    }

    /// One of the actor's authorizations' state changes, oldest first.
    pub async fn authorization_history(&self, actor: &Actor, id: Uuid) -> Result<Vec<StateChange>, AutomaticError> {
        let authorization = self.authorization(actor, id).await?;
        Ok(self.store.history(Resource::AutomaticAuthorization, authorization.row_id).await?)
    }

    /// A page of the actor's authorizations.
    pub async fn authorizations(&self, filter: &AutomaticFilter) -> Result<(Vec<Authorization>, u64), AutomaticError> {
        Ok(self.store.authorizations(filter).await?)
    }

    /// The payer answers a PENDING request: WAITING_APPROVAL or WAITING_REJECTION, until the
    /// payer's institution confirms.
    pub async fn answer_authorization(
        &self,
        actor: &Actor,
        id: Uuid,
        approve: bool,
    ) -> Result<Authorization, AutomaticError> {
        let to = if approve { AuthorizationStatus::WaitingApproval } else { AuthorizationStatus::WaitingRejection };
        let current = self.authorization(actor, id).await?;
        self.move_authorization(&current, to, &actor.subject).await
    }

    /// The payer cancels a PENDING or APPROVED authorization: WAITING_CANCELLATION, until the
    /// payer's institution confirms.
    pub async fn cancel_authorization(&self, actor: &Actor, id: Uuid) -> Result<Authorization, AutomaticError> {
        let current = self.authorization(actor, id).await?;
        self.move_authorization(&current, AuthorizationStatus::WaitingCancellation, &actor.subject).await
    }

    /// The payer's institution confirms a round trip (`automatic.status`): from a WAITING_*
    /// state to its outcome, or back when it failed.
    pub async fn confirm_authorization(
        &self,
        id: Uuid,
        to: AuthorizationStatus,
        caller: &str,
    ) -> Result<Authorization, AutomaticError> {
        let (current, _, _) = with(self.store.authorization(id).await?, AutomaticError::AuthorizationNotFound)?;
        let from = current.state().ok_or_else(|| corrupt("authorization status", &current.status))?;
        let waiting = matches!(
            from,
            AuthorizationStatus::WaitingApproval
                | AuthorizationStatus::WaitingRejection
                | AuthorizationStatus::WaitingCancellation
        );
        if !waiting {
            return Err(AutomaticError::AuthorizationTransition { from, to });
        }
        self.move_authorization(&current, to, caller).await
    }

    async fn move_authorization(
        &self,
        current: &Authorization,
        to: AuthorizationStatus,
        caller: &str,
    ) -> Result<Authorization, AutomaticError> {
        let from = current.state().ok_or_else(|| corrupt("authorization status", &current.status))?;
        if !from.can_become(to) {
            return Err(AutomaticError::AuthorizationTransition { from, to });
        }
        match self
            .store
            .set_authorization_status(current.id, from, to, Stamp { actor: caller, at: self.clock.now() })
            .await?
        {
            Some(moved) => Ok(moved),
            // Another writer moved it first: report what it is now.
            None => {
                let (now, _, _) =
                    with(self.store.authorization(current.id).await?, AutomaticError::AuthorizationNotFound)?;
                Err(AutomaticError::AuthorizationTransition { from: now.state().unwrap_or(from), to })
            }
        }
    }

    /// PENDING requests past their expiration become EXPIRED; how many.
    pub async fn expire_authorizations(&self) -> Result<u64, AutomaticError> {
        Ok(self.store.expire_authorizations(self.clock.now(), AUTOMATIC_WORKER).await?)
    }

    /// Stores an automatic payment under one of the actor's APPROVED authorizations, after every
    /// rule of its purpose: the cycle's instruction (SCHEDULING), a new attempt after it failed
    /// (NEW_ATTEMPT) or the same instruction again after a failure to send (RESEND).
    pub async fn create_automatic_payment(
        &self,
        actor: &Actor,
        request: AutomaticPaymentRequest,
    ) -> Result<AutomaticPayment, AutomaticError> {
        let id = with(request.authorization_id, AutomaticError::invalid("authorization_id", Rule::Required))?;
        let authorization = self.authorization(actor, id).await?;
        let status = authorization.state().unwrap_or(AuthorizationStatus::Pending);
        if status != AuthorizationStatus::Approved {
            return Err(AutomaticError::invalid("authorization_id", Rule::NotApproved(status)));
        }
        let due_text = with(request.due_date, AutomaticError::invalid("due_date", Rule::Required))?;
        let due = date("due_date", &due_text)?;
        let value = with(request.value, AutomaticError::invalid("value", Rule::Required))?;
        if value < 1 {
            return Err(AutomaticError::invalid("value", Rule::AtLeastOneCentavo));
        }
        let purpose = match request.scheduling_purpose.as_deref() {
            None => SchedulingPurpose::Scheduling,
            Some(text) => SchedulingPurpose::parse(text).ok_or_else(|| {
                AutomaticError::invalid("scheduling_purpose", Rule::OneOf("SCHEDULING, NEW_ATTEMPT, RESEND"))
            })?,
        };
        let now = self.clock.now();
        let today = local_date(now);
        let cycle = match purpose {
            SchedulingPurpose::Scheduling => self.check_scheduling(&authorization, due, today, value).await?,
            SchedulingPurpose::NewAttempt => self.check_new_attempt(&authorization, due, today, value).await?,
            SchedulingPurpose::Resend => self.check_resend(&authorization, due, today, value).await?,
        };
        let attempt = i64::try_from(self.store.cycle_payments(&authorization, cycle).await?.len()).unwrap_or(i64::MAX);
        let inserted = self
            .store
            .insert_automatic_payment(
                &authorization,
                &actor.owner,
                actor.wallet,
                &due_text,
                (cycle, attempt),
                value,
                purpose,
                Stamp { actor: &actor.subject, at: now },
            )
            .await?;
        match inserted {
            Some(payment) => Ok(payment),
            // Two requests for the same cycle at once: the other took this attempt.
            None => {
                let payments = self.store.cycle_payments(&authorization, cycle).await?;
                let standing = payments.iter().rfind(|p| p.is_live()).map(|p| p.id.to_string()).unwrap_or_default();
                Err(AutomaticError::invalid("due_date", Rule::CycleTaken(standing)))
            }
        }
    }

    /// SCHEDULING: a due date of the recurrence, inside its dates and the instruction window, a
    /// value the authorization allows, and no standing payment for the cycle. Returns the cycle.
    async fn check_scheduling(
        &self,
        authorization: &Authorization,
        due: Date,
        today: Date,
        value: i64,
    ) -> Result<i64, AutomaticError> {
        let start = date("start_date", &authorization.start_date)?;
        let end = authorization.end_date.as_deref().map(|text| date("end_date", text)).transpose()?;
        if due < start || end.is_some_and(|end| due > end) {
            let rule = Rule::OutsideAuthorization {
                start: authorization.start_date.clone(),
                end: authorization.end_date.clone(),
            };
            return Err(AutomaticError::invalid("due_date", rule));
        }
        let frequency =
            authorization.cadence().ok_or_else(|| corrupt("authorization frequency", &authorization.frequency))?;
        let cycle = frequency.cycle_of(start, due).ok_or_else(|| {
            AutomaticError::invalid(
                "due_date",
                Rule::NotOnCycle {
                    frequency: authorization.frequency.clone(),
                    start: authorization.start_date.clone(),
                },
            )
        })?;
        if !in_instruction_window(today, due) {
            return Err(AutomaticError::invalid("due_date", Rule::OutsideInstructionWindow));
        }
        match (authorization.value, authorization.payment_max_value) {
            (Some(fixed), _) if value != fixed => {
                return Err(AutomaticError::invalid("value", Rule::NotFixedValue(fixed)));
            }
            (None, Some(max)) if value > max => return Err(AutomaticError::invalid("value", Rule::AboveMaximum(max))),
            _ => {}
        }
        let cycle = i64::from(cycle);
        if let Some(standing) = self.store.cycle_payments(authorization, cycle).await?.iter().find(|p| p.is_live()) {
            return Err(AutomaticError::invalid("due_date", Rule::CycleTaken(standing.id.to_string())));
        }
        Ok(cycle)
    }

    /// The cycle whose due date is `back` days before `day` (the latest first) and its payments,
    /// for the first of `back` whose cycle has any.
    async fn cycle_before(
        &self,
        authorization: &Authorization,
        day: Date,
        back: std::ops::RangeInclusive<i64>,
    ) -> Result<Option<(i64, Date, Vec<AutomaticPayment>)>, AutomaticError> {
        let start = date("start_date", &authorization.start_date)?;
        let Some(frequency) = authorization.cadence() else { return Ok(None) };
        for days in back {
            let Ok(due) = day.checked_sub(days.days()) else { continue };
            let Some(cycle) = frequency.cycle_of(start, due) else { continue };
            let payments = self.store.cycle_payments(authorization, i64::from(cycle)).await?;
            if payments.iter().any(AutomaticPayment::is_live) {
                return Ok(Some((i64::from(cycle), due, payments)));
            }
        }
        Ok(None)
    }

    /// NEW_ATTEMPT: the cycle due 1 to 7 days before failed and nothing of it is under way; the
    /// policy allows retries; at most 3, on distinct future dates; the same value.
    async fn check_new_attempt(
        &self,
        authorization: &Authorization,
        day: Date,
        today: Date,
        value: i64,
    ) -> Result<i64, AutomaticError> {
        if day <= today {
            return Err(AutomaticError::invalid("due_date", Rule::NotFuture));
        }
        let Some((cycle, due, payments)) = self.cycle_before(authorization, day, 1..=7).await? else {
            return Err(AutomaticError::invalid("due_date", Rule::NothingToRetry));
        };
        let live: Vec<&AutomaticPayment> = payments.iter().filter(|p| p.is_live()).collect();
        if live.iter().any(|p| !p.failed()) {
            return Err(AutomaticError::invalid("due_date", Rule::AttemptUnderWay));
        }
        let tried: Vec<Date> = live
            .iter()
            .filter(|p| p.purpose() == Some(SchedulingPurpose::NewAttempt))
            .filter_map(|p| p.due_date.parse().ok())
            .collect();
        check_new_attempt(authorization.retries(), due, &tried, day)
            .map_err(|refusal| AutomaticError::invalid("scheduling_purpose", Rule::Retry(refusal)))?;
        let original = live.first().map_or(value, |p| p.value);
        if value != original {
            return Err(AutomaticError::invalid("value", Rule::NotOriginalValue(original)));
        }
        Ok(cycle)
    }

    /// RESEND: the cycle's latest attempt, due on this date, failed to send; sent again with the
    /// same conditions (date and value), not in the past.
    async fn check_resend(
        &self,
        authorization: &Authorization,
        day: Date,
        today: Date,
        value: i64,
    ) -> Result<i64, AutomaticError> {
        if day < today {
            return Err(AutomaticError::invalid("due_date", Rule::NotFuture));
        }
        // The attempt re-sent is the cycle's latest: an original (0 days) or a new attempt (1-7).
        let Some((cycle, _, payments)) = self.cycle_before(authorization, day, 0..=7).await? else {
            return Err(AutomaticError::invalid("due_date", Rule::NothingToRetry));
        };
        let latest = payments.iter().rfind(|p| p.is_live());
        let Some(latest) = latest.filter(|p| p.due_date.parse::<Date>().ok() == Some(day)) else {
            return Err(AutomaticError::invalid("due_date", Rule::NothingToRetry));
        };
        if !latest.failed() {
            return Err(AutomaticError::invalid("due_date", Rule::AttemptUnderWay));
        }
        if !latest.failed_to_send() {
            return Err(AutomaticError::invalid("scheduling_purpose", Rule::NotOperationalFailure));
        }
        if value != latest.value {
            return Err(AutomaticError::invalid("value", Rule::NotOriginalValue(latest.value)));
        }
        Ok(cycle)
    }

    /// One of the actor's automatic payments (404 for anyone else's).
    pub async fn automatic_payment(&self, actor: &Actor, id: Uuid) -> Result<AutomaticPayment, AutomaticError> {
        match self.store.automatic_payment(id).await? {
            Some((payment, owner, wallet)) if owner == actor.owner && wallet == actor.wallet => Ok(payment),
            _ => Err(AutomaticError::PaymentNotFound),
        }
    }

    /// One of the actor's automatic payments' state changes, oldest first.
    pub async fn automatic_payment_history(&self, actor: &Actor, id: Uuid) -> Result<Vec<StateChange>, AutomaticError> {
        let payment = self.automatic_payment(actor, id).await?;
        Ok(self.store.history(Resource::AutomaticPayment, payment.row_id).await?)
    }

    /// A page of the actor's automatic payments.
    pub async fn automatic_payments(
        &self,
        filter: &AutomaticFilter,
    ) -> Result<(Vec<AutomaticPayment>, u64), AutomaticError> {
        Ok(self.store.automatic_payments(filter).await?)
    }

    /// The payer cancels a standing, unsettled payment (CREATED or CANCELLATION_FAILED) until
    /// 22:00 São Paulo time on the day before its due date: WAITING_CANCELLATION, until the
    /// payer's institution confirms.
    pub async fn cancel_automatic_payment(&self, actor: &Actor, id: Uuid) -> Result<AutomaticPayment, AutomaticError> {
        let current = self.automatic_payment(actor, id).await?;
        let to = AutomaticPaymentStatus::WaitingCancellation;
        let from = current.state().unwrap_or(AutomaticPaymentStatus::Canceled);
        if !from.can_become(to) {
            return Err(AutomaticError::PaymentTransition { from, to });
        }
        if current.settlement.is_some() {
            return Err(AutomaticError::AlreadySettled);
        }
        let due = date("due_date", &current.due_date)?;
        let deadline = cancellation_deadline(due).and_then(to_offset);
        let now = self.clock.now();
        if let Some(deadline) = deadline
            && now > deadline
        {
            return Err(AutomaticError::CancellationClosed { deadline: time_format::format(deadline) });
        }
        let from_states = [AutomaticPaymentStatus::Created, AutomaticPaymentStatus::CancellationFailed];
        let stamp = Stamp { actor: &actor.subject, at: now };
        match self.store.set_automatic_payment_status(id, &from_states, to, stamp).await? {
            Some(moved) => Ok(moved),
            None => Err(self.payment_moved(id, to).await),
        }
    }

    /// The payer's institution confirms a cancellation (`automatic.status`): CANCELED or
    /// CANCELLATION_FAILED, from WAITING_CANCELLATION.
    pub async fn confirm_automatic_payment(
        &self,
        id: Uuid,
        to: AutomaticPaymentStatus,
        caller: &str,
    ) -> Result<AutomaticPayment, AutomaticError> {
        let (current, _, _) = with(self.store.automatic_payment(id).await?, AutomaticError::PaymentNotFound)?;
        let from = current.state().unwrap_or(AutomaticPaymentStatus::Canceled);
        if from != AutomaticPaymentStatus::WaitingCancellation || !from.can_become(to) {
            return Err(AutomaticError::PaymentTransition { from, to });
        }
        let stamp = Stamp { actor: caller, at: self.clock.now() };
        match self.store.set_automatic_payment_status(id, &[from], to, stamp).await? {
            Some(moved) => Ok(moved),
            None => Err(self.payment_moved(id, to).await),
        }
    }

    /// The refusal when another writer changed the payment first.
    async fn payment_moved(&self, id: Uuid, to: AutomaticPaymentStatus) -> AutomaticError {
        match self.store.automatic_payment(id).await {
            Ok(Some((now, _, _))) if now.settlement.is_some() => AutomaticError::AlreadySettled,
            Ok(Some((now, _, _))) => {
                AutomaticError::PaymentTransition { from: now.state().unwrap_or(AutomaticPaymentStatus::Canceled), to }
            }
            Ok(None) => AutomaticError::PaymentNotFound,
            Err(error) => error.into(),
        }
    }

    /// Settles up to 100 standing automatic payments due by today (São Paulo): each becomes a
    /// payment request from the payer to the receiver, or records why it cannot, once however
    /// many workers try. Returns how many were settled (0: none is due).
    pub async fn settle_due_automatic_payments(&self) -> Result<usize, AutomaticError> {
        let now = self.clock.now();
        let today = local_date(now).to_string();
        let mut settled = 0;
        for (payment, owner) in self.store.due_automatic_payments(&today, DUE_BATCH).await? {
            let request = settlement_request(&payment, now);
            if self.store.settle_automatic_payment(&payment, &request, &owner, now).await? {
                settled += 1;
            }
        }
        Ok(settled)
    }
}

/// The payment request an automatic payment becomes on its due date, or why there is none.
fn settlement_request(payment: &AutomaticPayment, now: OffsetDateTime) -> Result<crate::payment::NewPayment, String> {
    let authorization = &payment.pix_automatic_authorization;
    if authorization.state() != Some(AuthorizationStatus::Approved) {
        return Err(format!("the authorization {} is {}", authorization.id, authorization.status));
    }
    let request = PaymentRequest {
        external_id: Some(format!("AUTO-{}", payment.id.simple())),
        amount: Some(payment.value),
        currency: Some("BRL".to_owned()),
        debtor_ispb: Some(authorization.owner_ispb.clone()),
        debtor_document: Some(authorization.owner_document.clone()),
        debtor_name: authorization.debtor_name.clone(),
        creditor_ispb: Some(authorization.beneficiary_ispb.clone()),
        creditor_document: Some(authorization.beneficiary_document.clone()),
        creditor_name: Some(authorization.beneficiary_name.clone()),
        description: Some(format!("Pix Automático {} {}", authorization.contract_number, payment.due_date)),
        ..Default::default()
    };
    request.validate_for(Requirements::Import, now).map_err(|error| error.explained())
}
