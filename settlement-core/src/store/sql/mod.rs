//! [`Store`] over SQLite or PostgreSQL through sqlx's `Any` driver: one set of queries (both
//! databases take `$1` parameters, `RETURNING` and the same types), and per-database migrations
//! and connection settings.

use std::borrow::Cow;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, Executor, Row};
use time::OffsetDateTime;
use uuid::Uuid;

mod automatic;
mod checkpoints;
mod files;
mod group_commit;
mod qr_codes;
mod refunds;
mod remessas;
mod schedules;
mod webhooks;

use super::{CreditInserted, IdempotencyClaim, Inserted, QrUse, Store, StoreError, Updated};
use crate::audit::{Resource, StateChange};
use crate::credit::{CreditConfirmation, NewCredit};
use crate::payment::{NewPayment, Payment, PaymentFilter, PaymentStatus, StatusUpdate};
use crate::types::AccountType;

/// Which database a [`SqlStore`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file, WAL mode, every commit synced.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// One migration: its SQL for both databases, or for each when they differ.
struct Step {
    version: i64,
    description: &'static str,
    sql: Sql,
}

enum Sql {
    /// One text for both, `ID_PRIMARY_KEY` filled in per backend.
    Both(&'static str),
    /// SQLite's and PostgreSQL's own (SQLite rebuilds tables where PostgreSQL alters them).
    Each { sqlite: &'static str, postgres: &'static str },
}

/// The migrations, in order.
const MIGRATIONS: &[Step] = &[
    Step {
        version: 1,
        description: "payments, credit confirmations, idempotency keys",
        sql: Sql::Both(include_str!("../../../migrations/0001_payments.sql")),
    },
    Step { version: 2, description: "qr codes", sql: Sql::Both(include_str!("../../../migrations/0002_qr_codes.sql")) },
    Step {
        version: 3,
        description: "imported payments: documents and accounts optional",
        sql: Sql::Each {
            sqlite: include_str!("../../../migrations/0003_imported_payments.sqlite.sql"),
            postgres: include_str!("../../../migrations/0003_imported_payments.postgres.sql"),
        },
    },
    Step {
        version: 4,
        description: "file imports and their records",
        sql: Sql::Both(include_str!("../../../migrations/0004_file_imports.sql")),
    },
    Step {
        version: 5,
        description: "schedules and their runs",
        sql: Sql::Both(include_str!("../../../migrations/0005_schedules.sql")),
    },
    Step {
        version: 6,
        description: "pix automático: wallets, product grants, authorizations, automatic payments, nonces",
        sql: Sql::Both(include_str!("../../../migrations/0006_automatic.sql")),
    },
    Step {
        version: 7,
        description: "the audit trail: state changes and who makes them",
        sql: Sql::Both(include_str!("../../../migrations/0007_state_changes.sql")),
    },
    Step {
        version: 8,
        description: "the audit trail's triggers",
        sql: Sql::Each {
            sqlite: include_str!("../../../migrations/0008_state_change_triggers.sqlite.sql"),
            postgres: include_str!("../../../migrations/0008_state_change_triggers.postgres.sql"),
        },
    },
    Step {
        version: 9,
        description: "the settlement loop: remessas sent, retornos, failure reasons",
        sql: Sql::Both(include_str!("../../../migrations/0009_settlement_loop.sql")),
    },
    Step {
        version: 10,
        description: "remessas in the audit trail",
        sql: Sql::Each {
            sqlite: include_str!("../../../migrations/0010_export_triggers.sqlite.sql"),
            postgres: include_str!("../../../migrations/0010_export_triggers.postgres.sql"),
        },
    },
    Step {
        version: 11,
        description: "events, webhook endpoints, deliveries and their attempts",
        sql: Sql::Both(include_str!("../../../migrations/0011_webhooks.sql")),
    },
    Step {
        version: 12,
        description: "the events' triggers",
        sql: Sql::Each {
            sqlite: include_str!("../../../migrations/0012_event_triggers.sqlite.sql"),
            postgres: include_str!("../../../migrations/0012_event_triggers.postgres.sql"),
        },
    },
    Step {
        version: 13,
        description: "refunds, and what they add up to on their payments",
        sql: Sql::Both(include_str!("../../../migrations/0013_refunds.sql")),
    },
    Step {
        version: 14,
        description: "refunds in the audit trail and the events",
        sql: Sql::Each {
            sqlite: include_str!("../../../migrations/0014_refund_triggers.sqlite.sql"),
            postgres: include_str!("../../../migrations/0014_refund_triggers.postgres.sql"),
        },
    },
    Step {
        version: 15,
        description: "a schedule whose last run failed ends FAILED, with its own event",
        sql: Sql::Each {
            sqlite: include_str!("../../../migrations/0015_schedule_failed.sqlite.sql"),
            postgres: include_str!("../../../migrations/0015_schedule_failed.postgres.sql"),
        },
    },
];

/// What `ID_PRIMARY_KEY` stands for in the migrations, per backend.
fn id_primary_key(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
        Backend::Postgres => "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    }
}

/// A [`Store`] over a pool of SQLite or PostgreSQL connections.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
    /// The SQLite file, whose disappearance makes the store unavailable.
    sqlite_file: Option<std::path::PathBuf>,
    /// SQLite takes one writer at a time and makes the others poll with growing sleeps; queueing
    /// this process's writers here instead hands the lock over at once.
    sqlite_writer: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// SQLite: new payments written many to a commit.
    group_commit: Option<group_commit::GroupCommit>,
    /// Held by every clone of the store; the SQLite checkpoints stop when the last is dropped.
    _alive: std::sync::Arc<()>,
}

