//! When a recurring schedule runs: a pure function of its rule, so that the scheduler, the API
//! and the tests agree.
//!
//! The first occurrence is the first matching date on or after the start date, at the schedule's
//! local time in its time zone. DAILY adds days; WEEKLY runs on one weekday; MONTHLY on one day of
//! the month, or on the month's last day when the month is shorter. A local time that a
//! daylight-saving change skips runs at the first instant after the gap; one it repeats runs at
//! its first occurrence. The series ends after the end date (inclusive) or after the maximum
//! number of runs, whichever comes first.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// How often a schedule runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    /// Once, on the start date.
    Once,
    /// Every day.
    Daily,
    /// Every week on this day.
    Weekly(Weekday),
    /// Every month on this day (1-31), or the month's last day when it is shorter.
    Monthly(i8),
}

/// A recurrence rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Recurrence {
    /// How often.
    pub frequency: Frequency,
    /// No occurrence before this date.
    pub start: Date,
    /// The local time of each occurrence.
    pub time: Time,
    /// Whose local time.
    pub zone: TimeZone,
    /// No occurrence after this date (inclusive).
    pub end: Option<Date>,
    /// No more than this many occurrences.
    pub max_occurrences: Option<u32>,
}

/// The last day of `date`'s month.
fn last_day(date: Date) -> i8 {
    date.days_in_month()
}

impl Recurrence {
    /// The date of occurrence `n` (from 0), ignoring the end.
    fn date(&self, n: u32) -> Option<Date> {
        let n = i64::from(n);
        match self.frequency {
            Frequency::Once => (n == 0).then_some(self.start),
            Frequency::Daily => self.start.checked_add(n.days()).ok(),
            Frequency::Weekly(weekday) => {
                let ahead = i64::from(weekday.since(self.start.weekday()));
                self.start.checked_add((ahead + 7 * n).days()).ok()
            }
            Frequency::Monthly(day) => {
                let first_of_month = self.start.first_of_month();
                let in_start_month = day.min(last_day(self.start));
                // This month still has the day ahead, or the series starts next month.
                let skip = i64::from(in_start_month < self.start.day());
                let month = first_of_month.checked_add((skip + n).months()).ok()?;
                month.with().day(day.min(last_day(month))).build().ok()
            }
        }
    }

    /// Occurrence `n` (from 0) as an instant, or `None` when the series ends before it.
    pub fn occurrence(&self, n: u32) -> Option<Timestamp> {
        if self.max_occurrences.is_some_and(|max| n >= max) {
            return None;
        }
        let date = self.date(n)?;
        if self.end.is_some_and(|end| date > end) {
            return None;
        }
        // Jiff's default disambiguation: a skipped local time moves past the gap, a repeated
        // one takes its first instant.
        self.zone.to_ambiguous_zoned(date.to_datetime(self.time)).compatible().ok().map(|zoned| zoned.timestamp())
    }

