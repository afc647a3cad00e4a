//! The API's one error envelope, `{"error": {"code": "...", "message": "..."}}`, with its status.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use settlement_core::CoreError;

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
    /// Human-readable message.
    message: String,
}

impl ApiError {
    /// An error with this status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into(), challenge: None }
    }

    /// 400 `VALIDATION_ERROR`.
    pub fn validation(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", message)
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
        ApiError { status, code: error.code(), message, challenge: None }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Envelope { error: ErrorBody { code: self.code.to_owned(), message: self.message } };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(challenge) = self.challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, challenge);
        }
        response
    }
}
