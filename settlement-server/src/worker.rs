//! Background work: releasing `SCHEDULED` payments when their date arrives, turning imported
//! files' records into payments, and running due schedules.

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
