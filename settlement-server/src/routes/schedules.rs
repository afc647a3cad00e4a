//! Recurring schedules of a template payment, and their runs.

use std::collections::HashMap;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Serialize;
use settlement_core::schedule::{Schedule, ScheduleRequest, ScheduleStatus, ScheduleType};
use settlement_core::store::{ScheduleFilter, ScheduleRun};
use time::OffsetDateTime;

use crate::app::AppState;
use crate::auth::{Authorized, SchedulesRead, SchedulesWrite};
use crate::error::ApiError;
use crate::extract::{Id, JsonBody};
use crate::routes::pagination::{Pagination, page_parameters};

/// Create a schedule of a payment (`schedules.write`): 201; its first run is the rule's first
/// occurrence at or after now.
#[utoipa::path(post, path = "/api/v1/schedules", operation_id = "createSchedule", tag = "schedules", request_body = ScheduleRequest,
    responses((status = 201, body = Schedule), (status = 400, body = crate::error::Envelope), (status = 404, body = crate::error::Envelope, description = "No payment request has `payment_request_id`")),
    security(("bearer" = ["schedules.write"])))]
pub async fn create(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<SchedulesWrite>,
    body: JsonBody<ScheduleRequest>,
) -> Result<(StatusCode, Json<Schedule>), ApiError> {
    Ok((StatusCode::CREATED, Json(state.settlement.create_schedule(body.value, &caller.subject).await?)))
}

/// A page of schedules.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SchedulePage {
    /// The schedules, newest first.
    data: Vec<Schedule>,
    /// Where the page is.
    pagination: Pagination,
}

/// List schedules (`schedules.read`) by status, type and whether they are due.
#[utoipa::path(get, path = "/api/v1/schedules", operation_id = "listSchedules", tag = "schedules",
    params(
        ("status" = Option<ScheduleStatus>, Query, description = "Only this status"),
        ("type" = Option<ScheduleType>, Query, description = "Only this type"),
        ("is_due" = Option<bool>, Query, description = "Only schedules due now (or, false, not due)"),
        ("limit" = Option<u32>, Query, description = "Page size, 1 to 100 (default 20)", minimum = 1, maximum = 100),
        ("offset" = Option<u64>, Query, description = "Schedules to skip (default 0)", maximum = 9007199254740991.0),
    ),
    responses((status = 200, body = SchedulePage), (status = 400, body = crate::error::Envelope)),
    security(("bearer" = ["schedules.read"])))]
pub async fn list(
    State(state): State<AppState>,
    _: Authorized<SchedulesRead>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<SchedulePage>, ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::validation(format!("query string: {rejection}")))?;
    let (limit, offset) = page_parameters(&query, &["status", "type", "is_due"])?;
    let status = query
        .get("status")
        .map(|text| {
            ScheduleStatus::parse(text)
                .ok_or_else(|| ApiError::validation("status must be one of ACTIVE, PAUSED, COMPLETED, CANCELLED"))
        })
        .transpose()?;
    let kind = query
        .get("type")
        .map(|text| {
            ScheduleType::parse(text)
                .ok_or_else(|| ApiError::validation("type must be one of ONCE, DAILY, WEEKLY, MONTHLY"))
        })
        .transpose()?;
    let due = match query.get("is_due").map(String::as_str) {
        None => None,
        Some("true") => Some((true, OffsetDateTime::now_utc())),
        Some("false") => Some((false, OffsetDateTime::now_utc())),
        Some(_) => return Err(ApiError::validation("is_due must be true or false")),
    };
    let (schedules, total) = state.settlement.schedules(&ScheduleFilter { status, kind, due, limit, offset }).await?;
    Ok(Json(SchedulePage { data: schedules, pagination: Pagination::new(total, limit, offset) }))
}

/// One schedule (`schedules.read`).
#[utoipa::path(get, path = "/api/v1/schedules/{id}", operation_id = "getSchedule", tag = "schedules", params(("id" = i64, Path, description = "Schedule ID")),
    responses((status = 200, body = Schedule), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["schedules.read"])))]
