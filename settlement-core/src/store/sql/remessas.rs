//! [`RemessaStore`] over the same pool as the payments: remessas sent, and retornos applied.

use std::collections::HashMap;

use sqlx::any::AnyRow;
use sqlx::{Any, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::files::{Mark, count_processed, mark_records};
use super::{PAYMENT_COLUMNS, Placeholders, SqlStore, is_unique_violation, payment_of, time_of};
use crate::files::reconcile::{Change, Decision, Found};
use crate::files::remessa::{ExportFilter, FileExport, NewExport, RemessaFormat};
use crate::files::retorno::Layout;
use crate::files::{FileType, RecordStatus};
use crate::payment::Payment;
use crate::store::{RemessaStore, StoreError, Tally};

const EXPORT_COLUMNS: &str = "id, unique_id, format, layout, bank, file_number, status, payment_count, total_amount, file_size, file_hash, \
    filename, created_by, created_at, \
    (SELECT COUNT(*) FROM file_export_payments l WHERE l.file_export_id = file_exports.id AND l.answered_at IS NOT NULL) \
    AS answered_count";

/// Rows per multi-row statement: at most 11 parameters each, well under both databases' limits.
const ROWS_PER_STATEMENT: usize = 500;

/// The longest note a confirmation keeps (the API's limit for notes).
const MAX_NOTES: usize = crate::credit::MAX_NOTES;

/// Whether a payment row's credit is confirmed, as a column `credits`.
const CREDITS: &str =
    "(SELECT COUNT(*) FROM credit_confirmations c WHERE c.payment_request_id = payments.id) AS credits";

fn found_of(row: &AnyRow) -> Result<Found, StoreError> {
    let credits: i64 = row.try_get("credits")?;
    Ok(Found { payment: payment_of(row)?, credited: credits > 0 })
}

fn export_of(row: &AnyRow) -> Result<FileExport, StoreError> {
    let corrupt = |what: &str, value: &str| StoreError::Corrupt(format!("{what} {value:?}"));
    let unique_id: String = row.try_get("unique_id")?;
    let format: String = row.try_get("format")?;
    let layout: String = row.try_get("layout")?;
    Ok(FileExport {
        id: row.try_get("id")?,
        unique_id: Uuid::parse_str(&unique_id).map_err(|_| corrupt("unique_id", &unique_id))?,
        format: FileType::parse(&format).ok_or_else(|| corrupt("format", &format))?,
        layout: Layout::parse(&layout).ok_or_else(|| corrupt("layout", &layout))?,
        bank: u64::try_from(row.try_get::<i64, _>("bank")?).unwrap_or(0),
        file_number: u64::try_from(row.try_get::<i64, _>("file_number")?).unwrap_or(0),
        status: row.try_get("status")?,
        payment_count: row.try_get("payment_count")?,
        total_amount: row.try_get("total_amount")?,
        answered_count: row.try_get("answered_count")?,
        filename: row.try_get("filename")?,
        file_size: row.try_get("file_size")?,
        file_hash: row.try_get("file_hash")?,
        created_by: row.try_get("created_by")?,
        created_at: time_of(row.try_get("created_at")?)?,
        payment_ids: None,
    })
}

/// `(?, ?), (?, ?)...` for `rows` rows of `columns` parameters each.
fn values(placeholders: &mut Placeholders, rows: usize, columns: usize) -> String {
    (0..rows).map(|_| format!("({})", placeholders.list(columns))).collect::<Vec<_>>().join(", ")
}

/// Changes split into waves in which each payment appears once, in order: a multi-row UPDATE
/// cannot change one row twice, and a payment's second change is guarded by its first.
fn waves<'a>(changes: impl Iterator<Item = &'a Change>) -> Vec<Vec<&'a Change>> {
    let mut seen: HashMap<i64, usize> = HashMap::new();
    let mut waves: Vec<Vec<&Change>> = Vec::new();
    for change in changes {
        let wave = seen.entry(change.payment_id).or_insert(0);
        if waves.len() <= *wave {
            waves.push(Vec::new());
        }
        waves[*wave].push(change);
        *wave += 1;
    }
    waves
}

