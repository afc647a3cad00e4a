//! Schedules on every store, time driven through the manual clock: a year of a monthly
//! schedule, missed occurrences, pauses, failures, and workers racing for one occurrence.

mod common;

use common::{created, request, services, stores};
use settlement_core::schedule::{ScheduleRequest, ScheduleStatus};
use settlement_core::service::webhooks::Subject;
use settlement_core::{CoreError, PaymentFilter};
use time::macros::datetime;

fn schedule(kind: &str, template: i64) -> ScheduleRequest {
    ScheduleRequest {
        payment_request_id: Some(template),
        kind: Some(kind.into()),
        scheduled_date: Some("2026-02-01".into()),
        scheduled_time: Some("10:00".into()),
        ..Default::default()
    }
}

async fn run_all(service: &settlement_core::Settlement<settlement_core::SqlStore>) -> usize {
    let mut total = 0;
    loop {
        let ran = service.run_due_schedules().await.unwrap();
        if ran == 0 {
            return total;
        }
        total += ran;
    }
}

#[tokio::test]
async fn a_monthly_schedule_pays_each_month_of_a_year_once() {
    for (backend, store, _keep) in stores().await {
        let (service, clock) = services(store);
        let template = created(service.create_payment(request(), "alice", None).await);
        let monthly = ScheduleRequest {
            recurrence_end_date: Some("2026-12-31".into()),
            max_occurrences: Some(12),
            day_of_month: Some(1),
            ..schedule("MONTHLY", template.id)
        };
        let created_schedule = service.create_schedule(monthly, "alice").await.unwrap();
        assert_eq!(created_schedule.next_run_at, Some(datetime!(2026-02-01 10:00 UTC)), "{backend}");
        assert_eq!(run_all(&service).await, 0, "nothing is due yet");
        // Day by day through the year, running what is due.
        for _ in 0..365 {
            clock.advance(time::Duration::days(1));
            run_all(&service).await;
        }
        let done = service.schedule(created_schedule.id).await.unwrap();
        // February to December: the end date comes before the twelfth run.
        assert_eq!((done.status, done.run_count, done.fail_count), (ScheduleStatus::Completed, 11, 0), "{backend}");
        assert_eq!(done.next_run_at, None);
        let (runs, total) = service.schedule_runs(done.id, 100, 0).await.unwrap();
        assert_eq!(total, 11);
        let months: Vec<u8> = runs.iter().map(|run| u8::from(run.scheduled_for.month())).collect();
        assert_eq!(months, (2..=12).collect::<Vec<u8>>(), "{backend}");
        assert!(runs.iter().all(|run| run.scheduled_for.day() == 1 && run.scheduled_for.hour() == 10));
        let (_, payments) = service.payments(&PaymentFilter { limit: 1, ..Default::default() }).await.unwrap();
        assert_eq!(payments, 12, "{backend}: the template and 11 runs");
        let third = service.payment(runs[2].payment_request_id.unwrap()).await.unwrap();
        let expected = format!("MERCHANT-12345-S{}-3", done.id);
        assert_eq!((third.external_id.as_deref(), third.amount), (Some(expected.as_str()), template.amount));
    }
}

#[tokio::test]
async fn schedules_of_one_template_each_make_their_own_payments() {
    for (backend, store, _keep) in stores().await {
        let (service, clock) = services(store);
        let template = created(service.create_payment(request(), "alice", None).await);
        let mut ids = Vec::new();
        for _ in 0..3 {
            ids.push(service.create_schedule(schedule("ONCE", template.id), "alice").await.unwrap().id);
        }
        clock.set(datetime!(2026-02-01 10:00 UTC));
        assert_eq!(run_all(&service).await, 3, "{backend}");
        for id in ids {
            let (runs, _) = service.schedule_runs(id, 10, 0).await.unwrap();
            assert_eq!(runs.len(), 1, "{backend}");
            assert_eq!(runs[0].outcome, "SUCCESS", "{backend}: schedule {id}: {:?}", runs[0].error);
        }
    }
}

