//! [`WebhookStore`] over the same pool: endpoints, the events the triggers write (migration 12),
//! their publication, and the deliveries senders claim.

use std::collections::HashMap;

use sqlx::any::AnyRow;
use sqlx::{Any, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::schedules::{RUN_COLUMNS, run_of};
use super::{Backend, FetchCommitted, Placeholders, SqlStore, time_of};
use crate::store::{EndpointChange, NewEndpoint, ScheduleRun, StoreError, WebhookStore};
use crate::webhooks::retry::DISABLE_AFTER;
use crate::webhooks::{
    Attempt, Claimed, Delivery, DeliveryFilter, DeliveryStatus, Endpoint, EventFilter, Outcome, Publication, RawEvent,
    Subscription, webhook_id,
};

const ENDPOINT_COLUMNS: &str = "id, url, description, event_types, enabled, disabled_reason, failing_since, \
    previous_secret_until, owner, created_at, updated_at";

const EVENT_COLUMNS: &str = "id, type, resource, object_id, detail, owner, from_status, to_status, actor, occurred_at";

const DELIVERY_COLUMNS: &str =
    "id, endpoint_id, event_id, event_type, status, attempts, next_attempt_at, delivered_at, created_at";

/// Rows per multi-row statement: at most 9 parameters each, well under both databases' limits.
const ROWS_PER_STATEMENT: usize = 500;

fn endpoint_of(row: &AnyRow) -> Result<Endpoint, StoreError> {
    let optional_time = |column: &str| -> Result<Option<OffsetDateTime>, StoreError> {
        row.try_get::<Option<i64>, _>(column)?.map(time_of).transpose()
    };
    let selectors: String = row.try_get("event_types")?;
    Ok(Endpoint {
        id: row.try_get("id")?,
        url: row.try_get("url")?,
        description: row.try_get("description")?,
        event_types: selectors.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        enabled: row.try_get::<i64, _>("enabled")? != 0,
        disabled_reason: row.try_get("disabled_reason")?,
        failing_since: optional_time("failing_since")?,
        previous_secret_expires_at: optional_time("previous_secret_until")?,
        owner: row.try_get("owner")?,
        created_at: time_of(row.try_get("created_at")?)?,
        updated_at: time_of(row.try_get("updated_at")?)?,
    })
}

fn delivery_of(row: &AnyRow) -> Result<Delivery, StoreError> {
    let status: String = row.try_get("status")?;
    let status =
        DeliveryStatus::parse(&status).ok_or_else(|| StoreError::Corrupt(format!("delivery status {status:?}")))?;
    let event_id: i64 = row.try_get("event_id")?;
    Ok(Delivery {
        id: row.try_get("id")?,
        endpoint_id: row.try_get("endpoint_id")?,
        event_id,
        webhook_id: webhook_id(event_id),
        event_type: row.try_get("event_type")?,
        status,
        attempt_count: row.try_get::<i64, _>("attempts")?.clamp(0, i64::from(u32::MAX)) as u32,
        next_attempt_at: match status {
            DeliveryStatus::Pending => Some(time_of(row.try_get("next_attempt_at")?)?),
            _ => None,
        },
        delivered_at: row.try_get::<Option<i64>, _>("delivered_at")?.map(time_of).transpose()?,
        created_at: time_of(row.try_get("created_at")?)?,
        attempts: Vec::new(),
    })
}

fn raw_event_of(row: &AnyRow) -> Result<RawEvent, StoreError> {
    Ok(RawEvent {
        id: row.try_get("id")?,
        event_type: row.try_get("type")?,
        resource: row.try_get("resource")?,
        object_id: row.try_get("object_id")?,
        detail: row.try_get("detail")?,
        owner: row.try_get("owner")?,
        from_status: row.try_get("from_status")?,
        to_status: row.try_get("to_status")?,
        actor: row.try_get("actor")?,
        occurred_at: time_of(row.try_get("occurred_at")?)?,
    })
}

impl SqlStore {
    /// The attempts of these deliveries, by delivery, oldest first.
    async fn attempts_of(&self, deliveries: &mut [Delivery]) -> Result<(), StoreError> {
        if deliveries.is_empty() {
            return Ok(());
        }
        let mut placeholders = Placeholders::new(self.backend);
        let sql = format!(
            "SELECT delivery_id, attempted_at, status_code, latency_ms, response_body, error FROM webhook_attempts \
             WHERE delivery_id IN ({}) ORDER BY id",
            placeholders.list(deliveries.len())
        );
        let mut query = sqlx::query(&sql);
        for delivery in deliveries.iter() {
            query = query.bind(delivery.id);
        }
        let mut by_delivery: HashMap<i64, Vec<Attempt>> = HashMap::new();
        for row in query.fetch_all(&self.pool).await? {
            by_delivery.entry(row.try_get("delivery_id")?).or_default().push(Attempt {
                attempted_at: time_of(row.try_get("attempted_at")?)?,
                status_code: row.try_get::<Option<i64>, _>("status_code")?.and_then(|code| u16::try_from(code).ok()),
                latency_ms: row.try_get::<i64, _>("latency_ms")?.max(0) as u64,
                response_body: row.try_get("response_body")?,
                error: row.try_get("error")?,
            });
        }
        for delivery in deliveries.iter_mut() {
            delivery.attempts = by_delivery.remove(&delivery.id).unwrap_or_default();
        }
        Ok(())
    }

    async fn delivery(&self, endpoint_id: i64, delivery_id: i64) -> Result<Option<Delivery>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1 AND endpoint_id = $2"
        ))
        .bind(delivery_id)
        .bind(endpoint_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let mut found = [delivery_of(&row)?];
        self.attempts_of(&mut found).await?;
        let [delivery] = found;
        Ok(Some(delivery))
    }
}

