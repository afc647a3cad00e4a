//! Refunds (devoluções) of completed payments: asked for with the caller's own id, read, and
//! ended by the processing system.

use std::collections::HashMap;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::Serialize;
use settlement_core::audit::StateChange;
use settlement_core::refund::{Refund, RefundFilter, RefundNature, RefundRequest, RefundStatus, RefundStatusRequest};
use settlement_core::service::refunds::Requested;

use crate::app::AppState;
use crate::auth::{Authorized, RefundsMed, RefundsRead, RefundsStatus, RefundsWrite, Scope};
use crate::error::ApiError;
use crate::extract::{Id, JsonBody};
use crate::routes::history::History;
use crate::routes::pagination::{Pagination, page_parameters};

/// A refund's path: its payment's id and the caller's `refund_id` (checked by the service).
#[derive(Debug)]
pub struct RefundPath {
    payment_id: i64,
    refund_id: String,
}

impl<S: Send + Sync> FromRequestParts<S> for RefundPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path((id, refund_id)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| ApiError::validation(format!("path: {rejection}")))?;
        match id.parse::<i64>() {
            Ok(payment_id) if payment_id > 0 => Ok(RefundPath { payment_id, refund_id }),
            _ => Err(ApiError::validation(format!("id must be a positive integer, not {id:?}"))),
        }
    }
}

/// A page of refunds.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RefundPage {
    /// The refunds, newest first.
    data: Vec<Refund>,
    /// Where the page is.
    pagination: Pagination,
}

/// Ask for a refund of a `COMPLETED` payment (`refunds.write`; a MED nature also needs
/// `refunds.med`). `refund_id` is yours: the same request again answers 200 with the refund it
/// made, whatever has happened to it since; another request with the same `refund_id` is 409
/// `REFUND_ID_REUSED`. The payment's refunds not `NOT_DONE` never add up to more than its
/// amount, and a payment is refundable for 90 days (a setting) after `processed_at`.
#[utoipa::path(put, path = "/api/v1/payments/{id}/refunds/{refund_id}", operation_id = "requestRefund", tag = "refunds",
    params(
        ("id" = i64, Path, description = "Payment request ID"),
        ("refund_id" = String, Path, description = "Your id for the refund: 1 to 35 letters and digits, unique per payment", pattern = "^[a-zA-Z0-9]{1,35}$"),
    ),
    request_body = RefundRequest,
    responses(
        (status = 201, body = Refund, description = "Asked for: IN_PROCESS"),
        (status = 200, body = Refund, description = "The same request again: the refund it made, as it is now"),
        (status = 409, body = crate::error::Envelope, description = "REFUND_ID_REUSED, PAYMENT_NOT_REFUNDABLE (not COMPLETED), REFUND_WINDOW_CLOSED, REFUND_EXCEEDS_AMOUNT or REFUND_CONFLICT"),
    ),
    security(("bearer" = ["refunds.write"])))]
pub async fn request_refund(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<RefundsWrite>,
    path: RefundPath,
    body: JsonBody<RefundRequest>,
) -> Result<(StatusCode, Json<Refund>), ApiError> {
    if body.value.nature.as_deref().and_then(RefundNature::parse).is_some_and(RefundNature::is_med) {
        caller.require(RefundsMed::NAME)?;
    }
    match state.settlement.request_refund(path.payment_id, &path.refund_id, body.value, &caller.subject).await? {
        Requested::New(refund) => Ok((StatusCode::CREATED, Json(refund))),
        Requested::Again(refund) => Ok((StatusCode::OK, Json(refund))),
    }
}

/// One refund of a payment (`refunds.read`).
#[utoipa::path(get, path = "/api/v1/payments/{id}/refunds/{refund_id}", operation_id = "getRefund", tag = "refunds",
    params(
        ("id" = i64, Path, description = "Payment request ID"),
        ("refund_id" = String, Path, description = "The refund's id", pattern = "^[a-zA-Z0-9]{1,35}$"),
    ),
    responses((status = 200, body = Refund), (status = 404, body = crate::error::Envelope, description = "payment or refund not found")),
    security(("bearer" = ["refunds.read"])))]
pub async fn get_refund(
    State(state): State<AppState>,
    _: Authorized<RefundsRead>,
    path: RefundPath,
) -> Result<Json<Refund>, ApiError> {
    Ok(Json(state.settlement.refund(path.payment_id, &path.refund_id).await?))
}

/// End an `IN_PROCESS` refund (`refunds.status`), as the processing system: `RETURNED` (the
/// money went back; the payment's `refunded_amount` grows) or `NOT_DONE` with its `reason` (the
/// amount is refundable again).
#[utoipa::path(put, path = "/api/v1/payments/{id}/refunds/{refund_id}/status", operation_id = "updateRefundStatus", tag = "refunds",
    params(
        ("id" = i64, Path, description = "Payment request ID"),
        ("refund_id" = String, Path, description = "The refund's id", pattern = "^[a-zA-Z0-9]{1,35}$"),
    ),
    request_body = RefundStatusRequest,
    responses(
        (status = 200, body = Refund),
        (status = 409, body = crate::error::Envelope, description = "INVALID_TRANSITION: the refund has ended already"),
    ),
    security(("bearer" = ["refunds.status"])))]
