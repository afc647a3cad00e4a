//! The recurrence rule's properties, over generated rules: occurrences strictly increase, fall
//! on the rule's day, respect its end, and the search for the next one agrees with a scan.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use proptest::prelude::*;
use settlement_core::recurrence::{Frequency, Recurrence};

const ZONES: [&str; 4] = ["UTC", "America/Sao_Paulo", "America/New_York", "Australia/Lord_Howe"];

fn rule() -> impl Strategy<Value = Recurrence> {
    let frequency = prop_oneof![
        Just(Frequency::Once),
        Just(Frequency::Daily),
        (0i8..7).prop_map(|n| Frequency::Weekly(Weekday::from_sunday_zero_offset(n).unwrap())),
        (1i8..=31).prop_map(Frequency::Monthly),
    ];
    (
        frequency,
        0i64..3650,
        0i8..24,
        0i8..60,
        0usize..ZONES.len(),
        proptest::option::of(0i64..800),
        proptest::option::of(1u32..40),
    )
        .prop_map(|(frequency, start, hour, minute, zone, end, max_occurrences)| {
            let start = Date::constant(2024, 1, 1).checked_add(start.days()).unwrap();
            Recurrence {
                frequency,
                start,
                time: Time::constant(hour, minute, 0, 0),
                zone: TimeZone::get(ZONES[zone]).unwrap(),
                end: end.map(|days| start.checked_add(days.days()).unwrap()),
                max_occurrences,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn occurrences_increase_fall_on_their_day_and_respect_the_end(rule in rule()) {
        let mut previous: Option<Timestamp> = None;
        let mut count = 0u32;
        for n in 0..60 {
            let Some(when) = rule.occurrence(n) else {
                // Once ended, the series stays ended.
                prop_assert!((n..n + 5).all(|later| rule.occurrence(later).is_none()));
                break;
            };
            count += 1;
            let date = when.to_zoned(rule.zone.clone()).date();
            prop_assert!(date >= rule.start, "{date} before {}", rule.start);
            if let Some(end) = rule.end {
                prop_assert!(date <= end);
            }
            if let Some(previous) = previous {
                prop_assert!(when > previous);
            }
            match rule.frequency {
                Frequency::Once => prop_assert_eq!(date, rule.start),
                Frequency::Daily => {}
                Frequency::Weekly(weekday) => prop_assert_eq!(date.weekday(), weekday),
                Frequency::Monthly(day) => prop_assert_eq!(date.day(), day.min(date.days_in_month())),
            }
            previous = Some(when);
        }
        if let Some(max) = rule.max_occurrences {
            prop_assert!(count <= max);
        }
    }

    #[test]
    fn the_next_occurrence_is_the_first_not_before(rule in rule(), days in 0i64..1200, seconds in 0i64..86_400) {
        let at = rule.start.to_datetime(Time::midnight()).to_zoned(TimeZone::UTC).unwrap().timestamp()
            + (days * 24).hours()
            + seconds.seconds();
        let scanned = (0..2000u32).map_while(|n| rule.occurrence(n).map(|when| (n, when))).find(|(_, when)| *when >= at);
        prop_assert_eq!(rule.next_at_or_after(at), scanned);
    }
}