impl WebhookStore for SqlStore {
    async fn insert_endpoint(&self, new: &NewEndpoint<'_>) -> Result<Endpoint, StoreError> {
        let _turn = self.write_turn().await;
        let row = sqlx::query(&format!(
            "INSERT INTO webhook_endpoints (unique_id, url, description, event_types, enabled, secret, owner, \
             read_scopes, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) \
             RETURNING {ENDPOINT_COLUMNS}"
        ))
        .bind(Uuid::new_v4().to_string())
        .bind(new.url)
        .bind(new.description)
        .bind(new.selectors.join(" "))
        .bind(i64::from(new.enabled))
        .bind(new.secret)
        .bind(new.owner)
        .bind(new.scopes.join(" "))
        .bind(new.at.unix_timestamp())
        .fetch_one_committed(&self.pool)
        .await?;
        endpoint_of(&row)
    }

    async fn endpoint(&self, id: i64, owner: &str) -> Result<Option<Endpoint>, StoreError> {
        let row =
            sqlx::query(&format!("SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1 AND owner = $2"))
                .bind(id)
                .bind(owner)
                .fetch_optional(&self.pool)
                .await?;
        row.as_ref().map(endpoint_of).transpose()
    }

    async fn endpoints(&self, owner: &str, limit: u32, offset: u64) -> Result<(Vec<Endpoint>, u64), StoreError> {
        let total: i64 = sqlx::query("SELECT COUNT(*) AS total FROM webhook_endpoints WHERE owner = $1")
            .bind(owner)
            .fetch_one(&self.pool)
            .await?
            .try_get("total")?;
        let rows = sqlx::query(&format!(
            "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE owner = $1 ORDER BY id LIMIT {limit} OFFSET {}",
            offset.min(i64::MAX as u64)
        ))
        .bind(owner)
        .fetch_all(&self.pool)
        .await?;
        Ok((rows.iter().map(endpoint_of).collect::<Result<_, _>>()?, total.max(0) as u64))
    }

