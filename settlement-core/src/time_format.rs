//! Times as the API writes them: UTC, RFC 3339, whole seconds, `Z` (`2026-01-24T10:30:00Z`).

use serde::{Deserialize, Deserializer, Serializer};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

const API_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

/// Writes `at` in the API's form.
pub fn format(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC).format(API_FORMAT).unwrap_or_else(|_| at.unix_timestamp().to_string())
}

/// Reads any RFC 3339 date-time (any offset, any fraction), as UTC.
pub fn parse(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok().map(|at| at.to_offset(UtcOffset::UTC))
}

/// `#[serde(with = "time_format::api")]` for a required time.
pub mod api {
    use super::*;

    /// Serializes in the API's form.
    pub fn serialize<S: Serializer>(at: &OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format(*at))
    }

    /// Deserializes any RFC 3339 date-time.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<OffsetDateTime, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse(&text).ok_or_else(|| serde::de::Error::custom("expected an RFC 3339 date-time"))
    }
}

/// `#[serde(with = "time_format::api_option")]` for an optional time.
pub mod api_option {
    use super::*;

    /// Serializes in the API's form.
    pub fn serialize<S: Serializer>(at: &Option<OffsetDateTime>, serializer: S) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => serializer.serialize_str(&format(*at)),
            None => serializer.serialize_none(),
        }
    }

    /// Deserializes any RFC 3339 date-time, or null.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<OffsetDateTime>, D::Error> {
        match Option::<String>::deserialize(deserializer)? {
            Some(text) => {
                parse(&text).map(Some).ok_or_else(|| serde::de::Error::custom("expected an RFC 3339 date-time"))
            }
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_form_is_utc_whole_seconds() {
        let at = parse("2026-01-24T07:30:00.250-03:00").unwrap();
        assert_eq!(format(at), "2026-01-24T10:30:00Z");
        assert_eq!(parse("2026-02-30T10:00:00Z"), None);
        assert_eq!(parse("2026-02-15 10:00:00"), None);
    }
}
