//! [`ScheduleStore`] over the same pool as the payments.

use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{FetchCommitted, PaymentRow, SqlStore, insert_payment_rows, time_of};
use crate::audit::Stamp;
use crate::schedule::{Schedule, ScheduleRule, ScheduleStatus, ScheduleType, format_time};
use crate::store::{RunRecord, ScheduleFilter, ScheduleRun, ScheduleStore, StoreError};

const COLUMNS: &str = "id, unique_id, payment_request_id, type, scheduled_date, scheduled_time, time_zone, \
    recurrence_end_date, max_occurrences, day_of_month, day_of_week, status, next_occurrence, next_run_at, run_count, \
    fail_count, consecutive_failures, created_by, created_at, updated_at";

fn schedule_of(row: &AnyRow) -> Result<Schedule, StoreError> {
    let corrupt = |what: &str, value: &str| StoreError::Corrupt(format!("{what} {value:?}"));
    let unique_id: String = row.try_get("unique_id")?;
    let kind: String = row.try_get("type")?;
    let status: String = row.try_get("status")?;
    Ok(Schedule {
        id: row.try_get("id")?,
        unique_id: Uuid::parse_str(&unique_id).map_err(|_| corrupt("unique_id", &unique_id))?,
        payment_request_id: row.try_get("payment_request_id")?,
        kind: ScheduleType::parse(&kind).ok_or_else(|| corrupt("type", &kind))?,
        scheduled_date: row.try_get("scheduled_date")?,
        scheduled_time: row.try_get("scheduled_time")?,
        time_zone: row.try_get("time_zone")?,
        recurrence_end_date: row.try_get("recurrence_end_date")?,
        max_occurrences: row.try_get("max_occurrences")?,
        day_of_month: row.try_get("day_of_month")?,
        day_of_week: row.try_get("day_of_week")?,
        status: ScheduleStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        next_occurrence: row.try_get("next_occurrence")?,
        next_run_at: row.try_get::<Option<i64>, _>("next_run_at")?.map(time_of).transpose()?,
        run_count: row.try_get("run_count")?,
        fail_count: row.try_get("fail_count")?,
        consecutive_failures: row.try_get("consecutive_failures")?,
        created_by: row.try_get("created_by")?,
        created_at: time_of(row.try_get("created_at")?)?,
        updated_at: time_of(row.try_get("updated_at")?)?,
    })
}

impl ScheduleStore for SqlStore {
    async fn insert_schedule(
        &self,
        template: i64,
        rule: &ScheduleRule,
        next: Option<(i64, OffsetDateTime)>,
        created_by: &str,
        at: OffsetDateTime,
    ) -> Result<Schedule, StoreError> {
        let _turn = self.write_turn().await;
        let row = sqlx::query(&format!(
            "INSERT INTO schedules (unique_id, payment_request_id, type, scheduled_date, scheduled_time, time_zone, \
             recurrence_end_date, max_occurrences, day_of_month, day_of_week, status, next_occurrence, next_run_at, \
             run_count, fail_count, consecutive_failures, created_by, changed_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 0, 0, 0, $14, $14, $15, $15) RETURNING {COLUMNS}"
        ))
        .bind(Uuid::new_v4().to_string())
        .bind(template)
        .bind(rule.kind.as_str())
        .bind(rule.scheduled_date.to_string())
        .bind(format_time(rule.scheduled_time))
        .bind(rule.time_zone.as_str())
        .bind(rule.recurrence_end_date.map(|d| d.to_string()))
        .bind(rule.max_occurrences.map(i64::from))
        .bind(rule.day_of_month.map(i64::from))
        .bind(rule.day_of_week.map(i64::from))
        .bind(if next.is_some() { "ACTIVE" } else { "COMPLETED" })
        .bind(next.map_or(0, |(occurrence, _)| occurrence))
        .bind(next.map(|(_, at)| at.unix_timestamp()))
        .bind(created_by)
        .bind(at.unix_timestamp())
        .fetch_one_committed(&self.pool)
        .await?;
        schedule_of(&row)
    }