    async fn update_endpoint(
        &self,
        id: i64,
        owner: &str,
        change: &EndpointChange<'_>,
    ) -> Result<Option<Endpoint>, StoreError> {
        let _turn = self.write_turn().await;
        // Each value is set only when given ($n IS NULL keeps the column), and turning an
        // endpoint on clears why it was disabled and its failures.
        let row = sqlx::query(&format!(
            "UPDATE webhook_endpoints SET url = COALESCE($1, url), event_types = COALESCE($2, event_types), \
             description = CASE WHEN $3 = 1 THEN $4 ELSE description END, enabled = COALESCE($5, enabled), \
             disabled_reason = CASE WHEN $5 = 1 THEN NULL ELSE disabled_reason END, \
             failing_since = CASE WHEN $5 = 1 THEN NULL ELSE failing_since END, \
             read_scopes = $6, updated_at = $7 WHERE id = $8 AND owner = $9 RETURNING {ENDPOINT_COLUMNS}"
        ))
        .bind(change.url)
        .bind(change.selectors.map(|selectors| selectors.join(" ")))
        .bind(i64::from(change.description.is_some()))
        .bind(change.description.flatten())
        .bind(change.enabled.map(i64::from))
        .bind(change.scopes.join(" "))
        .bind(change.at.unix_timestamp())
        .bind(id)
        .bind(owner)
        .fetch_committed(&self.pool)
        .await?;
        row.as_ref().map(endpoint_of).transpose()
    }

    async fn rotate_secret(
        &self,
        id: i64,
        owner: &str,
        secret: &str,
        until: OffsetDateTime,
        at: OffsetDateTime,
    ) -> Result<Option<Endpoint>, StoreError> {
        let _turn = self.write_turn().await;
        let row = sqlx::query(&format!(
            "UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_until = $1, secret = $2, \
             updated_at = $3 WHERE id = $4 AND owner = $5 RETURNING {ENDPOINT_COLUMNS}"
        ))
        .bind(until.unix_timestamp())
        .bind(secret)
        .bind(at.unix_timestamp())
        .bind(id)
        .bind(owner)
        .fetch_committed(&self.pool)
        .await?;
        row.as_ref().map(endpoint_of).transpose()
    }

    async fn delete_endpoint(&self, id: i64, owner: &str) -> Result<bool, StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let found = sqlx::query("SELECT id FROM webhook_endpoints WHERE id = $1 AND owner = $2")
            .bind(id)
            .bind(owner)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if found {
            // The cascade is spelled out: it must not depend on SQLite's foreign_keys setting.
            sqlx::query(
                "DELETE FROM webhook_attempts WHERE delivery_id IN \
                 (SELECT id FROM webhook_deliveries WHERE endpoint_id = $1)",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM webhook_deliveries WHERE endpoint_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM webhook_endpoints WHERE id = $1").bind(id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(found)
    }

    async fn unpublished_events(&self, limit: u32) -> Result<Vec<RawEvent>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE published_at IS NULL ORDER BY id LIMIT {limit}"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(raw_event_of).collect()
    }

    async fn subscriptions(&self) -> Result<Vec<Subscription>, StoreError> {
        let rows = sqlx::query("SELECT id, owner, event_types, read_scopes FROM webhook_endpoints WHERE enabled = 1")
            .fetch_all(&self.pool)
            .await?;
        let words = |text: String| text.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect();
        rows.iter()
            .map(|row| {
                Ok(Subscription {
                    endpoint_id: row.try_get("id")?,
                    owner: row.try_get("owner")?,
                    selectors: words(row.try_get("event_types")?),
                    scopes: words(row.try_get("read_scopes")?),
                })
            })
            .collect()
    }

