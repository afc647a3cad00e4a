//! Liveness and readiness probes (unauthenticated).

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use settlement_core::Store;

use crate::app::AppState;

/// `GET /health` body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`.
    status: &'static str,
}

/// `GET /ready` body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Readiness {
    /// `ready` or `unavailable`.
    status: &'static str,
    /// `connected` or `disconnected`.
    database: &'static str,
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/api/v1/health", operation_id = "getHealth", tag = "health", responses((status = 200, body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// Readiness: a real round trip to the database, within 2 seconds.
#[utoipa::path(get, path = "/api/v1/ready", operation_id = "getReadiness", tag = "health", responses(
    (status = 200, body = Readiness, example = json!({"status": "ready", "database": "connected"})),
    (status = 503, body = Readiness, example = json!({"status": "unavailable", "database": "disconnected"})),
))]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    match tokio::time::timeout(Duration::from_secs(2), state.settlement.store().ping()).await {
        Ok(Ok(())) => (StatusCode::OK, Json(Readiness { status: "ready", database: "connected" })),
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, Json(Readiness { status: "unavailable", database: "disconnected" }))
        }
        Err(_) => {
            tracing::warn!("readiness: database did not answer within 2 s");
            (StatusCode::SERVICE_UNAVAILABLE, Json(Readiness { status: "unavailable", database: "disconnected" }))
        }
    }
}
