//! One suite for every store: SQLite always; PostgreSQL when `SETTLEMENT_TEST_POSTGRES_URL` is
//! set (`.ci/run` sets it), each test in a schema of its own. Driven through the services.

mod common;

use common::{created, request, services, stores};
use settlement_core::audit::{RELEASE_WORKER, replays_to};
use settlement_core::{
    CoreError, Created, CreditRequest, Idempotency, PaymentFilter, PaymentStatus, StatusUpdateRequest,
};
use time::macros::datetime;

#[tokio::test]
async fn payments_are_stored_and_read_back_whole() {
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        let payment = created(service.create_payment(request(), "alice", None).await);
        assert_eq!(payment.status, PaymentStatus::Pending, "{backend}");
        assert_eq!(service.payment(payment.id).await.unwrap(), payment, "{backend}");
        assert_eq!(payment.created_by, "alice");
        assert_eq!(payment.discounts[0].amount, 500);
        assert_eq!(payment.additional_info[0].value, "INV-12345");
        assert!(matches!(service.payment(payment.id + 1000).await, Err(CoreError::PaymentNotFound)), "{backend}");
    }
}

#[tokio::test]
async fn external_ids_are_unique() {
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        let first = created(service.create_payment(request(), "alice", None).await);
        match service.create_payment(request(), "alice", None).await {
            Err(CoreError::DuplicateExternalId { existing_id, .. }) => assert_eq!(existing_id, first.id, "{backend}"),
            other => panic!("{backend}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn many_creates_at_once_each_get_their_own_answer() {
    // On SQLite these share commits (group commit): a duplicate in a batch must fail alone.
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        let tasks: Vec<_> = (0..200)
            .map(|n| {
                let service = service.clone();
                tokio::spawn(async move {
                    let mut request = request();
                    // Every fourth shares one external_id; the rest are distinct.
                    request.external_id = Some(if n % 4 == 0 { "SHARED".to_owned() } else { format!("OWN-{n}") });
                    (n, service.create_payment(request, "alice", None).await)
                })
            })
            .collect();
        let (mut shared_new, mut shared_duplicates, mut own) = (0, 0, std::collections::HashSet::new());
        let mut shared_id = None;
        for task in tasks {
            match task.await.unwrap() {
                (n, Ok(Created::New(payment))) if n % 4 == 0 => {
                    shared_new += 1;
                    shared_id = Some(payment.id);
                }
                (_, Ok(Created::New(payment))) => assert!(own.insert(payment.id), "{backend}: id given twice"),
                (n, Err(CoreError::DuplicateExternalId { existing_id, .. })) if n % 4 == 0 => {
                    shared_duplicates += 1;
                    assert!(existing_id > 0);
                }
                (n, other) => panic!("{backend}: {n}: {other:?}"),
            }
        }
        assert_eq!((shared_new, shared_duplicates, own.len()), (1, 49, 150), "{backend}");
        let (_, total) = service.payments(&PaymentFilter { limit: 1, ..Default::default() }).await.unwrap();
        assert_eq!(total, 151, "{backend}");
        let shared = service.payment(shared_id.unwrap()).await.unwrap();
        assert_eq!(shared.external_id.as_deref(), Some("SHARED"));
        // One creation in the trail, however many asked: the refused ones wrote nothing.
        assert_eq!(service.payment_history(shared.id).await.unwrap().len(), 1, "{backend}");
    }
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_response_and_refuses_another_body() {
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        let key = |body: serde_json::Value| Some(Idempotency { key: "k-1".into(), body });
        let body = serde_json::json!({"amount": 15000});
        let first = created(service.create_payment(request(), "alice", key(body.clone())).await);
        let Created::Replayed(replayed) = service.create_payment(request(), "alice", key(body.clone())).await.unwrap()
        else {
            panic!("{backend}: not replayed")
        };
        assert_eq!(replayed, serde_json::to_string(&first).unwrap(), "{backend}");
        let other = service.create_payment(request(), "alice", key(serde_json::json!({"amount": 1}))).await;
        assert!(matches!(other, Err(CoreError::IdempotencyKeyReused)), "{backend}: {other:?}");
        // Keys are per caller: bob's k-1 is his own (and meets alice's external_id).
        let bob = service.create_payment(request(), "bob", key(body)).await;
        assert!(matches!(bob, Err(CoreError::DuplicateExternalId { .. })), "{backend}: {bob:?}");
    }
}

#[tokio::test]
async fn concurrent_creates_with_one_key_make_one_payment() {
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let service = service.clone();
                tokio::spawn(async move {
                    let body = serde_json::json!({"same": true});
                    service.create_payment(request(), "alice", Some(Idempotency { key: "race".into(), body })).await
                })
            })
            .collect();
        let mut new = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(Created::New(_)) => new += 1,
                Ok(Created::Replayed(_)) => {}
                Err(error) => panic!("{backend}: {error:?}"),
            }
        }
        assert_eq!(new, 1, "{backend}");
        let (_, total) = service.payments(&PaymentFilter { limit: 10, ..Default::default() }).await.unwrap();
        assert_eq!(total, 1, "{backend}");
    }
}