pub(super) const PAYMENT_COLUMNS: &str = "id, unique_id, external_id, status, amount, currency, \
    debtor_ispb, debtor_document, debtor_name, debtor_account_no, debtor_account_type, debtor_branch, \
    creditor_ispb, creditor_document, creditor_name, creditor_account_no, creditor_account_type, creditor_branch, \
    description, qr_code_data, tx_id, scheduled_date, discounts, additional_info, end_to_end_id, processed_at, \
    failure_reason, refunded_amount, refunds_in_process, refund_count, created_by, created_at, updated_at";

const CREDIT_COLUMNS: &str = "id, unique_id, payment_request_id, status, confirmed_at, confirmed_by, \
    confirmed_amount, notes, interest, fine, discount, created_at, updated_at";

impl SqlStore {
    /// Connects to `url` (`sqlite://path` or `postgres://...`). An SQLite file is created when
    /// missing. Does not migrate: see [`SqlStore::migrate`].
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::Unavailable(format!(
                "unsupported database URL {url:?}: expected sqlite://... or postgres://..."
            )));
        };
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                Cow::Owned(format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' }))
            }
            _ => Cow::Borrowed(url),
        };
        let options = AnyConnectOptions::from_str(&url).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(5))
            // A pinged SQLite connection is a round trip to its thread for nothing: the file is
            // local (the readiness check looks at it). PostgreSQL's can die on the server's side.
            .test_before_acquire(backend == Backend::Postgres)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the writer; FULL syncs every commit, so a
                        // crash loses nothing acknowledged; writers wait for each other. The log is
                        // copied into the file by the store's own passive checkpoints
                        // (`checkpoints::start`); SQLite's own, at 20,000 pages, is
                        // the backstop.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 20000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let sqlite_file = (backend == Backend::Sqlite).then(|| sqlite_path(&url)).flatten();
        let sqlite_writer = std::sync::Arc::new(tokio::sync::Mutex::new(()));
        let group_commit =
            (backend == Backend::Sqlite).then(|| group_commit::GroupCommit::start(pool.clone(), sqlite_writer.clone()));
        let alive = std::sync::Arc::new(());
        if backend == Backend::Sqlite {
            checkpoints::start(pool.clone(), std::sync::Arc::downgrade(&alive));
        }
        Ok(SqlStore { pool, backend, sqlite_file, sqlite_writer, group_commit, _alive: alive })
    }

    /// Applies the migrations not yet applied (under a lock, so servers starting together
    /// do not race).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.migrate_to(i64::MAX).await
    }

    /// Applies the migrations not yet applied up to `version`: to test an upgrade from an
    /// older schema.
    pub async fn migrate_to(&self, version: i64) -> Result<(), StoreError> {
        let migrations = MIGRATIONS
            .iter()
            .filter(|step| step.version <= version)
            .map(|step| {
                let sql = match (&step.sql, self.backend) {
                    (Sql::Both(sql), backend) => sql.replace("ID_PRIMARY_KEY", id_primary_key(backend)),
                    (Sql::Each { sqlite, .. }, Backend::Sqlite) => (*sqlite).to_owned(),
                    (Sql::Each { postgres, .. }, Backend::Postgres) => (*postgres).to_owned(),
                };
                Migration::new(step.version, step.description.into(), MigrationType::Simple, sql.into(), false)
            })
            .collect::<Vec<_>>();
        let migrator = Migrator { migrations: Cow::Owned(migrations), ..Migrator::DEFAULT };
        migrator.run(&self.pool).await.map_err(|e| StoreError::Database(format!("migration failed: {e}")))
    }

    /// For SQLite, waits for this process's other writers; PostgreSQL takes writers together.
    async fn write_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.backend {
            Backend::Sqlite => Some(self.sqlite_writer.lock().await),
            Backend::Postgres => None,
        }
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes every connection (at shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Reading a write's `RETURNING` rows only once the write has committed. sqlx's `Any` driver
/// answers `fetch_optional` and `fetch_one` on PostgreSQL at the first row, before the server's
/// implicit commit at the end of the exchange: had the database crashed in between, the caller
/// would acknowledge a change that was never made (the load run's database outage found one).
/// Reading every row reads to the end of the exchange, past the commit. Writes inside an explicit
/// transaction need none of this: its awaited `COMMIT` is the end.
pub(super) trait FetchCommitted<'q> {
    /// The first row, after the commit.
    fn fetch_committed(self, pool: &AnyPool) -> impl Future<Output = Result<Option<AnyRow>, sqlx::Error>> + Send;

    /// The first row, after the commit; `RowNotFound` when there is none.
    fn fetch_one_committed(self, pool: &AnyPool) -> impl Future<Output = Result<AnyRow, sqlx::Error>> + Send
    where
        Self: Sized + Send,
    {
        async move { self.fetch_committed(pool).await?.ok_or(sqlx::Error::RowNotFound) }
    }
}