/// Applies payment changes; false when one no longer applies (the payment moved, or another
/// payment took its end-to-end id).
async fn change_payments(
    tx: &mut sqlx::Transaction<'static, Any>,
    backend: super::Backend,
    decisions: &[Decision],
    actor: &str,
    at: i64,
) -> Result<bool, StoreError> {
    for wave in waves(decisions.iter().filter_map(|d| d.change.as_ref())) {
        for chunk in wave.chunks(ROWS_PER_STATEMENT) {
            let mut placeholders = Placeholders::new(backend);
            let (updated_at, changed_by) = (placeholders.next(), placeholders.next());
            let rows = values(&mut placeholders, chunk.len(), 6);
            let sql = format!(
                "UPDATE payments SET status = v.column2, processed_at = COALESCE(v.column3, payments.processed_at), \
                 end_to_end_id = COALESCE(v.column4, payments.end_to_end_id), \
                 failure_reason = COALESCE(v.column5, payments.failure_reason), \
                 updated_at = {updated_at}, changed_by = {changed_by} FROM (VALUES {rows}) AS v \
                 WHERE payments.id = v.column1 AND payments.status = v.column6"
            );
            let mut query = sqlx::query(&sql).bind(at).bind(actor);
            for change in chunk {
                query = query
                    .bind(change.payment_id)
                    .bind(change.to.as_str())
                    .bind(change.processed_at.map(OffsetDateTime::unix_timestamp))
                    .bind(change.end_to_end_id.as_deref())
                    .bind(change.failure_reason.as_deref())
                    .bind(change.from.as_str());
            }
            match query.execute(&mut **tx).await {
                Ok(done) if done.rows_affected() == chunk.len() as u64 => {}
                Ok(_) => return Ok(false),
                Err(error) if is_unique_violation(&error) => return Ok(false),
                Err(error) => return Err(error.into()),
            }
        }
    }
    Ok(true)
}

