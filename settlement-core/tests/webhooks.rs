//! The outbox and the delivery queue on both stores: an event for every change and none for a
//! refused one, each published once however many publishers race, each delivery claimed by one
//! sender at a time, a killed sender's claims taken over, and retries on the schedule.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::{created, request, services, stores};
use settlement_core::CoreError;
use settlement_core::service::webhooks::Subject;
use settlement_core::webhooks::{Attempt, DeliveryFilter, DeliveryStatus, EndpointRequest};

fn scopes() -> Vec<String> {
    ["payments.read", "qrcodes.read"].map(str::to_owned).to_vec()
}

fn endpoint(types: &[&str]) -> EndpointRequest {
    EndpointRequest {
        url: "https://hooks.example.com/pix".into(),
        event_types: types.iter().map(|t| (*t).to_owned()).collect(),
        description: None,
        enabled: None,
    }
}

#[tokio::test]
async fn every_change_has_its_event_and_each_is_published_and_claimed_once() {
    for (name, store, _keep) in stores().await {
        let (settlement, clock) = services(store);
        let scopes = scopes();
        let alice = Subject { name: "alice", scopes: &scopes };
        let hook = settlement.create_webhook(endpoint(&["payment.*"]), alice).await.unwrap();
        let _other = settlement.create_webhook(endpoint(&["payment.created"]), Subject { name: "bob", ..alice }).await;

        // 30 payments, each created and moved once; a refused change (COMPLETED from PENDING)
        // and a refused create (a duplicate external id) leave no event.
        let mut ids = Vec::new();
        for n in 0..30 {
            let mut asked = request();
            asked.external_id = Some(format!("WH-{n}"));
            let payment = created(settlement.create_payment(asked, "alice", None).await);
            ids.push(payment.id);
        }
        let mut duplicate = request();
        duplicate.external_id = Some("WH-0".into());
        assert!(matches!(
            settlement.create_payment(duplicate, "alice", None).await,
            Err(CoreError::DuplicateExternalId { .. })
        ));
        for id in &ids {
            let update = serde_json::from_value(serde_json::json!({"status": "PROCESSING"})).unwrap();
            settlement.update_status(*id, update, "alice").await.unwrap();
        }
        let refused = serde_json::from_value(serde_json::json!({"status": "PENDING"})).unwrap();
        assert!(settlement.update_status(ids[0], refused, "alice").await.is_err());

        // Three publishers race: every event is published once, and queued once per endpoint.
        let publish = || async {
            let mut total = 0;
            loop {
                let published = settlement.publish_events(7).await.unwrap();
                if published == 0 {
                    break total;
                }
                total += published;
            }
        };
        let (a, b, c) = tokio::join!(publish(), publish(), publish());
        assert_eq!(a + b + c, 60, "{name}: 30 created and 30 changed");
        let subject = Subject { name: "alice", scopes: &scopes };
        let feed = settlement.events(subject, None, None, None, 100).await.unwrap();
        assert_eq!(feed.len(), 60, "{name}");
        assert!(feed.windows(2).all(|pair| pair[0].id < pair[1].id));
        let bobs = settlement.events(Subject { name: "bob", ..subject }, None, None, None, 100).await.unwrap();
        assert!(bobs.is_empty(), "{name}: bob's feed has alice's events");

        // Senders race for the queue: each delivery is claimed by one, and an object's second
        // event is claimed only once its first is answered.
        let claim = || settlement.claim_deliveries(50, Duration::from_secs(30));
        let (first, second) = tokio::join!(claim(), claim());
        let (first, second) = (first.unwrap(), second.unwrap());
        let claimed: Vec<i64> = first.iter().chain(&second).map(|c| c.delivery_id).collect();
        let unique: HashSet<i64> = claimed.iter().copied().collect();
        assert_eq!(unique.len(), claimed.len(), "{name}: a delivery claimed twice");
        assert_eq!(claimed.len(), 30, "{name}: only each payment's first event is due");
        assert!(first.iter().chain(&second).all(|c| c.event_type == "payment.created"));
        assert!(claim().await.unwrap().is_empty(), "{name}: claimed deliveries are not claimed again");

        // The sender is killed: nothing is recorded, and once the claims lapse they are sent again.
        clock.advance(time::Duration::seconds(31));
        let again = claim().await.unwrap();
        assert_eq!(again.len(), 30, "{name}");
        let body = again[0].body();
        assert!(body.starts_with(r#"{"type":"payment.created","timestamp":"2026-01-24T10:30:00Z","data":{"#), "{body}");

        // All succeed but one, which fails: it is retried after about 5 s, and its object's next
        // event waits for it.
        let outcomes: Vec<_> = again
            .iter()
            .enumerate()
            .map(|(index, claimed)| {
                let status_code = Some(if index == 0 { 503 } else { 200 });
                let attempt = Attempt {
                    attempted_at: settlement.now(),
                    status_code,
                    latency_ms: 3,
                    response_body: None,
                    error: None,
                };
                settlement.outcome(claimed, attempt, None)
            })
            .collect();
        settlement.record_deliveries(&outcomes).await.unwrap();
        let next = claim().await.unwrap();
        assert_eq!(next.len(), 29, "{name}: the answered objects' second events");
        assert!(next.iter().all(|c| c.event_type == "payment.status_changed"));
        clock.advance(time::Duration::seconds(6));
        let retried = claim().await.unwrap();
        assert_eq!(retried.iter().map(|c| c.delivery_id).collect::<Vec<_>>(), [again[0].delivery_id], "{name}");
        let (deliveries, total) = settlement
            .webhook_deliveries(hook.endpoint.id, "alice", &DeliveryFilter { limit: 100, ..Default::default() })
            .await
            .unwrap();
        assert_eq!(total, 60);
        let failed_once = deliveries.iter().find(|d| d.id == again[0].delivery_id).unwrap();
        assert_eq!((failed_once.status, failed_once.attempts.len()), (DeliveryStatus::Pending, 1));
        assert_eq!(failed_once.attempts[0].status_code, Some(503));
    }
}

#[tokio::test]
async fn an_endpoint_failing_for_five_days_is_disabled_and_a_replay_sends_what_it_missed() {
    for (name, store, _keep) in stores().await {
        let (settlement, clock) = services(store);
        let scopes = scopes();
        let alice = Subject { name: "alice", scopes: &scopes };
        let hook = settlement.create_webhook(endpoint(&["payment.created"]), alice).await.unwrap();
        let id = hook.endpoint.id;
        let mut asked = request();
        asked.external_id = Some("WH-FAILING".into());
        created(settlement.create_payment(asked, "alice", None).await);
        settlement.publish_events(100).await.unwrap();

        // Every attempt fails, on the schedule, until its eight attempts are spent (about 33 h).
        let mut attempts = 0;
        for _ in 0..200 {
            let claimed = settlement.claim_deliveries(10, Duration::from_secs(30)).await.unwrap();
            if claimed.is_empty() {
                clock.advance(time::Duration::minutes(30));
                continue;
            }
            let attempt = Attempt {
                attempted_at: settlement.now(),
                status_code: None,
                latency_ms: 10_000,
                response_body: None,
                error: Some("timed out".into()),
            };
            let outcomes: Vec<_> = claimed.iter().map(|c| settlement.outcome(c, attempt.clone(), None)).collect();
            settlement.record_deliveries(&outcomes).await.unwrap();
            attempts += 1;
        }
        assert_eq!(attempts, 8, "{name}: the first attempt and seven retries");
        let filter = DeliveryFilter { limit: 10, ..Default::default() };
        let (deliveries, _) = settlement.webhook_deliveries(id, "alice", &filter).await.unwrap();
        assert_eq!((deliveries[0].status, deliveries[0].attempt_count), (DeliveryStatus::Failed, 8), "{name}");
        let endpoint_now = settlement.webhook(id, "alice").await.unwrap();
        assert!(endpoint_now.enabled, "{name}: failing for about 33 hours is not yet 5 days");
        assert!(endpoint_now.failing_since.is_some());

        // Another event, still failing, 5 days after the first failure: the endpoint is disabled.
        clock.advance(time::Duration::days(4));
        let mut asked = request();
        asked.external_id = Some("WH-FAILING-2".into());
        created(settlement.create_payment(asked, "alice", None).await);
        settlement.publish_events(100).await.unwrap();
        let claimed = settlement.claim_deliveries(10, Duration::from_secs(30)).await.unwrap();
        assert_eq!(claimed.len(), 1, "{name}");
        let attempt = Attempt {
            attempted_at: settlement.now(),
            status_code: Some(503),
            latency_ms: 5,
            response_body: None,
            error: Some("answered 503".into()),
        };
        settlement.record_deliveries(&[settlement.outcome(&claimed[0], attempt, None)]).await.unwrap();
        let disabled = settlement.webhook(id, "alice").await.unwrap();
        assert!(!disabled.enabled, "{name}");
        assert!(disabled.disabled_reason.as_deref().unwrap_or_default().contains("5 days"), "{disabled:?}");

        // Disabled: its pending delivery is not sent, and a new event is not queued for it.
        clock.advance(time::Duration::hours(1));
        assert!(settlement.claim_deliveries(10, Duration::from_secs(30)).await.unwrap().is_empty(), "{name}");
        let mut asked = request();
        asked.external_id = Some("WH-WHILE-DISABLED".into());
        created(settlement.create_payment(asked, "alice", None).await);
        settlement.publish_events(100).await.unwrap();
        let (_, total) = settlement.webhook_deliveries(id, "alice", &filter).await.unwrap();
        assert_eq!(total, 2, "{name}");

        // Turned on again and replayed: the failed delivery and the missed event are queued.
        let patch = serde_json::from_value(serde_json::json!({"enabled": true})).unwrap();
        let enabled = settlement.update_webhook(id, patch, alice).await.unwrap();
        assert!(enabled.enabled && enabled.disabled_reason.is_none() && enabled.failing_since.is_none());
        let since = settlement.now() - time::Duration::days(30);
        assert_eq!(settlement.replay_webhook(id, since, "alice").await.unwrap(), 2, "{name}");
        assert_eq!(settlement.replay_webhook(id, since, "alice").await.unwrap(), 0, "{name}: replayed twice");
        let claimed = settlement.claim_deliveries(10, Duration::from_secs(30)).await.unwrap();
        assert_eq!(claimed.len(), 3, "{name}: the three payments' creations");

        // A receiver that answers 410 Gone disables its endpoint at once.
        let attempt = Attempt {
            attempted_at: settlement.now(),
            status_code: Some(410),
            latency_ms: 5,
            response_body: None,
            error: Some("answered 410 Gone".into()),
        };
        let outcome = settlement.outcome(&claimed[0], attempt, None);
        assert!(outcome.next_attempt_at.is_none());
        settlement.record_deliveries(&[outcome]).await.unwrap();
        let gone = settlement.webhook(id, "alice").await.unwrap();
        assert_eq!(gone.disabled_reason.as_deref(), Some("the receiver answered 410 Gone"), "{name}");
    }
}
