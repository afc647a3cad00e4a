//! Pix Automático on every store, time driven through the manual clock: a year of a monthly
//! authorization, the retry limits, re-sends, cancellation around the cut-off, expiry, nonces,
//! and two users and a product that never see each other's records.

mod common;

use common::{services, stores};
use settlement_core::audit::AUTOMATIC_WORKER;
use settlement_core::automatic::model::{
    Authorization, AuthorizationRequest, AutomaticPayment, AutomaticPaymentRequest,
};
use settlement_core::automatic::refusal::{AutomaticError, Rule};
use settlement_core::automatic::{AuthorizationStatus, AutomaticPaymentStatus, RetryRefusal};
use settlement_core::payment::StatusUpdateRequest;
use settlement_core::service::automatic::{ActingAs, Actor};
use settlement_core::store::AutomaticFilter;
use settlement_core::{ManualClock, PaymentFilter, Settlement, SqlStore};
use time::macros::datetime;
use uuid::Uuid;

type Service = Settlement<SqlStore>;

/// The clock starts on 2026-01-24 10:30 UTC (07:30 in São Paulo).
fn authorization_request(frequency: &str, start: &str, retries: &str) -> AuthorizationRequest {
    serde_json::from_value(serde_json::json!({
        "journey": "JOURNEY_1",
        "frequency": frequency,
        "start_date": start,
        "end_date": "2027-01-31",
        "value": 9990,
        "retry_policy": retries,
        "owner_ispb": "12345678",
        "beneficiary_ispb": "87654321",
        "beneficiary_document": "11222333000181",
        "beneficiary_name": "Academia Boa Forma",
        "owner_document": "12345678909",
        "debtor_name": "João da Silva",
        "contract_number": "CONTRATO-2026-001",
        "contract_description": "Mensalidade da academia",
        "request_expiration_date": "2026-02-24T10:30:00Z"
    }))
    .unwrap()
}

async fn actor(service: &Service, user: &str) -> Actor {
    service.automatic_actor(user, ActingAs::default()).await.unwrap()
}

/// An APPROVED authorization: asked, accepted by the payer, confirmed by its institution.
async fn approved(service: &Service, actor: &Actor, request: AuthorizationRequest) -> Authorization {
    let created = service.create_authorization(actor, request).await.unwrap();
    assert_eq!(created.status, "PENDING");
    let waiting = service.answer_authorization(actor, created.id, true).await.unwrap();
    assert_eq!(waiting.status, "WAITING_APPROVAL");
    service.confirm_authorization(created.id, AuthorizationStatus::Approved, "ops").await.unwrap()
}

fn payment(authorization: &Authorization, due: &str, value: i64, purpose: &str) -> AutomaticPaymentRequest {
    AutomaticPaymentRequest {
        authorization_id: Some(authorization.id),
        due_date: Some(due.to_owned()),
        value: Some(value),
        scheduling_purpose: Some(purpose.to_owned()),
    }
}

fn rule_of(error: AutomaticError) -> (String, Rule) {
    match error {
        AutomaticError::Invalid { field, rule } => (field, rule),
        other => panic!("expected a validation refusal, got {other:?}"),
    }
}

/// Moves the clock to 08:00 São Paulo (11:00 UTC) of `date`.
fn morning_of(clock: &ManualClock, date: &str) {
    let target = time::PrimitiveDateTime::new(
        time::Date::parse(date, time::macros::format_description!("[year]-[month]-[day]")).unwrap(),
        time::macros::time!(11:00),
    )
    .assume_utc();
    clock.set(target);
}

async fn fail_payment_request(service: &Service, payment: &AutomaticPayment) {
    let id = payment.payment_request_id.expect("settled into a payment request");
    for status in ["PROCESSING", "FAILED"] {
        let update = StatusUpdateRequest { status: Some(status.into()), end_to_end_id: None };
        service.update_status(id, update, "ops").await.unwrap();
    }
}