/// Records the credit confirmations of payments completed; false when one had one already.
async fn confirm_credits(
    tx: &mut sqlx::Transaction<'static, Any>,
    backend: super::Backend,
    decisions: &[Decision],
    actor: &str,
    at: i64,
) -> Result<bool, StoreError> {
    let credits: Vec<(i64, &crate::files::reconcile::Credit)> = decisions
        .iter()
        .filter_map(|d| d.change.as_ref())
        .filter_map(|change| change.credit.as_ref().map(|credit| (change.payment_id, credit)))
        .collect();
    for chunk in credits.chunks(ROWS_PER_STATEMENT) {
        // SQLite's `?` are bound in text order: each row binds its own time and actor.
        let mut placeholders = Placeholders::new(backend);
        let rows: Vec<String> = (0..chunk.len()).map(|_| format!("({}, 'CONFIRMED')", placeholders.list(11))).collect();
        let sql = format!(
            "INSERT INTO credit_confirmations (unique_id, payment_request_id, confirmed_amount, notes, interest, fine, \
             discount, confirmed_at, confirmed_by, created_at, updated_at, status) VALUES {} \
             ON CONFLICT (payment_request_id) DO NOTHING",
            rows.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (payment_id, credit) in chunk {
            let notes: String = credit.notes.chars().take(MAX_NOTES).collect();
            query = query
                .bind(Uuid::new_v4().to_string())
                .bind(*payment_id)
                .bind(credit.amount)
                .bind(notes)
                .bind(credit.interest)
                .bind(credit.fine)
                .bind(credit.discount)
                .bind(at)
                .bind(actor)
                .bind(at)
                .bind(at);
        }
        if query.execute(&mut **tx).await?.rows_affected() != chunk.len() as u64 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The remessa of each payment the bank reported on is answered, by this import, the first time.
async fn answer_remessas(
    tx: &mut sqlx::Transaction<'static, Any>,
    backend: super::Backend,
    decisions: &[Decision],
    import_id: i64,
    at: i64,
) -> Result<(), StoreError> {
    let answered: Vec<i64> = decisions
        .iter()
        .filter(|d| matches!(d.status, RecordStatus::Matched | RecordStatus::Failed))
        .filter_map(|d| d.payment_id)
        .collect();
    for chunk in answered.chunks(ROWS_PER_STATEMENT) {
        let mut placeholders = Placeholders::new(backend);
        let (when, by) = (placeholders.next(), placeholders.next());
        let ids = placeholders.list(chunk.len());
        let sql = format!(
            "UPDATE file_export_payments SET answered_at = {when}, answered_by = {by} \
             WHERE answered_at IS NULL AND payment_request_id IN ({ids})"
        );
        let mut query = sqlx::query(&sql).bind(at).bind(import_id);
        for id in chunk {
            query = query.bind(*id);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

impl RemessaStore for SqlStore {
    async fn record_export(&self, export: &NewExport<'_>) -> Result<Option<FileExport>, StoreError> {
        let _turn = self.write_turn().await;
        let at = export.at.unix_timestamp();
        let total: i64 = export.payments.iter().map(|(_, amount)| amount).sum();
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "INSERT INTO file_exports (unique_id, format, layout, bank, file_number, status, payment_count, \
             total_amount, file_size, file_hash, filename, created_by, changed_by, created_at, updated_at) \
             VALUES ($1, $2, $11, $3, $12, 'SENT', $4, $5, $6, $7, $8, $9, $9, $10, $10) RETURNING id",
        )
        .bind(Uuid::new_v4().to_string())
        .bind(export.format.file_type().as_str())
        .bind(i64::try_from(export.format.bank()).unwrap_or(0))
        .bind(export.payments.len() as i64)
        .bind(total)
        .bind(i64::try_from(export.file_size).unwrap_or(i64::MAX))
        .bind(export.file_hash)
        .bind(export.filename)
        .bind(export.created_by)
        .bind(at)
        .bind(export.format.layout().as_str())
        .bind(i64::try_from(export.file_number).unwrap_or(i64::MAX))
        .fetch_one(&mut *tx)
        .await;
        let row = match row {
            Ok(row) => row,
            // Another remessa took this number: the sender writes its file again.
            Err(error) if is_unique_violation(&error) => {
                tx.rollback().await?;
                return Ok(None);
            }
            Err(error) => return Err(error.into()),
        };
        let id: i64 = row.try_get("id")?;
        for (index, chunk) in export.payments.chunks(ROWS_PER_STATEMENT).enumerate() {
            let mut placeholders = Placeholders::new(self.backend);
            let rows = values(&mut placeholders, chunk.len(), 4);
            let sql = format!(
                "INSERT INTO file_export_payments (payment_request_id, file_export_id, position, sent_at) VALUES {rows}"
            );
            let mut query = sqlx::query(&sql);
            for (offset, (payment_id, _)) in chunk.iter().enumerate() {
                let position = (index * ROWS_PER_STATEMENT + offset + 1) as i64;
                query = query.bind(*payment_id).bind(id).bind(position).bind(at);
            }
            match query.execute(&mut *tx).await {
                Ok(_) => {}
                // A payment in another remessa already.
                Err(error) if is_unique_violation(&error) => {
                    tx.rollback().await?;
                    return Ok(None);
                }
                Err(error) => return Err(error.into()),
            }
        }
        let moved = sqlx::query(
            "UPDATE payments SET status = 'PROCESSING', updated_at = $1, changed_by = $2 WHERE status = 'PENDING' \
             AND id IN (SELECT payment_request_id FROM file_export_payments WHERE file_export_id = $3)",
        )
        .bind(at)
        .bind(crate::files::remessa::actor(id))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() != export.payments.len() as u64 {
            tx.rollback().await?;
            return Ok(None);
        }
        let row = sqlx::query(&format!("SELECT {EXPORT_COLUMNS} FROM file_exports WHERE id = $1"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let stored = export_of(&row)?;
        tx.commit().await?;
        Ok(Some(FileExport { payment_ids: Some(export.payments.iter().map(|(id, _)| *id).collect()), ..stored }))
    }

    async fn next_file_number(&self, format: RemessaFormat) -> Result<u64, StoreError> {
        let last: i64 = sqlx::query(
            "SELECT CAST(COALESCE(MAX(file_number), 0) AS BIGINT) AS last FROM file_exports \
             WHERE bank = $1 AND layout = $2",
        )
        .bind(i64::try_from(format.bank()).unwrap_or(0))
        .bind(format.layout().as_str())
        .fetch_one(&self.pool)
        .await?
        .try_get("last")?;
        Ok(u64::try_from(last).unwrap_or(0) + 1)
    }

    async fn file_export(&self, id: i64) -> Result<Option<FileExport>, StoreError> {
        let Some(row) = sqlx::query(&format!("SELECT {EXPORT_COLUMNS} FROM file_exports WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(None);
        };
        let ids = sqlx::query(
            "SELECT payment_request_id FROM file_export_payments WHERE file_export_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let ids = ids.iter().map(|row| row.try_get("payment_request_id")).collect::<Result<Vec<i64>, _>>()?;
        Ok(Some(FileExport { payment_ids: Some(ids), ..export_of(&row)? }))
    }

    async fn file_exports(&self, filter: &ExportFilter) -> Result<(Vec<FileExport>, u64), StoreError> {
        let mut conditions = Vec::new();
        if filter.file_type.is_some() {
            conditions.push(format!("format = ${}", conditions.len() + 1));
        }
        if filter.created_by.is_some() {
            conditions.push(format!("created_by = ${}", conditions.len() + 1));
        }
        let where_clause =
            if conditions.is_empty() { String::new() } else { format!(" WHERE {}", conditions.join(" AND ")) };
        let bind = |sql| {
            let mut query = sqlx::query(sql);
            if let Some(kind) = filter.file_type {
                query = query.bind(kind.as_str());
            }
            if let Some(creator) = &filter.created_by {
                query = query.bind(creator.as_str());
            }
            query
        };
        let count_sql = format!("SELECT COUNT(*) AS total FROM file_exports{where_clause}");
        let total: i64 = bind(&count_sql).fetch_one(&self.pool).await?.try_get("total")?;
        let page_sql = format!(
            "SELECT {EXPORT_COLUMNS} FROM file_exports{where_clause} ORDER BY id DESC LIMIT {} OFFSET {}",
            filter.limit,
            filter.offset.min(i64::MAX as u64)
        );
        let rows = bind(&page_sql).fetch_all(&self.pool).await?;
        Ok((rows.iter().map(export_of).collect::<Result<_, _>>()?, total.max(0) as u64))
    }

    async fn export_payments(&self, id: i64, after_id: i64, limit: u32) -> Result<Vec<Payment>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments JOIN file_export_payments l ON l.payment_request_id = payments.id \
             WHERE l.file_export_id = $1 AND payments.id > $2 ORDER BY payments.id LIMIT {limit}"
        ))
        .bind(id)
        .bind(after_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(payment_of).collect()
    }

    async fn payments_found(&self, ids: &[i64]) -> Result<Vec<Found>, StoreError> {
        let mut found = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(ROWS_PER_STATEMENT) {
            let mut placeholders = Placeholders::new(self.backend);
            let list = placeholders.list(chunk.len());
            let sql = format!("SELECT {PAYMENT_COLUMNS}, {CREDITS} FROM payments WHERE id IN ({list})");
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            for row in query.fetch_all(&self.pool).await? {
                found.push(found_of(&row)?);
            }
        }
        Ok(found)
    }

    async fn credits_expected(&self, holder: &str, amounts: &[i64]) -> Result<Vec<Found>, StoreError> {
        let mut found = Vec::new();
        for chunk in amounts.chunks(ROWS_PER_STATEMENT) {
            let mut placeholders = Placeholders::new(self.backend);
            let document = placeholders.next();
            let list = placeholders.list(chunk.len());
            let sql = format!(
                "SELECT {PAYMENT_COLUMNS}, {CREDITS} FROM payments WHERE status = 'COMPLETED' \
                 AND creditor_document = {document} AND amount IN ({list})"
            );
            let mut query = sqlx::query(&sql).bind(holder);
            for amount in chunk {
                query = query.bind(*amount);
            }
            for row in query.fetch_all(&self.pool).await? {
                found.push(found_of(&row)?);
            }
        }
        Ok(found)
    }

    async fn end_to_end_holders(&self, ids: &[String]) -> Result<HashMap<String, i64>, StoreError> {
        let mut holders = HashMap::new();
        for chunk in ids.chunks(ROWS_PER_STATEMENT) {
            let mut placeholders = Placeholders::new(self.backend);
            let list = placeholders.list(chunk.len());
            let sql = format!("SELECT id, end_to_end_id FROM payments WHERE end_to_end_id IN ({list})");
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(id.as_str());
            }
            for row in query.fetch_all(&self.pool).await? {
                holders.insert(row.try_get("end_to_end_id")?, row.try_get("id")?);
            }
        }
        Ok(holders)
    }

    async fn apply_decisions(
        &self,
        import_id: i64,
        decisions: &[Decision],
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let actor = format!("retorno:{import_id}");
        let seconds = at.unix_timestamp();
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let applied = change_payments(&mut tx, self.backend, decisions, &actor, seconds).await?
            && confirm_credits(&mut tx, self.backend, decisions, &actor, seconds).await?;
        if !applied {
            tx.rollback().await?;
            return Ok(false);
        }
        answer_remessas(&mut tx, self.backend, decisions, import_id, seconds).await?;
        let marks: Vec<Mark> =
            decisions.iter().map(|d| (d.record_id, d.status, Some(d.note.clone()), d.payment_id)).collect();
        if !mark_records(&mut tx, self.backend, import_id, &marks, at).await? {
            tx.rollback().await?;
            return Ok(false);
        }
        let count = |wanted: &[RecordStatus]| decisions.iter().filter(|d| wanted.contains(&d.status)).count() as i64;
        let failed = count(&[RecordStatus::Failed]);
        let skipped = count(&[RecordStatus::Unmatched, RecordStatus::Mismatched]);
        count_processed(&mut tx, import_id, decisions.len() as i64, failed, skipped, at).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn record_tallies(&self, import_id: i64) -> Result<Vec<(RecordStatus, Tally)>, StoreError> {
        let rows = sqlx::query(
            "SELECT status, COUNT(*) AS records, CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS total \
             FROM file_import_records WHERE file_import_id = $1 GROUP BY status",
        )
        .bind(import_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let status: String = row.try_get("status")?;
                let status =
                    RecordStatus::parse(&status).ok_or_else(|| StoreError::Corrupt(format!("status {status:?}")))?;
                Ok((status, Tally { count: row.try_get("records")?, amount: row.try_get("total")? }))
            })
            .collect()
    }
}