    async fn schedule(&self, id: i64) -> Result<Option<Schedule>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM schedules WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(schedule_of).transpose()
    }

    async fn schedules(&self, filter: &ScheduleFilter) -> Result<(Vec<Schedule>, u64), StoreError> {
        let mut conditions = Vec::new();
        if filter.status.is_some() {
            conditions.push(format!("status = ${}", conditions.len() + 1));
        }
        if filter.kind.is_some() {
            conditions.push(format!("type = ${}", conditions.len() + 1));
        }
        match filter.due {
            Some((true, _)) => conditions.push(format!(
                "status = 'ACTIVE' AND next_run_at IS NOT NULL AND next_run_at <= ${}",
                conditions.len() + 1
            )),
            Some((false, _)) => conditions.push(format!(
                "NOT (status = 'ACTIVE' AND next_run_at IS NOT NULL AND next_run_at <= ${})",
                conditions.len() + 1
            )),
            None => {}
        }
        let where_clause =
            if conditions.is_empty() { String::new() } else { format!(" WHERE {}", conditions.join(" AND ")) };
        fn bind<'q>(
            sql: &'q str,
            filter: &ScheduleFilter,
        ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
            let mut query = sqlx::query(sql);
            if let Some(status) = filter.status {
                query = query.bind(status.as_str());
            }
            if let Some(kind) = filter.kind {
                query = query.bind(kind.as_str());
            }
            if let Some((_, now)) = filter.due {
                query = query.bind(now.unix_timestamp());
            }
            query
        }
        let count_sql = format!("SELECT COUNT(*) AS total FROM schedules{where_clause}");
        let total: i64 = bind(&count_sql, filter).fetch_one(&self.pool).await?.try_get("total")?;
        let page_sql = format!(
            "SELECT {COLUMNS} FROM schedules{where_clause} ORDER BY id DESC LIMIT {} OFFSET {}",
            filter.limit,
            filter.offset.min(i64::MAX as u64)
        );
        let rows = bind(&page_sql, filter).fetch_all(&self.pool).await?;
        Ok((rows.iter().map(schedule_of).collect::<Result<_, _>>()?, total.max(0) as u64))
    }

    async fn change_schedule(
        &self,
        id: i64,
        allowed: &[ScheduleStatus],
        status: ScheduleStatus,
        rule: Option<&ScheduleRule>,
        next: Option<(i64, Option<OffsetDateTime>)>,
        stamp: Stamp<'_>,
    ) -> Result<Option<Schedule>, StoreError> {
        let _turn = self.write_turn().await;
        let allowed: Vec<String> = allowed.iter().map(|s| format!("'{}'", s.as_str())).collect();
        let mut sets = vec!["status = $1".to_owned(), "updated_at = $2".to_owned()];
        if rule.is_some() {
            sets.extend(
                [
                    "scheduled_date = $3",
                    "scheduled_time = $4",
                    "time_zone = $5",
                    "recurrence_end_date = $6",
                    "max_occurrences = $7",
                    "day_of_month = $8",
                    "day_of_week = $9",
                ]
                .map(str::to_owned),
            );
        }
        let (occurrence_at, run_at) = if rule.is_some() { (10, 11) } else { (3, 4) };
        if next.is_some() {
            sets.push(format!("next_occurrence = ${occurrence_at}"));
            sets.push(format!("next_run_at = ${run_at}"));
        }
        let id_at = if next.is_some() { run_at + 1 } else { occurrence_at };
        sets.push(format!("changed_by = ${}", id_at + 1));
        let sql = format!(
            "UPDATE schedules SET {} WHERE id = ${id_at} AND status IN ({}) RETURNING {COLUMNS}",
            sets.join(", "),
            allowed.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(status.as_str()).bind(stamp.at.unix_timestamp());
        if let Some(rule) = rule {
            query = query
                .bind(rule.scheduled_date.to_string())
                .bind(format_time(rule.scheduled_time))
                .bind(rule.time_zone.clone())
                .bind(rule.recurrence_end_date.map(|d| d.to_string()))
                .bind(rule.max_occurrences.map(i64::from))
                .bind(rule.day_of_month.map(i64::from))
                .bind(rule.day_of_week.map(i64::from));
        }
        if let Some((occurrence, next_run_at)) = next {
            query = query.bind(occurrence).bind(next_run_at.map(OffsetDateTime::unix_timestamp));
        }
        let row = query.bind(id).bind(stamp.actor).fetch_committed(&self.pool).await?;
        row.as_ref().map(schedule_of).transpose()
    }

    async fn due_schedules(&self, now: OffsetDateTime, limit: u32) -> Result<Vec<Schedule>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM schedules WHERE status = 'ACTIVE' AND next_run_at IS NOT NULL AND next_run_at <= $1 \
             ORDER BY next_run_at, id LIMIT {limit}"
        ))
        .bind(now.unix_timestamp())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(schedule_of).collect()
    }

    async fn record_run(
        &self,
        schedule: &Schedule,
        run: &RunRecord,
        created_by: &str,
        at: OffsetDateTime,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        // On PostgreSQL, servers sharing the database skip a schedule another is running
        // rather than wait for it (SQLite has one writer at a time already).
        if self.backend == super::Backend::Postgres {
            let free = sqlx::query(
                "SELECT id FROM schedules WHERE id = $1 AND status = 'ACTIVE' AND next_occurrence = $2 \
                 FOR UPDATE SKIP LOCKED",
            )
            .bind(schedule.id)
            .bind(run.occurrence)
            .fetch_optional(&mut *tx)
            .await?;
            if free.is_none() {
                tx.rollback().await?;
                return Ok(false);
            }
        }
        // The occurrence is claimed first: a second claim of the same one finds it taken
        // (ON CONFLICT, so PostgreSQL's transaction survives) and changes nothing.
        let claimed = sqlx::query(
            "INSERT INTO schedule_runs (schedule_id, occurrence, scheduled_for, ran_at, outcome) \
             VALUES ($1, $2, $3, $4, 'PENDING') ON CONFLICT (schedule_id, occurrence) DO NOTHING RETURNING id",
        )
        .bind(schedule.id)
        .bind(run.occurrence)
        .bind(run.scheduled_for.unix_timestamp())
        .bind(at.unix_timestamp())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(claimed) = claimed else {
            tx.rollback().await?;
            return Ok(false);
        };
        let run_id: i64 = claimed.try_get("id")?;
        let outcome = match &run.payment {
            Ok(payment) => {
                let row = PaymentRow::new(payment, created_by, at);
                let unique_id = row.unique_id;
                let ids = insert_payment_rows(&mut tx, self.backend, &[row], true).await?;
                match ids.get(&unique_id) {
                    Some(id) => Ok(*id),
                    None => Err(format!(
                        "a payment with external_id {} exists",
                        payment.external_id.as_deref().unwrap_or_default()
                    )),
                }
            }
            Err(error) => Err(error.clone()),
        };
        let (outcome_text, payment_id, error) = match &outcome {
            Ok(id) => ("SUCCESS", Some(*id), None),
            Err(error) => ("FAILED", None, Some(error.clone())),
        };
        sqlx::query("UPDATE schedule_runs SET outcome = $1, payment_request_id = $2, error = $3 WHERE id = $4")
            .bind(outcome_text)
            .bind(payment_id)
            .bind(error)
            .bind(run_id)
            .execute(&mut *tx)
            .await?;
        let succeeded = i64::from(outcome.is_ok());
        let status = match (run.next_run_at, outcome.is_ok(), run.pause) {
            (None, true, _) => "COMPLETED",
            (None, false, _) => "FAILED",
            (Some(_), false, true) => "PAUSED",
            (Some(_), _, _) => "ACTIVE",
        };
        let advanced = sqlx::query(
            "UPDATE schedules SET run_count = run_count + $1, fail_count = fail_count + $2, \
             consecutive_failures = CASE WHEN $1 = 1 THEN 0 ELSE consecutive_failures + 1 END, \
             next_occurrence = $3, next_run_at = $4, status = $5, updated_at = $6, changed_by = $9 \
             WHERE id = $7 AND status = 'ACTIVE' AND next_occurrence = $8",
        )
        .bind(succeeded)
        .bind(1 - succeeded)
        .bind(run.occurrence + 1)
        .bind(run.next_run_at.map(OffsetDateTime::unix_timestamp))
        .bind(status)
        .bind(at.unix_timestamp())
        .bind(schedule.id)
        .bind(run.occurrence)
        .bind(actor)
        .execute(&mut *tx)
        .await?;
        if advanced.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn schedule_runs(&self, id: i64, limit: u32, offset: u64) -> Result<(Vec<ScheduleRun>, u64), StoreError> {
        let total: i64 = sqlx::query("SELECT COUNT(*) AS total FROM schedule_runs WHERE schedule_id = $1")
            .bind(id)
            .fetch_one(&self.pool)
            .await?
            .try_get("total")?;
        let rows = sqlx::query(&format!(
            "SELECT {RUN_COLUMNS} FROM schedule_runs WHERE schedule_id = $1 ORDER BY occurrence LIMIT {limit} OFFSET {}",
            offset.min(i64::MAX as u64)
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let runs = rows.iter().map(run_of).collect::<Result<_, StoreError>>()?;
        Ok((runs, total.max(0) as u64))
    }
}

/// The columns [`run_of`] reads.
pub(super) const RUN_COLUMNS: &str = "occurrence, scheduled_for, ran_at, outcome, payment_request_id, error";

/// A schedule run row, as the API shows it.
pub(super) fn run_of(row: &AnyRow) -> Result<ScheduleRun, StoreError> {
    Ok(ScheduleRun {
        occurrence: row.try_get::<i64, _>("occurrence")? + 1,
        scheduled_for: time_of(row.try_get("scheduled_for")?)?,
        ran_at: time_of(row.try_get("ran_at")?)?,
        outcome: row.try_get("outcome")?,
        payment_request_id: row.try_get("payment_request_id")?,
        error: row.try_get("error")?,
    })
}
