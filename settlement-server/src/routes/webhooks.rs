//! Webhook endpoints (`webhooks.read`, `webhooks.write`): each belongs to the subject that
//! registered it and receives that subject's objects' events; its deliveries and their attempts;
//! retrying one and replaying what it missed.

use std::collections::HashMap;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Serialize;
use settlement_core::service::webhooks::Subject;
use settlement_core::webhooks::{
    Delivery, DeliveryFilter, DeliveryStatus, Endpoint, EndpointPatch, EndpointRequest, EndpointWithSecret,
};

use crate::app::AppState;
use crate::auth::{Authorized, Caller, WebhooksRead, WebhooksWrite};
use crate::error::ApiError;
use crate::extract::{Id, JsonBody};
use crate::routes::pagination::{Pagination, page_parameters};

/// A page of endpoints.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EndpointPage {
    /// The caller's endpoints, oldest first.
    data: Vec<Endpoint>,
    /// Where the page is.
    pagination: Pagination,
}

/// A page of deliveries.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryPage {
    /// The deliveries, newest first, each with its attempts.
    data: Vec<Delivery>,
    /// Where the page is.
    pagination: Pagination,
}

/// What a replay queued.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Replayed {
    /// Deliveries queued again or for the first time.
    queued: u64,
}

fn subject(caller: &Caller) -> Subject<'_> {
    Subject { name: &caller.subject, scopes: &caller.scopes }
}

/// Register an endpoint (`webhooks.write`). The answer carries its signing secret, shown this
/// once. It receives the events of the caller's objects, of the types it selects that the
/// caller's token reads.
#[utoipa::path(post, path = "/api/v1/webhooks", operation_id = "createWebhook", tag = "webhooks", request_body = EndpointRequest,
    responses((status = 201, body = EndpointWithSecret), (status = 400, body = crate::error::Envelope)),
    security(("bearer" = ["webhooks.write"])))]
pub async fn create(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<WebhooksWrite>,
    body: JsonBody<EndpointRequest>,
) -> Result<(StatusCode, Json<EndpointWithSecret>), ApiError> {
    Ok((StatusCode::CREATED, Json(state.settlement.create_webhook(body.value, subject(&caller)).await?)))
}

/// List the caller's endpoints (`webhooks.read`).
#[utoipa::path(get, path = "/api/v1/webhooks", operation_id = "listWebhooks", tag = "webhooks",
    params(
        ("limit" = Option<u32>, Query, description = "Page size, 1 to 100 (default 20)", minimum = 1, maximum = 100),
        ("offset" = Option<u64>, Query, description = "Endpoints to skip (default 0)", maximum = 9007199254740991.0),
    ),
    responses((status = 200, body = EndpointPage), (status = 400, body = crate::error::Envelope)),
    security(("bearer" = ["webhooks.read"])))]
pub async fn list(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<WebhooksRead>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<EndpointPage>, ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::validation(format!("query string: {rejection}")))?;
    let (limit, offset) = page_parameters(&query, &[])?;
    let (data, total) = state.settlement.webhooks(&caller.subject, limit, offset).await?;
    Ok(Json(EndpointPage { data, pagination: Pagination::new(total, limit, offset) }))
}

/// One of the caller's endpoints (`webhooks.read`).
#[utoipa::path(get, path = "/api/v1/webhooks/{id}", operation_id = "getWebhook", tag = "webhooks", params(("id" = i64, Path, description = "Endpoint ID")),
    responses((status = 200, body = Endpoint), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["webhooks.read"])))]
pub async fn get(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<WebhooksRead>,
    Id(id): Id,
) -> Result<Json<Endpoint>, ApiError> {
    Ok(Json(state.settlement.webhook(id, &caller.subject).await?))
}

/// Change an endpoint (`webhooks.write`): the fields given are replaced. Turning it on again
/// clears why the service disabled it.
#[utoipa::path(patch, path = "/api/v1/webhooks/{id}", operation_id = "updateWebhook", tag = "webhooks", params(("id" = i64, Path, description = "Endpoint ID")),
    request_body = EndpointPatch,
    responses((status = 200, body = Endpoint), (status = 400, body = crate::error::Envelope), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["webhooks.write"])))]
pub async fn update(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<WebhooksWrite>,
    Id(id): Id,
    body: JsonBody<EndpointPatch>,
) -> Result<Json<Endpoint>, ApiError> {
    Ok(Json(state.settlement.update_webhook(id, body.value, subject(&caller)).await?))
}

/// Remove an endpoint and its deliveries (`webhooks.write`).
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", operation_id = "deleteWebhook", tag = "webhooks", params(("id" = i64, Path, description = "Endpoint ID")),
    responses((status = 204, description = "Removed"), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["webhooks.write"])))]
