//! The schedule services: create, read, change a schedule's rule and state, and run due
//! occurrences, each once.

use super::Settlement;
use crate::audit::{Resource, SCHEDULE_WORKER, Stamp, StateChange};
use crate::error::CoreError;
use crate::payment::{Payment, PaymentRequest, PaymentStatus, Requirements};
use crate::schedule::{Schedule, ScheduleRequest, ScheduleRule, ScheduleStatus, to_offset, to_timestamp};
use crate::store::{RunRecord, ScheduleFilter, ScheduleRun, Store};

/// Schedules run per pass of the worker.
const DUE_BATCH: u32 = 100;

/// The next occurrence of `rule` at or after `now`: its number and time.
fn next_occurrence(
    rule: &ScheduleRule,
    now: time::OffsetDateTime,
) -> Result<Option<(i64, time::OffsetDateTime)>, CoreError> {
    let recurrence = rule.recurrence()?;
    Ok(recurrence.next_at_or_after(to_timestamp(now)).and_then(|(n, at)| to_offset(at).map(|at| (i64::from(n), at))))
}

/// The request that makes a template payment again.
fn request_from(template: &Payment, external_id: String) -> PaymentRequest {
    PaymentRequest {
        external_id: Some(external_id),
        amount: Some(template.amount),
        currency: Some(template.currency.clone()),
        debtor_ispb: Some(template.debtor_ispb.clone()),
        debtor_document: template.debtor_document.clone(),
        debtor_name: template.debtor_name.clone(),
        debtor_account_no: template.debtor_account_no.clone(),
        debtor_account_type: template.debtor_account_type.map(|kind| kind.as_str().to_owned()),
        debtor_branch: template.debtor_branch.clone(),
        creditor_ispb: Some(template.creditor_ispb.clone()),
        creditor_document: template.creditor_document.clone(),
        creditor_name: template.creditor_name.clone(),
        creditor_account_no: template.creditor_account_no.clone(),
        creditor_account_type: template.creditor_account_type.map(|kind| kind.as_str().to_owned()),
        creditor_branch: template.creditor_branch.clone(),
        description: template.description.clone(),
        tx_id: template.tx_id.clone(),
        ..Default::default()
    }
}

impl<S: Store> Settlement<S> {
    /// Creates a schedule of an existing payment; its first run is the rule's first occurrence
    /// at or after now.
    pub async fn create_schedule(&self, request: ScheduleRequest, caller: &str) -> Result<Schedule, CoreError> {
        let invalid = |message: String| CoreError::Validation { field: "payment_request_id".to_owned(), message };
        let template =
            request.payment_request_id.ok_or_else(|| invalid("payment_request_id is required".to_owned()))?;
        let rule = request.rule(&self.time_zone)?;
        if self.store.payment(template).await?.is_none() {
            return Err(CoreError::TemplateNotFound(template));
        }
        let now = self.clock.now();
        let next = next_occurrence(&rule, now)?;
        Ok(self.store.insert_schedule(template, &rule, next, caller, now).await?)
    }

    /// One schedule.
    pub async fn schedule(&self, id: i64) -> Result<Schedule, CoreError> {
        self.store.schedule(id).await?.ok_or(CoreError::ScheduleNotFound)
    }

    /// A page of schedules and how many match.
    pub async fn schedules(&self, filter: &ScheduleFilter) -> Result<(Vec<Schedule>, u64), CoreError> {
        Ok(self.store.schedules(filter).await?)
    }

    /// A schedule's runs.
    pub async fn schedule_runs(&self, id: i64, limit: u32, offset: u64) -> Result<(Vec<ScheduleRun>, u64), CoreError> {
        self.schedule(id).await?;
        Ok(self.store.schedule_runs(id, limit, offset).await?)
    }

    /// A schedule's state changes, oldest first.
    pub async fn schedule_history(&self, id: i64) -> Result<Vec<StateChange>, CoreError> {
        self.schedule(id).await?;
        Ok(self.store.history(Resource::Schedule, id).await?)
    }

