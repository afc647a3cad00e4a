//! Recurring schedules of a template payment: the request, its checks, the stored schedule and
//! its state machine. When a schedule runs is [`crate::recurrence`]'s to say.

use std::fmt;

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::CoreError;
use crate::recurrence::{Frequency, Recurrence};
use crate::time_format;

/// How often a schedule runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum ScheduleType {
    /// Once.
    Once,
    /// Every day.
    Daily,
    /// Every week on `day_of_week`.
    Weekly,
    /// Every month on `day_of_month`.
    Monthly,
}

impl ScheduleType {
    /// The API's name.
    pub fn as_str(self) -> &'static str {
        match self {
            ScheduleType::Once => "ONCE",
            ScheduleType::Daily => "DAILY",
            ScheduleType::Weekly => "WEEKLY",
            ScheduleType::Monthly => "MONTHLY",
        }
    }

    /// Reads the API's name.
    pub fn parse(value: &str) -> Option<Self> {
        [ScheduleType::Once, ScheduleType::Daily, ScheduleType::Weekly, ScheduleType::Monthly]
            .into_iter()
            .find(|kind| kind.as_str() == value)
    }
}

/// Where a schedule is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum ScheduleStatus {
    /// Runs when due.
    Active,
    /// Does not run until resumed.
    Paused,
    /// Ran its last occurrence, and that run made its payment.
    Completed,
    /// Ran its last occurrence, and that run could not make its payment: final, like
    /// `COMPLETED`, but says that the schedule did not end well (`fail_count` says how often).
    Failed,
    /// Cancelled: final.
    Cancelled,
}

impl ScheduleStatus {
    /// The API's name.
    pub fn as_str(self) -> &'static str {
        match self {
            ScheduleStatus::Active => "ACTIVE",
            ScheduleStatus::Paused => "PAUSED",
            ScheduleStatus::Completed => "COMPLETED",
            ScheduleStatus::Failed => "FAILED",
            ScheduleStatus::Cancelled => "CANCELLED",
        }
    }

    /// Reads the API's name.
    pub fn parse(value: &str) -> Option<Self> {
        [
            ScheduleStatus::Active,
            ScheduleStatus::Paused,
            ScheduleStatus::Completed,
            ScheduleStatus::Failed,
            ScheduleStatus::Cancelled,
        ]
        .into_iter()
        .find(|status| status.as_str() == value)
    }

    /// ACTIVE -> PAUSED -> ACTIVE; ACTIVE or PAUSED -> CANCELLED; ACTIVE -> COMPLETED or FAILED.
    pub fn can_become(self, to: ScheduleStatus) -> bool {
        use ScheduleStatus::*;
        matches!((self, to), (Active, Paused | Cancelled | Completed | Failed) | (Paused, Active | Cancelled))
    }
}

impl fmt::Display for ScheduleStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The body of `POST /schedules`, and of `PUT /schedules/{id}` (where every field is optional
/// and `payment_request_id` and `type` cannot change).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleRequest {
    /// The template payment.
    #[schema(minimum = 1)]
    pub payment_request_id: Option<i64>,
    /// ONCE, DAILY, WEEKLY, MONTHLY.
    #[serde(rename = "type")]
    #[schema(value_type = Option<ScheduleType>)]
    pub kind: Option<String>,
    /// First date, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub scheduled_date: Option<String>,
    /// Local time, `HH:MM`.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub scheduled_time: Option<String>,
    /// Last date (inclusive), `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub recurrence_end_date: Option<String>,
    /// At most this many runs.
    #[schema(minimum = 1, maximum = 100000)]
    pub max_occurrences: Option<i64>,
    /// MONTHLY: 1-31 (the month's last day when shorter).
    #[schema(minimum = 1, maximum = 31)]
    pub day_of_month: Option<i64>,
    /// WEEKLY: 0-6 (0 = Sunday), or the English day name.
    #[schema(value_type = Option<String>)]
    pub day_of_week: Option<serde_json::Value>,
    /// IANA time zone of `scheduled_time` (default: the service's).
    #[schema(max_length = 64)]
    pub time_zone: Option<String>,
}

