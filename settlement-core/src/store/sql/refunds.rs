//! [`RefundStore`] over the same pool as the payments. A refund and its count on the payment's
//! row commit together; the row's conditional update is what keeps racing refunds within the
//! payment's amount (PostgreSQL re-reads the row a concurrent update changed before applying its
//! condition; SQLite takes writers one at a time).

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{SqlStore, time_of};
use crate::audit::Stamp;
use crate::refund::{Refund, RefundFilter, RefundNature, RefundSettlement, RefundStatus};
use crate::store::{RefundInserted, RefundLookup, RefundRecord, RefundStore, Store, StoreError};

const COLUMNS: &str = "id, refund_id, payment_request_id, rtr_id, amount, nature, description, status, reason, \
    requested_at, settled_at, created_by, updated_at";

fn refund_of(row: &AnyRow) -> Result<Refund, StoreError> {
    let corrupt = |what: &str, value: &str| StoreError::Corrupt(format!("refund {what} {value:?}"));
    let nature: String = row.try_get("nature")?;
    let status: String = row.try_get("status")?;
    Ok(Refund {
        id: row.try_get("id")?,
        refund_id: row.try_get("refund_id")?,
        payment_request_id: row.try_get("payment_request_id")?,
        rtr_id: row.try_get("rtr_id")?,
        amount: row.try_get("amount")?,
        nature: RefundNature::parse(&nature).ok_or_else(|| corrupt("nature", &nature))?,
        description: row.try_get("description")?,
        status: RefundStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        reason: row.try_get("reason")?,
        requested_at: time_of(row.try_get("requested_at")?)?,
        settled_at: row.try_get::<Option<i64>, _>("settled_at")?.map(time_of).transpose()?,
        created_by: row.try_get("created_by")?,
        updated_at: time_of(row.try_get("updated_at")?)?,
    })
}