    /// Changes an ACTIVE or PAUSED schedule's rule, for `caller`; its next run is recomputed
    /// from now.
    pub async fn update_schedule(
        &self,
        id: i64,
        request: ScheduleRequest,
        caller: &str,
    ) -> Result<Schedule, CoreError> {
        let current = self.schedule(id).await?;
        if !matches!(current.status, ScheduleStatus::Active | ScheduleStatus::Paused) {
            return Err(CoreError::ScheduleTransition { action: "update", from: current.status });
        }
        let rule = request.updated(&current.rule()?)?;
        let now = self.clock.now();
        let next = next_occurrence(&rule, now)?;
        let status = match (current.status, next) {
            (ScheduleStatus::Active, None) => ScheduleStatus::Completed,
            (status, _) => status,
        };
        let next = Some(next.map_or((current.next_occurrence, None), |(n, at)| (n, Some(at))));
        let allowed = [current.status];
        self.store
            .change_schedule(id, &allowed, status, Some(&rule), next, Stamp { actor: caller, at: now })
            .await?
            .ok_or(CoreError::ScheduleTransition { action: "update", from: current.status })
    }

    /// ACTIVE to PAUSED.
    pub async fn pause_schedule(&self, id: i64, caller: &str) -> Result<Schedule, CoreError> {
        self.move_schedule(id, "pause", &[ScheduleStatus::Active], ScheduleStatus::Paused, false, caller).await
    }

    /// PAUSED to ACTIVE; the next run is the first occurrence after now: those that fell in the
    /// pause are skipped, not paid late.
    pub async fn resume_schedule(&self, id: i64, caller: &str) -> Result<Schedule, CoreError> {
        self.move_schedule(id, "resume", &[ScheduleStatus::Paused], ScheduleStatus::Active, true, caller).await
    }

    /// ACTIVE or PAUSED to CANCELLED, for good.
    pub async fn cancel_schedule(&self, id: i64, caller: &str) -> Result<Schedule, CoreError> {
        let from = [ScheduleStatus::Active, ScheduleStatus::Paused];
        self.move_schedule(id, "cancel", &from, ScheduleStatus::Cancelled, false, caller).await
    }

    async fn move_schedule(
        &self,
        id: i64,
        action: &'static str,
        from: &[ScheduleStatus],
        to: ScheduleStatus,
        recompute: bool,
        caller: &str,
    ) -> Result<Schedule, CoreError> {
        let current = self.schedule(id).await?;
        if !from.contains(&current.status) {
            return Err(CoreError::ScheduleTransition { action, from: current.status });
        }
        let now = self.clock.now();
        let (to, next) = if recompute {
            match next_occurrence(&current.rule()?, now)? {
                Some((n, at)) => (to, Some((n, Some(at)))),
                None => (ScheduleStatus::Completed, Some((current.next_occurrence, None))),
            }
        } else {
            (to, None)
        };
        self.store
            .change_schedule(id, from, to, None, next, Stamp { actor: caller, at: now })
            .await?
            .ok_or(CoreError::ScheduleTransition { action, from: current.status })
    }

    /// Runs the due occurrences of up to 100 schedules, one occurrence each; returns how many
    /// ran (0: none is due). Each run, its payment and the schedule's advance commit together,
    /// once per occurrence, however many workers try.
    pub async fn run_due_schedules(&self) -> Result<usize, CoreError> {
        let now = self.clock.now();
        let mut ran = 0;
        for schedule in self.store.due_schedules(now, DUE_BATCH).await? {
            let Some(scheduled_for) = schedule.next_run_at else { continue };
            let occurrence = schedule.next_occurrence;
            let recurrence = schedule.rule()?.recurrence()?;
            let next_run_at =
                u32::try_from(occurrence + 1).ok().and_then(|n| recurrence.occurrence(n)).and_then(to_offset);
            let payment = match self.store.payment(schedule.payment_request_id).await? {
                None => Err(format!("the template payment {} no longer exists", schedule.payment_request_id)),
                Some(template) if matches!(template.status, PaymentStatus::Cancelled | PaymentStatus::Failed) => {
                    Err(format!("the template payment {} is {}", template.id, template.status))
                }
                Some(template) => {
                    // The schedule's id is in it: two schedules of one template make distinct
                    // payments (`external_id` is unique).
                    let stem = match &template.external_id {
                        Some(external_id) => format!("{external_id}-S{}", schedule.id),
                        None => format!("SCHEDULE-{}", schedule.id),
                    };
                    request_from(&template, format!("{stem}-{}", occurrence + 1))
                        .validate_for(Requirements::Import, now)
                        .map_err(|error| error.explained())
                }
            };
            let pause = payment.is_err() && schedule.consecutive_failures + 1 >= self.schedule_failure_limit;
            let run = RunRecord { occurrence, scheduled_for, payment, next_run_at, pause };
            if self.store.record_run(&schedule, &run, &schedule.created_by, now, SCHEDULE_WORKER).await? {
                ran += 1;
            }
        }
        Ok(ran)
    }
}
