//! Payment requests and their credit confirmation.

use std::collections::HashMap;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use settlement_core::credit::CreditRequest;
use settlement_core::payment::StatusView;
use settlement_core::{
    Created, CreditConfirmation, Idempotency, Ispb, Payment, PaymentFilter, PaymentRequest, PaymentStatus,
    PaymentSummary, StatusUpdateRequest,
};

use crate::app::AppState;
use crate::auth::{Authorized, CreditRead, CreditWrite, PaymentsRead, PaymentsStatus, PaymentsWrite};
use crate::error::ApiError;
use crate::extract::{Id, JsonBody};
use crate::routes::pagination::{Pagination, integer, page_parameters};

/// The longest `Idempotency-Key` accepted.
const MAX_IDEMPOTENCY_KEY: usize = 255;

/// Create a payment request (`payments.write`). A future `scheduled_date` makes it `SCHEDULED`.
/// With an `Idempotency-Key`, a retry returns the first response; the same key with another body
/// is 422.
#[utoipa::path(post, path = "/api/v1/payments", operation_id = "createPayment", tag = "payments", request_body = PaymentRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the first response is returned again. 1 to 255 visible ASCII characters", pattern = "^[!-~]{1,255}$")),
    responses(
        (status = 201, body = Payment),
        (status = 400, body = crate::error::Envelope, description = "VALIDATION_ERROR"),
        (status = 409, body = crate::error::Envelope, description = "DUPLICATE_EXTERNAL_ID"),
        (status = 413, body = crate::error::Envelope, description = "PAYLOAD_TOO_LARGE"),
        (status = 422, body = crate::error::Envelope, description = "IDEMPOTENCY_KEY_REUSED"),
    ),
    security(("bearer" = ["payments.write"])))]
pub async fn create(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<PaymentsWrite>,
    headers: HeaderMap,
    body: JsonBody<PaymentRequest>,
) -> Result<Response, ApiError> {
    let idempotency = match headers.get("idempotency-key") {
        None => None,
        Some(value) => {
            let key = value
                .to_str()
                .ok()
                .filter(|key| !key.is_empty() && key.len() <= MAX_IDEMPOTENCY_KEY)
                .ok_or_else(|| ApiError::validation("Idempotency-Key must be 1 to 255 visible ASCII characters"))?;
            Some(Idempotency { key: key.to_owned(), body: body.raw })
        }
    };
    match state.settlement.create_payment(body.value, &caller.subject, idempotency).await? {
        Created::New(payment) => Ok((StatusCode::CREATED, Json(payment)).into_response()),
        Created::Replayed(first) => Ok((
            StatusCode::CREATED,
            [
                (axum::http::header::CONTENT_TYPE, "application/json"),
                (axum::http::HeaderName::from_static("idempotent-replayed"), "true"),
            ],
            first,
        )
            .into_response()),
    }
}

/// A page of payments.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PaymentPage {
    /// The payments, newest first.
    data: Vec<PaymentSummary>,
    /// Where the page is.
    pagination: Pagination,
}

/// The filters payment lists and exports share: status, ISPBs and the amount range.
pub(crate) const PAYMENT_FILTERS: [&str; 5] = ["status", "debtor_ispb", "creditor_ispb", "min_amount", "max_amount"];

/// Reads [`PAYMENT_FILTERS`] from a query; the page is left to the caller.
pub(crate) fn payment_filter(query: &HashMap<String, String>) -> Result<PaymentFilter, ApiError> {
    let ispb = |name: &str| -> Result<Option<String>, ApiError> {
        query
            .get(name)
            .map(|text| {
                Ispb::parse(text)
                    .map(|ispb| ispb.as_str().to_owned())
                    .map_err(|rule| ApiError::validation(format!("{name} {rule}")))
            })
            .transpose()
    };
    let status = query
        .get("status")
        .map(|text| {
            PaymentStatus::parse(text).ok_or_else(|| {
                ApiError::validation(
                    "status must be one of PENDING, PROCESSING, COMPLETED, FAILED, CANCELLED, SCHEDULED",
                )
            })
        })
        .transpose()?;
    let filter = PaymentFilter {
        status,
        debtor_ispb: ispb("debtor_ispb")?,
        creditor_ispb: ispb("creditor_ispb")?,
        min_amount: integer(query, "min_amount", 0, i64::MAX)?,
        max_amount: integer(query, "max_amount", 0, i64::MAX)?,
        ..PaymentFilter::default()
    };
    if let (Some(min), Some(max)) = (filter.min_amount, filter.max_amount)
        && min > max
    {
        return Err(ApiError::validation(format!("min_amount {min} is greater than max_amount {max}")));
    }
    Ok(filter)
}