#[tokio::test]
async fn missed_occurrences_run_once_each_in_order_and_racing_workers_never_double_pay() {
    for (backend, store, _keep) in stores().await {
        let (service, clock) = services(store);
        let template = created(service.create_payment(request(), "alice", None).await);
        let daily = service.create_schedule(schedule("DAILY", template.id), "alice").await.unwrap();
        // Down for a week.
        clock.advance(time::Duration::days(15));
        let (a, b) = tokio::join!(run_all(&service), run_all(&service));
        let done = service.schedule(daily.id).await.unwrap();
        // From 2026-02-01 10:00 to 2026-02-08 10:30: eight occurrences.
        assert_eq!((a + b, done.run_count), (8, 8), "{backend}");
        let (runs, _) = service.schedule_runs(daily.id, 100, 0).await.unwrap();
        assert_eq!(runs.iter().map(|run| run.occurrence).collect::<Vec<_>>(), (1..=8).collect::<Vec<_>>());
        assert_eq!(done.next_run_at, Some(datetime!(2026-02-09 10:00 UTC)));
    }
}

#[tokio::test]
async fn a_pause_skips_what_falls_in_it_and_the_states_hold() {
    for (backend, store, _keep) in stores().await {
        let (service, clock) = services(store);
        let template = created(service.create_payment(request(), "alice", None).await);
        let daily = service.create_schedule(schedule("DAILY", template.id), "alice").await.unwrap();
        clock.advance(time::Duration::days(8)); // 2026-02-01 10:30
        run_all(&service).await;
        service.pause_schedule(daily.id, "ops").await.unwrap();
        assert!(matches!(service.pause_schedule(daily.id, "ops").await, Err(CoreError::ScheduleTransition { .. })));
        clock.advance(time::Duration::days(3));
        assert_eq!(run_all(&service).await, 0, "{backend}: paused");
        let resumed = service.resume_schedule(daily.id, "ops").await.unwrap();
        assert_eq!(
            resumed.next_run_at,
            Some(datetime!(2026-02-05 10:00 UTC)),
            "{backend}: the paused days are skipped"
        );
        let updated = service
            .update_schedule(
                daily.id,
                ScheduleRequest { scheduled_time: Some("14:00".into()), ..Default::default() },
                "ops",
            )
            .await
            .unwrap();
        assert_eq!(updated.next_run_at, Some(datetime!(2026-02-04 14:00 UTC)));
        service.cancel_schedule(daily.id, "ops").await.unwrap();
        let resume = service.resume_schedule(daily.id, "ops").await.unwrap_err();
        assert_eq!(resume.to_string(), "cannot resume a schedule in CANCELLED status", "{backend}");
        assert_eq!(service.cancel_schedule(daily.id, "ops").await.unwrap_err().code(), "INVALID_TRANSITION");
        // The rule's change kept the status: no step of its own.
        let trail = service.schedule_history(daily.id).await.unwrap();
        assert_eq!(
            trail.iter().map(|c| (c.from.as_deref(), c.to.as_str(), c.actor.as_str())).collect::<Vec<_>>(),
            [
                (None, "ACTIVE", "alice"),
                (Some("ACTIVE"), "PAUSED", "ops"),
                (Some("PAUSED"), "ACTIVE", "ops"),
                (Some("ACTIVE"), "CANCELLED", "ops")
            ],
            "{backend}"
        );
        let bad = service.create_schedule(schedule("DAILY", 999_999), "alice").await.unwrap_err();
        assert!(matches!(bad, CoreError::TemplateNotFound(999_999)), "{bad}");
    }
}

#[tokio::test]
async fn failing_runs_are_recorded_and_pause_the_schedule() {
    for (backend, store, _keep) in stores().await {
        let (service, clock) = services(store);
        let template = created(service.create_payment(request(), "alice", None).await);
        let daily = service.create_schedule(schedule("DAILY", template.id), "alice").await.unwrap();
        // The template is cancelled: every run fails, and the third in a row pauses it.
        service.cancel(template.id, "ops").await.unwrap();
        clock.advance(time::Duration::days(20));
        run_all(&service).await;
        let paused = service.schedule(daily.id).await.unwrap();
        assert_eq!((paused.status, paused.fail_count, paused.run_count), (ScheduleStatus::Paused, 3, 0), "{backend}");
        let (runs, _) = service.schedule_runs(daily.id, 10, 0).await.unwrap();
        assert_eq!(runs[0].outcome, "FAILED");
        assert!(runs[0].error.as_deref().unwrap().contains("is CANCELLED"), "{:?}", runs[0].error);
    }
}

