//! [`QrCodeStore`] over the same pool as the payments.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Row, Transaction};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{FetchCommitted, SqlStore, is_unique_violation, time_of};
use crate::qrcode::{QrCode, QrCodeFilter, QrCodeStatus, QrCodeType, emv_data};
use crate::store::{QrCodeStore, QrInserted, QrLookup, QrRecord, QrUse, StoreError};

const COLUMNS: &str = "id, unique_id, type, status, payload, merchant_name, merchant_city, merchant_category_code, \
    pix_key, tx_id, amount, currency, description, expires_at, due_date, days_after_due, fine, interest, discount, \
    debtor_name, debtor_document, location_token, location, used_count, used_at, created_by, created_at, updated_at";

fn qr_code_of(row: &AnyRow) -> Result<QrCode, StoreError> {
    let corrupt = |what: &str, value: &str| StoreError::Corrupt(format!("{what} {value:?}"));
    let kind: String = row.try_get("type")?;
    let status: String = row.try_get("status")?;
    let unique_id: String = row.try_get("unique_id")?;
    let payload: String = row.try_get("payload")?;
    let optional_time = |column: &str| -> Result<Option<OffsetDateTime>, StoreError> {
        row.try_get::<Option<i64>, _>(column)?.map(time_of).transpose()
    };
    let created_at = time_of(row.try_get("created_at")?)?;
    Ok(QrCode {
        id: row.try_get("id")?,
        unique_id: Uuid::parse_str(&unique_id).map_err(|_| corrupt("unique_id", &unique_id))?,
        kind: QrCodeType::parse(&kind).ok_or_else(|| corrupt("type", &kind))?,
        status: QrCodeStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        emv_data: emv_data(&payload),
        payload,
        merchant_name: row.try_get("merchant_name")?,
        merchant_city: row.try_get("merchant_city")?,
        merchant_category_code: row.try_get("merchant_category_code")?,
        pix_key: row.try_get("pix_key")?,
        tx_id: row.try_get("tx_id")?,
        amount: row.try_get("amount")?,
        currency: row.try_get("currency")?,
        description: row.try_get("description")?,
        expires_at: optional_time("expires_at")?,
        due_date: row.try_get("due_date")?,
        days_after_due: row.try_get("days_after_due")?,
        fine: row.try_get("fine")?,
        interest: row.try_get("interest")?,
        discount: row.try_get("discount")?,
        debtor_name: row.try_get("debtor_name")?,
        debtor_document: row.try_get("debtor_document")?,
        location_token: row.try_get("location_token")?,
        location: row.try_get("location")?,
        is_valid: status == "active",
        validated_at: created_at,
        used_count: row.try_get("used_count")?,
        used_at: optional_time("used_at")?,
        created_by: row.try_get("created_by")?,
        created_at,
        updated_at: time_of(row.try_get("updated_at")?)?,
    })
}

/// Records a payment's use of a code inside the payment's transaction. A single-use code is
/// used up only if it is still active and unexpired; returns false when it was not.
pub(super) async fn record_use(
    tx: &mut Transaction<'static, Any>,
    qr: QrUse,
    at: OffsetDateTime,
    actor: &str,
) -> Result<bool, StoreError> {
    // A static code stays active: its use is counted, not a change of state.
    let query = if qr.single_use {
        sqlx::query(
            "UPDATE qr_codes SET status = 'used', used_count = used_count + 1, used_at = $1, updated_at = $1, \
             changed_by = $3 WHERE id = $2 AND status = 'active' AND (expires_at IS NULL OR expires_at > $1)",
        )
        .bind(at.unix_timestamp())
        .bind(qr.id)
        .bind(actor)
    } else {
        sqlx::query("UPDATE qr_codes SET used_count = used_count + 1, updated_at = $1 WHERE id = $2")
            .bind(at.unix_timestamp())
            .bind(qr.id)
    };
    let result = query.execute(&mut **tx).await?;
    Ok(result.rows_affected() == 1)
}