async fn reread(service: &Service, actor: &Actor, payment: &AutomaticPayment) -> AutomaticPayment {
    service.automatic_payment(actor, payment.id).await.unwrap()
}

fn filter(actor: &Actor) -> AutomaticFilter {
    AutomaticFilter {
        owner: actor.owner.clone(),
        wallet: actor.wallet,
        statuses: vec![],
        descending: false,
        size: 100,
        offset: 0,
    }
}

#[tokio::test]
async fn a_monthly_authorization_over_a_year_yields_one_payment_per_cycle() {
    for (backend, store, _keep) in stores().await {
        let (service, clock) = services(store);
        let alice = actor(&service, "alice").await;
        let mut request = authorization_request("MONTHLY", "2026-01-31", "NAO_PERMITE");
        request.end_date = Some("2026-12-31".into());
        let authorization = approved(&service, &alice, request).await;
        // The receiver sends each cycle's instruction 5 days ahead; the worker settles daily.
        let mut sent = Vec::new();
        for _ in 0..380 {
            clock.advance(time::Duration::days(1));
            let ahead = (clock_now(&clock) + time::Duration::days(5)).date().to_string();
            match service.create_automatic_payment(&alice, payment(&authorization, &ahead, 9990, "SCHEDULING")).await {
                Ok(created) => {
                    sent.push(created.due_date.clone());
                    // A second instruction for the same cycle is refused.
                    let again = service
                        .create_automatic_payment(&alice, payment(&authorization, &ahead, 9990, "SCHEDULING"))
                        .await
                        .unwrap_err();
                    assert!(matches!(rule_of(again).1, Rule::CycleTaken(_)), "{backend}");
                }
                Err(refused) => assert!(
                    matches!(rule_of(refused), (_, Rule::NotOnCycle { .. } | Rule::OutsideAuthorization { .. })),
                    "{backend}"
                ),
            }
            // Two workers race for what is due.
            let (one, other) = (service.clone(), service.clone());
            let (a, b) = tokio::join!(one.settle_due_automatic_payments(), other.settle_due_automatic_payments());
            assert!(a.unwrap() + b.unwrap() <= 1, "{backend}: one cycle a day at most, settled once");
        }
        // The 31st, or the month's last day when it is shorter.
        let expected = [
            "01-31", "02-28", "03-31", "04-30", "05-31", "06-30", "07-31", "08-31", "09-30", "10-31", "11-30", "12-31",
        ];
        assert_eq!(sent, expected.map(|day| format!("2026-{day}")), "{backend}");
        let (payments, total) = service.automatic_payments(&filter(&alice)).await.unwrap();
        assert_eq!(total, 12, "{backend}");
        let mut requests = Vec::new();
        for payment in &payments {
            assert_eq!(payment.settlement.as_deref(), Some("PENDING"), "{backend}: {payment:?}");
            let request = service.payment(payment.payment_request_id.unwrap()).await.unwrap();
            assert_eq!(
                (request.amount, request.debtor_ispb.as_str(), request.creditor_ispb.as_str()),
                (9990, "12345678", "87654321")
            );
            requests.push(request.id);
        }
        requests.dedup();
        assert_eq!(requests.len(), 12, "{backend}: one payment request each");
        assert_eq!(service.settle_due_automatic_payments().await.unwrap(), 0, "{backend}: settled once");
        let (_, all) = service.payments(&PaymentFilter { limit: 1, ..Default::default() }).await.unwrap();
        assert_eq!(all, 12, "{backend}");
    }
}

fn clock_now(clock: &ManualClock) -> time::OffsetDateTime {
    use settlement_core::Clock;
    clock.now()
}