/// A checked schedule rule, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleRule {
    /// Its type.
    pub kind: ScheduleType,
    /// First date.
    pub scheduled_date: Date,
    /// Local time.
    pub scheduled_time: Time,
    /// The zone's IANA name.
    pub time_zone: String,
    /// Last date.
    pub recurrence_end_date: Option<Date>,
    /// At most this many runs.
    pub max_occurrences: Option<u32>,
    /// MONTHLY's day.
    pub day_of_month: Option<i8>,
    /// WEEKLY's day, 0 = Sunday.
    pub day_of_week: Option<i8>,
}

fn invalid(field: &str, rule: impl fmt::Display) -> CoreError {
    CoreError::Validation { field: field.to_owned(), message: format!("{field} {rule}") }
}

fn parse_date(field: &str, text: &str) -> Result<Date, CoreError> {
    text.parse::<Date>().ok().filter(|_| text.len() == 10).ok_or_else(|| invalid(field, "must be a date YYYY-MM-DD"))
}

fn parse_time(text: &str) -> Result<Time, CoreError> {
    let rule = "must be a time HH:MM";
    // Two digits each, as the document's pattern says: not `9:5` nor `+9:05`.
    let two_digits = |part: &str| part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit());
    let (hour, minute) = text
        .split_once(':')
        .filter(|(h, m)| two_digits(h) && two_digits(m))
        .ok_or_else(|| invalid("scheduled_time", rule))?;
    let (Ok(hour), Ok(minute)) = (hour.parse::<i8>(), minute.parse::<i8>()) else {
        return Err(invalid("scheduled_time", rule));
    };
    Time::new(hour, minute, 0, 0).map_err(|_| invalid("scheduled_time", rule))
}

fn parse_weekday(value: &serde_json::Value) -> Result<i8, CoreError> {
    const NAMES: [&str; 7] = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
    let rule = "must be 0-6 (0 = Sunday) or a day name such as MONDAY";
    match value {
        serde_json::Value::Number(n) => n.as_i64().filter(|n| (0..7).contains(n)).map(|n| n as i8),
        serde_json::Value::String(name) => {
            NAMES.iter().position(|day| day.eq_ignore_ascii_case(name.trim())).map(|n| n as i8)
        }
        _ => None,
    }
    .ok_or_else(|| invalid("day_of_week", rule))
}

impl ScheduleRule {
    /// The recurrence this rule describes.
    pub fn recurrence(&self) -> Result<Recurrence, CoreError> {
        let frequency = match self.kind {
            ScheduleType::Once => Frequency::Once,
            ScheduleType::Daily => Frequency::Daily,
            ScheduleType::Weekly => Frequency::Weekly(
                Weekday::from_sunday_zero_offset(self.day_of_week.unwrap_or(0))
                    .map_err(|_| invalid("day_of_week", "must be 0-6"))?,
            ),
            ScheduleType::Monthly => Frequency::Monthly(self.day_of_month.unwrap_or(1)),
        };
        Ok(Recurrence {
            frequency,
            start: self.scheduled_date,
            time: self.scheduled_time,
            zone: TimeZone::get(&self.time_zone).map_err(|_| invalid("time_zone", "must be an IANA time zone"))?,
            end: self.recurrence_end_date,
            max_occurrences: self.max_occurrences,
        })
    }
}

impl ScheduleRequest {
    /// Checks a new schedule's rule; the first failure names its field. `zone` is the
    /// service's default time zone.
    pub fn rule(&self, default_zone: &str) -> Result<ScheduleRule, CoreError> {
        let kind = self.kind.as_deref().ok_or_else(|| invalid("type", "is required"))?;
        let kind =
            ScheduleType::parse(kind).ok_or_else(|| invalid("type", "must be one of ONCE, DAILY, WEEKLY, MONTHLY"))?;
        let date = self.scheduled_date.as_deref().ok_or_else(|| invalid("scheduled_date", "is required"))?;
        let time = self.scheduled_time.as_deref().ok_or_else(|| invalid("scheduled_time", "is required"))?;
        self.check(kind, parse_date("scheduled_date", date)?, parse_time(time)?, default_zone)
    }

