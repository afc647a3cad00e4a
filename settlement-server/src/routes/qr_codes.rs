//! QR codes: issue, read, list, deactivate, validate, decode, and picture.

use std::collections::HashMap;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use settlement_core::qrcode::{Deactivated, QrCode, QrCodeFilter, QrCodeRequest, QrCodeStatus, QrCodeType};
use settlement_core::service::{DecodedPayload, PayloadCheck, decode_payload};

use crate::app::AppState;
use crate::auth::{Authorized, QrCodesRead, QrCodesWrite};
use crate::error::ApiError;
use crate::extract::{Id, JsonBody};
use crate::image;
use crate::routes::pagination::{Pagination, page_parameters};

/// Issue a QR code (`qrcodes.write`): 201 with its BR Code.
#[utoipa::path(post, path = "/api/v1/qr-codes", operation_id = "createQrCode", tag = "qr-codes", request_body = QrCodeRequest,
    responses(
        (status = 201, body = QrCode),
        (status = 400, body = crate::error::Envelope, description = "VALIDATION_ERROR"),
        (status = 409, body = crate::error::Envelope, description = "DUPLICATE_TXID"),
    ),
    security(("bearer" = ["qrcodes.write"])))]
pub async fn create(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<QrCodesWrite>,
    body: JsonBody<QrCodeRequest>,
) -> Result<(StatusCode, Json<QrCode>), ApiError> {
    let code = state.settlement.create_qr_code(body.value, &caller.subject).await?;
    Ok((StatusCode::CREATED, Json(code)))
}

/// One QR code (`qrcodes.read`).
#[utoipa::path(get, path = "/api/v1/qr-codes/{id}", operation_id = "getQrCode", tag = "qr-codes", params(("id" = i64, Path, description = "QR code ID")),
    responses((status = 200, body = QrCode), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["qrcodes.read"])))]
pub async fn get(
    State(state): State<AppState>,
    _: Authorized<QrCodesRead>,
    Id(id): Id,
) -> Result<Json<QrCode>, ApiError> {
    Ok(Json(state.settlement.qr_code(id).await?))
}

/// The QR code with this txid (`qrcodes.read`).
#[utoipa::path(get, path = "/api/v1/qr-codes/txid/{txId}", operation_id = "getQrCodeByTxid", tag = "qr-codes", params(("txId" = String, Path, description = "Transaction ID")),
    responses((status = 200, body = QrCode), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["qrcodes.read"])))]
pub async fn by_txid(
    State(state): State<AppState>,
    _: Authorized<QrCodesRead>,
    Path(tx_id): Path<String>,
) -> Result<Json<QrCode>, ApiError> {
    Ok(Json(state.settlement.qr_code_by_txid(&tx_id).await?))
}

/// Deactivate a dynamic code (`qrcodes.write`): it is marked used.
#[utoipa::path(put, path = "/api/v1/qr-codes/{id}/deactivate", operation_id = "deactivateQrCode", tag = "qr-codes", params(("id" = i64, Path, description = "QR code ID")),
    responses(
        (status = 200, body = Deactivated),
        (status = 404, body = crate::error::Envelope),
        (status = 409, body = crate::error::Envelope, description = "INVALID_TRANSITION: a static code, or used already"),
    ),
    security(("bearer" = ["qrcodes.write"])))]
pub async fn deactivate(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<QrCodesWrite>,
    Id(id): Id,
) -> Result<Json<Deactivated>, ApiError> {
    Ok(Json(state.settlement.deactivate_qr_code(id, &caller.subject).await?))
}

/// The body of validate and decode.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayloadBody {
    /// A BR Code ("copia e cola").
    #[schema(required = true, nullable = false)]
    payload: Option<String>,
}

fn payload_of(body: PayloadBody) -> Result<String, ApiError> {
    body.payload.ok_or_else(|| ApiError::validation("payload is required"))
}

/// Validate a payload (`qrcodes.read`): its structure, CRC and fields, and whether the code
/// the service issued for it is still payable. Always 200.
#[utoipa::path(post, path = "/api/v1/qr-codes/validate", operation_id = "validateQrCode", tag = "qr-codes", request_body = PayloadBody,
    responses((status = 200, body = PayloadCheck)), security(("bearer" = ["qrcodes.read"])))]
pub async fn validate(
    State(state): State<AppState>,
    _: Authorized<QrCodesRead>,
    body: JsonBody<PayloadBody>,
) -> Result<Json<PayloadCheck>, ApiError> {
    Ok(Json(state.settlement.check_payload(&payload_of(body.value)?).await?))
}

/// Decode a payload (`qrcodes.read`): every field and every problem. Always 200.
#[utoipa::path(post, path = "/api/v1/qr-codes/decode", operation_id = "decodeQrCode", tag = "qr-codes", request_body = PayloadBody,
    responses((status = 200, body = DecodedPayload)), security(("bearer" = ["qrcodes.read"])))]