    /// The first occurrence at or after `at`, and its number; `None` when the series has ended.
    pub fn next_at_or_after(&self, at: Timestamp) -> Option<(u32, Timestamp)> {
        // Occurrences strictly increase: find the first at or after `at` by doubling, then
        // bisecting, over occurrence numbers.
        let is_late = |n: u32| self.occurrence(n).map(|when| when < at);
        match is_late(0) {
            None => return None,
            Some(false) => return self.occurrence(0).map(|when| (0, when)),
            Some(true) => {}
        }
        let (mut low, mut high) = (0u32, 1u32);
        // Until past the end, or at or after `at`: then the answer is in (low, high].
        while let Some(true) = is_late(high) {
            low = high;
            high = high.checked_mul(2)?;
        }
        while high - low > 1 {
            let middle = low + (high - low) / 2;
            match is_late(middle) {
                Some(true) => low = middle,
                _ => high = middle,
            }
        }
        self.occurrence(high).map(|when| (high, when))
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn rule(frequency: Frequency, start: Date) -> Recurrence {
        Recurrence {
            frequency,
            start,
            time: Time::constant(10, 0, 0, 0),
            zone: TimeZone::UTC,
            end: None,
            max_occurrences: None,
        }
    }

    fn dates(rule: &Recurrence, count: u32) -> Vec<Date> {
        (0..count).filter_map(|n| rule.occurrence(n)).map(|t| t.to_zoned(rule.zone.clone()).date()).collect()
    }

    #[test]
    fn monthly_on_the_31st_falls_back_to_the_last_day() {
        let monthly = rule(Frequency::Monthly(31), date(2026, 1, 15));
        assert_eq!(dates(&monthly, 4), [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]);
        let leap = rule(Frequency::Monthly(29), date(2028, 2, 1));
        assert_eq!(dates(&leap, 2), [date(2028, 2, 29), date(2028, 3, 29)]);
        let late_start = rule(Frequency::Monthly(10), date(2026, 1, 11));
        assert_eq!(dates(&late_start, 1), [date(2026, 2, 10)]);
    }

    #[test]
    fn weekly_starts_on_the_first_matching_day() {
        let weekly = rule(Frequency::Weekly(Weekday::Sunday), date(2026, 11, 22));
        assert_eq!(dates(&weekly, 2), [date(2026, 11, 22), date(2026, 11, 29)]);
        let monday = rule(Frequency::Weekly(Weekday::Monday), date(2026, 11, 22));
        assert_eq!(dates(&monday, 1), [date(2026, 11, 23)]);
    }

    #[test]
    fn the_series_ends_at_the_end_date_or_the_maximum() {
        let mut daily = rule(Frequency::Daily, date(2026, 1, 1));
        daily.end = Some(date(2026, 1, 3));
        assert_eq!(dates(&daily, 10).len(), 3);
        daily.max_occurrences = Some(2);
        assert_eq!(dates(&daily, 10).len(), 2);
        assert_eq!(dates(&rule(Frequency::Once, date(2026, 1, 1)), 5), [date(2026, 1, 1)]);
    }

    #[test]
    fn local_time_holds_across_daylight_saving() {
        // New York springs forward on 2026-03-08 and falls back on 2026-11-01.
        let mut daily = rule(Frequency::Daily, date(2026, 3, 7));
        daily.zone = TimeZone::get("America/New_York").unwrap();
        let utc_hours: Vec<i8> = (0..2).map(|n| daily.occurrence(n).unwrap().to_zoned(TimeZone::UTC).hour()).collect();
        assert_eq!(utc_hours, [15, 14], "10:00 EST, then 10:00 EDT");
        // 02:30 does not exist on 2026-03-08: it runs after the gap, at 03:30 EDT.
        daily.time = Time::constant(2, 30, 0, 0);
        let skipped = daily.occurrence(1).unwrap().to_zoned(daily.zone);
        assert_eq!((skipped.hour(), skipped.minute()), (3, 30));
        // São Paulo has no daylight saving: 10:00 is always 13:00 UTC.
        let mut sao_paulo = rule(Frequency::Monthly(1), date(2026, 1, 1));
        sao_paulo.zone = TimeZone::get("America/Sao_Paulo").unwrap();
        assert!((0..12).all(|n| sao_paulo.occurrence(n).unwrap().to_zoned(TimeZone::UTC).hour() == 13));
    }

    #[test]
    fn next_at_or_after_skips_what_is_past() {
        let daily = rule(Frequency::Daily, date(2026, 1, 1));
        let at: Timestamp = "2026-01-10T10:00:00Z".parse().unwrap();
        assert_eq!(daily.next_at_or_after(at), Some((9, at)));
        let just_after: Timestamp = "2026-01-10T10:00:01Z".parse().unwrap();
        assert_eq!(daily.next_at_or_after(just_after).map(|(n, _)| n), Some(10));
        let mut ended = daily;
        ended.end = Some(date(2026, 1, 5));
        assert_eq!(ended.next_at_or_after(at), None);
    }
}
