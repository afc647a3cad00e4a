//! The stores every conformance test runs against, and services over them.

// Each test binary uses its own part of this module.
#![allow(dead_code)]

use std::sync::Arc;

use settlement_core::payment::PaymentRequest;
use settlement_core::{CoreError, Created, ManualClock, Payment, Settlement, SqlStore};
use time::macros::datetime;

/// A store per backend, each fresh, and what keeps it alive.
pub(crate) async fn stores() -> Vec<(&'static str, SqlStore, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let sqlite = SqlStore::connect(&url).await.unwrap();
    sqlite.migrate().await.unwrap();
    let mut stores = vec![("sqlite", sqlite, Some(dir))];
    if let Ok(base) = std::env::var("SETTLEMENT_TEST_POSTGRES_URL") {
        let url = fresh_postgres_schema(&base).await;
        let postgres = SqlStore::connect(&url).await.unwrap();
        postgres.migrate().await.unwrap();
        stores.push(("postgres", postgres, None));
    } else if std::env::var_os("CI").is_some() {
        panic!("CI must set SETTLEMENT_TEST_POSTGRES_URL so that the PostgreSQL store is tested");
    }
    stores
}

/// A URL of the PostgreSQL database at `base` whose connections work in a new, empty schema.
pub(crate) async fn fresh_postgres_schema(base: &str) -> String {
    let schema = format!("test_{}", uuid::Uuid::new_v4().simple());
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(base).await.expect("SETTLEMENT_TEST_POSTGRES_URL reachable");
    sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&admin).await.unwrap();
    admin.close().await;
    let separator = if base.contains('?') { '&' } else { '?' };
    format!("{base}{separator}options=-c%20search_path%3D{schema}")
}

pub(crate) fn services(store: SqlStore) -> (Settlement<SqlStore>, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(datetime!(2026-01-24 10:30:00 UTC)));
    (Settlement::new(store, clock.clone()), clock)
}

/// The API document's example payment, with valid documents.
pub(crate) fn request() -> PaymentRequest {
    serde_json::from_value(serde_json::json!({
        "external_id": "MERCHANT-12345",
        "amount": 15000,
        "currency": "BRL",
        "debtor_ispb": "12345678",
        "debtor_document": "12345678909",
        "debtor_name": "João da Silva",
        "debtor_account_no": "123456",
        "debtor_account_type": "CACC",
        "debtor_branch": "0001",
        "creditor_ispb": "87654321",
        "creditor_document": "98765432100",
        "creditor_name": "Maria Santos",
        "creditor_account_no": "654321",
        "creditor_account_type": "SVGS",
        "discounts": [{"date": "2026-02-10T00:00:00Z", "amount": 500}],
        "additional_info": [{"key": "invoice_number", "value": "INV-12345"}]
    }))
    .unwrap()
}

/// The payment a create made (not a replay).
pub(crate) fn created(result: Result<Created, CoreError>) -> Payment {
    match result.unwrap() {
        Created::New(payment) => *payment,
        Created::Replayed(body) => panic!("replayed {body}"),
    }
}
