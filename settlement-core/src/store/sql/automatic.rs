//! [`AutomaticStore`] over the same pool as the payments.

use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{FetchCommitted, PaymentRow, SqlStore, insert_payment_rows, time_of};
use crate::audit::Stamp;
use crate::automatic::model::{Authorization, AutomaticPayment, NewAuthorization, SchedulingPurpose};
use crate::automatic::{AuthorizationStatus, AutomaticPaymentStatus};
use crate::payment::NewPayment;
use crate::store::{AutomaticFilter, AutomaticStore, StoreError};

const AUTHORIZATION_COLUMNS: &str = "a.id AS a_id, a.uuid AS a_uuid, a.owner AS a_owner, a.wallet_uuid AS a_wallet, \
    a.journey, a.frequency, a.start_date, a.end_date, a.value AS a_value, a.floor_max_value, a.payment_max_value, \
    a.retry_policy, a.owner_ispb, a.beneficiary_ispb, a.beneficiary_document, a.beneficiary_name, a.owner_document, \
    a.debtor_document, a.debtor_name, a.contract_number, a.contract_description, a.request_expiration_date, \
    a.status AS a_status, a.created_at AS a_created_at, a.updated_at AS a_updated_at";

const PAYMENT_COLUMNS: &str = "p.id AS p_id, p.uuid AS p_uuid, p.owner AS p_owner, p.wallet_uuid AS p_wallet, p.due_date, p.cycle, p.attempt, \
    p.value AS p_value, p.scheduling_purpose, p.status AS p_status, p.settlement, p.settlement_error, \
    p.payment_request_id, r.status AS r_status, p.created_at AS p_created_at, p.updated_at AS p_updated_at";

fn uuid_of(row: &AnyRow, column: &str) -> Result<Uuid, StoreError> {
    let text: String = row.try_get(column)?;
    Uuid::parse_str(&text).map_err(|_| StoreError::Corrupt(format!("{column} {text:?}")))
}

fn authorization_of(row: &AnyRow) -> Result<Authorization, StoreError> {
    Ok(Authorization {
        id: uuid_of(row, "a_uuid")?,
        journey: row.try_get("journey")?,
        frequency: row.try_get("frequency")?,
        start_date: row.try_get("start_date")?,
        end_date: row.try_get("end_date")?,
        value: row.try_get("a_value")?,
        floor_max_value: row.try_get("floor_max_value")?,
        owner_ispb: row.try_get("owner_ispb")?,
        beneficiary_ispb: row.try_get("beneficiary_ispb")?,
        beneficiary_document: row.try_get("beneficiary_document")?,
        beneficiary_name: row.try_get("beneficiary_name")?,
        owner_document: row.try_get("owner_document")?,
        debtor_document: row.try_get("debtor_document")?,
        debtor_name: row.try_get("debtor_name")?,
        contract_number: row.try_get("contract_number")?,
        contract_description: row.try_get("contract_description")?,
        request_expiration_date: time_of(row.try_get("request_expiration_date")?)?,
        status: row.try_get("a_status")?,
        payment_max_value: row.try_get("payment_max_value")?,
        retry_policy: row.try_get("retry_policy")?,
        created_at: time_of(row.try_get("a_created_at")?)?,
        updated_at: time_of(row.try_get("a_updated_at")?)?,
        row_id: row.try_get("a_id")?,
    })
}

fn payment_of(row: &AnyRow) -> Result<AutomaticPayment, StoreError> {
    // A payment request was made (its status tells the rest), or none could be.
    let settled: Option<String> = row.try_get("settlement")?;
    let request_status: Option<String> = row.try_get("r_status")?;
    let settlement = match settled.as_deref() {
        Some("SETTLED") => request_status,
        _ => settled,
    };
    Ok(AutomaticPayment {
        id: uuid_of(row, "p_uuid")?,
        pix_automatic_authorization: authorization_of(row)?,
        due_date: row.try_get("due_date")?,
        value: row.try_get("p_value")?,
        scheduling_purpose: row.try_get("scheduling_purpose")?,
        status: row.try_get("p_status")?,
        settlement,
        settlement_error: row.try_get("settlement_error")?,
        payment_request_id: row.try_get("payment_request_id")?,
        created_at: time_of(row.try_get("p_created_at")?)?,
        updated_at: time_of(row.try_get("p_updated_at")?)?,
        cycle: row.try_get("cycle")?,
        attempt: row.try_get("attempt")?,
        row_id: row.try_get("p_id")?,
    })
}