    async fn publish(&self, publications: &[Publication], at: OffsetDateTime) -> Result<u64, StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        // Another sender may have published some since they were read: it queued their
        // deliveries too, and this one queues only those it publishes.
        let mut published = Vec::with_capacity(publications.len());
        for chunk in publications.chunks(ROWS_PER_STATEMENT) {
            let mut placeholders = Placeholders::new(self.backend);
            let at_placeholder = placeholders.next();
            let sql = format!(
                "UPDATE events SET published_at = {at_placeholder} WHERE published_at IS NULL AND id IN ({}) RETURNING id",
                placeholders.list(chunk.len())
            );
            let mut query = sqlx::query(&sql).bind(at.unix_timestamp());
            for publication in chunk {
                query = query.bind(publication.event_id);
            }
            let ids: std::collections::HashSet<i64> =
                query.fetch_all(&mut *tx).await?.iter().map(|row| row.try_get("id")).collect::<Result<_, _>>()?;
            published.extend(chunk.iter().filter(|p| ids.contains(&p.event_id)));
        }
        let deliveries: Vec<(i64, &Publication)> =
            published.iter().flat_map(|p| p.endpoints.iter().map(move |endpoint| (*endpoint, *p))).collect();
        for chunk in deliveries.chunks(ROWS_PER_STATEMENT) {
            let mut placeholders = Placeholders::new(self.backend);
            let values = chunk
                .iter()
                .map(|_| format!("({}, 'PENDING', 0, {})", placeholders.list(4), placeholders.list(3)))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "INSERT INTO webhook_deliveries (endpoint_id, event_id, object_key, event_type, status, attempts, \
                 next_attempt_at, created_at, updated_at) VALUES {values} ON CONFLICT (endpoint_id, event_id) DO NOTHING"
            );
            let mut query = sqlx::query(&sql);
            for (endpoint, publication) in chunk {
                query = query
                    .bind(*endpoint)
                    .bind(publication.event_id)
                    .bind(publication.object_key.as_str())
                    .bind(publication.event_type.as_str())
                    .bind(at.unix_timestamp())
                    .bind(at.unix_timestamp())
                    .bind(at.unix_timestamp());
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(published.len() as u64)
    }

