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

use super::{CreditInserted, IdempotencyClaim, Inserted, Store, StoreError, Updated};
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

/// The migrations of each backend, in order. The schemas differ only in how ids are generated.
const MIGRATIONS: &[(i64, &str, &str, &str)] = &[(
    1,
    "payments, credit confirmations, idempotency keys",
    include_str!("../../migrations/sqlite/0001_payments.sql"),
    include_str!("../../migrations/postgres/0001_payments.sql"),
)];

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
}

const PAYMENT_COLUMNS: &str = "id, unique_id, external_id, status, amount, currency, \
    debtor_ispb, debtor_document, debtor_name, debtor_account_no, debtor_account_type, debtor_branch, \
    creditor_ispb, creditor_document, creditor_name, creditor_account_no, creditor_account_type, creditor_branch, \
    description, qr_code_data, tx_id, scheduled_date, discounts, additional_info, end_to_end_id, processed_at, \
    created_by, created_at, updated_at";

const CREDIT_COLUMNS: &str = "id, unique_id, payment_request_id, status, confirmed_at, confirmed_by, \
    confirmed_amount, notes, created_at, updated_at";

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
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the writer; FULL syncs every commit, so a
                        // crash loses nothing acknowledged; writers wait for each other.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let sqlite_file = (backend == Backend::Sqlite).then(|| sqlite_path(&url)).flatten();
        Ok(SqlStore { pool, backend, sqlite_file, sqlite_writer: Default::default() })
    }

    /// Applies the migrations not yet applied (under a lock, so servers starting together
    /// do not race).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrations = MIGRATIONS
            .iter()
            .map(|&(version, description, sqlite, postgres)| {
                let sql = if self.backend == Backend::Sqlite { sqlite } else { postgres };
                Migration::new(version, description.into(), MigrationType::Simple, sql.into(), false)
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

/// The file of an `sqlite://PATH?...` URL (none for an in-memory database).
fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.kind() == sqlx::error::ErrorKind::UniqueViolation)
}

/// The JSON text of a list column (discounts, additional info).
fn json_text<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Database(format!("cannot serialize: {e}")))
}

