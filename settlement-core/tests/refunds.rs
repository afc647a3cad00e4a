//! Refunds on both stores: the lifecycle and what it does to the payment, a repeated request,
//! each refusal rule, and racing requests that together would refund more than the payment.

mod common;

use std::sync::Arc;

use common::{created, request, services, stores};
use settlement_core::audit::Stamp;
use settlement_core::refund::{RefundFilter, RefundNature, RefundRequest, RefundStatus, RefundStatusRequest};
use settlement_core::service::refunds::Requested;
use settlement_core::service::webhooks::Subject;
use settlement_core::store::{RefundInserted, RefundRecord, RefundStore};
use settlement_core::{CoreError, ManualClock, Payment, Settlement, SqlStore};

/// A payment of 15,000 centavos, completed.
async fn completed(settlement: &Settlement<SqlStore>, external_id: &str) -> Payment {
    let mut asked = request();
    asked.external_id = Some(external_id.to_owned());
    let payment = created(settlement.create_payment(asked, "merchant", None).await);
    for status in ["PROCESSING", "COMPLETED"] {
        let update = serde_json::from_value(serde_json::json!({ "status": status })).unwrap();
        settlement.update_status(payment.id, update, "spi").await.unwrap();
    }
    settlement.payment(payment.id).await.unwrap()
}

fn asking(amount: i64) -> RefundRequest {
    RefundRequest { amount: Some(amount), nature: None, description: Some("returned goods".into()) }
}

fn ending(status: &str, reason: Option<&str>) -> RefundStatusRequest {
    RefundStatusRequest { status: Some(status.to_owned()), reason: reason.map(str::to_owned) }
}

fn new(result: Result<Requested, CoreError>) -> settlement_core::refund::Refund {
    match result {
        Ok(Requested::New(refund)) => refund,
        other => panic!("expected a new refund, got {other:?}"),
    }
}

#[tokio::test]
async fn a_refund_lives_from_in_process_to_returned_and_the_payment_counts_it() {
    for (name, store, _keep) in stores().await {
        let (settlement, clock) = services(store);
        let payment = completed(&settlement, "RF-LIFE").await;
        assert_eq!((payment.refunded_amount, payment.refunds), (0, None), "{name}");

        let first = new(settlement.request_refund(payment.id, "R1", asking(4_000), "merchant").await);
        assert_eq!(
            (first.status, first.nature, first.amount),
            (RefundStatus::InProcess, RefundNature::Original, 4_000)
        );
        assert_eq!(first.rtr_id.len(), 32, "{name}");
        assert!(
            first.rtr_id.starts_with("D87654321202601241030"),
            "{name}: the creditor's ISPB and the time: {}",
            first.rtr_id
        );
        assert!(first.rtr_id.bytes().all(|b| b.is_ascii_alphanumeric()));
        let summary = settlement.payment(payment.id).await.unwrap().refunds.unwrap();
        assert_eq!((summary.count, summary.in_process_amount, summary.refundable_amount), (1, 4_000, 11_000));

        clock.advance(time::Duration::minutes(5));
        let returned = settlement.settle_refund(payment.id, "R1", ending("RETURNED", None), "spi").await.unwrap();
        assert_eq!(returned.status, RefundStatus::Returned);
        assert_eq!(returned.settled_at, Some(clock_now(&clock)));
        let after = settlement.payment(payment.id).await.unwrap();
        assert_eq!((after.status.as_str(), after.refunded_amount), ("COMPLETED", 4_000), "{name}");
        assert!(matches!(
            settlement.settle_refund(payment.id, "R1", ending("NOT_DONE", Some("late")), "spi").await,
            Err(CoreError::RefundTransition { from: RefundStatus::Returned, .. })
        ));

        // A refund not done gives its amount back to what is refundable.
        let second = new(settlement.request_refund(payment.id, "R2", asking(11_000), "merchant").await);
        assert!(matches!(
            settlement.request_refund(payment.id, "R3", asking(1), "merchant").await,
            Err(CoreError::RefundExceedsAmount { left: 0, .. })
        ));
        let not_done = settlement
            .settle_refund(payment.id, "R2", ending("NOT_DONE", Some("account closed")), "spi")
            .await
            .unwrap();
        assert_eq!(
            (not_done.status, not_done.reason.as_deref(), not_done.settled_at),
            (RefundStatus::NotDone, Some("account closed"), None)
        );
        assert_ne!(second.rtr_id, first.rtr_id);
        let summary = settlement.payment(payment.id).await.unwrap().refunds.unwrap();
        assert_eq!(
            (summary.count, summary.returned_amount, summary.in_process_amount, summary.refundable_amount),
            (2, 4_000, 0, 11_000)
        );
        new(settlement.request_refund(payment.id, "R3", asking(11_000), "merchant").await);

        // The audit trail and the events.
        let trail = settlement.refund_history(payment.id, "R1").await.unwrap();
        let steps: Vec<(Option<&str>, &str, &str)> =
            trail.iter().map(|c| (c.from.as_deref(), c.to.as_str(), c.actor.as_str())).collect();
        assert_eq!(steps, [(None, "IN_PROCESS", "merchant"), (Some("IN_PROCESS"), "RETURNED", "spi")], "{name}");
        settlement.publish_events(1_000).await.unwrap();
        let scopes = vec!["refunds.read".to_owned()];
        let feed =
            settlement.events(Subject { name: "merchant", scopes: &scopes }, None, None, None, 100).await.unwrap();
        let kinds: Vec<(&str, String)> = feed
            .iter()
            .map(|e| {
                let data: serde_json::Value = serde_json::from_str(e.data.get()).unwrap();
                (
                    e.event_type.as_str(),
                    format!("{}:{}", data["refund_id"].as_str().unwrap(), data["status"].as_str().unwrap()),
                )
            })
            .collect();
        // Each event carries the refund as it is now; the change says what the event was.
        assert_eq!(kinds.iter().filter(|(t, _)| *t == "payment.refund.created").count(), 3, "{name}: {kinds:?}");
        assert_eq!(kinds.iter().filter(|(t, _)| *t == "payment.refund.status_changed").count(), 2, "{name}: {kinds:?}");
        assert!(kinds.contains(&("payment.refund.status_changed", "R2:NOT_DONE".to_owned())));

        // Lists: across payments, by status and time, and the payment's own.
        let other = completed(&settlement, "RF-LIFE-2").await;
        new(settlement.request_refund(other.id, "R1", asking(100), "merchant").await);
        let filter =
            |status, payment| RefundFilter { status, payment_request_id: payment, limit: 20, ..Default::default() };
        let (all, total) = settlement.refunds(&filter(None, None)).await.unwrap();
        assert_eq!((all.len(), total), (4, 4), "{name}");
        let (returned, _) = settlement.refunds(&filter(Some(RefundStatus::Returned), None)).await.unwrap();
        assert_eq!(returned.iter().map(|r| r.refund_id.as_str()).collect::<Vec<_>>(), ["R1"]);
        let (own, _) = settlement.refunds(&filter(None, Some(other.id))).await.unwrap();
        assert_eq!(own.len(), 1);
        let later =
            RefundFilter { requested_from: Some(clock_now(&clock) + time::Duration::SECOND), ..filter(None, None) };
        assert_eq!(settlement.refunds(&later).await.unwrap().1, 0);
        assert!(matches!(settlement.refund(other.id, "R9").await, Err(CoreError::RefundNotFound)));
    }
}

