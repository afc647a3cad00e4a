//! Background work: releasing `SCHEDULED` payments when their date arrives.

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