pub async fn decode(_: Authorized<QrCodesRead>, body: JsonBody<PayloadBody>) -> Result<Json<DecodedPayload>, ApiError> {
    Ok(Json(decode_payload(&payload_of(body.value)?)))
}

/// A page of QR codes.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QrCodePage {
    /// The codes, newest first.
    data: Vec<QrCode>,
    /// Where the page is.
    pagination: Pagination,
}

/// List QR codes (`qrcodes.read`), newest first, by type, status and txid.
#[utoipa::path(get, path = "/api/v1/qr-codes", operation_id = "listQrCodes", tag = "qr-codes",
    params(
        ("type" = Option<QrCodeType>, Query, description = "Only this type"),
        ("status" = Option<QrCodeStatus>, Query, description = "Only this status: active, used, expired"),
        ("tx_id" = Option<String>, Query, description = "Only this txid"),
        ("limit" = Option<u32>, Query, description = "Page size, 1 to 100 (default 20)", minimum = 1, maximum = 100),
        ("offset" = Option<u64>, Query, description = "Codes to skip (default 0)", maximum = 9007199254740991.0),
    ),
    responses((status = 200, body = QrCodePage), (status = 400, body = crate::error::Envelope)),
    security(("bearer" = ["qrcodes.read"])))]
pub async fn list(
    State(state): State<AppState>,
    _: Authorized<QrCodesRead>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<QrCodePage>, ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::validation(format!("query string: {rejection}")))?;
    let (limit, offset) = page_parameters(&query, &["type", "status", "tx_id"])?;
    let kind = query
        .get("type")
        .map(|text| {
            QrCodeType::parse(text)
                .ok_or_else(|| ApiError::validation("type must be one of STATIC, DYNAMIC, IMMEDIATE, DUE_DATE"))
        })
        .transpose()?;
    let status = query
        .get("status")
        .map(|text| {
            QrCodeStatus::parse(text).ok_or_else(|| ApiError::validation("status must be one of active, used, expired"))
        })
        .transpose()?;
    let filter = QrCodeFilter { kind, status, tx_id: query.get("tx_id").cloned(), limit, offset };
    let (codes, total) = state.settlement.qr_codes(&filter).await?;
    Ok(Json(QrCodePage { data: codes, pagination: Pagination::new(total, limit, offset) }))
}

/// The code as a picture (`qrcodes.read`): `format` `png` (default) or `svg`, `size` in pixels
/// (64 to 2048, default 300).
#[utoipa::path(get, path = "/api/v1/qr-codes/{id}/image", operation_id = "getQrCodeImage", tag = "qr-codes",
    params(
        ("id" = i64, Path, description = "QR code ID"),
        ("format" = Option<String>, Query, description = "png (default) or svg", pattern = "^(png|svg)$"),
        ("size" = Option<u32>, Query, description = "Side in pixels, 64 to 2048 (default 300)", minimum = 64, maximum = 2048),
    ),
    responses(
        (status = 200, description = "The QR code: PNG, or SVG with format=svg", content((String = "image/png"), (String = "image/svg+xml"))),
        (status = 400, body = crate::error::Envelope),
        (status = 404, body = crate::error::Envelope),
    ),
    security(("bearer" = ["qrcodes.read"])))]
pub async fn picture(
    State(state): State<AppState>,
    _: Authorized<QrCodesRead>,
    Id(id): Id,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::validation(format!("query string: {rejection}")))?;
    if let Some(unknown) = query.keys().find(|key| !["format", "size"].contains(&key.as_str())) {
        return Err(ApiError::validation(format!("unknown query parameter {unknown}; expected format, size")));
    }
    let size = match query.get("size") {
        None => 300,
        Some(text) => text.parse::<u32>().ok().filter(|size| image::SIZES.contains(size)).ok_or_else(|| {
            ApiError::validation(format!(
                "size must be an integer from {} to {}",
                image::SIZES.start(),
                image::SIZES.end()
            ))
        })?,
    };
    let code = state.settlement.qr_code(id).await?;
    let failed = |error: String| {
        tracing::error!(%error, id, "rendering a QR code failed");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "cannot render this QR code")
    };
    match query.get("format").map(String::as_str).unwrap_or("png") {
        "png" => Ok(([(CONTENT_TYPE, "image/png")], image::png(&code.payload, size).map_err(failed)?).into_response()),
        "svg" => {
            Ok(([(CONTENT_TYPE, "image/svg+xml")], image::svg(&code.payload, size).map_err(failed)?).into_response())
        }
        _ => Err(ApiError::validation("format must be png or svg")),
    }
}