    /// Applies this update to `current`, checking the result as a whole.
    pub fn updated(&self, current: &ScheduleRule) -> Result<ScheduleRule, CoreError> {
        if self.payment_request_id.is_some() || self.kind.is_some() {
            let field = if self.kind.is_some() { "type" } else { "payment_request_id" };
            return Err(invalid(field, "cannot change: create another schedule"));
        }
        let date = match &self.scheduled_date {
            Some(text) => parse_date("scheduled_date", text)?,
            None => current.scheduled_date,
        };
        let time = match &self.scheduled_time {
            Some(text) => parse_time(text)?,
            None => current.scheduled_time,
        };
        let merged = ScheduleRequest {
            recurrence_end_date: self
                .recurrence_end_date
                .clone()
                .or_else(|| current.recurrence_end_date.map(|d| d.to_string())),
            max_occurrences: self.max_occurrences.or(current.max_occurrences.map(i64::from)),
            day_of_month: self.day_of_month.or(current.day_of_month.map(i64::from)),
            day_of_week: self.day_of_week.clone().or(current.day_of_week.map(serde_json::Value::from)),
            time_zone: self.time_zone.clone().or_else(|| Some(current.time_zone.clone())),
            ..Default::default()
        };
        merged.check(current.kind, date, time, &current.time_zone)
    }

    fn check(&self, kind: ScheduleType, date: Date, time: Time, default_zone: &str) -> Result<ScheduleRule, CoreError> {
        let end =
            self.recurrence_end_date.as_deref().map(|text| parse_date("recurrence_end_date", text)).transpose()?;
        if end.is_some_and(|end| end < date) {
            return Err(invalid("recurrence_end_date", "must not be before scheduled_date"));
        }
        let max_occurrences = match self.max_occurrences {
            Some(n) if !(1..=100_000).contains(&n) => {
                return Err(invalid("max_occurrences", "must be from 1 to 100000"));
            }
            other => other.map(|n| n as u32),
        };
        let day_of_month = match (kind, self.day_of_month) {
            (ScheduleType::Monthly, None) => return Err(invalid("day_of_month", "is required for MONTHLY")),
            (ScheduleType::Monthly, Some(day)) if !(1..=31).contains(&day) => {
                return Err(invalid("day_of_month", "must be from 1 to 31"));
            }
            (ScheduleType::Monthly, Some(day)) => Some(day as i8),
            (_, Some(_)) => return Err(invalid("day_of_month", "is only for MONTHLY")),
            (_, None) => None,
        };
        let day_of_week = match (kind, &self.day_of_week) {
            (ScheduleType::Weekly, None) => return Err(invalid("day_of_week", "is required for WEEKLY")),
            (ScheduleType::Weekly, Some(value)) => Some(parse_weekday(value)?),
            (_, Some(_)) => return Err(invalid("day_of_week", "is only for WEEKLY")),
            (_, None) => None,
        };
        let time_zone = self.time_zone.clone().unwrap_or_else(|| default_zone.to_owned());
        let rule = ScheduleRule {
            kind,
            scheduled_date: date,
            scheduled_time: time,
            time_zone,
            recurrence_end_date: end,
            max_occurrences,
            day_of_month,
            day_of_week,
        };
        rule.recurrence()?;
        Ok(rule)
    }
}

/// A schedule, as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Schedule {
    /// The service's id.
    pub id: i64,
    /// A UUID.
    pub unique_id: Uuid,
    /// The template payment.
    pub payment_request_id: i64,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: ScheduleType,
    /// First date.
    pub scheduled_date: String,
    /// Local time, HH:MM.
    pub scheduled_time: String,
    /// The zone of `scheduled_time`.
    pub time_zone: String,
    /// Last date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence_end_date: Option<String>,
    /// At most this many runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_occurrences: Option<i64>,
    /// MONTHLY's day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day_of_month: Option<i64>,
    /// WEEKLY's day, 0 = Sunday.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day_of_week: Option<i64>,
    /// Where it is.
    pub status: ScheduleStatus,
    /// When it runs next (none once completed).
    #[serde(with = "time_format::api_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_run_at: Option<OffsetDateTime>,
    /// The number of the next occurrence, from 0.
    #[serde(skip)]
    pub next_occurrence: i64,
    /// Runs that made a payment.
    pub run_count: i64,
    /// Runs that failed.
    pub fail_count: i64,
    /// Failures since the last success.
    #[serde(skip)]
    pub consecutive_failures: i64,
    /// Who created it.
    pub created_by: String,
    /// Created.
    #[serde(with = "time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// Last changed.
    #[serde(with = "time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl Schedule {
    /// The stored rule.
    pub fn rule(&self) -> Result<ScheduleRule, CoreError> {
        let corrupt =
            |what: &str| CoreError::Store(crate::store::StoreError::Corrupt(format!("schedule {}: {what}", self.id)));
        Ok(ScheduleRule {
            kind: self.kind,
            scheduled_date: self.scheduled_date.parse().map_err(|_| corrupt("scheduled_date"))?,
            scheduled_time: parse_time(&self.scheduled_time).map_err(|_| corrupt("scheduled_time"))?,
            time_zone: self.time_zone.clone(),
            recurrence_end_date: self
                .recurrence_end_date
                .as_deref()
                .map(|d| d.parse().map_err(|_| corrupt("recurrence_end_date")))
                .transpose()?,
            max_occurrences: self.max_occurrences.map(|n| n as u32),
            day_of_month: self.day_of_month.map(|d| d as i8),
            day_of_week: self.day_of_week.map(|d| d as i8),
        })
    }
}