/// The list's filters beside [`PAYMENT_FILTERS`]: payments a remessa sent and no retorno
/// answered.
const AWAITING_FILTERS: [&str; 2] = ["awaiting_return", "awaiting_days"];

/// The default of `awaiting_days`: banks answer a remessa the next business day.
const AWAITING_DAYS: i64 = 2;

fn filter_of(query: &HashMap<String, String>) -> Result<PaymentFilter, ApiError> {
    let known: Vec<&str> = PAYMENT_FILTERS.iter().chain(&AWAITING_FILTERS).copied().collect();
    let (limit, offset) = page_parameters(query, &known)?;
    let awaiting = match query.get("awaiting_return").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(ApiError::validation(format!("awaiting_return must be true or false, not {other:?}")));
        }
    };
    let days = integer(query, "awaiting_days", 0, 3650)?;
    if days.is_some() && !awaiting {
        return Err(ApiError::validation("awaiting_days needs awaiting_return=true"));
    }
    let awaiting_return_before =
        awaiting.then(|| time::OffsetDateTime::now_utc() - time::Duration::days(days.unwrap_or(AWAITING_DAYS)));
    Ok(PaymentFilter { limit, offset, awaiting_return_before, ..payment_filter(query)? })
}

/// List payments (`payments.read`), newest first, filtered and paginated.
#[utoipa::path(get, path = "/api/v1/payments", operation_id = "listPayments", tag = "payments",
    params(
        ("status" = Option<PaymentStatus>, Query, description = "Only this status"),
        ("debtor_ispb" = Option<String>, Query, description = "Only this payer institution (8 digits)", pattern = "^[0-9]{8}$"),
        ("creditor_ispb" = Option<String>, Query, description = "Only this payee institution (8 digits)", pattern = "^[0-9]{8}$"),
        ("min_amount" = Option<i64>, Query, description = "At least this many centavos", minimum = 0),
        ("max_amount" = Option<i64>, Query, description = "At most this many centavos", minimum = 0),
        ("awaiting_return" = Option<bool>, Query, description = "true: only payments a remessa sent at least awaiting_days ago, still PROCESSING, that no retorno has reported on"),
        ("awaiting_days" = Option<u32>, Query, description = "With awaiting_return: days since the remessa (default 2)", minimum = 0, maximum = 3650),
        ("limit" = Option<u32>, Query, description = "Page size, 1 to 100 (default 20)", minimum = 1, maximum = 100),
        ("offset" = Option<u64>, Query, description = "Payments to skip (default 0)", maximum = 9007199254740991.0),
    ),
    responses((status = 200, body = PaymentPage), (status = 400, body = crate::error::Envelope)),
    security(("bearer" = ["payments.read"])))]
pub async fn list(
    State(state): State<AppState>,
    Authorized(_, _): Authorized<PaymentsRead>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<PaymentPage>, ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::validation(format!("query string: {rejection}")))?;
    let filter = filter_of(&query)?;
    let (payments, total) = state.settlement.payments(&filter).await?;
    Ok(Json(PaymentPage {
        data: payments.iter().map(PaymentSummary::from).collect(),
        pagination: Pagination::new(total, filter.limit, filter.offset),
    }))
}

/// One payment (`payments.read`).
#[utoipa::path(get, path = "/api/v1/payments/{id}", operation_id = "getPayment", tag = "payments", params(("id" = i64, Path, description = "Payment request ID")),
    responses((status = 200, body = Payment), (status = 404, body = crate::error::Envelope, description = "payment request not found")),
    security(("bearer" = ["payments.read"])))]