#[tokio::test]
async fn new_attempts_obey_every_limit() {
    for (backend, store, _keep) in stores().await {
        let (service, clock) = services(store);
        let alice = actor(&service, "alice").await;
        let authorization =
            approved(&service, &alice, authorization_request("MONTHLY", "2026-02-05", "PERMITE_3R_7D")).await;
        let refused = |error: AutomaticError| rule_of(error);

        // The instruction window: 2 to 10 days ahead (today is 24 January).
        let early = service.create_automatic_payment(&alice, payment(&authorization, "2026-02-05", 9990, "SCHEDULING"));
        assert_eq!(refused(early.await.unwrap_err()), ("due_date".into(), Rule::OutsideInstructionWindow), "{backend}");
        morning_of(&clock, "2026-01-27");
        let wrong_value =
            service.create_automatic_payment(&alice, payment(&authorization, "2026-02-05", 100, "SCHEDULING"));
        assert_eq!(refused(wrong_value.await.unwrap_err()), ("value".into(), Rule::NotFixedValue(9990)));
        let off_cycle =
            service.create_automatic_payment(&alice, payment(&authorization, "2026-02-06", 9990, "SCHEDULING"));
        assert!(matches!(refused(off_cycle.await.unwrap_err()).1, Rule::NotOnCycle { .. }));
        let original = service
            .create_automatic_payment(&alice, payment(&authorization, "2026-02-05", 9990, "SCHEDULING"))
            .await
            .unwrap();
        assert_eq!((original.status.as_str(), original.scheduling_purpose.as_str()), ("CREATED", "SCHEDULING"));

        // Nothing failed yet: no new attempt.
        let early_retry =
            service.create_automatic_payment(&alice, payment(&authorization, "2026-02-06", 9990, "NEW_ATTEMPT"));
        assert_eq!(refused(early_retry.await.unwrap_err()).1, Rule::AttemptUnderWay, "{backend}");

        morning_of(&clock, "2026-02-05");
        assert_eq!(service.settle_due_automatic_payments().await.unwrap(), 1);
        let original = reread(&service, &alice, &original).await;
        assert_eq!(original.settlement.as_deref(), Some("PENDING"));
        fail_payment_request(&service, &original).await;
        assert_eq!(reread(&service, &alice, &original).await.settlement.as_deref(), Some("FAILED"));

        let retry = |date: &str, value: i64| payment(&authorization, date, value, "NEW_ATTEMPT");
        let too_late = service.create_automatic_payment(&alice, retry("2026-02-13", 9990)).await.unwrap_err();
        assert_eq!(refused(too_late).1, Rule::NothingToRetry, "D+8 is no cycle's retry window");
        let other_value = service.create_automatic_payment(&alice, retry("2026-02-06", 5000)).await.unwrap_err();
        assert_eq!(refused(other_value), ("value".into(), Rule::NotOriginalValue(9990)));
        let today = service.create_automatic_payment(&alice, retry("2026-02-05", 9990)).await.unwrap_err();
        assert_eq!(refused(today).1, Rule::NotFuture);

        // Three new attempts, each after the one before failed, on distinct dates.
        for (day, date) in [("2026-02-06", "2026-02-06"), ("2026-02-09", "2026-02-09"), ("2026-02-12", "2026-02-12")] {
            let attempt = service.create_automatic_payment(&alice, retry(date, 9990)).await.unwrap();
            assert_eq!(attempt.scheduling_purpose, "NEW_ATTEMPT");
            let under_way = service.create_automatic_payment(&alice, retry("2026-02-12", 9990)).await.unwrap_err();
            if date != "2026-02-12" {
                assert_eq!(refused(under_way).1, Rule::AttemptUnderWay, "{backend}: {date}");
            }
            morning_of(&clock, day);
            assert_eq!(service.settle_due_automatic_payments().await.unwrap(), 1, "{backend}: {date}");
            fail_payment_request(&service, &reread(&service, &alice, &attempt).await).await;
            clock.advance(time::Duration::hours(1));
        }
        morning_of(&clock, "2026-02-10");
        let fourth = service.create_automatic_payment(&alice, retry("2026-02-11", 9990)).await.unwrap_err();
        assert_eq!(refused(fourth), ("scheduling_purpose".into(), Rule::Retry(RetryRefusal::TooMany)), "{backend}");

        // Without the policy, never.
        let strict = approved(&service, &alice, authorization_request("WEEKLY", "2026-02-20", "NAO_PERMITE")).await;
        service.create_automatic_payment(&alice, payment(&strict, "2026-02-20", 9990, "SCHEDULING")).await.unwrap();
        morning_of(&clock, "2026-02-20");
        service.settle_due_automatic_payments().await.unwrap();
        let (listed, _) = service.automatic_payments(&filter(&alice)).await.unwrap();
        fail_payment_request(&service, listed.last().unwrap()).await;
        let refusal = service
            .create_automatic_payment(&alice, payment(&strict, "2026-02-21", 9990, "NEW_ATTEMPT"))
            .await
            .unwrap_err();
        assert_eq!(refused(refusal).1, Rule::Retry(RetryRefusal::NotAllowed), "{backend}");
    }
}