#[tokio::test]
async fn status_changes_follow_the_table_and_completion_sets_an_end_to_end_id() {
    for (backend, store, _keep) in stores().await {
        let (service, clock) = services(store);
        let payment = created(service.create_payment(request(), "alice", None).await);
        let update = |status: &str, e2e: Option<&str>| StatusUpdateRequest {
            status: Some(status.to_owned()),
            end_to_end_id: e2e.map(str::to_owned),
        };
        let refused = service.update_status(payment.id, update("COMPLETED", None), "ops").await;
        assert_eq!(
            refused.unwrap_err().to_string(),
            "cannot transition payment from PENDING to COMPLETED",
            "{backend}"
        );
        service.update_status(payment.id, update("PROCESSING", None), "ops").await.unwrap();
        clock.advance(time::Duration::minutes(1));
        let done = service.update_status(payment.id, update("COMPLETED", None), "ops").await.unwrap();
        assert_eq!(done.status, PaymentStatus::Completed);
        assert_eq!(done.processed_at, Some(datetime!(2026-01-24 10:31:00 UTC)), "{backend}");
        let e2e = done.end_to_end_id.clone().unwrap();
        assert!(e2e.starts_with("E12345678202601241031") && e2e.len() == 32, "{backend}: {e2e}");
        let cancel = service.cancel(payment.id, "ops").await.unwrap_err();
        assert_eq!(cancel.to_string(), "cannot cancel payment in COMPLETED status");

        // A given end-to-end id is unique across payments.
        let mut second = request();
        second.external_id = Some("OTHER".into());
        let second = created(service.create_payment(second, "alice", None).await);
        service.update_status(second.id, update("PROCESSING", None), "ops").await.unwrap();
        match service.update_status(second.id, update("COMPLETED", Some(&e2e)), "ops").await {
            Err(CoreError::DuplicateEndToEndId { existing_id, .. }) => assert_eq!(existing_id, payment.id),
            other => panic!("{backend}: {other:?}"),
        }
        let given = "E1234567820260124103000000001";
        let done = service.update_status(second.id, update("COMPLETED", Some(given)), "ops").await.unwrap();
        assert_eq!(done.end_to_end_id.as_deref(), Some(given));

        // The trail: created by alice, moved by ops; the refused changes left nothing.
        let trail = service.payment_history(payment.id).await.unwrap();
        let steps: Vec<_> = trail.iter().map(|c| (c.from.as_deref(), c.to.as_str(), c.actor.as_str(), c.at)).collect();
        assert_eq!(
            steps,
            [
                (None, "PENDING", "alice", datetime!(2026-01-24 10:30:00 UTC)),
                (Some("PENDING"), "PROCESSING", "ops", datetime!(2026-01-24 10:30:00 UTC)),
                (Some("PROCESSING"), "COMPLETED", "ops", datetime!(2026-01-24 10:31:00 UTC)),
            ],
            "{backend}"
        );
        let allowed = |from: &str, to: &str| {
            PaymentStatus::parse(from).zip(PaymentStatus::parse(to)).is_some_and(|(from, to)| from.can_become(to))
        };
        replays_to(&trail, "COMPLETED", allowed).unwrap();
        // The duplicate end-to-end id rolled back with its change.
        assert_eq!(service.payment_history(second.id).await.unwrap().len(), 3, "{backend}");
        assert!(matches!(service.payment_history(999_999).await, Err(CoreError::PaymentNotFound)));
    }
}

#[tokio::test]
async fn two_concurrent_conflicting_updates_cannot_both_win() {
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        for round in 0..5 {
            let mut request = request();
            request.external_id = Some(format!("RACE-{round}"));
            let payment = created(service.create_payment(request, "alice", None).await);
            service
                .update_status(
                    payment.id,
                    StatusUpdateRequest { status: Some("PROCESSING".into()), end_to_end_id: None },
                    "ops",
                )
                .await
                .unwrap();
            let finish = |status: &'static str| {
                let service = service.clone();
                tokio::spawn(async move {
                    service
                        .update_status(
                            payment.id,
                            StatusUpdateRequest { status: Some(status.into()), end_to_end_id: None },
                            "ops",
                        )
                        .await
                })
            };
            let (completed, failed) = (finish("COMPLETED"), finish("FAILED"));
            let results = [completed.await.unwrap(), failed.await.unwrap()];
            let wins = results.iter().filter(|r| r.is_ok()).count();
            assert_eq!(wins, 1, "{backend}: {results:?}");
            let loser = results.iter().find_map(|r| r.as_ref().err()).unwrap();
            assert!(matches!(loser, CoreError::InvalidTransition { .. }), "{backend}: {loser:?}");
            let winner = results.iter().find_map(|r| r.as_ref().ok()).unwrap();
            assert_eq!(service.payment(payment.id).await.unwrap().status, winner.status);
        }
    }
}

