//! [`FileStore`] over the same pool as the payments.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{FetchCommitted, PaymentRow, Placeholders, SqlStore, insert_payment_rows, is_unique_violation, time_of};
use crate::files::{
    FileImport, FileType, ImportFilter, ImportKind, ImportRecord, ImportStatus, ParsedRecord, RecordFilter, RecordKind,
    RecordStatus, success_rate,
};
use crate::store::{FileStore, ImportInserted, NewImport, RecordChunks, RecordOutcome, StoreError};

const IMPORT_COLUMNS: &str = "id, unique_id, filename, file_type, kind, file_size, file_hash, status, total_records, \
    processed_records, failed_records, skipped_records, started_at, completed_at, created_by, created_at, updated_at";

const RECORD_COLUMNS: &str =
    "id, file_import_id, line_number, raw_data, status, error, payment_request_id, amount, processed_at, created_at";

/// Records per multi-row INSERT: 6 parameters each, well under SQLite's and PostgreSQL's limits.
const ROWS_PER_INSERT: usize = 500;

/// Record statuses per multi-row UPDATE: 4 parameters each.
const MARKS_PER_UPDATE: usize = 500;

fn import_of(row: &AnyRow) -> Result<FileImport, StoreError> {
    let corrupt = |what: &str, value: &str| StoreError::Corrupt(format!("{what} {value:?}"));
    let unique_id: String = row.try_get("unique_id")?;
    let file_type: String = row.try_get("file_type")?;
    let status: String = row.try_get("status")?;
    let kind: String = row.try_get("kind")?;
    let optional_time = |column: &str| -> Result<Option<OffsetDateTime>, StoreError> {
        row.try_get::<Option<i64>, _>(column)?.map(time_of).transpose()
    };
    let (processed, failed, skipped): (i64, i64, i64) =
        (row.try_get("processed_records")?, row.try_get("failed_records")?, row.try_get("skipped_records")?);
    Ok(FileImport {
        id: row.try_get("id")?,
        unique_id: Uuid::parse_str(&unique_id).map_err(|_| corrupt("unique_id", &unique_id))?,
        filename: row.try_get("filename")?,
        file_type: FileType::parse(&file_type).ok_or_else(|| corrupt("file_type", &file_type))?,
        kind: ImportKind::parse(&kind).ok_or_else(|| corrupt("kind", &kind))?,
        file_size: row.try_get("file_size")?,
        file_hash: row.try_get("file_hash")?,
        status: ImportStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        total_records: row.try_get("total_records")?,
        processed_records: processed,
        failed_records: failed,
        skipped_records: skipped,
        success_rate: success_rate(processed, failed, skipped),
        started_at: optional_time("started_at")?,
        completed_at: optional_time("completed_at")?,
        created_by: row.try_get("created_by")?,
        created_at: time_of(row.try_get("created_at")?)?,
        updated_at: time_of(row.try_get("updated_at")?)?,
    })
}

fn record_of(row: &AnyRow) -> Result<ImportRecord, StoreError> {
    let status: String = row.try_get("status")?;
    Ok(ImportRecord {
        id: row.try_get("id")?,
        file_import_id: row.try_get("file_import_id")?,
        line_number: row.try_get("line_number")?,
        raw_data: row.try_get("raw_data")?,
        status: RecordStatus::parse(&status).ok_or_else(|| StoreError::Corrupt(format!("status {status:?}")))?,
        error: row.try_get("error")?,
        payment_request_id: row.try_get("payment_request_id")?,
        amount: row.try_get("amount")?,
        processed_at: row.try_get::<Option<i64>, _>("processed_at")?.map(time_of).transpose()?,
        created_at: time_of(row.try_get("created_at")?)?,
    })
}

/// A record's processing: its status, why, and its payment.
pub(super) type Mark = (i64, RecordStatus, Option<String>, Option<i64>);

