//! What payers' PSPs fetch, without auth: a dynamic code's charge, signed, and the keys to
//! check it.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use settlement_core::service::ChargeError;

use crate::app::AppState;
use crate::error::ApiError;

/// The charge behind a dynamic code, as the Central Bank's `cob`/`cobv` payload in JWS compact
/// serialization (`application/jose`). 404 for an unknown token; 410 once used, deactivated or
/// expired.
#[utoipa::path(get, path = "/pix/qr/v2/{token}", operation_id = "getCharge", tag = "pix", params(("token" = String, Path, description = "The location's token")),
    responses(
        (status = 200, content_type = "application/jose", description = "The charge, signed (ES256)"),
        (status = 404, body = crate::error::Envelope),
        (status = 410, body = crate::error::Envelope),
    ))]
pub async fn charge(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, ApiError> {
    match state.settlement.served_charge(&token).await {
        Ok(charge) => {
            let jws = state.signer.sign(&charge.json).map_err(|error| {
                tracing::error!(%error, "signing a charge failed");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "cannot sign the charge")
            })?;
            Ok(([(CONTENT_TYPE, "application/jose"), (CACHE_CONTROL, "no-store")], jws).into_response())
        }
        Err(ChargeError::NotFound) => {
            Err(ApiError::new(StatusCode::NOT_FOUND, "NOT_FOUND", "no charge at this location"))
        }
        Err(ChargeError::Gone(status)) => Err(ApiError::new(
            StatusCode::GONE,
            "GONE",
            format!("this charge is no longer payable: the QR code is {}", status.as_str()),
        )),
    }
}

/// The public keys that sign served charges (JWKS).
#[utoipa::path(get, path = "/.well-known/jwks.json", operation_id = "getJwks", tag = "pix", responses((status = 200, description = "JWK set")))]
pub async fn jwks(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(state.signer.jwks())
}