impl<'q> FetchCommitted<'q> for sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    async fn fetch_committed(self, pool: &AnyPool) -> Result<Option<AnyRow>, sqlx::Error> {
        Ok(self.fetch_all(pool).await?.into_iter().next())
    }
}

/// The payment a new one becomes once stored as `id`.
pub(super) fn payment_from_new(
    new: &NewPayment,
    id: i64,
    unique_id: Uuid,
    created_by: &str,
    at: OffsetDateTime,
) -> Payment {
    Payment {
        id,
        unique_id,
        external_id: new.external_id.clone(),
        status: new.status,
        amount: new.amount,
        currency: "BRL".to_owned(),
        debtor_ispb: new.debtor.ispb.as_str().to_owned(),
        debtor_document: new.debtor.document.as_ref().map(|d| d.as_str().to_owned()),
        debtor_name: new.debtor.name.clone(),
        debtor_account_no: new.debtor.account_no.clone(),
        debtor_account_type: new.debtor.account_type,
        debtor_branch: new.debtor.branch.clone(),
        creditor_ispb: new.creditor.ispb.as_str().to_owned(),
        creditor_document: new.creditor.document.as_ref().map(|d| d.as_str().to_owned()),
        creditor_name: new.creditor.name.clone(),
        creditor_account_no: new.creditor.account_no.clone(),
        creditor_account_type: new.creditor.account_type,
        creditor_branch: new.creditor.branch.clone(),
        description: new.description.clone(),
        qr_code_data: new.qr_code_data.clone(),
        tx_id: new.tx_id.clone(),
        scheduled_date: new.scheduled_date,
        discounts: new.discounts.clone(),
        additional_info: new.additional_info.clone(),
        end_to_end_id: None,
        processed_at: None,
        failure_reason: None,
        refunded_amount: 0,
        refunds: None,
        created_by: created_by.to_owned(),
        created_at: at,
        updated_at: at,
    }
}

