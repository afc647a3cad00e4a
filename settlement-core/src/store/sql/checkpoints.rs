//! Checkpoints of SQLite's write-ahead log, run beside the writers rather than by them.

use sqlx::AnyPool;

/// Copies the write-ahead log into the database file every 200 ms, on a connection of its
/// own, while `alive` can be upgraded. Left to SQLite, the commit that fills the log past its
/// threshold does the copy (and the database file's fsync) itself, with every writer waiting
/// behind it; here writers go on while the log is copied (a passive checkpoint never waits for
/// them). The connections' own threshold (20,000 pages) stays as a backstop.
pub(super) fn start(pool: AnyPool, alive: std::sync::Weak<()>) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_millis(200));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        while alive.upgrade().is_some() {
            every.tick().await;
            if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
                tracing::debug!(%error, "passive checkpoint");
            }
        }
    });
}