pub async fn get(
    State(state): State<AppState>,
    _: Authorized<SchedulesRead>,
    Id(id): Id,
) -> Result<Json<Schedule>, ApiError> {
    Ok(Json(state.settlement.schedule(id).await?))
}

/// Change an ACTIVE or PAUSED schedule's dates, time, end or maximum (`schedules.write`);
/// its next run is recomputed.
#[utoipa::path(put, path = "/api/v1/schedules/{id}", operation_id = "updateSchedule", tag = "schedules", params(("id" = i64, Path, description = "Schedule ID")),
    request_body = ScheduleRequest,
    responses((status = 200, body = Schedule), (status = 400, body = crate::error::Envelope), (status = 409, body = crate::error::Envelope)),
    security(("bearer" = ["schedules.write"])))]
pub async fn update(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<SchedulesWrite>,
    Id(id): Id,
    body: JsonBody<ScheduleRequest>,
) -> Result<Json<Schedule>, ApiError> {
    Ok(Json(state.settlement.update_schedule(id, body.value, &caller.subject).await?))
}

/// Cancel a schedule, for good (`schedules.write`).
#[utoipa::path(delete, path = "/api/v1/schedules/{id}", operation_id = "cancelSchedule", tag = "schedules", params(("id" = i64, Path, description = "Schedule ID")),
    responses((status = 200, body = Schedule), (status = 409, body = crate::error::Envelope)),
    security(("bearer" = ["schedules.write"])))]
pub async fn cancel(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<SchedulesWrite>,
    Id(id): Id,
) -> Result<Json<Schedule>, ApiError> {
    Ok(Json(state.settlement.cancel_schedule(id, &caller.subject).await?))
}

/// Pause an ACTIVE schedule (`schedules.write`).
#[utoipa::path(put, path = "/api/v1/schedules/{id}/pause", operation_id = "pauseSchedule", tag = "schedules", params(("id" = i64, Path, description = "Schedule ID")),
    responses((status = 200, body = Schedule), (status = 409, body = crate::error::Envelope)),
    security(("bearer" = ["schedules.write"])))]
pub async fn pause(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<SchedulesWrite>,
    Id(id): Id,
) -> Result<Json<Schedule>, ApiError> {
    Ok(Json(state.settlement.pause_schedule(id, &caller.subject).await?))
}

/// Resume a PAUSED schedule (`schedules.write`): the occurrences that fell in the pause are
/// skipped.
#[utoipa::path(put, path = "/api/v1/schedules/{id}/resume", operation_id = "resumeSchedule", tag = "schedules", params(("id" = i64, Path, description = "Schedule ID")),
    responses((status = 200, body = Schedule), (status = 409, body = crate::error::Envelope)),
    security(("bearer" = ["schedules.write"])))]
pub async fn resume(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<SchedulesWrite>,
    Id(id): Id,
) -> Result<Json<Schedule>, ApiError> {
    Ok(Json(state.settlement.resume_schedule(id, &caller.subject).await?))
}

/// A schedule's runs.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RunPage {
    /// The runs, by occurrence.
    data: Vec<ScheduleRun>,
    /// Where the page is.
    pagination: Pagination,
}

/// What a schedule did (`schedules.read`): each run's occurrence, time, outcome and payment.
#[utoipa::path(get, path = "/api/v1/schedules/{id}/runs", operation_id = "listScheduleRuns", tag = "schedules",
    params(("id" = i64, Path, description = "Schedule ID"), ("limit" = Option<u32>, Query, description = "Page size, 1 to 100 (default 20)", minimum = 1, maximum = 100), ("offset" = Option<u64>, Query, description = "Runs to skip (default 0)", maximum = 9007199254740991.0)),
    responses((status = 200, body = RunPage), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["schedules.read"])))]
pub async fn runs(
    State(state): State<AppState>,
    _: Authorized<SchedulesRead>,
    Id(id): Id,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<RunPage>, ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::validation(format!("query string: {rejection}")))?;
    let (limit, offset) = page_parameters(&query, &[])?;
    let (runs, total) = state.settlement.schedule_runs(id, limit, offset).await?;
    Ok(Json(RunPage { data: runs, pagination: Pagination::new(total, limit, offset) }))
}