#[tokio::test]
async fn a_future_date_schedules_and_the_release_makes_it_pending() {
    for (backend, store, _keep) in stores().await {
        let (service, clock) = services(store);
        let mut later = request();
        later.scheduled_date = Some("2026-01-24T12:00:00Z".into());
        let payment = created(service.create_payment(later, "alice", None).await);
        assert_eq!(payment.status, PaymentStatus::Scheduled, "{backend}");
        assert_eq!(service.release_due().await.unwrap(), 0);
        clock.advance(time::Duration::hours(2));
        assert_eq!(service.release_due().await.unwrap(), 1, "{backend}");
        assert_eq!(service.payment(payment.id).await.unwrap().status, PaymentStatus::Pending);
        assert_eq!(service.release_due().await.unwrap(), 0, "{backend}: released twice");
        let trail = service.payment_history(payment.id).await.unwrap();
        let steps: Vec<_> = trail.iter().map(|c| (c.from.as_deref(), c.to.as_str(), c.actor.as_str())).collect();
        assert_eq!(steps, [(None, "SCHEDULED", "alice"), (Some("SCHEDULED"), "PENDING", RELEASE_WORKER)], "{backend}");
    }
}

#[tokio::test]
async fn lists_filter_and_count() {
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        for (index, (amount, creditor)) in
            [(1000, "87654321"), (5000, "87654321"), (9000, "11111111")].into_iter().enumerate()
        {
            let mut request = request();
            request.external_id = Some(format!("L-{index}"));
            request.amount = Some(amount);
            request.creditor_ispb = Some(creditor.into());
            created(service.create_payment(request, "alice", None).await);
        }
        let filter = |f: PaymentFilter| PaymentFilter { limit: 20, ..f };
        let (page, total) = service.payments(&filter(PaymentFilter::default())).await.unwrap();
        assert_eq!((page.len(), total), (3, 3), "{backend}");
        assert!(page[0].id > page[1].id, "{backend}: newest first");
        let (page, total) = service
            .payments(&filter(PaymentFilter {
                creditor_ispb: Some("87654321".into()),
                min_amount: Some(2000),
                ..Default::default()
            }))
            .await
            .unwrap();
        assert_eq!((page.len(), total, page[0].amount), (1, 1, 5000), "{backend}");
        let (page, total) =
            service.payments(&PaymentFilter { limit: 2, offset: 2, ..Default::default() }).await.unwrap();
        assert_eq!((page.len(), total), (1, 3), "{backend}");
        let (page, total) = service
            .payments(&filter(PaymentFilter { status: Some(PaymentStatus::Completed), ..Default::default() }))
            .await
            .unwrap();
        assert_eq!((page.len(), total), (0, 0), "{backend}");
    }
}

#[tokio::test]
async fn credit_is_confirmed_once_for_a_completed_payment_and_its_amount() {
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        let payment = created(service.create_payment(request(), "alice", None).await);
        let confirm = |amount| CreditRequest { amount: Some(amount), notes: Some("via statement".into()) };
        let early = service.confirm_credit(payment.id, confirm(15000), "op").await;
        assert!(matches!(early, Err(CoreError::NotCompleted(PaymentStatus::Pending))), "{backend}: {early:?}");
        assert!(matches!(service.credit(payment.id).await, Err(CoreError::CreditNotFound)));
        for status in ["PROCESSING", "COMPLETED"] {
            service
                .update_status(
                    payment.id,
                    StatusUpdateRequest { status: Some(status.into()), end_to_end_id: None },
                    "ops",
                )
                .await
                .unwrap();
        }
        let wrong = service.confirm_credit(payment.id, confirm(14999), "op").await;
        assert!(matches!(wrong, Err(CoreError::AmountMismatch { expected: 15000, found: 14999 })), "{backend}");
        let confirmation = service.confirm_credit(payment.id, confirm(15000), "op@bank").await.unwrap();
        assert_eq!((confirmation.confirmed_by.as_str(), confirmation.status.as_str()), ("op@bank", "CONFIRMED"));
        assert_eq!(service.credit(payment.id).await.unwrap(), confirmation, "{backend}");
        let again = service.confirm_credit(payment.id, confirm(15000), "op").await;
        assert!(matches!(again, Err(CoreError::AlreadyConfirmed(id)) if id == confirmation.id), "{backend}");
    }
}

#[tokio::test]
async fn closing_the_store_after_writes_finishes() {
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store.clone());
        created(service.create_payment(request(), "alice", None).await);
        // The group commit keeps a connection between batches: closing must not wait for it forever.
        let closed = tokio::time::timeout(std::time::Duration::from_secs(10), store.close()).await;
        assert!(closed.is_ok(), "{backend}: close() hung");
    }
}
