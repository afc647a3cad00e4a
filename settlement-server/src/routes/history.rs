//! The audit trail of each kind of object: `GET .../{id}/history`, under the object's read
//! scope. The Pix Automático group's two are in `automatic`, with that group's headers.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use settlement_core::audit::StateChange;

use crate::app::AppState;
use crate::auth::{Authorized, FilesRead, PaymentsRead, QrCodesRead, SchedulesRead};
use crate::error::ApiError;
use crate::extract::Id;

/// An object's state changes, oldest first: the first is its creation (no `from`), the last
/// ends at its current status.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct History {
    /// The changes.
    pub data: Vec<StateChange>,
}

/// A payment's state changes, with who made each and when (`payments.read`).
#[utoipa::path(get, path = "/api/v1/payments/{id}/history", operation_id = "getPaymentHistory", tag = "payments",
    params(("id" = i64, Path, description = "Payment request ID")),
    responses((status = 200, body = History), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["payments.read"])))]
pub async fn payment(
    State(state): State<AppState>,
    _: Authorized<PaymentsRead>,
    Id(id): Id,
) -> Result<Json<History>, ApiError> {
    Ok(Json(History { data: state.settlement.payment_history(id).await? }))
}

/// A QR code's state changes (`qrcodes.read`). Expiry is computed when a code is read, not
/// stored, so it is not a change here.
#[utoipa::path(get, path = "/api/v1/qr-codes/{id}/history", operation_id = "getQrCodeHistory", tag = "qr-codes",
    params(("id" = i64, Path, description = "QR code ID")),
    responses((status = 200, body = History), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["qrcodes.read"])))]
pub async fn qr_code(
    State(state): State<AppState>,
    _: Authorized<QrCodesRead>,
    Id(id): Id,
) -> Result<Json<History>, ApiError> {
    Ok(Json(History { data: state.settlement.qr_code_history(id).await? }))
}

/// A file import's state changes (`files.read`).
#[utoipa::path(get, path = "/api/v1/files/imports/{id}/history", operation_id = "getFileImportHistory", tag = "files",
    params(("id" = i64, Path, description = "File import ID")),
    responses((status = 200, body = History), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["files.read"])))]
pub async fn file_import(
    State(state): State<AppState>,
    _: Authorized<FilesRead>,
    Id(id): Id,
) -> Result<Json<History>, ApiError> {
    Ok(Json(History { data: state.settlement.file_import_history(id).await? }))
}

/// A remessa's state changes (`files.read`): its sending, by whom.
#[utoipa::path(get, path = "/api/v1/files/exports/{id}/history", operation_id = "getFileExportHistory", tag = "files",
    params(("id" = i64, Path, description = "File export ID")),
    responses((status = 200, body = History), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["files.read"])))]
pub async fn file_export(
    State(state): State<AppState>,
    _: Authorized<FilesRead>,
    Id(id): Id,
) -> Result<Json<History>, ApiError> {
    Ok(Json(History { data: state.settlement.file_export_history(id).await? }))
}

/// A schedule's state changes (`schedules.read`); its runs are at `/runs`.
#[utoipa::path(get, path = "/api/v1/schedules/{id}/history", operation_id = "getScheduleHistory", tag = "schedules",
    params(("id" = i64, Path, description = "Schedule ID")),
    responses((status = 200, body = History), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["schedules.read"])))]
pub async fn schedule(
    State(state): State<AppState>,
    _: Authorized<SchedulesRead>,
    Id(id): Id,
) -> Result<Json<History>, ApiError> {
    Ok(Json(History { data: state.settlement.schedule_history(id).await? }))
}