impl QrCodeStore for SqlStore {
    async fn insert_qr_code(&self, record: QrRecord<'_>) -> Result<QrInserted, StoreError> {
        let _turn = self.write_turn().await;
        let code = record.code;
        let unique_id = Uuid::new_v4();
        let at = record.at.unix_timestamp();
        let due_date = code.due_date.map(|date| date.to_string());
        let result = sqlx::query(&format!(
            "INSERT INTO qr_codes (unique_id, type, status, payload, merchant_name, merchant_city, merchant_category_code, \
             pix_key, tx_id, amount, currency, description, expires_at, due_date, days_after_due, fine, interest, discount, \
             debtor_name, debtor_document, location_token, location, used_count, created_by, changed_by, created_at, \
             updated_at) VALUES ($1, $2, 'active', $3, $4, $5, $6, $7, $8, $9, 'BRL', $10, $11, $12, $13, $14, $15, $16, \
             $17, $18, $19, $20, 0, $21, $21, $22, $22) \
             RETURNING {COLUMNS}"
        ))
        .bind(unique_id.to_string())
        .bind(code.kind.as_str())
        .bind(record.payload)
        .bind(&code.merchant_name)
        .bind(&code.merchant_city)
        .bind(&code.merchant_category_code)
        .bind(&code.pix_key)
        .bind(code.tx_id.as_deref())
        .bind(code.amount)
        .bind(code.description.as_deref())
        .bind(code.expires_at.map(OffsetDateTime::unix_timestamp))
        .bind(due_date)
        .bind(code.days_after_due)
        .bind(code.fine)
        .bind(code.interest)
        .bind(code.discount)
        .bind(code.debtor_name.as_deref())
        .bind(code.debtor_document.as_ref().map(|d| d.as_str().to_owned()))
        .bind(record.location_token)
        .bind(record.location)
        .bind(record.created_by)
        .bind(at)
        .fetch_one_committed(&self.pool)
        .await;
        match result {
            Ok(row) => Ok(QrInserted::Created(Box::new(qr_code_of(&row)?))),
            Err(error) if is_unique_violation(&error) => {
                let existing = match &code.tx_id {
                    Some(tx_id) => self.qr_code(QrLookup::TxId(tx_id)).await?,
                    None => None,
                };
                existing.map(|code| QrInserted::DuplicateTxid(code.id)).ok_or_else(|| error.into())
            }
            Err(error) => Err(error.into()),
        }
    }

    async fn qr_code(&self, lookup: QrLookup<'_>) -> Result<Option<QrCode>, StoreError> {
        let column = match lookup {
            QrLookup::Id(_) => "id",
            QrLookup::TxId(_) => "tx_id",
            QrLookup::Token(_) => "location_token",
            QrLookup::Payload(_) => "payload",
        };
        let sql = format!("SELECT {COLUMNS} FROM qr_codes WHERE {column} = $1 ORDER BY id LIMIT 1");
        let query = sqlx::query(&sql);
        let query = match lookup {
            QrLookup::Id(id) => query.bind(id),
            QrLookup::TxId(text) | QrLookup::Token(text) | QrLookup::Payload(text) => query.bind(text),
        };
        let row = query.fetch_optional(&self.pool).await?;
        row.as_ref().map(qr_code_of).transpose()
    }

    async fn qr_codes(&self, filter: &QrCodeFilter, now: OffsetDateTime) -> Result<(Vec<QrCode>, u64), StoreError> {
        // Fixed fragments; every value is a bound parameter ($1 is always `now`).
        let mut conditions = Vec::new();
        if filter.kind.is_some() {
            conditions.push("type = $2".to_owned());
        }
        if filter.tx_id.is_some() {
            conditions.push(format!("tx_id = ${}", conditions.len() + 2));
        }
        match filter.status {
            Some(QrCodeStatus::Active) => {
                conditions.push("status = 'active' AND (expires_at IS NULL OR expires_at > $1)".into())
            }
            Some(QrCodeStatus::Expired) => conditions.push("status = 'active' AND expires_at <= $1".into()),
            Some(QrCodeStatus::Used) => conditions.push("status = 'used'".into()),
            // `$1` appears in every query, so that the parameters always line up.
            None => conditions.push("($1 = $1)".into()),
        }
        let where_clause = format!(" WHERE {}", conditions.join(" AND "));
        fn bind<'q>(sql: &'q str, filter: &'q QrCodeFilter, now: OffsetDateTime) -> Query<'q, Any, AnyArguments<'q>> {
            let mut query = sqlx::query(sql).bind(now.unix_timestamp());
            if let Some(kind) = filter.kind {
                query = query.bind(kind.as_str());
            }
            if let Some(tx_id) = &filter.tx_id {
                query = query.bind(tx_id.as_str());
            }
            query
        }
        let count_sql = format!("SELECT COUNT(*) AS total FROM qr_codes{where_clause}");
        let total: i64 = bind(&count_sql, filter, now).fetch_one(&self.pool).await?.try_get("total")?;
        let page_sql = format!(
            "SELECT {COLUMNS} FROM qr_codes{where_clause} ORDER BY id DESC LIMIT {} OFFSET {}",
            filter.limit,
            filter.offset.min(i64::MAX as u64)
        );
        let rows = bind(&page_sql, filter, now).fetch_all(&self.pool).await?;
        let codes = rows.iter().map(qr_code_of).collect::<Result<Vec<_>, _>>()?;
        Ok((codes, total.max(0) as u64))
    }

    async fn deactivate_qr_code(&self, id: i64, at: OffsetDateTime, actor: &str) -> Result<Option<QrCode>, StoreError> {
        let _turn = self.write_turn().await;
        let row = sqlx::query(&format!(
            "UPDATE qr_codes SET status = 'used', used_count = CASE WHEN used_count = 0 THEN 1 ELSE used_count END, \
             used_at = $1, deactivated_at = $1, updated_at = $1, changed_by = $3 WHERE id = $2 AND status = 'active' \
             RETURNING {COLUMNS}"
        ))
        .bind(at.unix_timestamp())
        .bind(id)
        .bind(actor)
        .fetch_committed(&self.pool)
        .await?;
        row.as_ref().map(qr_code_of).transpose()
    }
}