fn clock_now(clock: &Arc<ManualClock>) -> time::OffsetDateTime {
    settlement_core::Clock::now(clock.as_ref())
}

#[tokio::test]
async fn the_same_request_finds_its_refund_and_another_body_is_refused() {
    for (name, store, _keep) in stores().await {
        let (settlement, _clock) = services(store);
        let payment = completed(&settlement, "RF-AGAIN").await;
        let first = new(settlement.request_refund(payment.id, "ABC123", asking(500), "merchant").await);
        // Again, even once the refund has ended and the payment is fully refunded.
        settlement.settle_refund(payment.id, "ABC123", ending("RETURNED", None), "spi").await.unwrap();
        new(settlement.request_refund(payment.id, "REST", asking(14_500), "merchant").await);
        match settlement.request_refund(payment.id, "ABC123", asking(500), "merchant").await.unwrap() {
            Requested::Again(again) => {
                assert_eq!((again.id, &again.rtr_id, again.status), (first.id, &first.rtr_id, RefundStatus::Returned))
            }
            other => panic!("{name}: {other:?}"),
        }
        // The explicit default nature is the same request.
        let explicit = RefundRequest { nature: Some("ORIGINAL".into()), ..asking(500) };
        assert!(matches!(
            settlement.request_refund(payment.id, "ABC123", explicit, "merchant").await,
            Ok(Requested::Again(_))
        ));
        for other in [
            asking(501),
            RefundRequest { description: None, ..asking(500) },
            RefundRequest { nature: Some("RETIRADA".into()), ..asking(500) },
        ] {
            assert!(
                matches!(
                    settlement.request_refund(payment.id, "ABC123", other, "merchant").await,
                    Err(CoreError::RefundIdReused(_))
                ),
                "{name}"
            );
        }
        // The id is the payment's: another payment may use it.
        let another = completed(&settlement, "RF-AGAIN-2").await;
        new(settlement.request_refund(another.id, "ABC123", asking(500), "merchant").await);
    }
}