/// The conditions of a payment filter, with `$n` placeholders in the order
/// [`bind_payment_filter`] binds them, and the next placeholder's number.
fn payment_conditions(filter: &PaymentFilter) -> (Vec<String>, usize) {
    let mut conditions = Vec::new();
    let present = [
        (filter.status.is_some(), "status ="),
        (filter.debtor_ispb.is_some(), "debtor_ispb ="),
        (filter.creditor_ispb.is_some(), "creditor_ispb ="),
        (filter.min_amount.is_some(), "amount >="),
        (filter.max_amount.is_some(), "amount <="),
        (filter.created_from.is_some(), "created_at >="),
        (filter.created_before.is_some(), "created_at <"),
        (
            filter.awaiting_return_before.is_some(),
            "status = 'PROCESSING' AND id IN (SELECT payment_request_id FROM file_export_payments \
             WHERE answered_at IS NULL AND sent_at <=",
        ),
    ];
    for (given, condition) in present {
        if given {
            let close = if condition.contains('(') { ")" } else { "" };
            conditions.push(format!("{condition} ${}{close}", conditions.len() + 1));
        }
    }
    let next = conditions.len() + 1;
    (conditions, next)
}

/// Binds a payment filter's values, in [`payment_conditions`]' order.
fn bind_payment_filter<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    filter: &'q PaymentFilter,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    if let Some(status) = filter.status {
        query = query.bind(status.as_str());
    }
    if let Some(ispb) = &filter.debtor_ispb {
        query = query.bind(ispb.as_str());
    }
    if let Some(ispb) = &filter.creditor_ispb {
        query = query.bind(ispb.as_str());
    }
    if let Some(amount) = filter.min_amount {
        query = query.bind(amount);
    }
    if let Some(amount) = filter.max_amount {
        query = query.bind(amount);
    }
    if let Some(at) = filter.created_from {
        query = query.bind(at.unix_timestamp());
    }
    if let Some(at) = filter.created_before {
        query = query.bind(at.unix_timestamp());
    }
    if let Some(at) = filter.awaiting_return_before {
        query = query.bind(at.unix_timestamp());
    }
    query
}

/// The file of an `sqlite://PATH?...` URL (none for an in-memory database).
fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.kind() == sqlx::error::ErrorKind::UniqueViolation)
}

/// Parameter placeholders in the order they are bound: `?` on SQLite, `$1, $2...` on
/// PostgreSQL. sqlx maps each `$n` on SQLite with a linear search of the statement's names, so
/// a multi-row statement of n numbered parameters costs n² there (54% of an import's time,
/// measured with perf); anonymous `?` parameters cost nothing to map.
pub(super) struct Placeholders {
    backend: Backend,
    count: usize,
}

impl Placeholders {
    pub(super) fn new(backend: Backend) -> Self {
        Placeholders { backend, count: 0 }
    }

    /// The next parameter's placeholder.
    pub(super) fn next(&mut self) -> String {
        self.count += 1;
        match self.backend {
            Backend::Sqlite => "?".to_owned(),
            Backend::Postgres => format!("${}", self.count),
        }
    }

    /// `n` placeholders, comma-separated.
    pub(super) fn list(&mut self, n: usize) -> String {
        (0..n).map(|_| self.next()).collect::<Vec<_>>().join(", ")
    }
}

/// Payments per multi-row INSERT: 26 parameters each, well under both databases' limits.
const PAYMENTS_PER_INSERT: usize = 100;

/// One payment to insert: what was asked, the unique id it gets, who asked and when.
#[derive(Clone, Copy)]
pub(super) struct PaymentRow<'a> {
    pub(super) new: &'a NewPayment,
    pub(super) unique_id: Uuid,
    pub(super) created_by: &'a str,
    pub(super) at: OffsetDateTime,
}

impl<'a> PaymentRow<'a> {
    pub(super) fn new(new: &'a NewPayment, created_by: &'a str, at: OffsetDateTime) -> Self {
        PaymentRow { new, unique_id: Uuid::new_v4(), created_by, at }
    }
}