impl RefundStore for SqlStore {
    async fn insert_refund(&self, record: RefundRecord<'_>) -> Result<RefundInserted, StoreError> {
        let RefundRecord { payment_id, refund, rtr_id, stamp } = record;
        let at = stamp.at.unix_timestamp();
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        // The refund first: a request repeated while the first is in flight waits for it on the
        // unique key, then finds it. The owner is the payment's creator.
        let inserted = sqlx::query(&format!(
            "INSERT INTO refunds (payment_request_id, refund_id, rtr_id, amount, nature, description, status, \
             requested_at, created_by, owner, changed_by, updated_at) \
             SELECT $1, $2, $3, $4, $5, $6, 'IN_PROCESS', $7, $8, created_by, $8, $7 FROM payments WHERE id = $1 \
             ON CONFLICT (payment_request_id, refund_id) DO NOTHING RETURNING {COLUMNS}"
        ))
        .bind(payment_id)
        .bind(&refund.refund_id)
        .bind(rtr_id)
        .bind(refund.amount)
        .bind(refund.nature.as_str())
        .bind(refund.description.as_deref())
        .bind(at)
        .bind(stamp.actor)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = inserted else {
            tx.rollback().await?;
            return match self.refund(RefundLookup::Caller(payment_id, &refund.refund_id)).await? {
                Some(existing) => Ok(RefundInserted::Existing(Box::new(existing))),
                None => Ok(RefundInserted::Refused(self.payment(payment_id).await?.map(Box::new))),
            };
        };
        let stored = refund_of(&row)?;
        let counted = sqlx::query(
            "UPDATE payments SET refunds_in_process = refunds_in_process + $1, refund_count = refund_count + 1, \
             updated_at = $2 WHERE id = $3 AND status = 'COMPLETED' \
             AND amount - refunded_amount - refunds_in_process >= $1",
        )
        .bind(refund.amount)
        .bind(at)
        .bind(payment_id)
        .execute(&mut *tx)
        .await?;
        if counted.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(RefundInserted::Refused(self.payment(payment_id).await?.map(Box::new)));
        }
        tx.commit().await?;
        Ok(RefundInserted::Created(Box::new(stored)))
    }

    async fn refund(&self, lookup: RefundLookup<'_>) -> Result<Option<Refund>, StoreError> {
        let row = match lookup {
            RefundLookup::Id(id) => {
                sqlx::query(&format!("SELECT {COLUMNS} FROM refunds WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
            }
            RefundLookup::Caller(payment_id, refund_id) => {
                sqlx::query(&format!("SELECT {COLUMNS} FROM refunds WHERE payment_request_id = $1 AND refund_id = $2"))
                    .bind(payment_id)
                    .bind(refund_id)
                    .fetch_optional(&self.pool)
                    .await?
            }
        };
        row.as_ref().map(refund_of).transpose()
    }

    async fn refunds(&self, filter: &RefundFilter) -> Result<(Vec<Refund>, u64), StoreError> {
        fn bound<'q>(
            sql: &'q str,
            filter: &RefundFilter,
        ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
            let mut query = sqlx::query(sql);
            if let Some(id) = filter.payment_request_id {
                query = query.bind(id);
            }
            if let Some(status) = filter.status {
                query = query.bind(status.as_str());
            }
            if let Some(at) = filter.requested_from {
                query = query.bind(at.unix_timestamp());
            }
            if let Some(at) = filter.requested_before {
                query = query.bind(at.unix_timestamp());
            }
            query
        }
        let mut conditions = Vec::new();
        let present = [
            (filter.payment_request_id.is_some(), "payment_request_id ="),
            (filter.status.is_some(), "status ="),
            (filter.requested_from.is_some(), "requested_at >="),
            (filter.requested_before.is_some(), "requested_at <"),
        ];
        for (given, condition) in present {
            if given {
                conditions.push(format!("{condition} ${}", conditions.len() + 1));
            }
        }
        let where_clause =
            if conditions.is_empty() { String::new() } else { format!(" WHERE {}", conditions.join(" AND ")) };
        let count_sql = format!("SELECT COUNT(*) AS total FROM refunds{where_clause}");
        let total: i64 = bound(&count_sql, filter).fetch_one(&self.pool).await?.try_get("total")?;
        let page_sql = format!(
            "SELECT {COLUMNS} FROM refunds{where_clause} ORDER BY id DESC LIMIT {} OFFSET {}",
            filter.limit,
            filter.offset.min(i64::MAX as u64)
        );
        let rows = bound(&page_sql, filter).fetch_all(&self.pool).await?;
        let refunds = rows.iter().map(refund_of).collect::<Result<Vec<_>, _>>()?;
        Ok((refunds, total.max(0) as u64))
    }

    async fn settle_refund(
        &self,
        id: i64,
        settlement: &RefundSettlement,
        stamp: Stamp<'_>,
    ) -> Result<Option<Refund>, StoreError> {
        let at = stamp.at.unix_timestamp();
        let returned = settlement.to == RefundStatus::Returned;
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(&format!(
            "UPDATE refunds SET status = $1, reason = $2, settled_at = $3, changed_by = $4, updated_at = $5 \
             WHERE id = $6 AND status = 'IN_PROCESS' RETURNING {COLUMNS}"
        ))
        .bind(settlement.to.as_str())
        .bind(settlement.reason.as_deref())
        .bind(returned.then_some(at))
        .bind(stamp.actor)
        .bind(at)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            tx.rollback().await?;
            return Ok(None);
        };
        let refund = refund_of(&row)?;
        sqlx::query(
            "UPDATE payments SET refunds_in_process = refunds_in_process - $1, \
             refunded_amount = refunded_amount + $2, updated_at = $3 WHERE id = $4",
        )
        .bind(refund.amount)
        .bind(if returned { refund.amount } else { 0 })
        .bind(at)
        .bind(refund.payment_request_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(refund))
    }
}