#[tokio::test]
async fn a_failure_to_send_is_resent_the_same_day_with_the_same_conditions() {
    for (backend, store, _keep) in stores().await {
        let (service, clock) = services(store);
        let alice = actor(&service, "alice").await;
        let authorization =
            approved(&service, &alice, authorization_request("MONTHLY", "2026-02-05", "NAO_PERMITE")).await;
        morning_of(&clock, "2026-01-30");
        let original = service
            .create_automatic_payment(&alice, payment(&authorization, "2026-02-05", 9990, "SCHEDULING"))
            .await
            .unwrap();
        // On the due date the authorization is waiting on a cancellation: nothing can be sent.
        morning_of(&clock, "2026-02-05");
        service.cancel_authorization(&alice, authorization.id).await.unwrap();
        assert_eq!(service.settle_due_automatic_payments().await.unwrap(), 1);
        let failed = reread(&service, &alice, &original).await;
        assert_eq!((failed.settlement.as_deref(), failed.payment_request_id), (Some("FAILED"), None), "{backend}");
        assert!(failed.settlement_error.as_deref().unwrap().contains("WAITING_CANCELLATION"));
        // The cancellation fails; the instruction is re-sent that day, unchanged.
        service.confirm_authorization(authorization.id, AuthorizationStatus::Approved, "ops").await.unwrap();
        let resend = |date: &str, value: i64| payment(&authorization, date, value, "RESEND");
        let other_date = service.create_automatic_payment(&alice, resend("2026-02-06", 9990)).await.unwrap_err();
        assert_eq!(rule_of(other_date).1, Rule::NothingToRetry);
        let other_value = service.create_automatic_payment(&alice, resend("2026-02-05", 1)).await.unwrap_err();
        assert_eq!(rule_of(other_value).1, Rule::NotOriginalValue(9990));
        let resent = service.create_automatic_payment(&alice, resend("2026-02-05", 9990)).await.unwrap();
        assert_eq!(service.settle_due_automatic_payments().await.unwrap(), 1);
        let resent = reread(&service, &alice, &resent).await;
        assert_eq!(resent.settlement.as_deref(), Some("PENDING"), "{backend}");
        // A refused payment is not re-sent: that is what NEW_ATTEMPT is for.
        fail_payment_request(&service, &resent).await;
        let again = service.create_automatic_payment(&alice, resend("2026-02-05", 9990)).await.unwrap_err();
        assert_eq!(rule_of(again), ("scheduling_purpose".into(), Rule::NotOperationalFailure));
    }
}