/// Marks pending records of an import with their outcome, as few statements as the parameter
/// limits allow; false when a record was no longer pending (another worker took it).
pub(super) async fn mark_records(
    tx: &mut sqlx::Transaction<'static, Any>,
    backend: super::Backend,
    import_id: i64,
    marks: &[Mark],
    at: OffsetDateTime,
) -> Result<bool, StoreError> {
    for chunk in marks.chunks(MARKS_PER_UPDATE) {
        // Placeholders in text order: processed_at, the rows, the import. VALUES columns are
        // column1.. in both databases.
        let mut placeholders = Placeholders::new(backend);
        let processed_at = placeholders.next();
        let rows: Vec<String> = (0..chunk.len()).map(|_| format!("({})", placeholders.list(4))).collect();
        let import = placeholders.next();
        let sql = format!(
            "UPDATE file_import_records SET status = v.column2, error = v.column3, payment_request_id = v.column4, \
             processed_at = {processed_at} FROM (VALUES {}) AS v \
             WHERE file_import_records.id = v.column1 AND file_import_records.file_import_id = {import} \
             AND file_import_records.status = 'PENDING'",
            rows.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(at.unix_timestamp());
        for (record_id, status, error, payment_id) in chunk {
            query = query.bind(*record_id).bind(status.as_str()).bind(error.as_deref()).bind(*payment_id);
        }
        query = query.bind(import_id);
        let updated = query.execute(&mut **tx).await?;
        if updated.rows_affected() != chunk.len() as u64 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Counts processed records on their import.
pub(super) async fn count_processed(
    tx: &mut sqlx::Transaction<'static, Any>,
    import_id: i64,
    processed: i64,
    failed: i64,
    skipped: i64,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE file_imports SET processed_records = processed_records + $1, failed_records = failed_records + $2, \
         skipped_records = skipped_records + $3, updated_at = $4 WHERE id = $5",
    )
    .bind(processed)
    .bind(failed)
    .bind(skipped)
    .bind(at.unix_timestamp())
    .bind(import_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Inserts `records` of import `id` with as few statements as the parameter limits allow.
async fn insert_records(
    tx: &mut sqlx::Transaction<'static, Any>,
    backend: super::Backend,
    id: i64,
    records: &[ParsedRecord],
    at: i64,
) -> Result<(), StoreError> {
    for rows in records.chunks(ROWS_PER_INSERT) {
        let mut placeholders = Placeholders::new(backend);
        let values: Vec<String> = (0..rows.len())
            .map(|_| {
                let head = placeholders.list(4);
                format!("({head}, 'PENDING', {})", placeholders.list(2))
            })
            .collect();
        let sql = format!(
            "INSERT INTO file_import_records (file_import_id, line_number, raw_data, fields, status, amount, created_at) \
             VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for record in rows {
            query = query
                .bind(id)
                .bind(i64::try_from(record.line_number).unwrap_or(i64::MAX))
                .bind(record.raw_data.as_str())
                .bind(record.fields.to_string())
                .bind(record.amount)
                .bind(at);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

impl FileStore for SqlStore {
    async fn insert_import(
        &self,
        import: NewImport<'_>,
        mut records: RecordChunks,
    ) -> Result<ImportInserted, StoreError> {
        if let Some(existing) = self.file_import_by_hash(import.file_hash).await? {
            return Ok(ImportInserted::Duplicate(existing.id));
        }
        let _turn = self.write_turn().await;
        let at = import.at.unix_timestamp();
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO file_imports (unique_id, filename, file_type, file_size, file_hash, status, total_records, \
             processed_records, failed_records, skipped_records, created_by, changed_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'UPLOADED', 0, 0, 0, 0, $6, $6, $7, $7) RETURNING id",
        )
        .bind(Uuid::new_v4().to_string())
        .bind(import.filename)
        .bind(import.file_type.as_str())
        .bind(i64::try_from(import.file_size).unwrap_or(i64::MAX))
        .bind(import.file_hash)
        .bind(import.created_by)
        .bind(at)
        .fetch_one(&mut *tx)
        .await;
        let id: i64 = match inserted {
            Ok(row) => row.try_get("id")?,
            // The same file, uploaded at the same moment by another request.
            Err(error) if is_unique_violation(&error) => {
                tx.rollback().await?;
                let existing = self.file_import_by_hash(import.file_hash).await?;
                return existing.map(|e| ImportInserted::Duplicate(e.id)).ok_or_else(|| error.into());
            }
            Err(error) => return Err(error.into()),
        };
        let mut total: i64 = 0;
        let mut kind = ImportKind::Payments;
        while let Some(chunk) = records.recv().await {
            match chunk {
                Ok(chunk) => {
                    // A file is one or the other: its first record says which.
                    if total == 0 && chunk.first().is_some_and(|record| record.kind == RecordKind::Occurrence) {
                        kind = ImportKind::Retorno;
                    }
                    insert_records(&mut tx, self.backend, id, &chunk, at).await?;
                    total += chunk.len() as i64;
                }
                Err(error) => {
                    tx.rollback().await?;
                    return Ok(ImportInserted::Unreadable(error));
                }
            }
        }
        let row = sqlx::query(&format!(
            "UPDATE file_imports SET total_records = $1, kind = $2 WHERE id = $3 RETURNING {IMPORT_COLUMNS}"
        ))
        .bind(total)
        .bind(kind.as_str())
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let stored = import_of(&row)?;
        tx.commit().await?;
        Ok(ImportInserted::Created(Box::new(stored)))
    }

    async fn file_import(&self, id: i64) -> Result<Option<FileImport>, StoreError> {
        let row = sqlx::query(&format!("SELECT {IMPORT_COLUMNS} FROM file_imports WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(import_of).transpose()
    }

    async fn file_import_by_hash(&self, hash: &str) -> Result<Option<FileImport>, StoreError> {
        let row = sqlx::query(&format!("SELECT {IMPORT_COLUMNS} FROM file_imports WHERE file_hash = $1"))
            .bind(hash)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(import_of).transpose()
    }

    async fn file_imports(&self, filter: &ImportFilter) -> Result<(Vec<FileImport>, u64), StoreError> {
        let mut conditions = Vec::new();
        let mut next = 1;
        for (present, column) in [
            (filter.status.is_some(), "status"),
            (filter.file_type.is_some(), "file_type"),
            (filter.created_by.is_some(), "created_by"),
        ] {
            if present {
                conditions.push(format!("{column} = ${next}"));
                next += 1;
            }
        }
        let where_clause =
            if conditions.is_empty() { String::new() } else { format!(" WHERE {}", conditions.join(" AND ")) };
        fn bind<'q>(sql: &'q str, filter: &'q ImportFilter) -> Query<'q, Any, AnyArguments<'q>> {
            let mut query = sqlx::query(sql);
            if let Some(status) = filter.status {
                query = query.bind(status.as_str());
            }
            if let Some(kind) = filter.file_type {
                query = query.bind(kind.as_str());
            }
            if let Some(creator) = &filter.created_by {
                query = query.bind(creator.as_str());
            }
            query
        }
        let count_sql = format!("SELECT COUNT(*) AS total FROM file_imports{where_clause}");
        let total: i64 = bind(&count_sql, filter).fetch_one(&self.pool).await?.try_get("total")?;
        let page_sql = format!(
            "SELECT {IMPORT_COLUMNS} FROM file_imports{where_clause} ORDER BY id DESC LIMIT {} OFFSET {}",
            filter.limit,
            filter.offset.min(i64::MAX as u64)
        );
        let rows = bind(&page_sql, filter).fetch_all(&self.pool).await?;
        Ok((rows.iter().map(import_of).collect::<Result<_, _>>()?, total.max(0) as u64))
    }

    async fn import_records(
        &self,
        import_id: i64,
        filter: &RecordFilter,
    ) -> Result<(Vec<ImportRecord>, u64), StoreError> {
        let status_clause = if filter.status.is_some() { " AND status = $2" } else { "" };
        let count_sql =
            format!("SELECT COUNT(*) AS total FROM file_import_records WHERE file_import_id = $1{status_clause}");
        let page_sql = format!(
            "SELECT {RECORD_COLUMNS} FROM file_import_records WHERE file_import_id = $1{status_clause} \
             ORDER BY line_number, id LIMIT {} OFFSET {}",
            filter.limit,
            filter.offset.min(i64::MAX as u64)
        );
        let bind = |sql| {
            let query = sqlx::query(sql).bind(import_id);
            match filter.status {
                Some(status) => query.bind(status.as_str()),
                None => query,
            }
        };
        let total: i64 = bind(&count_sql).fetch_one(&self.pool).await?.try_get("total")?;
        let rows = bind(&page_sql).fetch_all(&self.pool).await?;
        Ok((rows.iter().map(record_of).collect::<Result<_, _>>()?, total.max(0) as u64))
    }

    async fn start_import(&self, id: i64, at: OffsetDateTime, actor: &str) -> Result<Option<FileImport>, StoreError> {
        let _turn = self.write_turn().await;
        let row = sqlx::query(&format!(
            "UPDATE file_imports SET status = 'PROCESSING', started_at = $1, updated_at = $1, changed_by = $3 \
             WHERE id = $2 AND status = 'UPLOADED' RETURNING {IMPORT_COLUMNS}"
        ))
        .bind(at.unix_timestamp())
        .bind(id)
        .bind(actor)
        .fetch_committed(&self.pool)
        .await?;
        row.as_ref().map(import_of).transpose()
    }

    async fn imports_processing(&self) -> Result<Vec<(i64, String, ImportKind)>, StoreError> {
        let rows = sqlx::query("SELECT id, created_by, kind FROM file_imports WHERE status = 'PROCESSING' ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let kind: String = row.try_get("kind")?;
                let kind = ImportKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("kind {kind:?}")))?;
                Ok((row.try_get("id")?, row.try_get("created_by")?, kind))
            })
            .collect()
    }

    async fn pending_records(&self, import_id: i64, limit: u32) -> Result<Vec<(i64, String)>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT id, fields FROM file_import_records WHERE file_import_id = $1 AND status = 'PENDING' \
             ORDER BY line_number, id LIMIT {limit}"
        ))
        .bind(import_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| Ok((row.try_get("id")?, row.try_get("fields")?))).collect()
    }

    async fn apply_records(
        &self,
        import_id: i64,
        outcomes: &[RecordOutcome],
        created_by: &str,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let payments: Vec<PaymentRow<'_>> = outcomes
            .iter()
            .filter_map(|o| o.payment.as_ref().ok())
            .map(|payment| PaymentRow::new(payment, created_by, at))
            .collect();
        let ids = insert_payment_rows(&mut tx, self.backend, &payments, true).await?;
        let (mut failed, mut skipped) = (0i64, 0i64);
        let mut inserted = payments.iter();
        let marks: Vec<Mark> = outcomes
            .iter()
            .map(|outcome| match &outcome.payment {
                Err(error) => {
                    failed += 1;
                    (outcome.record_id, RecordStatus::Failed, Some(error.clone()), None)
                }
                Ok(payment) => {
                    let unique_id = inserted.next().map(|row| row.unique_id).unwrap_or_default();
                    match ids.get(&unique_id) {
                        Some(id) => (outcome.record_id, RecordStatus::Success, None, Some(*id)),
                        None => {
                            skipped += 1;
                            let external_id = payment.external_id.as_deref().unwrap_or_default();
                            let why = format!("a payment with external_id {external_id} exists");
                            (outcome.record_id, RecordStatus::Skipped, Some(why), None)
                        }
                    }
                }
            })
            .collect();
        if !mark_records(&mut tx, self.backend, import_id, &marks, at).await? {
            // Another worker took some of these records: its payments stand, these go.
            tx.rollback().await?;
            return Ok(false);
        }
        count_processed(&mut tx, import_id, outcomes.len() as i64, failed, skipped, at).await?;
        tx.commit().await?;
        Ok(true)
    }
    async fn complete_import(&self, id: i64, at: OffsetDateTime, actor: &str) -> Result<bool, StoreError> {
        let _turn = self.write_turn().await;
        let result = sqlx::query(
            "UPDATE file_imports SET status = 'COMPLETED', completed_at = $1, updated_at = $1, changed_by = $3 \
             WHERE id = $2 AND status = 'PROCESSING' AND NOT EXISTS \
             (SELECT 1 FROM file_import_records WHERE file_import_id = $2 AND status = 'PENDING')",
        )
        .bind(at.unix_timestamp())
        .bind(id)
        .bind(actor)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() == 1)
    }
}
