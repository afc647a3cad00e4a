//! Upgrading a database that already holds data: every row survives, references still hold,
//! and what the new schema allows works.

mod common;

use std::sync::Arc;

use common::{created, request};
use settlement_core::payment::Requirements;
use settlement_core::store::{Inserted, Store};
use settlement_core::{Clock, ManualClock, Settlement, SqlStore, StatusUpdateRequest};
use sqlx::Row;
use time::macros::datetime;

#[tokio::test]
async fn an_upgrade_keeps_payments_credits_and_keys() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    let mut urls = vec![("sqlite", url)];
    if let Ok(base) = std::env::var("SETTLEMENT_TEST_POSTGRES_URL") {
        urls.push(("postgres", common::fresh_postgres_schema(&base).await));
    }
    for (backend, url) in urls {
        let store = SqlStore::connect(&url).await.unwrap();
        store.migrate_to(2).await.unwrap();
        // What version 2 held, written as its code wrote it: a completed payment, its credit
        // and the idempotency key that created it.
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        let at = datetime!(2026-01-24 10:30:00 UTC).unix_timestamp();
        let id: i64 = sqlx::query(
            "INSERT INTO payments (unique_id, external_id, status, amount, currency, debtor_ispb, debtor_document, \
             debtor_account_no, debtor_account_type, creditor_ispb, creditor_document, creditor_account_no, \
             creditor_account_type, discounts, additional_info, end_to_end_id, processed_at, created_by, created_at, \
             updated_at) VALUES ('7d0e7bd4-8a53-4b43-a7f3-3f0a9e0e4b11', 'OLD-1', 'COMPLETED', 15000, 'BRL', '12345678', \
             '12345678909', '123456', 'CACC', '87654321', '98765432100', '654321', 'SVGS', '[]', '[]', \
             'E12345678202601241030000000001', $1, 'alice', $1, $1) RETURNING id",
        )
        .bind(at)
        .fetch_one(&pool)
        .await
        .unwrap()
        .get("id");
        sqlx::query(
            "INSERT INTO credit_confirmations (unique_id, payment_request_id, status, confirmed_at, confirmed_by, \
             confirmed_amount, created_at, updated_at) VALUES ('c0e2f7a4-5b1d-4d59-9a53-6a1c2b3d4e5f', $1, 'CONFIRMED', \
             $2, 'op', 15000, $2, $2)",
        )
        .bind(id)
        .bind(at)
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO idempotency_keys (subject, idem_key, request_hash, payment_id, response, created_at) \
             VALUES ('alice', 'k', 'hash', $1, '{}', $2)",
        )
        .bind(id)
        .bind(at)
        .execute(&pool)
        .await
        .unwrap();

        store.migrate().await.unwrap();
        let clock = Arc::new(ManualClock::new(datetime!(2026-01-24 10:40:00 UTC)));
        let service = Settlement::new(store.clone(), clock.clone());
        let after = service.payment(id).await.unwrap();
        assert_eq!((after.amount, after.debtor_document.as_deref()), (15000, Some("12345678909")), "{backend}");
        assert_eq!(service.credit(id).await.unwrap().confirmed_amount, 15000, "{backend}");
        let keys: i64 = sqlx::query("SELECT COUNT(*) AS n FROM idempotency_keys WHERE payment_id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap()
            .get("n");
        assert_eq!(keys, 1, "{backend}");
        pool.close().await;
        // The trail of an object older than the audit begins at its first change after it.
        assert!(service.payment_history(id).await.unwrap().is_empty(), "{backend}");
        let mut old = request();
        old.external_id = Some("OLD-2".into());
        let pending = created(service.create_payment(old, "alice", None).await);
        let update = StatusUpdateRequest { status: Some("PROCESSING".into()), end_to_end_id: None };
        service.update_status(pending.id, update, "ops").await.unwrap();
        assert_eq!(service.payment_history(pending.id).await.unwrap().len(), 2, "{backend}");

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