/// ` AND {column} IN ('A', 'B')`, or nothing for no statuses. The names come from the closed
/// enums (`&'static str`): written into the text, they cannot inject.
fn status_condition(column: &str, statuses: &[&'static str]) -> String {
    if statuses.is_empty() {
        return String::new();
    }
    let names: Vec<String> = statuses.iter().map(|s| format!("'{s}'")).collect();
    format!(" AND {column} IN ({})", names.join(", "))
}

/// Payments joined with their authorizations.
fn payments_from(filter: &str) -> String {
    format!(
        "SELECT {PAYMENT_COLUMNS}, {AUTHORIZATION_COLUMNS} FROM automatic_payments p \
         JOIN automatic_authorizations a ON a.id = p.authorization_id \
         LEFT JOIN payments r ON r.id = p.payment_request_id {filter}"
    )
}

impl SqlStore {
    async fn automatic_payment_by_row(&self, id: i64) -> Result<Option<AutomaticPayment>, StoreError> {
        let row = sqlx::query(&payments_from("WHERE p.id = $1")).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(payment_of).transpose()
    }

    async fn authorization_by_row(&self, id: i64) -> Result<Option<Authorization>, StoreError> {
        let row =
            sqlx::query(&format!("SELECT {AUTHORIZATION_COLUMNS} FROM automatic_authorizations a WHERE a.id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        row.as_ref().map(authorization_of).transpose()
    }
}

impl AutomaticStore for SqlStore {
    async fn wallet(
        &self,
        owner: &str,
        requested: Option<Uuid>,
        at: OffsetDateTime,
    ) -> Result<Option<Uuid>, StoreError> {
        if let Some(requested) = requested {
            let row = sqlx::query("SELECT owner FROM wallets WHERE uuid = $1")
                .bind(requested.to_string())
                .fetch_optional(&self.pool)
                .await?;
            let mine = match row {
                Some(row) => row.try_get::<String, _>("owner")? == owner,
                None => false,
            };
            return Ok(mine.then_some(requested));
        }
        let default = "SELECT uuid FROM wallets WHERE owner = $1 AND is_default = 1 ORDER BY id LIMIT 1";
        if let Some(row) = sqlx::query(default).bind(owner).fetch_optional(&self.pool).await? {
            return Ok(Some(uuid_of(&row, "uuid")?));
        }
        let _turn = self.write_turn().await;
        sqlx::query("INSERT INTO wallets (uuid, owner, is_default, created_at) VALUES ($1, $2, 1, $3)")
            .bind(Uuid::new_v4().to_string())
            .bind(owner)
            .bind(at.unix_timestamp())
            .execute(&self.pool)
            .await?;
        // Two first uses at once may both create one: the oldest is the default.
        let row = sqlx::query(default).bind(owner).fetch_one(&self.pool).await?;
        Ok(Some(uuid_of(&row, "uuid")?))
    }

    async fn create_wallet(&self, owner: &str, at: OffsetDateTime) -> Result<Uuid, StoreError> {
        self.wallet(owner, None, at).await?;
        let _turn = self.write_turn().await;
        let uuid = Uuid::new_v4();
        sqlx::query("INSERT INTO wallets (uuid, owner, is_default, created_at) VALUES ($1, $2, 0, $3)")
            .bind(uuid.to_string())
            .bind(owner)
            .bind(at.unix_timestamp())
            .execute(&self.pool)
            .await?;
        Ok(uuid)
    }

    async fn wallets(&self, owner: &str) -> Result<Vec<(Uuid, bool)>, StoreError> {
        let rows = sqlx::query("SELECT uuid, is_default FROM wallets WHERE owner = $1 ORDER BY is_default DESC, id")
            .bind(owner)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|row| Ok((uuid_of(row, "uuid")?, row.try_get::<i64, _>("is_default")? == 1))).collect()
    }

    async fn revoke_product(&self, product: Uuid, user: &str) -> Result<bool, StoreError> {
        let _turn = self.write_turn().await;
        let result = sqlx::query("DELETE FROM product_grants WHERE product_uuid = $1 AND user_subject = $2")
            .bind(product.to_string())
            .bind(user)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected() > 0)
    }

    async fn grant_product(&self, product: Uuid, user: &str, at: OffsetDateTime) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        sqlx::query(
            "INSERT INTO product_grants (product_uuid, user_subject, granted_at) VALUES ($1, $2, $3) \
             ON CONFLICT (product_uuid, user_subject) DO NOTHING",
        )
        .bind(product.to_string())
        .bind(user)
        .bind(at.unix_timestamp())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn product_granted(&self, product: Uuid, user: &str) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT 1 AS granted FROM product_grants WHERE product_uuid = $1 AND user_subject = $2")
            .bind(product.to_string())
            .bind(user)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    async fn use_nonce(&self, subject: &str, nonce: Uuid, at: OffsetDateTime) -> Result<bool, StoreError> {
        let _turn = self.write_turn().await;
        // New, or last seen more than 24 hours ago: accepted (and remembered from now).
        let row = sqlx::query(
            "INSERT INTO request_nonces (subject, nonce, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (subject, nonce) DO UPDATE SET created_at = $3 WHERE request_nonces.created_at <= $4 \
             RETURNING nonce",
        )
        .bind(subject)
        .bind(nonce.to_string())
        .bind(at.unix_timestamp())
        .bind((at - time::Duration::hours(24)).unix_timestamp())
        .fetch_committed(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    async fn insert_authorization(
        &self,
        owner: &str,
        wallet: Uuid,
        new: &NewAuthorization,
        stamp: Stamp<'_>,
    ) -> Result<Authorization, StoreError> {
        let _turn = self.write_turn().await;
        let row = sqlx::query(
            "INSERT INTO automatic_authorizations (uuid, owner, wallet_uuid, journey, frequency, start_date, end_date, \
             value, floor_max_value, payment_max_value, retry_policy, owner_ispb, beneficiary_ispb, beneficiary_document, \
             beneficiary_name, owner_document, debtor_document, debtor_name, contract_number, contract_description, \
             request_expiration_date, status, changed_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
             $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, 'PENDING', $23, $22, $22) RETURNING id",
        )
        .bind(Uuid::new_v4().to_string())
        .bind(owner)
        .bind(wallet.to_string())
        .bind(new.journey.as_str())
        .bind(new.frequency.as_str())
        .bind(new.start_date.to_string())
        .bind(new.end_date.map(|d| d.to_string()))
        .bind(new.value)
        .bind(new.floor_max_value)
        .bind(new.payment_max_value)
        .bind(new.retry_policy.as_str())
        .bind(new.owner_ispb.as_str())
        .bind(new.beneficiary_ispb.as_str())
        .bind(new.beneficiary_document.as_str())
        .bind(new.beneficiary_name.as_str())
        .bind(new.owner_document.as_str())
        .bind(new.debtor_document.as_deref())
        .bind(new.debtor_name.as_deref())
        .bind(new.contract_number.as_str())
        .bind(new.contract_description.as_str())
        .bind(new.request_expiration_date.unix_timestamp())
        .bind(stamp.at.unix_timestamp())
        .bind(stamp.actor)
        .fetch_one_committed(&self.pool)
        .await?;
        let id: i64 = row.try_get("id")?;
        self.authorization_by_row(id).await?.ok_or_else(|| StoreError::Database("the authorization vanished".into()))
    }

    async fn authorizations(&self, filter: &AutomaticFilter) -> Result<(Vec<Authorization>, u64), StoreError> {
        let statuses = status_condition("a.status", &filter.statuses);
        let condition = format!("WHERE a.owner = $1 AND a.wallet_uuid = $2{statuses}");
        let total: i64 = sqlx::query(&format!("SELECT COUNT(*) AS total FROM automatic_authorizations a {condition}"))
            .bind(filter.owner.as_str())
            .bind(filter.wallet.to_string())
            .fetch_one(&self.pool)
            .await?
            .try_get("total")?;
        let order = if filter.descending { "DESC" } else { "ASC" };
        let sql = format!(
            "SELECT {AUTHORIZATION_COLUMNS} FROM automatic_authorizations a {condition} \
             ORDER BY a.created_at {order}, a.id {order} LIMIT {} OFFSET {}",
            filter.size,
            filter.offset.min(i64::MAX as u64)
        );
        let rows =
            sqlx::query(&sql).bind(filter.owner.as_str()).bind(filter.wallet.to_string()).fetch_all(&self.pool).await?;
        Ok((rows.iter().map(authorization_of).collect::<Result<_, _>>()?, total.max(0) as u64))
    }

    async fn authorization(&self, id: Uuid) -> Result<Option<(Authorization, String, Uuid)>, StoreError> {
        let row =
            sqlx::query(&format!("SELECT {AUTHORIZATION_COLUMNS} FROM automatic_authorizations a WHERE a.uuid = $1"))
                .bind(id.to_string())
                .fetch_optional(&self.pool)
                .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some((authorization_of(&row)?, row.try_get("a_owner")?, uuid_of(&row, "a_wallet")?)))
    }

    async fn set_authorization_status(
        &self,
        id: Uuid,
        from: AuthorizationStatus,
        to: AuthorizationStatus,
        stamp: Stamp<'_>,
    ) -> Result<Option<Authorization>, StoreError> {
        let _turn = self.write_turn().await;
        let row = sqlx::query(
            "UPDATE automatic_authorizations SET status = $1, updated_at = $2, changed_by = $5 \
             WHERE uuid = $3 AND status = $4 RETURNING id",
        )
        .bind(to.as_str())
        .bind(stamp.at.unix_timestamp())
        .bind(id.to_string())
        .bind(from.as_str())
        .bind(stamp.actor)
        .fetch_committed(&self.pool)
        .await?;
        match row {
            Some(row) => self.authorization_by_row(row.try_get("id")?).await,
            None => Ok(None),
        }
    }

    async fn expire_authorizations(&self, now: OffsetDateTime, actor: &str) -> Result<u64, StoreError> {
        let _turn = self.write_turn().await;
        let result = sqlx::query(
            "UPDATE automatic_authorizations SET status = 'EXPIRED', updated_at = $1, changed_by = $2 \
             WHERE status = 'PENDING' AND request_expiration_date <= $1",
        )
        .bind(now.unix_timestamp())
        .bind(actor)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected())
    }

    async fn insert_automatic_payment(
        &self,
        authorization: &Authorization,
        owner: &str,
        wallet: Uuid,
        due_date: &str,
        (cycle, attempt): (i64, i64),
        value: i64,
        purpose: SchedulingPurpose,
        stamp: Stamp<'_>,
    ) -> Result<Option<AutomaticPayment>, StoreError> {
        let _turn = self.write_turn().await;
        let row = sqlx::query(
            "INSERT INTO automatic_payments (uuid, authorization_id, owner, wallet_uuid, due_date, cycle, attempt, value, \
             scheduling_purpose, status, changed_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'CREATED', $11, $10, $10) \
             ON CONFLICT (authorization_id, cycle, attempt) DO NOTHING RETURNING id",
        )
        .bind(Uuid::new_v4().to_string())
        .bind(authorization.row_id)
        .bind(owner)
        .bind(wallet.to_string())
        .bind(due_date)
        .bind(cycle)
        .bind(attempt)
        .bind(value)
        .bind(purpose.as_str())
        .bind(stamp.at.unix_timestamp())
        .bind(stamp.actor)
        .fetch_committed(&self.pool)
        .await?;
        match row {
            Some(row) => self.automatic_payment_by_row(row.try_get("id")?).await,
            None => Ok(None),
        }
    }

    async fn automatic_payment(&self, id: Uuid) -> Result<Option<(AutomaticPayment, String, Uuid)>, StoreError> {
        let row =
            sqlx::query(&payments_from("WHERE p.uuid = $1")).bind(id.to_string()).fetch_optional(&self.pool).await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some((payment_of(&row)?, row.try_get("p_owner")?, uuid_of(&row, "p_wallet")?)))
    }

    async fn cycle_payments(
        &self,
        authorization: &Authorization,
        cycle: i64,
    ) -> Result<Vec<AutomaticPayment>, StoreError> {
        let rows = sqlx::query(&payments_from("WHERE p.authorization_id = $1 AND p.cycle = $2 ORDER BY p.attempt"))
            .bind(authorization.row_id)
            .bind(cycle)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(payment_of).collect()
    }

    async fn automatic_payments(&self, filter: &AutomaticFilter) -> Result<(Vec<AutomaticPayment>, u64), StoreError> {
        let statuses = status_condition("p.status", &filter.statuses);
        let condition = format!("WHERE p.owner = $1 AND p.wallet_uuid = $2{statuses}");
        let total: i64 = sqlx::query(&format!("SELECT COUNT(*) AS total FROM automatic_payments p {condition}"))
            .bind(filter.owner.as_str())
            .bind(filter.wallet.to_string())
            .fetch_one(&self.pool)
            .await?
            .try_get("total")?;
        let order = if filter.descending { "DESC" } else { "ASC" };
        let sql = payments_from(&format!(
            "{condition} ORDER BY p.created_at {order}, p.id {order} LIMIT {} OFFSET {}",
            filter.size,
            filter.offset.min(i64::MAX as u64)
        ));
        let rows =
            sqlx::query(&sql).bind(filter.owner.as_str()).bind(filter.wallet.to_string()).fetch_all(&self.pool).await?;
        Ok((rows.iter().map(payment_of).collect::<Result<_, _>>()?, total.max(0) as u64))
    }

    async fn set_automatic_payment_status(
        &self,
        id: Uuid,
        from: &[AutomaticPaymentStatus],
        to: AutomaticPaymentStatus,
        stamp: Stamp<'_>,
    ) -> Result<Option<AutomaticPayment>, StoreError> {
        let _turn = self.write_turn().await;
        let names: Vec<&'static str> = from.iter().map(|s| s.as_str()).collect();
        // A settled payment has nothing left to cancel.
        let unsettled = if to == AutomaticPaymentStatus::WaitingCancellation { " AND settlement IS NULL" } else { "" };
        let row = sqlx::query(&format!(
            "UPDATE automatic_payments SET status = $1, updated_at = $2, changed_by = $4 \
             WHERE uuid = $3{}{unsettled} RETURNING id",
            status_condition("status", &names)
        ))
        .bind(to.as_str())
        .bind(stamp.at.unix_timestamp())
        .bind(id.to_string())
        .bind(stamp.actor)
        .fetch_committed(&self.pool)
        .await?;
        match row {
            Some(row) => self.automatic_payment_by_row(row.try_get("id")?).await,
            None => Ok(None),
        }
    }

    async fn due_automatic_payments(
        &self,
        today: &str,
        limit: u32,
    ) -> Result<Vec<(AutomaticPayment, String)>, StoreError> {
        let rows = sqlx::query(&payments_from(&format!(
            "WHERE p.status IN ('CREATED', 'CANCELLATION_FAILED') AND p.settlement IS NULL AND p.due_date <= $1 \
             ORDER BY p.due_date, p.id LIMIT {limit}"
        )))
        .bind(today)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| Ok((payment_of(row)?, row.try_get("p_owner")?))).collect()
    }

    async fn settle_automatic_payment(
        &self,
        payment: &AutomaticPayment,
        request: &Result<NewPayment, String>,
        created_by: &str,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let outcome = match request {
            Ok(new) => {
                let row = PaymentRow::new(new, created_by, at);
                let unique_id = row.unique_id;
                let ids = insert_payment_rows(&mut tx, self.backend, &[row], true).await?;
                ids.get(&unique_id).copied().ok_or_else(|| "a payment with this external_id exists".to_owned())
            }
            Err(error) => Err(error.clone()),
        };
        let (settlement, error, payment_id) = match &outcome {
            Ok(id) => ("SETTLED", None, Some(*id)),
            Err(error) => ("FAILED", Some(error.clone()), None),
        };
        let updated = sqlx::query(
            "UPDATE automatic_payments SET settlement = $1, settlement_error = $2, payment_request_id = $3, updated_at = $4 \
             WHERE id = $5 AND settlement IS NULL AND status IN ('CREATED', 'CANCELLATION_FAILED')",
        )
        .bind(settlement)
        .bind(error)
        .bind(payment_id)
        .bind(at.unix_timestamp())
        .bind(payment.row_id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        tx.commit().await?;
        Ok(true)
    }
}
