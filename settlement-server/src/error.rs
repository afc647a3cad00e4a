//! The API's one error envelope, `{"error": {"code": "...", "message": "..."}}`, with its status,
//! and for a `VALIDATION_ERROR` every violation in `details`.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use settlement_core::CoreError;
use settlement_core::error::Violation;

/// An error response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// The API's code (`VALIDATION_ERROR`, `NOT_FOUND`...).
    pub code: &'static str,
    /// What went wrong, naming the field or state.
    pub message: String,
    /// For 401 and 403: the `WWW-Authenticate` challenge.
    pub challenge: Option<String>,
    /// For 400 `VALIDATION_ERROR`: every violation, the first one's message being `message`.
    pub details: Vec<Violation>,
}

/// Every error response: `{"error": {"code": "...", "message": "..."}}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Envelope {
    error: ErrorBody,
}

/// The body of every error.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Machine-readable code.
    code: String,
    /// Human-readable message: for a `VALIDATION_ERROR`, the first violation's.
    message: String,
    /// For a `VALIDATION_ERROR`: every rule the request breaks, in the order the fields are
    /// checked. `field` is the field at fault, or `request` when no one field is.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    details: Vec<Violation>,
}

impl ApiError {
    /// An error with this status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into(), challenge: None, details: Vec::new() }
    }

    /// 400 `VALIDATION_ERROR` with one violation. Messages are `"<field> <rule>"`: the field
    /// is the message's first word when a rule follows it, else `request`.
    pub fn validation(message: impl Into<String>) -> Self {
        let message = message.into();
        let field = field_of(&message).unwrap_or("request").to_owned();
        ApiError {
            details: vec![Violation { field, message: message.clone() }],
            ..ApiError::new(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", message)
        }
    }

    /// 401 with `WWW-Authenticate: Bearer error="invalid_token"`.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        ApiError {
            challenge: Some(r#"Bearer error="invalid_token""#.to_owned()),
            ..ApiError::new(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", message)
        }
    }

    /// 403 `insufficient_scope`, naming the scope needed.
    pub fn insufficient_scope(scope: &str) -> Self {
        ApiError {
            challenge: Some(format!(r#"Bearer error="insufficient_scope", scope="{scope}""#)),
            ..ApiError::new(
                StatusCode::FORBIDDEN,
                "INSUFFICIENT_SCOPE",
                format!("this endpoint requires the scope {scope}"),
            )
        }
    }

    /// 404 for a route that does not exist.
    pub fn no_route(method: &str, path: &str) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "NOT_FOUND", format!("no route for {method} {path}"))
    }
}

impl From<CoreError> for ApiError {
    fn from(error: CoreError) -> Self {
        // The status follows from the API code: one table for every refusal.
        let status = match error.code() {
            "VALIDATION_ERROR" => StatusCode::BAD_REQUEST,
            "NOT_FOUND" => StatusCode::NOT_FOUND,
            "AMOUNT_MISMATCH" | "IDEMPOTENCY_KEY_REUSED" | "FILE_UNREADABLE" | "FILE_UNWRITABLE" => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            "DATABASE_UNAVAILABLE" => StatusCode::SERVICE_UNAVAILABLE,
            "INTERNAL_ERROR" => StatusCode::INTERNAL_SERVER_ERROR,
            // The rest are conflicts with the resource's state: transitions, duplicates, used codes.
            _ => StatusCode::CONFLICT,
        };
        let message = match &error {
            // What the database said stays in the log, not in the response.
            CoreError::Store(store) => {
                tracing::error!(error = %store, "store failure");
                if status == StatusCode::SERVICE_UNAVAILABLE {
                    "the database is unavailable; retry later".to_owned()
                } else {
                    "internal error".to_owned()
                }
            }
            other => other.to_string(),
        };
        ApiError { status, code: error.code(), message, challenge: None, details: error.violations() }
    }
}

/// The field a message names: `"<field> <rule>"` with a rule's verb, or `"<field>: <what the
/// parser found>"` (serde's path to the value). A field is a word of letters, digits, `_`, `.`,
/// `-` and brackets.
fn field_of(message: &str) -> Option<&str> {
    let (word, rule) = message.split_once(' ')?;
    let (word, named) = match word.strip_suffix(':') {
        Some(path) => (path, true),
        None => (word, ["must ", "is ", "needs ", "has ", "cannot "].iter().any(|verb| rule.starts_with(verb))),
    };
    let field_like =
        !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '[' | ']'));
    (field_like && named).then_some(word)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body =
            Envelope { error: ErrorBody { code: self.code.to_owned(), message: self.message, details: self.details } };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(challenge) = self.challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, challenge);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::field_of;

    #[test]
    fn the_field_is_what_the_message_names() {
        let cases = [
            ("amount must be an integer", Some("amount")),
            ("discounts[0].date must be an RFC 3339 date-time", Some("discounts[0].date")),
            ("amount: invalid type: string", Some("amount")),
            ("awaiting_days needs awaiting_return=true", Some("awaiting_days")),
            ("request body is required: a JSON object", None),
            ("cannot read the request body", None),
            ("query string: missing field", None),
        ];
        for (message, field) in cases {
            assert_eq!(field_of(message), field, "{message}");
        }
    }
}
