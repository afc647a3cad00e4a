//! When a failed delivery is tried again: about the Standard Webhooks schedule, with jitter.

use std::time::Duration;

/// The waits after the first attempt fails, the second, and so on; after the last, the delivery
/// has failed.
pub const SCHEDULE: [Duration; 7] = [
    Duration::from_secs(5),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(10 * 3600),
];

/// An endpoint whose every attempt failed for this long is disabled.
pub const DISABLE_AFTER: Duration = Duration::from_secs(5 * 24 * 3600);

/// The wait before the next attempt after `attempts` attempts failed, or `None` when none is
/// left. `jitter` in `[0, 1)` spreads it by ±10%, so that endpoints that failed together are not
/// retried together; a receiver's `Retry-After` lengthens it, up to the schedule's longest wait.
///
/// ```
/// use std::time::Duration;
/// use settlement_core::webhooks::retry::next_attempt;
/// assert_eq!(next_attempt(1, 0.5, None), Some(Duration::from_secs(5)));
/// assert_eq!(next_attempt(1, 0.5, Some(Duration::from_secs(60))), Some(Duration::from_secs(60)));
/// assert_eq!(next_attempt(8, 0.5, None), None);
/// ```
pub fn next_attempt(attempts: u32, jitter: f64, retry_after: Option<Duration>) -> Option<Duration> {
    let base = *SCHEDULE.get(attempts.checked_sub(1)? as usize)?;
    let spread = base.mul_f64(0.9 + 0.2 * jitter.clamp(0.0, 1.0));
    let longest = SCHEDULE[SCHEDULE.len() - 1];
    Some(retry_after.map_or(spread, |asked| spread.max(asked.min(longest))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_grows_and_ends_after_eight_attempts() {
        let waits: Vec<_> = (1..=8).map(|n| next_attempt(n, 0.5, None)).collect();
        assert!(waits[..7].iter().all(Option::is_some));
        assert_eq!(waits[7], None);
        assert_eq!(next_attempt(0, 0.5, None), None);
        assert_eq!(next_attempt(3, 0.0, None), Some(Duration::from_secs(27 * 60)));
        assert_eq!(next_attempt(3, 1.0, None), Some(Duration::from_secs(33 * 60)));
    }
}