#[tokio::test]
async fn cancellation_closes_at_22_sao_paulo_the_day_before() {
    for (backend, store, _keep) in stores().await {
        let (service, clock) = services(store);
        let alice = actor(&service, "alice").await;
        let authorization =
            approved(&service, &alice, authorization_request("WEEKLY", "2026-02-05", "NAO_PERMITE")).await;
        morning_of(&clock, "2026-01-30");
        let first = payment(&authorization, "2026-02-05", 9990, "SCHEDULING");
        let second = payment(&authorization, "2026-02-12", 9990, "SCHEDULING");
        let first = service.create_automatic_payment(&alice, first).await.unwrap();
        morning_of(&clock, "2026-02-03");
        let second = service.create_automatic_payment(&alice, second).await.unwrap();

        // 5 February 00:59:59 UTC is 21:59:59 on the 4th in São Paulo: still open.
        clock.set(datetime!(2026-02-05 00:59:59 UTC));
        let waiting = service.cancel_automatic_payment(&alice, first.id).await.unwrap();
        assert_eq!(waiting.status, "WAITING_CANCELLATION", "{backend}");
        let twice = service.cancel_automatic_payment(&alice, first.id).await.unwrap_err();
        assert!(matches!(twice, AutomaticError::PaymentTransition { .. }), "{twice:?}");
        let failed =
            service.confirm_automatic_payment(first.id, AutomaticPaymentStatus::CancellationFailed, "ops").await;
        assert_eq!(failed.unwrap().status, "CANCELLATION_FAILED");
        // 22:00:01: closed.
        clock.set(datetime!(2026-02-05 01:00:01 UTC));
        match service.cancel_automatic_payment(&alice, first.id).await.unwrap_err() {
            AutomaticError::CancellationClosed { deadline } => assert_eq!(deadline, "2026-02-05T01:00:00Z"),
            other => panic!("{backend}: {other:?}"),
        }
        // The other is cancelled in time and confirmed; it is never settled.
        service.cancel_automatic_payment(&alice, second.id).await.unwrap();
        let canceled =
            service.confirm_automatic_payment(second.id, AutomaticPaymentStatus::Canceled, "ops").await.unwrap();
        assert_eq!(canceled.status, "CANCELED");
        let final_state =
            service.confirm_automatic_payment(second.id, AutomaticPaymentStatus::CancellationFailed, "ops");
        assert!(matches!(final_state.await.unwrap_err(), AutomaticError::PaymentTransition { .. }));

        morning_of(&clock, "2026-02-13");
        assert_eq!(
            service.settle_due_automatic_payments().await.unwrap(),
            1,
            "{backend}: the one whose cancellation failed"
        );
        let settled = reread(&service, &alice, &first).await;
        assert_eq!(settled.settlement.as_deref(), Some("PENDING"));
        assert!(reread(&service, &alice, &second).await.settlement.is_none());
        let late = service.cancel_automatic_payment(&alice, settled.id).await.unwrap_err();
        assert!(matches!(late, AutomaticError::PaymentTransition { .. } | AutomaticError::AlreadySettled), "{late:?}");

        // The list filters by status.
        let mut only = filter(&alice);
        only.statuses = vec!["CANCELED"];
        let (listed, total) = service.automatic_payments(&only).await.unwrap();
        assert_eq!((total, listed[0].id), (1, second.id), "{backend}");
    }
}