#[tokio::test]
async fn each_rule_refuses_with_its_own_error() {
    for (name, store, _keep) in stores().await {
        let (settlement, clock) = services(store);
        let code = |result: Result<Requested, CoreError>| match result {
            Err(error) => error.code(),
            Ok(other) => panic!("{name}: accepted {other:?}"),
        };
        let mut pending = request();
        pending.external_id = Some("RF-PENDING".into());
        let pending = created(settlement.create_payment(pending, "merchant", None).await);
        assert_eq!(code(settlement.request_refund(pending.id, "R1", asking(100), "m").await), "PAYMENT_NOT_REFUNDABLE");
        assert_eq!(code(settlement.request_refund(9_999_999, "R1", asking(100), "m").await), "NOT_FOUND");

        let payment = completed(&settlement, "RF-RULES").await;
        assert_eq!(code(settlement.request_refund(payment.id, "R1", asking(0), "m").await), "VALIDATION_ERROR");
        assert_eq!(code(settlement.request_refund(payment.id, "R-1", asking(1), "m").await), "VALIDATION_ERROR");
        assert_eq!(
            code(settlement.request_refund(payment.id, "R1", asking(15_001), "m").await),
            "REFUND_EXCEEDS_AMOUNT"
        );
        let message = settlement.request_refund(payment.id, "R1", asking(15_001), "m").await.unwrap_err().to_string();
        assert!(message.contains("15001") && message.contains("15000"), "{message}");
        // Nothing of the refused ones was kept.
        assert_eq!(settlement.payment(payment.id).await.unwrap().refunds, None, "{name}");

        // 90 days to the second after its settlement, and not one more.
        clock.advance(time::Duration::days(90));
        new(settlement.request_refund(payment.id, "R1", asking(1), "m").await);
        clock.advance(time::Duration::SECOND);
        assert_eq!(code(settlement.request_refund(payment.id, "R2", asking(1), "m").await), "REFUND_WINDOW_CLOSED");
        // The window is a setting.
        let wider = settlement.clone().with_refund_window(365);
        new(wider.request_refund(payment.id, "R2", asking(1), "m").await);
    }
}

#[tokio::test]
async fn racing_refunds_never_add_up_to_more_than_the_payment() {
    for (name, store, _keep) in stores().await {
        let (settlement, _clock) = services(store);
        let payment = completed(&settlement, "RF-RACE").await;
        // 16 requests of 1,500 against 15,000: together 24,000; exactly ten fit.
        let tasks: Vec<_> = (0..16)
            .map(|n| {
                let settlement = settlement.clone();
                tokio::spawn(async move {
                    settlement.request_refund(payment.id, &format!("RACE{n}"), asking(1_500), "m").await
                })
            })
            .collect();
        let mut accepted = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(Requested::New(_)) => accepted += 1,
                Err(CoreError::RefundExceedsAmount { .. }) => {}
                other => panic!("{name}: {other:?}"),
            }
        }
        assert_eq!(accepted, 10, "{name}");
        let summary = settlement.payment(payment.id).await.unwrap().refunds.unwrap();
        assert_eq!((summary.count, summary.in_process_amount, summary.refundable_amount), (10, 15_000, 0), "{name}");
        let filter = RefundFilter { payment_request_id: Some(payment.id), limit: 100, ..Default::default() };
        let (stored, _) = settlement.refunds(&filter).await.unwrap();
        assert_eq!(stored.iter().map(|r| r.amount).sum::<i64>(), 15_000, "{name}");

        // The store's own guard, without the service's check before it: 16 at once, ten fit.
        let guarded = completed(&settlement, "RF-RACE-STORE").await;
        let tasks: Vec<_> = (0..16)
            .map(|n| {
                let store = settlement.store().clone();
                tokio::spawn(async move {
                    let refund = asking(1_500).validate(&format!("S{n}")).unwrap();
                    let stamp = Stamp { actor: "m", at: time::OffsetDateTime::now_utc() };
                    let rtr_id = format!("D87654321202601241030STORE{n:06}");
                    let record = RefundRecord { payment_id: guarded.id, refund: &refund, rtr_id: &rtr_id, stamp };
                    store.insert_refund(record).await.unwrap()
                })
            })
            .collect();
        let mut stored = 0;
        for task in tasks {
            match task.await.unwrap() {
                RefundInserted::Created(_) => stored += 1,
                RefundInserted::Refused(Some(_)) => {}
                other => panic!("{name}: {other:?}"),
            }
        }
        assert_eq!(stored, 10, "{name}");
        assert_eq!(settlement.payment(guarded.id).await.unwrap().refunds.unwrap().in_process_amount, 15_000);

        // 16 copies of one request: one refund, the others find it.
        let other = completed(&settlement, "RF-RACE-SAME").await;
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let settlement = settlement.clone();
                tokio::spawn(async move { settlement.request_refund(other.id, "SAME", asking(9_000), "m").await })
            })
            .collect();
        let mut fresh = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(Requested::New(_)) => fresh += 1,
                Ok(Requested::Again(_)) => {}
                other => panic!("{name}: {other:?}"),
            }
        }
        assert_eq!(fresh, 1, "{name}");
        assert_eq!(settlement.payment(other.id).await.unwrap().refunds.unwrap().in_process_amount, 9_000, "{name}");
    }
}