#[tokio::test]
async fn a_once_schedule_whose_run_failed_ends_failed_not_completed() {
    for (backend, store, _keep) in stores().await {
        let (service, clock) = services(store);
        let template = created(service.create_payment(request(), "alice", None).await);
        let good = service.create_schedule(schedule("ONCE", template.id), "alice").await.unwrap();
        let later = ScheduleRequest { scheduled_date: Some("2026-02-03".into()), ..schedule("ONCE", template.id) };
        let bad = service.create_schedule(later, "alice").await.unwrap();
        clock.set(datetime!(2026-02-01 10:00 UTC));
        assert_eq!(run_all(&service).await, 1, "{backend}");
        // The template is cancelled before the second schedule's only run: it fails.
        service.cancel(template.id, "ops").await.unwrap();
        clock.set(datetime!(2026-02-03 10:00 UTC));
        assert_eq!(run_all(&service).await, 1, "{backend}");
        let good = service.schedule(good.id).await.unwrap();
        assert_eq!((good.status, good.run_count, good.fail_count), (ScheduleStatus::Completed, 1, 0), "{backend}");
        let bad = service.schedule(bad.id).await.unwrap();
        assert_eq!((bad.status, bad.run_count, bad.fail_count), (ScheduleStatus::Failed, 0, 1), "{backend}");
        assert_eq!(bad.next_run_at, None);
        // Final: it can be neither resumed nor cancelled.
        assert!(matches!(service.resume_schedule(bad.id, "alice").await, Err(CoreError::ScheduleTransition { .. })));
        let history = service.schedule_history(bad.id).await.unwrap();
        let last = history.last().unwrap();
        assert_eq!((last.from.as_deref(), last.to.as_str()), (Some("ACTIVE"), "FAILED"), "{backend}");
        service.publish_events(1_000).await.unwrap();
        let scopes = ["schedules.read".to_owned()];
        let events = service.events(Subject { name: "alice", scopes: &scopes }, None, None, None, 100).await.unwrap();
        let ends: Vec<(&str, serde_json::Value)> = events
            .iter()
            .filter(|event| matches!(event.event_type.as_str(), "schedule.completed" | "schedule.failed"))
            .map(|event| {
                let data: serde_json::Value = serde_json::from_str(event.data.get()).unwrap();
                (event.event_type.as_str(), data["id"].clone())
            })
            .collect();
        assert_eq!(ends, [("schedule.completed", good.id.into()), ("schedule.failed", bad.id.into())], "{backend}");
    }
}

#[tokio::test]
async fn runs_cut_short_at_any_point_repeat_nothing() {
    for (backend, store, _keep) in stores().await {
        let (service, clock) = services(store);
        let template = created(service.create_payment(request(), "alice", None).await);
        let daily = service.create_schedule(schedule("DAILY", template.id), "alice").await.unwrap();
        clock.advance(time::Duration::days(38)); // 31 occurrences due
        // Each pass is abandoned after a few hundred microseconds, wherever it is: between the
        // claim and the commit, its transaction is dropped and rolls back.
        for cut in 0..40u64 {
            let budget = std::time::Duration::from_micros(100 + cut * 97 % 2_000);
            let _ = tokio::time::timeout(budget, service.run_due_schedules()).await;
        }
        // On PostgreSQL an abandoned transaction keeps its row lock until the pool has rolled
        // it back, and the runner skips locked schedules: a pass may find nothing for a moment.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while service.schedule(daily.id).await.unwrap().run_count < 31 && std::time::Instant::now() < deadline {
            if service.run_due_schedules().await.unwrap() == 0 {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        }
        assert_eq!(service.run_due_schedules().await.unwrap(), 0, "{backend}: nothing left to run");
        let done = service.schedule(daily.id).await.unwrap();
        assert_eq!(done.run_count, 31, "{backend}");
        let (runs, total) = service.schedule_runs(daily.id, 100, 0).await.unwrap();
        assert_eq!(total, 31);
        assert_eq!(
            runs.iter().map(|run| run.occurrence).collect::<Vec<_>>(),
            (1..=31).collect::<Vec<_>>(),
            "{backend}"
        );
        let (_, payments) = service.payments(&PaymentFilter { limit: 1, ..Default::default() }).await.unwrap();
        assert_eq!(payments, 32, "{backend}: the template and one payment per occurrence");
    }
}