#[tokio::test]
async fn requests_not_answered_in_time_expire_and_the_states_hold() {
    for (backend, store, _keep) in stores().await {
        let (service, clock) = services(store);
        let alice = actor(&service, "alice").await;
        let mut request = authorization_request("MONTHLY", "2026-03-01", "NAO_PERMITE");
        request.request_expiration_date = Some("2026-01-24T11:30:00Z".into());
        let pending = service.create_authorization(&alice, request.clone()).await.unwrap();
        let answered = service.create_authorization(&alice, request).await.unwrap();
        service.answer_authorization(&alice, answered.id, false).await.unwrap();
        assert_eq!(service.expire_authorizations().await.unwrap(), 0);
        clock.advance(time::Duration::hours(2));
        assert_eq!(service.expire_authorizations().await.unwrap(), 1, "{backend}");
        assert_eq!(service.authorization(&alice, pending.id).await.unwrap().status, "EXPIRED");
        let late = service.answer_authorization(&alice, pending.id, true).await.unwrap_err();
        assert!(matches!(
            late,
            AutomaticError::AuthorizationTransition {
                from: AuthorizationStatus::Expired,
                to: AuthorizationStatus::WaitingApproval
            }
        ));
        // The status system confirms only round trips.
        let rejected = service.confirm_authorization(answered.id, AuthorizationStatus::Rejected, "ops").await.unwrap();
        assert_eq!(rejected.status, "REJECTED");
        let not_waiting =
            service.confirm_authorization(answered.id, AuthorizationStatus::Approved, "ops").await.unwrap_err();
        assert!(matches!(not_waiting, AutomaticError::AuthorizationTransition { .. }));
        // Each one's trail: the payer's answer, the institution's confirmation, the expiry.
        let trail = service.authorization_history(&alice, answered.id).await.unwrap();
        assert_eq!(
            trail.iter().map(|c| (c.from.as_deref(), c.to.as_str(), c.actor.as_str())).collect::<Vec<_>>(),
            [
                (None, "PENDING", "alice"),
                (Some("PENDING"), "WAITING_REJECTION", "alice"),
                (Some("WAITING_REJECTION"), "REJECTED", "ops")
            ],
            "{backend}"
        );
        let trail = service.authorization_history(&alice, pending.id).await.unwrap();
        assert_eq!(
            trail.iter().map(|c| (c.from.as_deref(), c.to.as_str(), c.actor.as_str())).collect::<Vec<_>>(),
            [(None, "PENDING", "alice"), (Some("PENDING"), "EXPIRED", AUTOMATIC_WORKER)],
            "{backend}"
        );
        // Payments only under an APPROVED authorization.
        let under = service.create_automatic_payment(&alice, payment(&rejected, "2026-03-01", 9990, "SCHEDULING"));
        assert_eq!(
            rule_of(under.await.unwrap_err()),
            ("authorization_id".into(), Rule::NotApproved(AuthorizationStatus::Rejected))
        );
    }
}

#[tokio::test]
async fn nonces_of_state_changes_are_single_use_for_24_hours() {
    for (backend, store, _keep) in stores().await {
        let (service, clock) = services(store);
        let nonce = Uuid::new_v4();
        service.use_nonce("alice", nonce).await.unwrap();
        assert!(
            matches!(service.use_nonce("alice", nonce).await.unwrap_err(), AutomaticError::NonceReused),
            "{backend}"
        );
        service.use_nonce("bob", nonce).await.expect("nonces are per caller");
        clock.advance(time::Duration::hours(24) + time::Duration::seconds(1));
        service.use_nonce("alice", nonce).await.expect("24 hours later");
        assert!(service.use_nonce("alice", nonce).await.is_err());
    }
}

