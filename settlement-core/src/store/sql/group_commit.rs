//! Group commit for new payments on SQLite. SQLite commits one transaction at a time, each with
//! its own fsync; with many requests in flight, a commit each caps the payments per second.
//! Here the payments waiting to be written go in one transaction, as one multi-row statement (a
//! duplicate `external_id` is skipped by it and answered with its holder; any other failure
//! retries each payment alone under a savepoint), and one commit makes them all durable. Each
//! request is answered only after that commit: a 201 still means on disk. The batches go
//! through one connection kept for them (the log is copied into the file beside them, by
//! `checkpoints`).

use std::sync::Arc;

use sqlx::pool::PoolConnection;
use sqlx::{Acquire, Any, AnyPool, Row, Transaction};
use time::OffsetDateTime;
use tokio::sync::{Mutex, mpsc, oneshot};

use super::{Backend, PaymentRow, insert_payment_rows, is_unique_violation, payment_from_new};
use crate::payment::NewPayment;
use crate::store::{Inserted, StoreError};

/// The most payments in one commit: enough to carry a full queue, small enough that the first
/// in a batch does not wait long for the last.
const MAX_BATCH: usize = 256;

struct Job {
    new: NewPayment,
    created_by: String,
    at: OffsetDateTime,
    reply: oneshot::Sender<Result<Inserted, StoreError>>,
}

/// The queue of payments to write, and the task that writes them.
#[derive(Debug, Clone)]
pub(super) struct GroupCommit {
    jobs: mpsc::UnboundedSender<Job>,
}

impl GroupCommit {
    /// Starts the writing task; it ends when the last handle is dropped.
    pub(super) fn start(pool: AnyPool, writer: Arc<Mutex<()>>) -> Self {
        let (jobs, queue) = mpsc::unbounded_channel();
        tokio::spawn(run(pool, writer, queue));
        GroupCommit { jobs }
    }

    /// Writes `new` in the next commit; answers once that commit is durable.
    pub(super) async fn insert(
        &self,
        new: &NewPayment,
        created_by: &str,
        at: OffsetDateTime,
    ) -> Result<Inserted, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job = Job { new: new.clone(), created_by: created_by.to_owned(), at, reply };
        let gone = || StoreError::Unavailable("the payment writer has stopped".to_owned());
        self.jobs.send(job).map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }
}

async fn run(pool: AnyPool, writer: Arc<Mutex<()>>, mut queue: mpsc::UnboundedReceiver<Job>) {
    // One connection for every batch, kept while it works: SQLite drops a connection's page
    // cache when another connection has written since its last transaction, so a writer
    // picked from the pool each time reads its pages back from the file (perf: most of the
    // writer thread's time).
    let mut connection: Option<PoolConnection<Any>> = None;
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        let _turn = writer.lock().await;
        // Whatever arrived while this one waited for its turn rides along.
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let written = match &mut connection {
            Some(connection) => write(connection, &batch).await,
            None => match pool.acquire().await {
                Ok(acquired) => write(connection.insert(acquired), &batch).await,
                Err(error) => Err(error.into()),
            },
        };
        if written.is_err() {
            // Whatever went wrong, the next batch starts on a fresh connection.
            connection = None;
        }
        match written {
            Ok(outcomes) => {
                for (job, outcome) in batch.into_iter().zip(outcomes) {
                    let _ = job.reply.send(outcome);
                }
            }
            // Nothing of the batch was committed: each request gets the error.
            Err(error) => {
                let message = error.to_string();
                let unavailable = matches!(error, StoreError::Unavailable(_));
                for job in batch {
                    let error = if unavailable {
                        StoreError::Unavailable(message.clone())
                    } else {
                        StoreError::Database(message.clone())
                    };
                    let _ = job.reply.send(Err(error));
                }
            }
        }
    }
}

/// One transaction for the batch; each payment's outcome once it has committed.
async fn write(
    connection: &mut PoolConnection<Any>,
    batch: &[Job],
) -> Result<Vec<Result<Inserted, StoreError>>, StoreError> {
    let rows: Vec<PaymentRow<'_>> =
        batch.iter().map(|job| PaymentRow::new(&job.new, &job.created_by, job.at)).collect();
    let mut tx = connection.begin().await?;
    let outcomes = match together(&mut tx, &rows).await {
        Ok(outcomes) => outcomes,
        // Something other than a duplicate failed the shared statement: each payment alone,
        // so that one bad row fails only its own request.
        Err(_) => {
            tx.rollback().await?;
            tx = connection.begin().await?;
            one_by_one(&mut tx, &rows).await?
        }
    };
    tx.commit().await?;
    Ok(outcomes)
}

/// The whole batch in one multi-row INSERT (one round trip to SQLite's thread, where a
/// statement per payment costs more than the commit it shares); a duplicate `external_id` is
/// skipped by the statement and answered with the payment that holds it.
async fn together(
    tx: &mut Transaction<'_, Any>,
    rows: &[PaymentRow<'_>],
) -> Result<Vec<Result<Inserted, StoreError>>, sqlx::Error> {
    let ids = insert_payment_rows(tx, Backend::Sqlite, rows, true).await?;
    let mut outcomes = Vec::with_capacity(rows.len());
    for row in rows {
        outcomes.push(match ids.get(&row.unique_id) {
            Some(id) => Ok(created(row, *id)),
            None => Ok(Inserted::DuplicateExternalId(holder(tx, row).await?)),
        });
    }
    Ok(outcomes)
}

/// Each payment under its own savepoint, so a failing one rolls back alone.
async fn one_by_one(
    tx: &mut Transaction<'_, Any>,
    rows: &[PaymentRow<'_>],
) -> Result<Vec<Result<Inserted, StoreError>>, StoreError> {
    let mut outcomes = Vec::with_capacity(rows.len());
    for row in rows {
        sqlx::query("SAVEPOINT payment").execute(&mut **tx).await?;
        let outcome = match insert_payment_rows(tx, Backend::Sqlite, &[*row], false).await {
            Ok(ids) => match ids.get(&row.unique_id) {
                Some(id) => Ok(created(row, *id)),
                None => Err(StoreError::Database("the payment insert returned no id".to_owned())),
            },
            Err(error) if is_unique_violation(&error) && row.new.external_id.is_some() => {
                sqlx::query("ROLLBACK TO payment").execute(&mut **tx).await?;
                Ok(Inserted::DuplicateExternalId(holder(tx, row).await?))
            }
            Err(error) => {
                sqlx::query("ROLLBACK TO payment").execute(&mut **tx).await?;
                Err(error.into())
            }
        };
        sqlx::query("RELEASE payment").execute(&mut **tx).await?;
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

fn created(row: &PaymentRow<'_>, id: i64) -> Inserted {
    Inserted::Created(Box::new(payment_from_new(row.new, id, row.unique_id, row.created_by, row.at)))
}

/// The id of the payment holding `row`'s `external_id`.
async fn holder(tx: &mut Transaction<'_, Any>, row: &PaymentRow<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT id FROM payments WHERE external_id = $1")
        .bind(row.new.external_id.as_deref())
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")
}