pub async fn get(
    State(state): State<AppState>,
    Authorized(_, _): Authorized<PaymentsRead>,
    Id(id): Id,
) -> Result<Json<Payment>, ApiError> {
    Ok(Json(state.settlement.payment(id).await?))
}

/// Cancel a `PENDING` or `SCHEDULED` payment (`payments.write`); returns it.
#[utoipa::path(delete, path = "/api/v1/payments/{id}", operation_id = "cancelPayment", tag = "payments", params(("id" = i64, Path, description = "Payment request ID")),
    responses(
        (status = 200, body = Payment),
        (status = 404, body = crate::error::Envelope),
        (status = 409, body = crate::error::Envelope, description = "INVALID_TRANSITION: cannot cancel payment in COMPLETED status"),
    ),
    security(("bearer" = ["payments.write"])))]
pub async fn cancel(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<PaymentsWrite>,
    Id(id): Id,
) -> Result<Json<Payment>, ApiError> {
    Ok(Json(state.settlement.cancel(id, &caller.subject).await?))
}

/// Update a payment's status (`payments.status`), by the document's table. `COMPLETED` sets
/// `processed_at` and the end-to-end id (the one given, else a generated one).
#[utoipa::path(put, path = "/api/v1/payments/{id}/status", operation_id = "updatePaymentStatus", tag = "payments", params(("id" = i64, Path, description = "Payment request ID")),
    request_body = StatusUpdateRequest,
    responses(
        (status = 200, body = StatusView),
        (status = 400, body = crate::error::Envelope),
        (status = 404, body = crate::error::Envelope),
        (status = 409, body = crate::error::Envelope, description = "INVALID_TRANSITION or DUPLICATE_END_TO_END_ID"),
    ),
    security(("bearer" = ["payments.status"])))]
pub async fn update_status(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<PaymentsStatus>,
    Id(id): Id,
    body: JsonBody<StatusUpdateRequest>,
) -> Result<Json<StatusView>, ApiError> {
    let payment = state.settlement.update_status(id, body.value, &caller.subject).await?;
    Ok(Json(StatusView::from(&payment)))
}

/// Confirm the credit of a `COMPLETED` payment (`credit.write`); `confirmed_by` is the caller.
#[utoipa::path(post, path = "/api/v1/payments/{id}/confirm-credit", operation_id = "confirmCredit", tag = "credit", params(("id" = i64, Path, description = "Payment request ID")),
    request_body = CreditRequest,
    responses(
        (status = 201, body = CreditConfirmation),
        (status = 404, body = crate::error::Envelope),
        (status = 409, body = crate::error::Envelope, description = "PAYMENT_NOT_COMPLETED or ALREADY_CONFIRMED"),
        (status = 422, body = crate::error::Envelope, description = "AMOUNT_MISMATCH"),
    ),
    security(("bearer" = ["credit.write"])))]
pub async fn confirm_credit(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<CreditWrite>,
    Id(id): Id,
    body: JsonBody<CreditRequest>,
) -> Result<(StatusCode, Json<CreditConfirmation>), ApiError> {
    let confirmation = state.settlement.confirm_credit(id, body.value, &caller.subject).await?;
    Ok((StatusCode::CREATED, Json(confirmation)))
}

/// A payment's credit confirmation (`credit.read`).
#[utoipa::path(get, path = "/api/v1/payments/{id}/confirm-credit", operation_id = "getCreditConfirmation", tag = "credit", params(("id" = i64, Path, description = "Payment request ID")),
    responses((status = 200, body = CreditConfirmation), (status = 404, body = crate::error::Envelope, description = "credit confirmation not found")),
    security(("bearer" = ["credit.read"])))]
pub async fn credit(
    State(state): State<AppState>,
    Authorized(_, _): Authorized<CreditRead>,
    Id(id): Id,
) -> Result<Json<CreditConfirmation>, ApiError> {
    Ok(Json(state.settlement.credit(id).await?))
}
