//! Upgrading a database that already holds data: every row survives, references still hold,
//! and what the new schema allows works.

mod common;

use std::sync::Arc;

use common::{created, request};
use settlement_core::payment::Requirements;
use settlement_core::store::{Inserted, Store};
use settlement_core::{Clock, CreditRequest, Idempotency, ManualClock, Settlement, SqlStore, StatusUpdateRequest};
use time::macros::datetime;

#[tokio::test]
async fn version_3_keeps_payments_credits_and_keys() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    let mut urls = vec![("sqlite", url)];
    if let Ok(base) = std::env::var("SETTLEMENT_TEST_POSTGRES_URL") {
        urls.push(("postgres", common::fresh_postgres_schema(&base).await));
    }
    for (backend, url) in urls {
        let store = SqlStore::connect(&url).await.unwrap();
        store.migrate_to(2).await.unwrap();
        let clock = Arc::new(ManualClock::new(datetime!(2026-01-24 10:30:00 UTC)));
        let service = Settlement::new(store.clone(), clock.clone());
        let body = serde_json::json!({"k": 1});
        let payment =
            created(service.create_payment(request(), "alice", Some(Idempotency { key: "k".into(), body })).await);
        for status in ["PROCESSING", "COMPLETED"] {
            let update = StatusUpdateRequest { status: Some(status.into()), end_to_end_id: None };
            service.update_status(payment.id, update).await.unwrap();
        }
        let credit = CreditRequest { amount: Some(15000), notes: None };
        let confirmation = service.confirm_credit(payment.id, credit, "op").await.unwrap();

        store.migrate().await.unwrap();
        let after = service.payment(payment.id).await.unwrap();
        assert_eq!((after.amount, after.debtor_document.as_deref()), (15000, Some("12345678909")), "{backend}");
        assert_eq!(service.credit(payment.id).await.unwrap(), confirmation, "{backend}");
        let replay = service
            .create_payment(
                request(),
                "alice",
                Some(Idempotency { key: "k".into(), body: serde_json::json!({"k": 1}) }),
            )
            .await;
        assert!(matches!(replay, Ok(settlement_core::Created::Replayed(_))), "{backend}: {replay:?}");

        // An imported payment without documents or accounts.
        let bare = settlement_core::PaymentRequest {
            amount: Some(100),
            debtor_ispb: Some("12345678".into()),
            creditor_ispb: Some("87654321".into()),
            ..Default::default()
        };
        let new = bare.validate_for(Requirements::Import, clock.now()).unwrap();
        let inserted = store.insert_payment(&new, "import", clock.now(), None, None).await.unwrap();
        let Inserted::Created(imported) = inserted else { panic!("{backend}: {inserted:?}") };
        assert_eq!((imported.debtor_document, imported.creditor_account_type), (None, None));
        assert_eq!(service.payment(imported.id).await.unwrap().amount, 100, "{backend}");
    }
}
