//! Remessas sent: `GET /files/exports`, one with its payments, and its file written again.

use std::collections::HashMap;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use settlement_core::files::FileType;
use settlement_core::files::remessa::{ExportFilter, FileExport};

use crate::app::AppState;
use crate::auth::{Authorized, FilesRead};
use crate::error::ApiError;
use crate::extract::Id;
use crate::routes::pagination::{Pagination, page_parameters};

/// A page of remessas sent.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExportPage {
    /// The exports, newest first.
    data: Vec<FileExport>,
    /// Where the page is.
    pagination: Pagination,
}

/// List remessas sent (`files.read`), newest first, by format and sender.
#[utoipa::path(get, path = "/api/v1/files/exports", operation_id = "listFileExports", tag = "files",
    params(
        ("format" = Option<FileType>, Query, description = "Only this format (CNAB240, CNAB400)"),
        ("created_by" = Option<String>, Query, description = "Only this sender"),
        ("limit" = Option<u32>, Query, description = "Page size, 1 to 100 (default 20)", minimum = 1, maximum = 100),
        ("offset" = Option<u64>, Query, description = "Exports to skip (default 0)", maximum = 9007199254740991.0),
    ),
    responses((status = 200, body = ExportPage), (status = 400, body = crate::error::Envelope)),
    security(("bearer" = ["files.read"])))]
pub async fn list_exports(
    State(state): State<AppState>,
    _: Authorized<FilesRead>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<ExportPage>, ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::validation(format!("query string: {rejection}")))?;
    let (limit, offset) = page_parameters(&query, &["format", "created_by"])?;
    let file_type = query
        .get("format")
        .map(|text| FileType::parse(text).ok_or_else(|| ApiError::validation("format must be CNAB240 or CNAB400")))
        .transpose()?;
    let filter = ExportFilter { file_type, created_by: query.get("created_by").cloned(), limit, offset };
    let (exports, total) = state.settlement.file_exports(&filter).await?;
    Ok(Json(ExportPage { data: exports, pagination: Pagination::new(total, limit, offset) }))
}

/// One remessa sent (`files.read`): format, bank, count, total, hash, who, when, how many a
/// retorno has answered, and its payments in file order.
#[utoipa::path(get, path = "/api/v1/files/exports/{id}", operation_id = "getFileExport", tag = "files", params(("id" = i64, Path, description = "File export ID")),
    responses((status = 200, body = FileExport), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["files.read"])))]
pub async fn get_export(
    State(state): State<AppState>,
    _: Authorized<FilesRead>,
    Id(id): Id,
) -> Result<Json<FileExport>, ApiError> {
    Ok(Json(state.settlement.file_export(id).await?))
}

/// A remessa's file again (`files.read`), byte for byte as it was sent (its SHA-256 is
/// checked): for a download that broke after the payments were marked sent.
#[utoipa::path(get, path = "/api/v1/files/exports/{id}/file", operation_id = "getFileExportFile", tag = "files", params(("id" = i64, Path, description = "File export ID")),
    responses(
        (status = 200, content_type = "text/plain", description = "The remessa, as an attachment"),
        (status = 404, body = crate::error::Envelope),
    ),
    security(("bearer" = ["files.read"])))]
pub async fn export_file(
    State(state): State<AppState>,
    _: Authorized<FilesRead>,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let (export, bytes) = state.settlement.export_file(id).await?;
    Ok((
        [
            (CONTENT_TYPE, "text/plain; charset=iso-8859-1".to_owned()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", export.filename)),
        ],
        bytes,
    )
        .into_response())
}