/// `HH:MM` of a time.
pub fn format_time(time: Time) -> String {
    format!("{:02}:{:02}", time.hour(), time.minute())
}

/// A jiff timestamp as the API's time.
pub fn to_offset(timestamp: jiff::Timestamp) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(timestamp.as_second()).ok()
}

/// The API's time as a jiff timestamp.
pub fn to_timestamp(at: OffsetDateTime) -> jiff::Timestamp {
    jiff::Timestamp::from_second(at.unix_timestamp()).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(kind: &str) -> ScheduleRequest {
        ScheduleRequest {
            payment_request_id: Some(1),
            kind: Some(kind.into()),
            scheduled_date: Some("2026-02-01".into()),
            scheduled_time: Some("10:00".into()),
            ..Default::default()
        }
    }

    #[test]
    fn each_rule_names_its_field() {
        let cases = [
            (ScheduleRequest { day_of_month: Some(1), ..request("MONTHLY") }, None),
            (request("MONTHLY"), Some("day_of_month is required for MONTHLY")),
            (
                ScheduleRequest { day_of_month: Some(32), ..request("MONTHLY") },
                Some("day_of_month must be from 1 to 31"),
            ),
            (ScheduleRequest { day_of_month: Some(1), ..request("DAILY") }, Some("day_of_month is only for MONTHLY")),
            (request("WEEKLY"), Some("day_of_week is required for WEEKLY")),
            (ScheduleRequest { day_of_week: Some("monday".into()), ..request("WEEKLY") }, None),
            (ScheduleRequest { day_of_week: Some(7.into()), ..request("WEEKLY") }, Some("day_of_week must be 0-6")),
            (
                ScheduleRequest { scheduled_time: Some("25:00".into()), ..request("ONCE") },
                Some("scheduled_time must be a time HH:MM"),
            ),
            (
                ScheduleRequest { scheduled_time: Some("9:05".into()), ..request("ONCE") },
                Some("scheduled_time must be a time HH:MM"),
            ),
            (
                ScheduleRequest { scheduled_time: Some("+9:05".into()), ..request("ONCE") },
                Some("scheduled_time must be a time HH:MM"),
            ),
            (
                ScheduleRequest { scheduled_date: Some("2026-02-30".into()), ..request("ONCE") },
                Some("scheduled_date must be a date"),
            ),
            (
                ScheduleRequest { recurrence_end_date: Some("2026-01-01".into()), ..request("DAILY") },
                Some("recurrence_end_date must not be before"),
            ),
            (
                ScheduleRequest { time_zone: Some("Mars/Olympus".into()), ..request("DAILY") },
                Some("time_zone must be an IANA time zone"),
            ),
            (ScheduleRequest { kind: Some("HOURLY".into()), ..request("DAILY") }, Some("type must be one of")),
        ];
        for (request, expected) in cases {
            match (request.rule("UTC"), expected) {
                (Ok(_), None) => {}
                (Err(error), Some(expected)) => assert!(error.to_string().starts_with(expected), "{error}"),
                (result, expected) => panic!("{result:?}, expected {expected:?}"),
            }
        }
    }

    #[test]
    fn the_state_table() {
        use ScheduleStatus::*;
        let all = [Active, Paused, Completed, Failed, Cancelled];
        let allowed = [
            (Active, Paused),
            (Active, Cancelled),
            (Active, Completed),
            (Active, Failed),
            (Paused, Active),
            (Paused, Cancelled),
        ];
        for from in all {
            for to in all {
                assert_eq!(from.can_become(to), allowed.contains(&(from, to)), "{from} -> {to}");
            }
        }
    }
}
