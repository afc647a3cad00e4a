//! Background work: releasing `SCHEDULED` payments when their date arrives, turning imported
//! files' records into payments, running due schedules and automatic payments, and delivering
//! webhooks.

use std::time::Duration;

use settlement_core::{Settlement, SqlStore};
use tokio::sync::watch;

/// Every `interval`, moves due `SCHEDULED` payments to `PENDING`, until `shutdown` turns true.
/// The release is one conditional UPDATE, so several servers sharing a database never release a
/// payment twice, and a crash between ticks loses nothing.
pub async fn release_scheduled(
    settlement: Settlement<SqlStore>,
    interval: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = shutdown.changed() => return,
        }
        if *shutdown.borrow() {
            return;
        }
        match settlement.release_due().await {
            Ok(0) => {}
            Ok(released) => tracing::info!(released, "scheduled payments released to PENDING"),
            Err(error) => tracing::warn!(%error, "releasing scheduled payments failed; retrying next tick"),
        }
    }
}

/// Processes imports: whenever one starts (or every second, for imports left processing by a
/// stopped server), chunk after chunk until none is left. Each chunk commits its payments and
/// record statuses together, so stopping between chunks (or crashing in one) loses nothing.
pub async fn process_imports(
    settlement: Settlement<SqlStore>,
    work: std::sync::Arc<tokio::sync::Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        loop {
            if *shutdown.borrow() {
                return;
            }
            match settlement.process_next_chunk().await {
                Ok(0) => break,
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(%error, "processing an import failed; retrying");
                    break;
                }
            }
        }
        tokio::select! {
            _ = work.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// Every second, runs the due occurrences of schedules, each once (the claim and the payment
/// commit together), until none is due; missed occurrences run in order.
pub async fn run_schedules(settlement: Settlement<SqlStore>, mut shutdown: watch::Receiver<bool>) {
    loop {
        loop {
            if *shutdown.borrow() {
                return;
            }
            match settlement.run_due_schedules().await {
                Ok(0) => break,
                Ok(ran) => tracing::info!(ran, "schedule occurrences run"),
                Err(error) => {
                    tracing::warn!(%error, "running schedules failed; retrying");
                    break;
                }
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// Every second, expires unanswered authorization requests and settles the automatic payments
/// that fell due, each once (the payment request and the settlement commit together).
pub async fn run_automatic(settlement: Settlement<SqlStore>, mut shutdown: watch::Receiver<bool>) {
    loop {
        match settlement.expire_authorizations().await {
            Ok(0) => {}
            Ok(expired) => tracing::info!(expired, "authorization requests expired"),
            Err(error) => tracing::warn!(error = %error, "expiring authorizations failed"),
        }
        loop {
            if *shutdown.borrow() {
                return;
            }
            match settlement.settle_due_automatic_payments().await {
                Ok(0) => break,
                Ok(settled) => tracing::info!(settled, "automatic payments settled"),
                Err(error) => {
                    tracing::warn!(error = %error, "settling automatic payments failed; retrying");
                    break;
                }
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// Events published per round.
const PUBLISH_BATCH: u32 = 500;
/// Deliveries claimed per batch.
const SEND_BATCH: u32 = 100;
/// Batches in flight at once: a slow receiver holds up its batch, not the others.
const BATCHES_IN_FLIGHT: usize = 4;
/// How long a claim lasts: longer than an attempt may take, so a living sender never loses
/// one; a killed sender's lapse, and another sender (or this one, restarted) sends them again.
const LEASE: Duration = Duration::from_secs(30);
/// The pause between rounds that found less than a full batch: publishing and claiming write,
/// and on SQLite every write waits for the one writer, so they are done a batch at a time rather
/// than an event at a time.
const IDLE: Duration = Duration::from_millis(100);

/// Publishes events and sends their deliveries, until `shutdown` turns true. Delivery is at
/// least once: an attempt is recorded after it is made, so a crash in between sends it again,
/// with the same `webhook-id`.
pub async fn deliver_webhooks(
    settlement: Settlement<SqlStore>,
    sender: crate::webhook_sender::Sender,
    mut shutdown: watch::Receiver<bool>,
) {
    let in_flight = std::sync::Arc::new(tokio::sync::Semaphore::new(BATCHES_IN_FLIGHT));
    loop {
        if *shutdown.borrow() {
            break;
        }
        let mut busy = false;
        match settlement.publish_events(PUBLISH_BATCH).await {
            Ok(published) => busy |= published == PUBLISH_BATCH as usize,
            Err(error) => tracing::warn!(%error, "publishing events failed; retrying"),
        }
        let permit = tokio::select! {
            permit = in_flight.clone().acquire_owned() => permit,
            _ = shutdown.changed() => break,
        };
        let Ok(permit) = permit else { break };
        match settlement.claim_deliveries(SEND_BATCH, LEASE).await {
            Ok(claimed) if !claimed.is_empty() => {
                busy |= claimed.len() == SEND_BATCH as usize;
                let (settlement, sender) = (settlement.clone(), sender.clone());
                tokio::spawn(async move {
                    let sends = claimed.iter().map(|claimed| async {
                        let (attempt, retry_after) = sender.send(claimed).await;
                        settlement.outcome(claimed, attempt, retry_after)
                    });
                    let outcomes = futures_util::future::join_all(sends).await;
                    if let Err(error) = settlement.record_deliveries(&outcomes).await {
                        // The claims lapse and the deliveries are sent again.
                        tracing::warn!(%error, "recording webhook attempts failed");
                    }
                    drop(permit);
                });
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "claiming webhook deliveries failed; retrying"),
        }
        if !busy {
            tokio::select! {
                _ = tokio::time::sleep(IDLE) => {}
                _ = shutdown.changed() => break,
            }
        }
    }
    // Batches in flight finish (an attempt takes at most the sender's timeout) and are recorded.
    let _ = in_flight.acquire_many(BATCHES_IN_FLIGHT as u32).await;
}