pub async fn update_refund_status(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<RefundsStatus>,
    path: RefundPath,
    body: JsonBody<RefundStatusRequest>,
) -> Result<Json<Refund>, ApiError> {
    Ok(Json(state.settlement.settle_refund(path.payment_id, &path.refund_id, body.value, &caller.subject).await?))
}

/// A refund's state changes, with who made each and when (`refunds.read`).
#[utoipa::path(get, path = "/api/v1/payments/{id}/refunds/{refund_id}/history", operation_id = "getRefundHistory", tag = "refunds",
    params(
        ("id" = i64, Path, description = "Payment request ID"),
        ("refund_id" = String, Path, description = "The refund's id", pattern = "^[a-zA-Z0-9]{1,35}$"),
    ),
    responses((status = 200, body = History), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["refunds.read"])))]
pub async fn refund_history(
    State(state): State<AppState>,
    _: Authorized<RefundsRead>,
    path: RefundPath,
) -> Result<Json<History>, ApiError> {
    let data: Vec<StateChange> = state.settlement.refund_history(path.payment_id, &path.refund_id).await?;
    Ok(Json(History { data }))
}

/// Reads `status` and the page; `from` and `to` too when `times`.
fn filter_of(query: &HashMap<String, String>, times: bool) -> Result<RefundFilter, ApiError> {
    let known: &[&str] = if times { &["status", "from", "to"] } else { &["status"] };
    let (limit, offset) = page_parameters(query, known)?;
    let status = query
        .get("status")
        .map(|text| {
            RefundStatus::parse(text)
                .ok_or_else(|| ApiError::validation("status must be one of IN_PROCESS, RETURNED, NOT_DONE"))
        })
        .transpose()?;
    let time = |name: &str| {
        query
            .get(name)
            .map(|text| {
                settlement_core::time_format::parse(text)
                    .ok_or_else(|| ApiError::validation(format!("{name} must be an RFC 3339 time, not {text:?}")))
            })
            .transpose()
    };
    let (requested_from, requested_before) = (time("from")?, time("to")?);
    if let (Some(from), Some(to)) = (requested_from, requested_before)
        && from > to
    {
        return Err(ApiError::validation("from must not be after to"));
    }
    Ok(RefundFilter { payment_request_id: None, status, requested_from, requested_before, limit, offset })
}

/// A payment's refunds, newest first (`refunds.read`).
#[utoipa::path(get, path = "/api/v1/payments/{id}/refunds", operation_id = "listPaymentRefunds", tag = "refunds",
    params(
        ("id" = i64, Path, description = "Payment request ID"),
        ("status" = Option<RefundStatus>, Query, description = "Only this status"),
        ("limit" = Option<u32>, Query, description = "Page size, 1 to 100 (default 20)", minimum = 1, maximum = 100),
        ("offset" = Option<u64>, Query, description = "Refunds to skip (default 0)", maximum = 9007199254740991.0),
    ),
    responses((status = 200, body = RefundPage), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["refunds.read"])))]
pub async fn list_payment_refunds(
    State(state): State<AppState>,
    _: Authorized<RefundsRead>,
    Id(id): Id,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<RefundPage>, ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::validation(format!("query string: {rejection}")))?;
    let filter = RefundFilter { payment_request_id: Some(id), ..filter_of(&query, false)? };
    let (data, total) = state.settlement.refunds(&filter).await?;
    Ok(Json(RefundPage { data, pagination: Pagination::new(total, filter.limit, filter.offset) }))
}

/// Refunds across payments, newest first (`refunds.read`): by status, and by when they were
/// asked for.
#[utoipa::path(get, path = "/api/v1/refunds", operation_id = "listRefunds", tag = "refunds",
    params(
        ("status" = Option<RefundStatus>, Query, description = "Only this status"),
        ("from" = Option<String>, Query, description = "Asked for at or after this RFC 3339 time", format = DateTime),
        ("to" = Option<String>, Query, description = "Asked for before this RFC 3339 time", format = DateTime),
        ("limit" = Option<u32>, Query, description = "Page size, 1 to 100 (default 20)", minimum = 1, maximum = 100),
        ("offset" = Option<u64>, Query, description = "Refunds to skip (default 0)", maximum = 9007199254740991.0),
    ),
    responses((status = 200, body = RefundPage)),
    security(("bearer" = ["refunds.read"])))]
pub async fn list_refunds(
    State(state): State<AppState>,
    _: Authorized<RefundsRead>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<RefundPage>, ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::validation(format!("query string: {rejection}")))?;
    let filter = filter_of(&query, true)?;
    let (data, total) = state.settlement.refunds(&filter).await?;
    Ok(Json(RefundPage { data, pagination: Pagination::new(total, filter.limit, filter.offset) }))
}