#[tokio::test]
async fn two_users_and_a_product_never_see_each_others_records() {
    for (backend, store, _keep) in stores().await {
        let (service, _clock) = services(store);
        let alice = actor(&service, "alice").await;
        let bob = actor(&service, "bob").await;
        assert_ne!(alice.wallet, bob.wallet);
        let hers = service
            .create_authorization(&alice, authorization_request("MONTHLY", "2026-03-01", "NAO_PERMITE"))
            .await
            .unwrap();
        let his = service
            .create_authorization(&bob, authorization_request("MONTHLY", "2026-03-01", "NAO_PERMITE"))
            .await
            .unwrap();
        assert!(matches!(
            service.authorization(&bob, hers.id).await.unwrap_err(),
            AutomaticError::AuthorizationNotFound
        ));
        assert!(service.cancel_authorization(&bob, hers.id).await.is_err());
        let (listed, total) = service.authorizations(&filter(&bob)).await.unwrap();
        assert_eq!((total, listed[0].id), (1, his.id), "{backend}");

        // Bob cannot name Alice's wallet; Alice's second wallet holds nothing of the first.
        let acting = |wallet| ActingAs { wallet: Some(wallet), ..Default::default() };
        let stolen = service.automatic_actor("bob", acting(alice.wallet)).await.unwrap_err();
        assert!(matches!(stolen, AutomaticError::WalletForbidden));
        let unknown = service.automatic_actor("bob", acting(Uuid::new_v4())).await.unwrap_err();
        assert!(matches!(unknown, AutomaticError::WalletForbidden), "a wallet that does not exist looks the same");
        let second = service.create_wallet("alice").await.unwrap();
        let alice_second = service.automatic_actor("alice", acting(second)).await.unwrap();
        assert_eq!(service.authorizations(&filter(&alice_second)).await.unwrap().1, 0);
        assert!(service.authorization(&alice_second, hers.id).await.is_err());
        let wallets = service.wallets("alice").await.unwrap();
        assert_eq!(wallets, vec![(alice.wallet, true), (second, false)]);

        // A product acts for Alice only with the scope and her grant.
        let product = Uuid::new_v4();
        let for_alice =
            |may| ActingAs { product: Some((product, "alice".to_owned())), may_act_for_users: may, wallet: None };
        assert!(matches!(
            service.automatic_actor("platform", for_alice(true)).await.unwrap_err(),
            AutomaticError::ProductForbidden
        ));
        service.grant_product("alice", product).await.unwrap();
        assert!(matches!(
            service.automatic_actor("platform", for_alice(false)).await.unwrap_err(),
            AutomaticError::ProductForbidden
        ));
        let platform = service.automatic_actor("platform", for_alice(true)).await.unwrap();
        assert_eq!((&platform.owner, platform.wallet), (&alice.owner, alice.wallet), "{backend}: alice's records");
        assert_eq!(platform.subject, "platform", "the trail names who acted");
        assert_eq!(service.authorization(&platform, hers.id).await.unwrap().id, hers.id);
        let for_bob = ActingAs { product: Some((product, "bob".to_owned())), may_act_for_users: true, wallet: None };
        assert!(service.automatic_actor("platform", for_bob).await.is_err(), "bob granted nothing");
        assert!(service.revoke_product("alice", product).await.unwrap());
        assert!(service.automatic_actor("platform", for_alice(true)).await.is_err());
    }
}

#[tokio::test]
async fn settling_cut_short_at_any_point_repeats_nothing() {
    for (backend, store, _keep) in stores().await {
        let (service, clock) = services(store);
        let mut ids = Vec::new();
        for user in 0..8 {
            let actor = actor(&service, &format!("user-{user}")).await;
            let authorization =
                approved(&service, &actor, authorization_request("WEEKLY", "2026-01-27", "NAO_PERMITE")).await;
            // Both cycles inside the instruction window (3 and 10 days ahead).
            for due in ["2026-01-27", "2026-02-03"] {
                let request = payment(&authorization, due, 9990, "SCHEDULING");
                ids.push(service.create_automatic_payment(&actor, request).await.unwrap().id);
            }
        }
        morning_of(&clock, "2026-02-06");
        // Each pass is abandoned after a few hundred microseconds, wherever it is: a transaction
        // dropped between the payment request and the settlement rolls both back.
        for cut in 0..40u64 {
            let budget = std::time::Duration::from_micros(100 + cut * 97 % 2_000);
            let _ = tokio::time::timeout(budget, service.settle_due_automatic_payments()).await;
        }
        while service.settle_due_automatic_payments().await.unwrap() > 0 {}
        let (_, requests) = service.payments(&PaymentFilter { limit: 1, ..Default::default() }).await.unwrap();
        assert_eq!(requests, 16, "{backend}: one payment request per automatic payment");
        let mut linked = std::collections::HashSet::new();
        for user in 0..8 {
            let actor = actor(&service, &format!("user-{user}")).await;
            for payment in service.automatic_payments(&filter(&actor)).await.unwrap().0 {
                assert!(linked.insert(payment.payment_request_id.expect("settled")), "{backend}: each its own");
            }
        }
        assert_eq!(linked.len(), ids.len());
    }
}
