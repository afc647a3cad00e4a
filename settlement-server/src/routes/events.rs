//! `GET /events`: the caller's events, in the order they were made, for a client that catches
//! up without webhooks (or after them).

use std::collections::HashMap;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::Serialize;
use settlement_core::service::webhooks::Subject;
use settlement_core::webhooks::Event;

use crate::app::AppState;
use crate::auth::{Authorized, WebhooksRead};
use crate::error::ApiError;
use crate::routes::pagination::integer;

/// A page of events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventPage {
    /// The events, oldest first.
    data: Vec<Event>,
    /// Pass as `after` for the next page; absent when this page is empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_after: Option<i64>,
}

/// The caller's events, oldest first (`webhooks.read`): those of its objects, of the types its
/// token's read scopes read (`payments.read` reads `payment.*`, and so on). Page with `after`.
#[utoipa::path(get, path = "/api/v1/events", operation_id = "listEvents", tag = "webhooks",
    params(
        ("since" = Option<String>, Query, description = "RFC 3339 time: only events from then on", format = DateTime),
        ("after" = Option<i64>, Query, description = "Only events after this id (the last one seen)", minimum = 0, maximum = 9007199254740991.0),
        ("type" = Option<String>, Query, description = "An event type, `prefix.*` or `*`"),
        ("limit" = Option<u32>, Query, description = "Page size, 1 to 100 (default 20)", minimum = 1, maximum = 100),
    ),
    responses((status = 200, body = EventPage), (status = 400, body = crate::error::Envelope), (status = 401, body = crate::error::Envelope)),
    security(("bearer" = ["webhooks.read"])))]
pub async fn list(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<WebhooksRead>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<EventPage>, ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::validation(format!("query string: {rejection}")))?;
    let known = ["since", "after", "type", "limit"];
    if let Some(unknown) = query.keys().find(|key| !known.contains(&key.as_str())) {
        return Err(ApiError::validation(format!(
            "unknown query parameter {unknown}; expected one of {}",
            known.join(", ")
        )));
    }
    let since = query
        .get("since")
        .map(|text| {
            settlement_core::time_format::parse(text)
                .ok_or_else(|| ApiError::validation(format!("since must be an RFC 3339 time, not {text:?}")))
        })
        .transpose()?;
    let after = integer(&query, "after", 0, crate::routes::pagination::MAX_OFFSET)?;
    let limit = integer(&query, "limit", 1, 100)?.unwrap_or(20) as u32;
    let subject = Subject { name: &caller.subject, scopes: &caller.scopes };
    let data = state.settlement.events(subject, query.get("type").map(String::as_str), since, after, limit).await?;
    let next_after = data.last().map(|event| event.id);
    Ok(Json(EventPage { data, next_after }))
}