    async fn claim_deliveries(
        &self,
        now: OffsetDateTime,
        until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<Claimed>, StoreError> {
        // Only the oldest pending delivery of an object to an endpoint is due, so an object's
        // events reach a healthy endpoint in order. PostgreSQL senders skip what another holds.
        let skip_locked = match self.backend {
            Backend::Postgres => " FOR UPDATE OF d SKIP LOCKED",
            Backend::Sqlite => "",
        };
        // Most rounds find nothing due: a read says so without taking SQLite's writer.
        let due =
            sqlx::query("SELECT id FROM webhook_deliveries WHERE status = 'PENDING' AND next_attempt_at <= $1 LIMIT 1")
                .bind(now.unix_timestamp())
                .fetch_optional(&self.pool)
                .await?;
        if due.is_none() {
            return Ok(Vec::new());
        }
        // The enabled endpoints, named in the claim rather than joined: a join with the endpoints'
        // table, too small for PostgreSQL's autovacuum ever to analyze, made its planner expect
        // few due deliveries and sort them all (312 ms a claim with 50,000 pending, against
        // 0.7 ms walking the due index).
        let enabled: Vec<i64> = sqlx::query("SELECT id FROM webhook_endpoints WHERE enabled = 1")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| row.try_get("id"))
            .collect::<Result<_, _>>()?;
        if enabled.is_empty() {
            return Ok(Vec::new());
        }
        // Ids the database gave, written as numbers: no parameter limit on how many. SQLite would
        // take the list for an index of its own and sort every delivery of the endpoints; `+`
        // keeps it a filter there, so that SQLite too walks the due index.
        let enabled = enabled.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        let endpoints = match self.backend {
            Backend::Postgres => format!("d.endpoint_id IN ({enabled})"),
            Backend::Sqlite => format!("+d.endpoint_id IN ({enabled})"),
        };
        let claimed = {
            let _turn = self.write_turn().await;
            sqlx::query(&format!(
                "UPDATE webhook_deliveries SET locked_until = $1 WHERE id IN (\
                 SELECT d.id FROM webhook_deliveries d \
                 WHERE d.status = 'PENDING' AND d.next_attempt_at <= $2 \
                 AND (d.locked_until IS NULL OR d.locked_until <= $2) AND {endpoints} \
                 AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.endpoint_id = d.endpoint_id \
                 AND e.object_key = d.object_key AND e.status = 'PENDING' AND e.id < d.id) \
                 ORDER BY d.next_attempt_at, d.id LIMIT {limit}{skip_locked}) RETURNING id"
            ))
            .bind(until.unix_timestamp())
            .bind(now.unix_timestamp())
            .fetch_all(&self.pool)
            .await?
        };
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        let mut placeholders = Placeholders::new(self.backend);
        let sql = format!(
            "SELECT d.id, d.attempts, d.event_id, d.event_type, e.occurred_at, e.data, w.id AS endpoint_id, w.url, \
             w.secret, w.previous_secret, w.previous_secret_until FROM webhook_deliveries d \
             JOIN events e ON e.id = d.event_id JOIN webhook_endpoints w ON w.id = d.endpoint_id \
             WHERE d.id IN ({}) ORDER BY d.id",
            placeholders.list(claimed.len())
        );
        let mut query = sqlx::query(&sql);
        for row in &claimed {
            query = query.bind(row.try_get::<i64, _>("id")?);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                let mut secrets = vec![row.try_get::<String, _>("secret")?];
                let previous_until: Option<i64> = row.try_get("previous_secret_until")?;
                if let (Some(previous), Some(until)) =
                    (row.try_get::<Option<String>, _>("previous_secret")?, previous_until)
                    && until > now.unix_timestamp()
                {
                    secrets.push(previous);
                }
                Ok(Claimed {
                    delivery_id: row.try_get("id")?,
                    attempts: row.try_get::<i64, _>("attempts")?.clamp(0, i64::from(u32::MAX)) as u32,
                    event_id: row.try_get("event_id")?,
                    event_type: row.try_get("event_type")?,
                    occurred_at: time_of(row.try_get("occurred_at")?)?,
                    data: row.try_get("data")?,
                    endpoint_id: row.try_get("endpoint_id")?,
                    url: row.try_get("url")?,
                    secrets,
                })
            })
            .collect()
    }

    async fn record_outcomes(&self, outcomes: &[Outcome], at: OffsetDateTime) -> Result<(), StoreError> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        for chunk in outcomes.chunks(ROWS_PER_STATEMENT) {
            let mut placeholders = Placeholders::new(self.backend);
            let values = chunk.iter().map(|_| format!("({})", placeholders.list(6))).collect::<Vec<_>>().join(", ");
            let sql = format!(
                "INSERT INTO webhook_attempts (delivery_id, attempted_at, status_code, latency_ms, response_body, error) \
                 VALUES {values}"
            );
            let mut query = sqlx::query(&sql);
            for outcome in chunk {
                let attempt = &outcome.attempt;
                query = query
                    .bind(outcome.delivery_id)
                    .bind(attempt.attempted_at.unix_timestamp())
                    .bind(attempt.status_code.map(i64::from))
                    .bind(attempt.latency_ms.min(i64::MAX as u64) as i64)
                    .bind(attempt.response_body.as_deref())
                    .bind(attempt.error.as_deref());
            }
            query.execute(&mut *tx).await?;
        }
        for outcome in outcomes {
            let status = match (outcome.succeeded, outcome.next_attempt_at) {
                (true, _) => DeliveryStatus::Succeeded,
                (false, Some(_)) => DeliveryStatus::Pending,
                (false, None) => DeliveryStatus::Failed,
            };
            sqlx::query(
                "UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1, \
                 next_attempt_at = COALESCE($2, next_attempt_at), locked_until = NULL, last_status_code = $3, \
                 last_error = $4, delivered_at = $5, updated_at = $6 WHERE id = $7 AND status = 'PENDING'",
            )
            .bind(status.as_str())
            .bind(outcome.next_attempt_at.map(OffsetDateTime::unix_timestamp))
            .bind(outcome.attempt.status_code.map(i64::from))
            .bind(outcome.attempt.error.as_deref())
            .bind(outcome.succeeded.then_some(at.unix_timestamp()))
            .bind(at.unix_timestamp())
            .bind(outcome.delivery_id)
            .execute(&mut *tx)
            .await?;
        }
        // An endpoint's last attempt in this batch decides whether it is failing.
        let mut last: HashMap<i64, &Outcome> = HashMap::new();
        for outcome in outcomes {
            last.insert(outcome.endpoint_id, outcome);
        }
        let cut = (at - time::Duration::try_from(DISABLE_AFTER).unwrap_or(time::Duration::DAY)).unix_timestamp();
        for (endpoint, outcome) in last {
            if outcome.succeeded {
                sqlx::query(
                    "UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL",
                )
                .bind(endpoint)
                .execute(&mut *tx)
                .await?;
                continue;
            }
            sqlx::query("UPDATE webhook_endpoints SET failing_since = $1 WHERE id = $2 AND failing_since IS NULL")
                .bind(at.unix_timestamp())
                .bind(endpoint)
                .execute(&mut *tx)
                .await?;
            let reason = if outcome.gone {
                "the receiver answered 410 Gone".to_owned()
            } else {
                format!(
                    "every delivery failed for {} days; the last: {}",
                    DISABLE_AFTER.as_secs() / 86_400,
                    outcome.attempt.error.as_deref().unwrap_or("no answer")
                )
            };
            sqlx::query(
                "UPDATE webhook_endpoints SET enabled = 0, disabled_reason = $1, updated_at = $2 \
                 WHERE id = $3 AND enabled = 1 AND ($4 = 1 OR failing_since <= $5)",
            )
            .bind(reason)
            .bind(at.unix_timestamp())
            .bind(endpoint)
            .bind(i64::from(outcome.gone))
            .bind(cut)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn deliveries(&self, endpoint_id: i64, filter: &DeliveryFilter) -> Result<(Vec<Delivery>, u64), StoreError> {
        let mut conditions = vec!["endpoint_id = $1".to_owned()];
        if filter.status.is_some() {
            conditions.push(format!("status = ${}", conditions.len() + 1));
        }
        if filter.event_type.is_some() {
            conditions.push(format!("event_type = ${}", conditions.len() + 1));
        }
        let condition = conditions.join(" AND ");
        fn bind<'q>(
            sql: &'q str,
            endpoint_id: i64,
            filter: &'q DeliveryFilter,
        ) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
            let mut query = sqlx::query::<Any>(sql).bind(endpoint_id);
            if let Some(status) = filter.status {
                query = query.bind(status.as_str());
            }
            if let Some(event_type) = &filter.event_type {
                query = query.bind(event_type.as_str());
            }
            query
        }
        let count_sql = format!("SELECT COUNT(*) AS total FROM webhook_deliveries WHERE {condition}");
        let total: i64 = bind(&count_sql, endpoint_id, filter).fetch_one(&self.pool).await?.try_get("total")?;
        let page_sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE {condition} ORDER BY id DESC LIMIT {} OFFSET {}",
            filter.limit,
            filter.offset.min(i64::MAX as u64)
        );
        let rows = bind(&page_sql, endpoint_id, filter).fetch_all(&self.pool).await?;
        let mut deliveries = rows.iter().map(delivery_of).collect::<Result<Vec<_>, _>>()?;
        self.attempts_of(&mut deliveries).await?;
        Ok((deliveries, total.max(0) as u64))
    }

    async fn retry_delivery(
        &self,
        endpoint_id: i64,
        delivery_id: i64,
        at: OffsetDateTime,
    ) -> Result<Option<Delivery>, StoreError> {
        {
            let _turn = self.write_turn().await;
            let updated = sqlx::query(
                "UPDATE webhook_deliveries SET status = 'PENDING', next_attempt_at = $1, delivered_at = NULL, \
                 updated_at = $1 WHERE id = $2 AND endpoint_id = $3",
            )
            .bind(at.unix_timestamp())
            .bind(delivery_id)
            .bind(endpoint_id)
            .execute(&self.pool)
            .await?;
            if updated.rows_affected() == 0 {
                return Ok(None);
            }
        }
        self.delivery(endpoint_id, delivery_id).await
    }

    async fn replay(
        &self,
        endpoint_id: i64,
        owner: &str,
        types: &[&str],
        since: OffsetDateTime,
        at: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let failed = sqlx::query(
            "UPDATE webhook_deliveries SET status = 'PENDING', next_attempt_at = $1, updated_at = $1 \
             WHERE endpoint_id = $2 AND status = 'FAILED' AND created_at >= $3",
        )
        .bind(at.unix_timestamp())
        .bind(endpoint_id)
        .bind(since.unix_timestamp())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let mut queued = 0;
        if !types.is_empty() {
            let mut placeholders = Placeholders::new(self.backend);
            let (endpoint, now, owner_at, since_at) =
                (placeholders.next(), placeholders.next(), placeholders.next(), placeholders.next());
            let type_list = placeholders.list(types.len());
            let sql = format!(
                "INSERT INTO webhook_deliveries (endpoint_id, event_id, object_key, event_type, status, attempts, \
                 next_attempt_at, created_at, updated_at) \
                 SELECT p.endpoint, e.id, e.resource || ':' || e.object_id, e.type, 'PENDING', 0, p.now, p.now, p.now \
                 FROM (SELECT CAST({endpoint} AS BIGINT) AS endpoint, CAST({now} AS BIGINT) AS now, \
                 CAST({owner_at} AS TEXT) AS owner, CAST({since_at} AS BIGINT) AS since) p \
                 JOIN events e ON e.owner = p.owner \
                 WHERE e.published_at IS NOT NULL AND e.occurred_at >= p.since AND e.type IN ({type_list}) \
                 AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.endpoint_id = p.endpoint AND d.event_id = e.id) \
                 ORDER BY e.id"
            );
            let mut query =
                sqlx::query(&sql).bind(endpoint_id).bind(at.unix_timestamp()).bind(owner).bind(since.unix_timestamp());
            for event_type in types {
                query = query.bind(*event_type);
            }
            queued = query.execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        Ok(failed + queued)
    }

    async fn events(&self, filter: &EventFilter) -> Result<Vec<(RawEvent, Option<String>)>, StoreError> {
        if filter.types.is_empty() {
            return Ok(Vec::new());
        }
        let mut placeholders = Placeholders::new(self.backend);
        let owner = placeholders.next();
        let after = placeholders.next();
        let since = placeholders.next();
        let types = placeholders.list(filter.types.len());
        let sql = format!(
            "SELECT {EVENT_COLUMNS}, data FROM events WHERE owner = {owner} AND published_at IS NOT NULL \
             AND id > {after} AND occurred_at >= {since} AND type IN ({types}) ORDER BY id LIMIT {}",
            filter.limit
        );
        let mut query = sqlx::query(&sql)
            .bind(filter.owner.as_str())
            .bind(filter.after.unwrap_or(0))
            .bind(filter.since.map_or(i64::MIN, OffsetDateTime::unix_timestamp));
        for event_type in &filter.types {
            query = query.bind(*event_type);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(|row| Ok((raw_event_of(row)?, row.try_get("data")?))).collect()
    }

    async fn raw_events(&self, ids: &[i64]) -> Result<Vec<RawEvent>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut placeholders = Placeholders::new(self.backend);
        let sql =
            format!("SELECT {EVENT_COLUMNS} FROM events WHERE id IN ({}) ORDER BY id", placeholders.list(ids.len()));
        let mut query = sqlx::query(&sql);
        for id in ids {
            query = query.bind(*id);
        }
        query.fetch_all(&self.pool).await?.iter().map(raw_event_of).collect()
    }

    async fn keep_event_data(&self, rendered: &[(i64, String)]) -> Result<HashMap<i64, String>, StoreError> {
        if rendered.is_empty() {
            return Ok(HashMap::new());
        }
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        for (id, data) in rendered {
            sqlx::query("UPDATE events SET data = $1 WHERE id = $2 AND data IS NULL")
                .bind(data.as_str())
                .bind(*id)
                .execute(&mut *tx)
                .await?;
        }
        let mut placeholders = Placeholders::new(self.backend);
        let sql = format!("SELECT id, data FROM events WHERE id IN ({})", placeholders.list(rendered.len()));
        let mut query = sqlx::query(&sql);
        for (id, _) in rendered {
            query = query.bind(*id);
        }
        let rows = query.fetch_all(&mut *tx).await?;
        tx.commit().await?;
        rows.iter().map(|row| Ok((row.try_get("id")?, row.try_get("data")?))).collect()
    }

    async fn schedule_run(&self, schedule_id: i64, occurrence: i64) -> Result<Option<ScheduleRun>, StoreError> {
        let row =
            sqlx::query(&format!("SELECT {RUN_COLUMNS} FROM schedule_runs WHERE schedule_id = $1 AND occurrence = $2"))
                .bind(schedule_id)
                .bind(occurrence)
                .fetch_optional(&self.pool)
                .await?;
        row.as_ref().map(run_of).transpose()
    }
}