/// Inserts payments in `tx`, as few statements as the parameter limits allow; returns the id
/// of each inserted payment by its unique id. With `skip_duplicate`, a payment whose
/// `external_id` exists (or comes earlier in `rows`) is left out instead of failing the
/// transaction (PostgreSQL aborts a transaction on any error).
pub(super) async fn insert_payment_rows(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    rows: &[PaymentRow<'_>],
    skip_duplicate: bool,
) -> Result<std::collections::HashMap<Uuid, i64>, sqlx::Error> {
    let on_conflict = if skip_duplicate { " ON CONFLICT (external_id) DO NOTHING" } else { "" };
    let encode = |e: serde_json::Error| sqlx::Error::Encode(Box::new(e));
    let mut ids = std::collections::HashMap::with_capacity(rows.len());
    for chunk in rows.chunks(PAYMENTS_PER_INSERT) {
        let mut sql = String::from(
            "INSERT INTO payments (unique_id, external_id, status, amount, currency, \
             debtor_ispb, debtor_document, debtor_name, debtor_account_no, debtor_account_type, debtor_branch, \
             creditor_ispb, creditor_document, creditor_name, creditor_account_no, creditor_account_type, creditor_branch, \
             description, qr_code_data, tx_id, scheduled_date, discounts, additional_info, created_by, changed_by, \
             created_at, updated_at) VALUES ",
        );
        let mut placeholders = Placeholders::new(backend);
        for index in 0..chunk.len() {
            if index > 0 {
                sql.push(',');
            }
            let head = placeholders.list(4);
            let tail = placeholders.list(22);
            sql.push_str(&format!("({head}, 'BRL', {tail})"));
        }
        sql.push_str(on_conflict);
        sql.push_str(" RETURNING id, unique_id");
        let mut query = sqlx::query(&sql);
        for PaymentRow { new, unique_id, created_by, at } in chunk {
            query = query
                .bind(unique_id.to_string())
                .bind(new.external_id.as_deref())
                .bind(new.status.as_str())
                .bind(new.amount)
                .bind(new.debtor.ispb.as_str())
                .bind(new.debtor.document.as_ref().map(|d| d.as_str().to_owned()))
                .bind(new.debtor.name.as_deref())
                .bind(new.debtor.account_no.as_deref())
                .bind(new.debtor.account_type.map(AccountType::as_str))
                .bind(new.debtor.branch.as_deref())
                .bind(new.creditor.ispb.as_str())
                .bind(new.creditor.document.as_ref().map(|d| d.as_str().to_owned()))
                .bind(new.creditor.name.as_deref())
                .bind(new.creditor.account_no.as_deref())
                .bind(new.creditor.account_type.map(AccountType::as_str))
                .bind(new.creditor.branch.as_deref())
                .bind(new.description.as_deref())
                .bind(new.qr_code_data.as_deref())
                .bind(new.tx_id.as_deref())
                .bind(new.scheduled_date.map(OffsetDateTime::unix_timestamp))
                .bind(serde_json::to_string(&new.discounts).map_err(encode)?)
                .bind(serde_json::to_string(&new.additional_info).map_err(encode)?)
                .bind(*created_by)
                .bind(*created_by)
                .bind(at.unix_timestamp())
                .bind(at.unix_timestamp());
        }
        for row in query.fetch_all(&mut **tx).await? {
            let unique_id: String = row.try_get("unique_id")?;
            let unique_id = Uuid::parse_str(&unique_id).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            ids.insert(unique_id, row.try_get("id")?);
        }
    }
    Ok(ids)
}

fn time_of(seconds: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp(seconds).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(super) fn payment_of(row: &AnyRow) -> Result<Payment, StoreError> {
    let corrupt = |what: &str, value: &str| StoreError::Corrupt(format!("{what} {value:?}"));
    let status: String = row.try_get("status")?;
    let account_type = |column: &str| -> Result<Option<AccountType>, StoreError> {
        let Some(value) = row.try_get::<Option<String>, _>(column)? else { return Ok(None) };
        AccountType::parse(&value).map(Some).map_err(|_| corrupt(column, &value))
    };
    let unique_id: String = row.try_get("unique_id")?;
    let amount: i64 = row.try_get("amount")?;
    let refunded_amount: i64 = row.try_get("refunded_amount")?;
    let in_process: i64 = row.try_get("refunds_in_process")?;
    let json = |column: &str| -> Result<String, StoreError> { Ok(row.try_get::<String, _>(column)?) };
    let optional_time = |column: &str| -> Result<Option<OffsetDateTime>, StoreError> {
        row.try_get::<Option<i64>, _>(column)?.map(time_of).transpose()
    };
    Ok(Payment {
        id: row.try_get("id")?,
        unique_id: Uuid::parse_str(&unique_id).map_err(|_| corrupt("unique_id", &unique_id))?,
        external_id: row.try_get("external_id")?,
        status: PaymentStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        amount,
        currency: row.try_get("currency")?,
        debtor_ispb: row.try_get("debtor_ispb")?,
        debtor_document: row.try_get("debtor_document")?,
        debtor_name: row.try_get("debtor_name")?,
        debtor_account_no: row.try_get("debtor_account_no")?,
        debtor_account_type: account_type("debtor_account_type")?,
        debtor_branch: row.try_get("debtor_branch")?,
        creditor_ispb: row.try_get("creditor_ispb")?,
        creditor_document: row.try_get("creditor_document")?,
        creditor_name: row.try_get("creditor_name")?,
        creditor_account_no: row.try_get("creditor_account_no")?,
        creditor_account_type: account_type("creditor_account_type")?,
        creditor_branch: row.try_get("creditor_branch")?,
        description: row.try_get("description")?,
        qr_code_data: row.try_get("qr_code_data")?,
        tx_id: row.try_get("tx_id")?,
        scheduled_date: optional_time("scheduled_date")?,
        discounts: serde_json::from_str(&json("discounts")?).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        additional_info: serde_json::from_str(&json("additional_info")?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        end_to_end_id: row.try_get("end_to_end_id")?,
        processed_at: optional_time("processed_at")?,
        failure_reason: row.try_get("failure_reason")?,
        refunded_amount,
        refunds: crate::refund::RefundSummary::of(amount, row.try_get("refund_count")?, refunded_amount, in_process),
        created_by: row.try_get("created_by")?,
        created_at: time_of(row.try_get("created_at")?)?,
        updated_at: time_of(row.try_get("updated_at")?)?,
    })
}

fn credit_of(row: &AnyRow) -> Result<CreditConfirmation, StoreError> {
    let unique_id: String = row.try_get("unique_id")?;
    Ok(CreditConfirmation {
        id: row.try_get("id")?,
        unique_id: Uuid::parse_str(&unique_id).map_err(|_| StoreError::Corrupt(format!("unique_id {unique_id:?}")))?,
        payment_request_id: row.try_get("payment_request_id")?,
        status: row.try_get("status")?,
        confirmed_at: time_of(row.try_get("confirmed_at")?)?,
        confirmed_by: row.try_get("confirmed_by")?,
        confirmed_amount: row.try_get("confirmed_amount")?,
        notes: row.try_get("notes")?,
        interest: row.try_get("interest")?,
        fine: row.try_get("fine")?,
        discount: row.try_get("discount")?,
        created_at: time_of(row.try_get("created_at")?)?,
        updated_at: time_of(row.try_get("updated_at")?)?,
    })
}

impl Store for SqlStore {
    async fn ping(&self) -> Result<(), StoreError> {
        // Open connections keep working on a deleted SQLite file, writing where nobody will
        // ever read: a missing file is an unavailable database.
        if let Some(path) = &self.sqlite_file
            && !path.exists()
        {
            return Err(StoreError::Unavailable(format!("the database file {} is gone", path.display())));
        }
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn insert_payment(
        &self,
        new: &NewPayment,
        created_by: &str,
        at: OffsetDateTime,
        claim: Option<&IdempotencyClaim>,
        qr: Option<QrUse>,
    ) -> Result<Inserted, StoreError> {
        // The common case, on SQLite, goes in a shared commit (an idempotency key or a QR code's
        // use needs its own transaction).
        if let (Some(group), None, None) = (&self.group_commit, claim, qr) {
            return group.insert(new, created_by, at).await;
        }
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        if let Some(claim) = claim {
            let inserted = sqlx::query(
                "INSERT INTO idempotency_keys (subject, idem_key, request_hash, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(&claim.subject)
            .bind(&claim.key)
            .bind(&claim.request_hash)
            .bind(at.unix_timestamp())
            .execute(&mut *tx)
            .await;
            match inserted {
                Ok(_) => {}
                // The key was claimed first by another request (committed: its response is there).
                Err(error) if is_unique_violation(&error) => {
                    tx.rollback().await?;
                    let row = sqlx::query(
                        "SELECT request_hash, response FROM idempotency_keys WHERE subject = $1 AND idem_key = $2",
                    )
                    .bind(&claim.subject)
                    .bind(&claim.key)
                    .fetch_one(&self.pool)
                    .await?;
                    return Ok(Inserted::Replay {
                        request_hash: row.try_get("request_hash")?,
                        response: row.try_get::<Option<String>, _>("response")?.unwrap_or_default(),
                    });
                }
                Err(error) => return Err(error.into()),
            }
        }
        let row = PaymentRow::new(new, created_by, at);
        let unique_id = row.unique_id;
        let inserted =
            insert_payment_rows(&mut tx, self.backend, &[row], false).await.map(|ids| ids.get(&unique_id).copied());
        let id: i64 = match inserted {
            Ok(id) => id.ok_or_else(|| StoreError::Database("the payment insert returned no id".to_owned()))?,
            Err(error) if is_unique_violation(&error) => {
                tx.rollback().await?;
                let Some(external_id) = &new.external_id else { return Err(error.into()) };
                let existing: i64 = sqlx::query("SELECT id FROM payments WHERE external_id = $1")
                    .bind(external_id)
                    .fetch_one(&self.pool)
                    .await?
                    .try_get("id")?;
                return Ok(Inserted::DuplicateExternalId(existing));
            }
            Err(error) => return Err(error.into()),
        };
        let payment = payment_from_new(new, id, unique_id, created_by, at);
        if let Some(qr) = qr
            && !qr_codes::record_use(&mut tx, qr, at, created_by).await?
        {
            tx.rollback().await?;
            return Ok(Inserted::QrCodeUnavailable);
        }
        if let Some(claim) = claim {
            let response = serde_json::to_string(&payment).map_err(|e| StoreError::Database(e.to_string()))?;
            sqlx::query(
                "UPDATE idempotency_keys SET payment_id = $1, response = $2 WHERE subject = $3 AND idem_key = $4",
            )
            .bind(id)
            .bind(response)
            .bind(&claim.subject)
            .bind(&claim.key)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Inserted::Created(Box::new(payment)))
    }

    async fn payment(&self, id: i64) -> Result<Option<Payment>, StoreError> {
        let row = sqlx::query(&format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(payment_of).transpose()
    }

    async fn payments(&self, filter: &PaymentFilter) -> Result<(Vec<Payment>, u64), StoreError> {
        let (conditions, _) = payment_conditions(filter);
        let where_clause =
            if conditions.is_empty() { String::new() } else { format!(" WHERE {}", conditions.join(" AND ")) };
        let count_sql = format!("SELECT COUNT(*) AS total FROM payments{where_clause}");
        let total: i64 =
            bind_payment_filter(sqlx::query(&count_sql), filter).fetch_one(&self.pool).await?.try_get("total")?;
        let page_sql = format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments{where_clause} ORDER BY id DESC LIMIT {} OFFSET {}",
            filter.limit,
            filter.offset.min(i64::MAX as u64)
        );
        let rows = bind_payment_filter(sqlx::query(&page_sql), filter).fetch_all(&self.pool).await?;
        let payments = rows.iter().map(payment_of).collect::<Result<Vec<_>, _>>()?;
        Ok((payments, total.max(0) as u64))
    }

    async fn payments_after(
        &self,
        filter: &PaymentFilter,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<Payment>, StoreError> {
        let (mut conditions, next) = payment_conditions(filter);
        conditions.push(format!("id > ${next}"));
        let page_sql = format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE {} ORDER BY id LIMIT {limit}",
            conditions.join(" AND ")
        );
        let rows = bind_payment_filter(sqlx::query(&page_sql), filter).bind(after_id).fetch_all(&self.pool).await?;
        rows.iter().map(payment_of).collect()
    }

    async fn update_status(&self, id: i64, update: &StatusUpdate) -> Result<Updated, StoreError> {
        let _turn = self.write_turn().await;
        let result = sqlx::query(&format!(
            "UPDATE payments SET status = $1, end_to_end_id = COALESCE($2, end_to_end_id), \
             processed_at = COALESCE($3, processed_at), updated_at = $4, changed_by = $7 \
             WHERE id = $5 AND status = $6 RETURNING {PAYMENT_COLUMNS}"
        ))
        .bind(update.to.as_str())
        .bind(update.end_to_end_id.as_ref().map(|id| id.as_str().to_owned()))
        .bind(update.processed_at.map(OffsetDateTime::unix_timestamp))
        .bind(update.updated_at.unix_timestamp())
        .bind(id)
        .bind(update.from.as_str())
        .bind(&update.changed_by)
        .fetch_committed(&self.pool)
        .await;
        match result {
            Ok(Some(row)) => Ok(Updated::Applied(Box::new(payment_of(&row)?))),
            Ok(None) => Ok(Updated::Stale),
            Err(error) if is_unique_violation(&error) => {
                let Some(end_to_end_id) = &update.end_to_end_id else { return Err(error.into()) };
                let existing: i64 = sqlx::query("SELECT id FROM payments WHERE end_to_end_id = $1")
                    .bind(end_to_end_id.as_str())
                    .fetch_one(&self.pool)
                    .await?
                    .try_get("id")?;
                Ok(Updated::DuplicateEndToEndId(existing))
            }
            Err(error) => Err(error.into()),
        }
    }

    async fn release_due(&self, now: OffsetDateTime, actor: &str) -> Result<u64, StoreError> {
        let _turn = self.write_turn().await;
        let result = sqlx::query(
            "UPDATE payments SET status = 'PENDING', updated_at = $1, changed_by = $2 \
             WHERE status = 'SCHEDULED' AND scheduled_date <= $1",
        )
        .bind(now.unix_timestamp())
        .bind(actor)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected())
    }

    async fn insert_credit(&self, credit: &NewCredit) -> Result<CreditInserted, StoreError> {
        let _turn = self.write_turn().await;
        let unique_id = Uuid::new_v4();
        let at = credit.at.unix_timestamp();
        let result = sqlx::query(
            "INSERT INTO credit_confirmations (unique_id, payment_request_id, status, confirmed_at, confirmed_by, \
             confirmed_amount, notes, created_at, updated_at) VALUES ($1, $2, 'CONFIRMED', $3, $4, $5, $6, $3, $3) \
             RETURNING id",
        )
        .bind(unique_id.to_string())
        .bind(credit.payment_request_id)
        .bind(at)
        .bind(&credit.confirmed_by)
        .bind(credit.amount)
        .bind(credit.notes.as_deref())
        .fetch_one_committed(&self.pool)
        .await;
        match result {
            Ok(row) => Ok(CreditInserted::Created(CreditConfirmation {
                id: row.try_get("id")?,
                unique_id,
                payment_request_id: credit.payment_request_id,
                status: "CONFIRMED".to_owned(),
                confirmed_at: credit.at,
                confirmed_by: credit.confirmed_by.clone(),
                confirmed_amount: credit.amount,
                notes: credit.notes.clone(),
                interest: None,
                fine: None,
                discount: None,
                created_at: credit.at,
                updated_at: credit.at,
            })),
            Err(error) if is_unique_violation(&error) => {
                let existing = self.credit(credit.payment_request_id).await?;
                existing.map(|c| CreditInserted::AlreadyConfirmed(c.id)).ok_or_else(|| error.into())
            }
            Err(error) => Err(error.into()),
        }
    }

    async fn credit(&self, payment_id: i64) -> Result<Option<CreditConfirmation>, StoreError> {
        let row =
            sqlx::query(&format!("SELECT {CREDIT_COLUMNS} FROM credit_confirmations WHERE payment_request_id = $1"))
                .bind(payment_id)
                .fetch_optional(&self.pool)
                .await?;
        row.as_ref().map(credit_of).transpose()
    }

    async fn history(&self, resource: Resource, id: i64) -> Result<Vec<StateChange>, StoreError> {
        let rows = sqlx::query(
            "SELECT from_status, to_status, actor, at FROM state_changes \
             WHERE resource = $1 AND resource_id = $2 ORDER BY id",
        )
        .bind(resource.as_str())
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StateChange {
                    from: row.try_get("from_status")?,
                    to: row.try_get("to_status")?,
                    actor: row.try_get("actor")?,
                    at: time_of(row.try_get("at")?)?,
                })
            })
            .collect()
    }
}