pub async fn delete(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<WebhooksWrite>,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    state.settlement.delete_webhook(id, &caller.subject).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Give an endpoint a new signing secret (`webhooks.write`), shown this once. For 24 hours
/// deliveries are signed with both, so receivers can switch without losing one.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/rotate-secret", operation_id = "rotateWebhookSecret", tag = "webhooks", params(("id" = i64, Path, description = "Endpoint ID")),
    responses((status = 200, body = EndpointWithSecret), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["webhooks.write"])))]
pub async fn rotate_secret(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<WebhooksWrite>,
    Id(id): Id,
) -> Result<Json<EndpointWithSecret>, ApiError> {
    Ok(Json(state.settlement.rotate_webhook_secret(id, &caller.subject).await?))
}

/// An endpoint's deliveries with their attempts (`webhooks.read`), newest first.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", operation_id = "listWebhookDeliveries", tag = "webhooks",
    params(
        ("id" = i64, Path, description = "Endpoint ID"),
        ("status" = Option<DeliveryStatus>, Query, description = "Only in this status"),
        ("event_type" = Option<String>, Query, description = "Only of this event type"),
        ("limit" = Option<u32>, Query, description = "Page size, 1 to 100 (default 20)", minimum = 1, maximum = 100),
        ("offset" = Option<u64>, Query, description = "Deliveries to skip (default 0)", maximum = 9007199254740991.0),
    ),
    responses((status = 200, body = DeliveryPage), (status = 400, body = crate::error::Envelope), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["webhooks.read"])))]
pub async fn deliveries(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<WebhooksRead>,
    Id(id): Id,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<DeliveryPage>, ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::validation(format!("query string: {rejection}")))?;
    let (limit, offset) = page_parameters(&query, &["status", "event_type"])?;
    let status = query
        .get("status")
        .map(|text| {
            DeliveryStatus::parse(text)
                .ok_or_else(|| ApiError::validation("status must be PENDING, SUCCEEDED or FAILED"))
        })
        .transpose()?;
    let filter = DeliveryFilter { status, event_type: query.get("event_type").cloned(), limit, offset };
    let (data, total) = state.settlement.webhook_deliveries(id, &caller.subject, &filter).await?;
    Ok(Json(DeliveryPage { data, pagination: Pagination::new(total, limit, offset) }))
}

/// Send one delivery again now, with the same `webhook-id` (`webhooks.write`).
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/deliveries/{delivery_id}/retry", operation_id = "retryWebhookDelivery", tag = "webhooks",
    params(("id" = i64, Path, description = "Endpoint ID"), ("delivery_id" = i64, Path, description = "Delivery ID")),
    responses((status = 202, body = Delivery), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["webhooks.write"])))]
pub async fn retry(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<WebhooksWrite>,
    path: Result<Path<(String, String)>, axum::extract::rejection::PathRejection>,
) -> Result<(StatusCode, Json<Delivery>), ApiError> {
    let Path((id, delivery)) = path.map_err(|rejection| ApiError::validation(format!("path: {rejection}")))?;
    let positive = |name: &str, text: &str| match text.parse::<i64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(ApiError::validation(format!("{name} must be a positive integer, not {text:?}"))),
    };
    let (id, delivery) = (positive("id", &id)?, positive("delivery_id", &delivery)?);
    let delivery = state.settlement.retry_webhook_delivery(id, delivery, &caller.subject).await?;
    Ok((StatusCode::ACCEPTED, Json(delivery)))
}

/// Queue again what an endpoint missed since `since` (`webhooks.write`): its failed deliveries,
/// and the events it selects that it was never sent (made while it was disabled, or before it
/// was registered).
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/replay", operation_id = "replayWebhook", tag = "webhooks",
    params(
        ("id" = i64, Path, description = "Endpoint ID"),
        ("since" = String, Query, description = "RFC 3339 time: replay what happened from then on", format = DateTime),
    ),
    responses((status = 202, body = Replayed), (status = 400, body = crate::error::Envelope), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["webhooks.write"])))]
pub async fn replay(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<WebhooksWrite>,
    Id(id): Id,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<(StatusCode, Json<Replayed>), ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::validation(format!("query string: {rejection}")))?;
    if let Some(unknown) = query.keys().find(|key| key.as_str() != "since") {
        return Err(ApiError::validation(format!("unknown query parameter {unknown}; expected since")));
    }
    let since = query.get("since").ok_or_else(|| ApiError::validation("since is required: an RFC 3339 time"))?;
    let since = settlement_core::time_format::parse(since)
        .ok_or_else(|| ApiError::validation(format!("since must be an RFC 3339 time, not {since:?}")))?;
    let queued = state.settlement.replay_webhook(id, since, &caller.subject).await?;
    Ok((StatusCode::ACCEPTED, Json(Replayed { queued })))
}