fn time_of(seconds: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp(seconds).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn payment_of(row: &AnyRow) -> Result<Payment, StoreError> {
    let corrupt = |what: &str, value: &str| StoreError::Corrupt(format!("{what} {value:?}"));
    let status: String = row.try_get("status")?;
    let account_type = |column: &str| -> Result<AccountType, StoreError> {
        let value: String = row.try_get(column)?;
        AccountType::parse(&value).map_err(|_| corrupt(column, &value))
    };
    let unique_id: String = row.try_get("unique_id")?;
    let json = |column: &str| -> Result<String, StoreError> { Ok(row.try_get::<String, _>(column)?) };
    let optional_time = |column: &str| -> Result<Option<OffsetDateTime>, StoreError> {
        row.try_get::<Option<i64>, _>(column)?.map(time_of).transpose()
    };
    Ok(Payment {
        id: row.try_get("id")?,
        unique_id: Uuid::parse_str(&unique_id).map_err(|_| corrupt("unique_id", &unique_id))?,
        external_id: row.try_get("external_id")?,
        status: PaymentStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        amount: row.try_get("amount")?,
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
    ) -> Result<Inserted, StoreError> {
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
        let unique_id = Uuid::new_v4();
        let inserted = sqlx::query(
            "INSERT INTO payments (unique_id, external_id, status, amount, currency, \
             debtor_ispb, debtor_document, debtor_name, debtor_account_no, debtor_account_type, debtor_branch, \
             creditor_ispb, creditor_document, creditor_name, creditor_account_no, creditor_account_type, creditor_branch, \
             description, qr_code_data, tx_id, scheduled_date, discounts, additional_info, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'BRL', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $24) \
             RETURNING id",
        )
        .bind(unique_id.to_string())
        .bind(new.external_id.as_deref())
        .bind(new.status.as_str())
        .bind(new.amount)
        .bind(new.debtor.ispb.as_str())
        .bind(new.debtor.document.as_str())
        .bind(new.debtor.name.as_deref())
        .bind(&new.debtor.account_no)
        .bind(new.debtor.account_type.as_str())
        .bind(new.debtor.branch.as_deref())
        .bind(new.creditor.ispb.as_str())
        .bind(new.creditor.document.as_str())
        .bind(new.creditor.name.as_deref())
        .bind(&new.creditor.account_no)
        .bind(new.creditor.account_type.as_str())
        .bind(new.creditor.branch.as_deref())
        .bind(new.description.as_deref())
        .bind(new.qr_code_data.as_deref())
        .bind(new.tx_id.as_deref())
        .bind(new.scheduled_date.map(OffsetDateTime::unix_timestamp))
        .bind(json_text(&new.discounts)?)
        .bind(json_text(&new.additional_info)?)
        .bind(created_by)
        .bind(at.unix_timestamp())
        .fetch_one(&mut *tx)
        .await;
        let id: i64 = match inserted {
            Ok(row) => row.try_get("id")?,
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
        let payment = Payment {
            id,
            unique_id,
            external_id: new.external_id.clone(),
            status: new.status,
            amount: new.amount,
            currency: "BRL".to_owned(),
            debtor_ispb: new.debtor.ispb.as_str().to_owned(),
            debtor_document: new.debtor.document.as_str().to_owned(),
            debtor_name: new.debtor.name.clone(),
            debtor_account_no: new.debtor.account_no.clone(),
            debtor_account_type: new.debtor.account_type,
            debtor_branch: new.debtor.branch.clone(),
            creditor_ispb: new.creditor.ispb.as_str().to_owned(),
            creditor_document: new.creditor.document.as_str().to_owned(),
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
            created_by: created_by.to_owned(),
            created_at: at,
            updated_at: at,
        };
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
        // The WHERE clause is built from fixed fragments; every value is a bound parameter.
        let mut conditions = Vec::new();
        let mut next = 1;
        let mut condition = |sql: &str| {
            conditions.push(sql.replace('?', &format!("${next}")));
            next += 1;
        };
        if filter.status.is_some() {
            condition("status = ?");
        }
        if filter.debtor_ispb.is_some() {
            condition("debtor_ispb = ?");
        }
        if filter.creditor_ispb.is_some() {
            condition("creditor_ispb = ?");
        }
        if filter.min_amount.is_some() {
            condition("amount >= ?");
        }
        if filter.max_amount.is_some() {
            condition("amount <= ?");
        }
        let where_clause =
            if conditions.is_empty() { String::new() } else { format!(" WHERE {}", conditions.join(" AND ")) };
        macro_rules! bind_filter {
            ($query:expr) => {{
                let mut query = $query;
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
                query
            }};
        }
        let count_sql = format!("SELECT COUNT(*) AS total FROM payments{where_clause}");
        let total: i64 = bind_filter!(sqlx::query(&count_sql)).fetch_one(&self.pool).await?.try_get("total")?;
        let page_sql = format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments{where_clause} ORDER BY id DESC LIMIT {} OFFSET {}",
            filter.limit,
            filter.offset.min(i64::MAX as u64)
        );
        let rows = bind_filter!(sqlx::query(&page_sql)).fetch_all(&self.pool).await?;
        let payments = rows.iter().map(payment_of).collect::<Result<Vec<_>, _>>()?;
        Ok((payments, total.max(0) as u64))
    }

    async fn update_status(&self, id: i64, update: &StatusUpdate) -> Result<Updated, StoreError> {
        let _turn = self.write_turn().await;
        let result = sqlx::query(&format!(
            "UPDATE payments SET status = $1, end_to_end_id = COALESCE($2, end_to_end_id), \
             processed_at = COALESCE($3, processed_at), updated_at = $4 \
             WHERE id = $5 AND status = $6 RETURNING {PAYMENT_COLUMNS}"
        ))
        .bind(update.to.as_str())
        .bind(update.end_to_end_id.as_ref().map(|id| id.as_str().to_owned()))
        .bind(update.processed_at.map(OffsetDateTime::unix_timestamp))
        .bind(update.updated_at.unix_timestamp())
        .bind(id)
        .bind(update.from.as_str())
        .fetch_optional(&self.pool)
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

    async fn release_due(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        let _turn = self.write_turn().await;
        let result = sqlx::query(
            "UPDATE payments SET status = 'PENDING', updated_at = $1 \
             WHERE status = 'SCHEDULED' AND scheduled_date <= $1",
        )
        .bind(now.unix_timestamp())
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
        .fetch_one(&self.pool)
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
}
