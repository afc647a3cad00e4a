//! Request extractors whose every rejection is the API's envelope.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The largest body accepted, in bytes.
pub const MAX_BODY: usize = 1024 * 1024;

/// Whether reading a body failed because the client stopped sending it (the body idle timeout).
pub fn body_timed_out(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = error.source();
    }
    false
}

/// 408: the body stalled.
pub fn body_timeout() -> ApiError {
    ApiError::new(StatusCode::REQUEST_TIMEOUT, "REQUEST_TIMEOUT", "the request body stopped arriving; send it again")
}

/// A JSON object body, typed, with the parsed JSON kept (for idempotency digests). Errors name
/// the field (`amount: invalid type: string "x", expected i64`).
#[derive(Debug)]
pub struct JsonBody<T> {
    /// The typed body.
    pub value: T,
    /// The body as parsed.
    pub raw: serde_json::Value,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if body_timed_out(&rejection) {
                body_timeout()
            } else if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "PAYLOAD_TOO_LARGE",
                    format!("request body is larger than {MAX_BODY} bytes"),
                )
            } else {
                ApiError::validation(format!("cannot read the request body: {rejection}"))
            }
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::validation("request body is required: a JSON object"));
        }
        let mut raw: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|error| ApiError::validation(format!("request body is not valid JSON: {error}")))?;
        whole_numbers(&mut raw);
        if !raw.is_object() {
            return Err(ApiError::validation("request body must be a JSON object"));
        }
        let value = serde_path_to_error::deserialize(&raw).map_err(|error| {
            let path = error.path().to_string();
            let inner = error.into_inner();
            if path == "." {
                ApiError::validation(inner.to_string())
            } else {
                ApiError::validation(format!("{path}: {inner}"))
            }
        })?;
        Ok(JsonBody { value, raw })
    }
}

/// Writes every number with no fraction (`15000.0`, `1e3`) as the integer it is. JSON Schema
/// counts them as integers, so a client (or a generator) may send them for an integer field;
/// serde reads an `i64` only from digits without a fraction or exponent.
pub fn whole_numbers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(number) if !number.is_i64() && !number.is_u64() => {
            let whole = number.as_f64().filter(|n| n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15);
            if let Some(whole) = whole {
                *value = serde_json::Value::from(whole as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// A resource id from the path: a positive integer.
#[derive(Debug, Clone, Copy)]
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(text) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| ApiError::validation(format!("id: {rejection}")))?;
        match text.parse::<i64>() {
            Ok(id) if id > 0 => Ok(Id(id)),
            _ => Err(ApiError::validation(format!("id must be a positive integer, not {text:?}"))),
        }
    }
}
