//! Payment files: upload and import, process, read imports and their records.

use std::collections::HashMap;
use std::path::{Path as FilePath, PathBuf};

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::multipart::MultipartRejection;
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Multipart, Query, State};
use axum::http::HeaderName;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use settlement_core::files::parse::CnabContext;
use settlement_core::files::reconcile::Reconciliation;
use settlement_core::files::remessa::{RemessaFormat, RemessaWriter};
use settlement_core::files::{
    FileImport, FileType, ImportFilter, ImportRecord, ImportStatus, MAX_FILE_SIZE, RecordFilter, RecordStatus,
};
use settlement_core::files::{export, participants};
use settlement_core::service::files::Upload;
use settlement_core::{Ispb, PaymentFilter, PaymentStatus};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use tokio::io::AsyncWriteExt;

use crate::app::AppState;
use crate::auth::{Authorized, FilesRead, FilesWrite};
use crate::error::ApiError;
use crate::extract::Id;
use crate::routes::pagination::{Pagination, integer, page_parameters};
use crate::routes::payments::{PAYMENT_FILTERS, payment_filter};

/// An upload's spool file, removed however the request ends.
struct Spool(PathBuf);

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn too_large() -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "FILE_TOO_LARGE", "file exceeds maximum size of 100MB")
}

fn multipart_error(error: MultipartError) -> ApiError {
    if crate::extract::body_timed_out(&error) {
        crate::extract::body_timeout()
    } else if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        ApiError::validation(format!("multipart body: {}", error.body_text()))
    }
}

/// Streams the `file` field to `path`, hashing as it goes; refuses it as soon as it passes
/// 100 MiB. Returns its size and SHA-256.
async fn spool(mut field: Field<'_>, path: &FilePath) -> Result<(u64, String), ApiError> {
    let io = |error: std::io::Error| {
        tracing::error!(%error, "spooling an upload failed");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "cannot store the upload")
    };
    let mut file = tokio::fs::File::create(path).await.map_err(io)?;
    let (mut size, mut hash) = (0u64, Sha256::new());
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        size += chunk.len() as u64;
        if size > MAX_FILE_SIZE {
            return Err(too_large());
        }
        hash.update(&chunk);
        file.write_all(&chunk).await.map_err(io)?;
    }
    file.flush().await.map_err(io)?;
    Ok((size, hash.finalize().iter().map(|b| format!("{b:02x}")).collect()))
}

/// The form of `POST /files/import`, as the document describes it (the handler reads the parts
/// as they stream, without this type).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
// No other part is read: the handler refuses an unknown one.
#[serde(deny_unknown_fields)]
pub struct FileUpload {
    /// The payment file, at most 100 MiB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Its format; the content must look like it.
    file_type: FileType,
    /// For a CNAB file: the payer's institution (8 digits), when the file's bank is not in the
    /// participants table, or to override it.
    #[schema(pattern = "^[0-9]{8}$", nullable = false)]
    debtor_ispb: Option<String>,
}

/// Import a payment file (`files.write`): multipart with `file` and `file_type` (`CSV`,
/// `JSON`, `CNAB240`, `CNAB400`). The file is streamed to disk (at most 100 MiB), read, checked
/// and stored with every record `PENDING`; 201 with the import.
#[utoipa::path(post, path = "/api/v1/files/import", operation_id = "importFile", tag = "files",
    request_body(content = FileUpload, content_type = "multipart/form-data", description = "`file` (the payment file), `file_type`, and for CNAB files `debtor_ispb`"),
    responses(
        (status = 201, body = FileImport),
        (status = 400, body = crate::error::Envelope, description = "VALIDATION_ERROR: a missing field, or a file_type that does not match the content"),
        (status = 409, body = crate::error::Envelope, description = "DUPLICATE_FILE"),
        (status = 413, body = crate::error::Envelope, description = "FILE_TOO_LARGE"),
        (status = 422, body = crate::error::Envelope, description = "FILE_UNREADABLE, with the line and why"),
    ),
    security(("bearer" = ["files.write"])))]
pub async fn import(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<FilesWrite>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<FileImport>), ApiError> {
    // Not a multipart body at all (no boundary, another content type): the envelope, not axum's text.
    let mut multipart = multipart.map_err(|rejection| {
        ApiError::validation(format!(
            "the body must be multipart/form-data with a file part: {}",
            rejection.body_text()
        ))
    })?;
    let mut spooled: Option<(Spool, String, u64, String)> = None;
    let mut file_type: Option<String> = None;
    let mut debtor_ispb: Option<String> = None;
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        match field.name() {
            Some("file") => {
                let filename = field.file_name().unwrap_or("upload").to_owned();
                let path = state.upload_dir.join(format!("{}.upload", uuid::Uuid::new_v4().simple()));
                let spool_file = Spool(path);
                let (size, hash) = spool(field, &spool_file.0).await?;
                spooled = Some((spool_file, filename, size, hash));
            }
            Some("file_type") => file_type = Some(field.text().await.map_err(multipart_error)?),
            Some("debtor_ispb") => {
                let text = field.text().await.map_err(multipart_error)?;
                let ispb =
                    Ispb::parse(text.trim()).map_err(|rule| ApiError::validation(format!("debtor_ispb {rule}")))?;
                debtor_ispb = Some(ispb.as_str().to_owned());
            }
            other => {
                return Err(ApiError::validation(format!(
                    "unknown form field {}; expected file, file_type and debtor_ispb",
                    other.unwrap_or("(unnamed)")
                )));
            }
        }
    }
    let (spool_file, filename, size, hash) = spooled.ok_or_else(|| ApiError::validation("file is required"))?;
    let file_type = file_type.ok_or_else(|| ApiError::validation("file_type is required"))?;
    let file_type = FileType::parse(&file_type)
        .ok_or_else(|| ApiError::validation("file_type must be one of CNAB240, CNAB400, CSV, JSON"))?;
    let cnab = CnabContext { debtor_ispb };
    let upload = Upload { path: spool_file.0.clone(), filename, file_type, size, hash, cnab };
    let import = state.settlement.import_file(&upload, &caller.subject).await?;
    Ok((StatusCode::CREATED, Json(import)))
}

/// A page of imports.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportPage {
    /// The imports, newest first.
    data: Vec<FileImport>,
    /// Where the page is.
    pagination: Pagination,
}

/// List imports (`files.read`), newest first, by status, file type and uploader.
#[utoipa::path(get, path = "/api/v1/files/imports", operation_id = "listFileImports", tag = "files",
    params(
        ("status" = Option<ImportStatus>, Query, description = "Only this status"),
        ("file_type" = Option<FileType>, Query, description = "Only this format"),
        ("created_by" = Option<String>, Query, description = "Only this uploader"),
        ("limit" = Option<u32>, Query, description = "Page size, 1 to 100 (default 20)", minimum = 1, maximum = 100),
        ("offset" = Option<u64>, Query, description = "Imports to skip (default 0)", maximum = 9007199254740991.0),
    ),
    responses((status = 200, body = ImportPage), (status = 400, body = crate::error::Envelope)),
    security(("bearer" = ["files.read"])))]
pub async fn list(
    State(state): State<AppState>,
    _: Authorized<FilesRead>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<ImportPage>, ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::validation(format!("query string: {rejection}")))?;
    let (limit, offset) = page_parameters(&query, &["status", "file_type", "created_by"])?;
    let status = query
        .get("status")
        .map(|text| {
            ImportStatus::parse(text)
                .ok_or_else(|| ApiError::validation("status must be one of UPLOADED, PROCESSING, COMPLETED, FAILED"))
        })
        .transpose()?;
    let file_type = query
        .get("file_type")
        .map(|text| {
            FileType::parse(text)
                .ok_or_else(|| ApiError::validation("file_type must be one of CNAB240, CNAB400, CSV, JSON"))
        })
        .transpose()?;
    let filter = ImportFilter { status, file_type, created_by: query.get("created_by").cloned(), limit, offset };
    let (imports, total) = state.settlement.file_imports(&filter).await?;
    Ok(Json(ImportPage { data: imports, pagination: Pagination::new(total, limit, offset) }))
}

/// One import (`files.read`), with its progress.
#[utoipa::path(get, path = "/api/v1/files/imports/{id}", operation_id = "getFileImport", tag = "files", params(("id" = i64, Path, description = "File import ID")),
    responses((status = 200, body = FileImport), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["files.read"])))]
pub async fn get(
    State(state): State<AppState>,
    _: Authorized<FilesRead>,
    Id(id): Id,
) -> Result<Json<FileImport>, ApiError> {
    Ok(Json(state.settlement.file_import(id).await?))
}

/// An import's records.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RecordPage {
    /// The records, in file order.
    records: Vec<ImportRecord>,
    /// Records matching the filter.
    count: u64,
    /// The page size.
    limit: u32,
    /// Records skipped.
    offset: u64,
}

/// An import's records (`files.read`), in file order, by status.
#[utoipa::path(get, path = "/api/v1/files/imports/{id}/records", operation_id = "listImportRecords", tag = "files",
    params(
        ("id" = i64, Path, description = "File import ID"),
        ("status" = Option<RecordStatus>, Query, description = "Only this status"),
        ("limit" = Option<u32>, Query, description = "Page size, 1 to 1000 (default 100)", minimum = 1, maximum = 1000),
        ("offset" = Option<u64>, Query, description = "Records to skip (default 0)", maximum = 9007199254740991.0),
    ),
    responses((status = 200, body = RecordPage), (status = 400, body = crate::error::Envelope), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["files.read"])))]
pub async fn records(
    State(state): State<AppState>,
    _: Authorized<FilesRead>,
    Id(id): Id,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<RecordPage>, ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::validation(format!("query string: {rejection}")))?;
    if let Some(unknown) = query.keys().find(|key| !["status", "limit", "offset"].contains(&key.as_str())) {
        return Err(ApiError::validation(format!("unknown query parameter {unknown}; expected status, limit, offset")));
    }
    let limit = integer(&query, "limit", 1, 1000)?.unwrap_or(100) as u32;
    let offset = integer(&query, "offset", 0, crate::routes::pagination::MAX_OFFSET)?.unwrap_or(0) as u64;
    let status = query
        .get("status")
        .map(|text| {
            RecordStatus::parse(text).ok_or_else(|| {
                ApiError::validation(
                    "status must be one of PENDING, SUCCESS, FAILED, SKIPPED, MATCHED, UNMATCHED, MISMATCHED",
                )
            })
        })
        .transpose()?;
    let (records, count) = state.settlement.import_records(id, &RecordFilter { status, limit, offset }).await?;
    Ok(Json(RecordPage { records, count, limit, offset }))
}

/// What a retorno import found (`files.read`): matched, unmatched, mismatched and failed
/// details counted and summed (amounts paid, else asked), and the first `limit` unmatched and
/// mismatched records. A payments import has none (400).
#[utoipa::path(get, path = "/api/v1/files/imports/{id}/reconciliation", operation_id = "getImportReconciliation", tag = "files",
    params(
        ("id" = i64, Path, description = "File import ID"),
        ("limit" = Option<u32>, Query, description = "Unmatched and mismatched records listed, each, 1 to 1000 (default 100)", minimum = 1, maximum = 1000),
    ),
    responses((status = 200, body = Reconciliation), (status = 400, body = crate::error::Envelope), (status = 404, body = crate::error::Envelope), (status = 409, body = crate::error::Envelope, description = "NOT_A_RETORNO: the import is of payments")),
    security(("bearer" = ["files.read"])))]
pub async fn reconciliation(
    State(state): State<AppState>,
    _: Authorized<FilesRead>,
    Id(id): Id,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<Reconciliation>, ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::validation(format!("query string: {rejection}")))?;
    if let Some(unknown) = query.keys().find(|key| key.as_str() != "limit") {
        return Err(ApiError::validation(format!("unknown query parameter {unknown}; expected limit")));
    }
    let limit = integer(&query, "limit", 1, 1000)?.unwrap_or(100) as u32;
    Ok(Json(state.settlement.reconciliation(id, limit).await?))
}

/// What `POST /files/imports/{id}/process` answers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Processing {
    /// The import.
    id: i64,
    /// `PROCESSING`.
    status: ImportStatus,
    /// When processing started.
    #[serde(with = "settlement_core::time_format::api_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    started_at: Option<OffsetDateTime>,
}

/// Start turning an import's records into payments (`files.write`): 202; a background worker
/// does it, chunk by chunk. An import already processing or processed is 409.
#[utoipa::path(post, path = "/api/v1/files/imports/{id}/process", operation_id = "processFileImport", tag = "files", params(("id" = i64, Path, description = "File import ID")),
    responses(
        (status = 202, body = Processing),
        (status = 404, body = crate::error::Envelope),
        (status = 409, body = crate::error::Envelope, description = "INVALID_TRANSITION: processing or processed already"),
    ),
    security(("bearer" = ["files.write"])))]
pub async fn process(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<FilesWrite>,
    Id(id): Id,
) -> Result<(StatusCode, Json<Processing>), ApiError> {
    let import = state.settlement.start_processing(id, &caller.subject).await?;
    state.import_work.notify_one();
    Ok((StatusCode::ACCEPTED, Json(Processing { id: import.id, status: import.status, started_at: import.started_at })))
}

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ExportFormat {
    Csv,
    Json,
    /// A Pix transfer file from the bank with this COMPE code.
    Cnab240(u64),
    /// A cobrança remessa (P and Q) to the collecting bank with this COMPE code.
    Cnab240Cobranca(u64),
    /// A Bradesco cobrança remessa.
    Cnab400,
}

/// Payments per query while an export streams.
const EXPORT_PAGE: u32 = 1000;

/// The most payments one export carries.
const MAX_EXPORT: i64 = 100_000;

impl ExportFormat {
    /// The bank file a remessa is sent as; `None` for CSV and JSON.
    fn remessa(self) -> Option<RemessaFormat> {
        match self {
            ExportFormat::Cnab240(bank) => Some(RemessaFormat::Cnab240 { bank }),
            ExportFormat::Cnab240Cobranca(bank) => Some(RemessaFormat::Cnab240Cobranca { bank }),
            ExportFormat::Cnab400 => Some(RemessaFormat::Cnab400),
            ExportFormat::Csv | ExportFormat::Json => None,
        }
    }
}

/// `mark_sent`: `true` sends the export as a remessa, `false` (the default) only reads.
fn mark_sent(query: &HashMap<String, String>, format: ExportFormat) -> Result<Option<RemessaFormat>, ApiError> {
    match query.get("mark_sent").map(String::as_str) {
        None | Some("false") => Ok(None),
        Some("true") => {
            let remessa = format.remessa().ok_or_else(|| {
                ApiError::validation("mark_sent=true sends a remessa to a bank: it needs format cnab240 or cnab400")
            })?;
            if query.get("status").is_some_and(|status| status != "PENDING") {
                return Err(ApiError::validation(
                    "mark_sent=true sends PENDING payments: status, if given, must be PENDING",
                ));
            }
            Ok(Some(remessa))
        }
        Some(other) => Err(ApiError::validation(format!("mark_sent must be true or false, not {other:?}"))),
    }
}

fn export_filter(query: &HashMap<String, String>) -> Result<(ExportFormat, PaymentFilter, i64), ApiError> {
    let known = |key: &str| {
        ["format", "service", "from", "to", "max_records", "mark_sent"].contains(&key) || PAYMENT_FILTERS.contains(&key)
    };
    if let Some(unknown) = query.keys().find(|key| !known(key)) {
        return Err(ApiError::validation(format!(
            "unknown query parameter {unknown}; expected format, service, from, to, max_records, mark_sent, {}",
            PAYMENT_FILTERS.join(", ")
        )));
    }
    let format = match query.get("format").map(|f| f.to_ascii_lowercase()).as_deref() {
        None | Some("csv") => ExportFormat::Csv,
        Some("json") => ExportFormat::Json,
        // A cobrança remessa is the collecting bank's: its boletos are all paid to one institution.
        Some("cnab240") if query.get("service").map(String::as_str) == Some("cobranca") => {
            let ispb = query.get("creditor_ispb").ok_or_else(|| {
                ApiError::validation("format cnab240 with service cobranca needs creditor_ispb: the collecting bank's")
            })?;
            let compe = participants::compe_of(ispb).ok_or_else(|| {
                ApiError::validation(format!("creditor_ispb {ispb} has no COMPE code in the participants table"))
            })?;
            ExportFormat::Cnab240Cobranca(compe)
        }
        // A CNAB240 file is one bank's: its payments all leave from one institution.
        Some("cnab240") => {
            let ispb = query.get("debtor_ispb").ok_or_else(|| {
                ApiError::validation("format cnab240 needs debtor_ispb: a CNAB240 file is the debtor bank's file")
            })?;
            let compe = participants::compe_of(ispb).ok_or_else(|| {
                ApiError::validation(format!("debtor_ispb {ispb} has no COMPE code in the participants table"))
            })?;
            ExportFormat::Cnab240(compe)
        }
        // A cobrança remessa is the collecting bank's: its payments all arrive there.
        Some("cnab400") => {
            let bradesco = participants::ispb_of(febraban_cnab::cnab400::BRADESCO).unwrap_or_default();
            if query.get("creditor_ispb").map(String::as_str) != Some(bradesco) {
                return Err(ApiError::validation(format!(
                    "format cnab400 writes a Bradesco cobrança remessa: it needs creditor_ispb={bradesco}"
                )));
            }
            ExportFormat::Cnab400
        }
        Some(_) => return Err(ApiError::validation("format must be one of csv, json, cnab240, cnab400")),
    };
    match (format, query.get("service").map(String::as_str)) {
        (_, None)
        | (ExportFormat::Cnab240(_), Some("pagamentos"))
        | (ExportFormat::Cnab240Cobranca(_), Some("cobranca")) => {}
        (ExportFormat::Cnab240(_), Some(other)) => {
            return Err(ApiError::validation(format!("service must be pagamentos or cobranca, not {other:?}")));
        }
        _ => return Err(ApiError::validation("service applies to format cnab240 only")),
    }
    let date = |name: &str| -> Result<Option<time::Date>, ApiError> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        query
            .get(name)
            .map(|text| {
                time::Date::parse(text, format)
                    .map_err(|_| ApiError::validation(format!("{name} must be a date YYYY-MM-DD")))
            })
            .transpose()
    };
    let filter = PaymentFilter {
        // Whole UTC days, `to` included.
        created_from: date("from")?.map(|day| day.midnight().assume_utc()),
        created_before: date("to")?.map(|day| day.midnight().assume_utc() + time::Duration::days(1)),
        ..payment_filter(query)?
    };
    let max_records = integer(query, "max_records", 1, MAX_EXPORT)?.unwrap_or(1000);
    Ok((format, filter, max_records))
}

/// Export payments (`files.read`) as CSV (default) or JSON, streamed page by page, with the
/// document's filters; at most `max_records` (default 1000, at most 100,000), oldest first.
///
/// With `mark_sent=true` (CNAB formats, `files.write` too) the export is a remessa sent to the
/// bank: its `PENDING` payments become `PROCESSING` in the transaction that records it, and
/// the answer names it (`X-Export-Id`, `Location: /api/v1/files/exports/{id}`). Every CNAB
/// export writes the service's reference of each payment where the bank echoes it.
#[utoipa::path(get, path = "/api/v1/files/export", operation_id = "exportPayments", tag = "files",
    params(
        ("format" = Option<String>, Query, description = "csv (default), json, cnab240 (a Pix transfer file; needs debtor_ispb), cnab400 (a Bradesco cobrança remessa; needs creditor_ispb 60746948); any case", pattern = "^([Cc][Ss][Vv]|[Jj][Ss][Oo][Nn]|[Cc][Nn][Aa][Bb](240|400))$"),
        ("service" = Option<String>, Query, description = "With format cnab240: pagamentos (default, Pix transfers, segments A and B) or cobranca (boletos, segments P and Q; needs creditor_ispb, the collecting bank)", pattern = "^(pagamentos|cobranca)$"),
        ("status" = Option<PaymentStatus>, Query, description = "Only this status"),
        ("from" = Option<String>, Query, description = "Created on or after this day (YYYY-MM-DD, UTC)", format = Date),
        ("to" = Option<String>, Query, description = "Created on or before this day (YYYY-MM-DD, UTC)", format = Date),
        ("debtor_ispb" = Option<String>, Query, description = "Only this payer institution", pattern = "^[0-9]{8}$"),
        ("creditor_ispb" = Option<String>, Query, description = "Only this payee institution", pattern = "^[0-9]{8}$"),
        ("min_amount" = Option<i64>, Query, description = "At least this many centavos", minimum = 0),
        ("max_amount" = Option<i64>, Query, description = "At most this many centavos", minimum = 0),
        ("max_records" = Option<u32>, Query, description = "At most this many payments (default 1000, at most 100000)", minimum = 1, maximum = 100000),
        ("mark_sent" = Option<bool>, Query, description = "true: send the CNAB export as a remessa (needs files.write too): its PENDING payments become PROCESSING, and the export is stored"),
    ),
    responses(
        (status = 200, description = "The file, as an attachment: CSV, a JSON array of payments, or the CNAB file (ISO-8859-1)",
            content((String = "text/csv"), (Vec<serde_json::Value> = "application/json"), (String = "text/plain"))),
        (status = 400, body = crate::error::Envelope),
        (status = 409, body = crate::error::Envelope, description = "NOTHING_TO_SEND: mark_sent and no PENDING payment matches; EXPORT_CONFLICT"),
        (status = 422, body = crate::error::Envelope, description = "FILE_UNWRITABLE: mark_sent and a payment the layout cannot carry"),
    ),
    security(("bearer" = ["files.read"])))]
pub async fn export(
    State(state): State<AppState>,
    Authorized(caller, _): Authorized<FilesRead>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::validation(format!("query string: {rejection}")))?;
    let (format, filter, max_records) = export_filter(&query)?;
    let sending = mark_sent(&query, format)?;
    let now = OffsetDateTime::now_utc();
    let stamp = time::macros::format_description!("[year][month][day]_[hour][minute][second]");
    let (extension, content_type) = match format {
        ExportFormat::Csv => ("csv", "text/csv; charset=utf-8"),
        ExportFormat::Json => ("json", "application/json"),
        ExportFormat::Cnab240(_) | ExportFormat::Cnab240Cobranca(_) | ExportFormat::Cnab400 => {
            ("rem", "text/plain; charset=iso-8859-1")
        }
    };
    let filename = format!("export_{}.{extension}", now.format(stamp).unwrap_or_default());
    if let Some(remessa) = sending {
        caller.require("files.write")?;
        let max = u32::try_from(max_records).unwrap_or(u32::MAX);
        let (export, bytes) = state.settlement.send_remessa(remessa, &filter, max, &filename, &caller.subject).await?;
        return Ok((
            [
                (CONTENT_TYPE, content_type.to_owned()),
                (CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
                (LOCATION, format!("/api/v1/files/exports/{}", export.id)),
                (HeaderName::from_static("x-export-id"), export.id.to_string()),
            ],
            bytes,
        )
            .into_response());
    }
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let settlement = state.settlement;
    tokio::spawn(async move {
        let opening = match format {
            ExportFormat::Csv => export::csv_header(),
            ExportFormat::Json => "[".to_owned(),
            ExportFormat::Cnab240(_) | ExportFormat::Cnab240Cobranca(_) | ExportFormat::Cnab400 => String::new(),
        };
        if sender.send(Ok(Bytes::from(opening))).await.is_err() {
            return;
        }
        let fail = |error: String| {
            // The status line is sent: all that is left is to cut the body short.
            tracing::error!(%error, "an export failed midway");
            Err(std::io::Error::other(error))
        };
        // An export that is not sent is not numbered: its NSA is 0.
        let mut remessa = format.remessa().map(|format| RemessaWriter::new(format, now, 0));
        let (mut after, mut left, mut first) = (0, max_records, true);
        while left > 0 {
            let limit = u32::try_from(left.min(i64::from(EXPORT_PAGE))).unwrap_or(EXPORT_PAGE);
            let page = match settlement.export_page(&filter, after, limit).await {
                Ok(page) => page,
                Err(error) => {
                    let _ = sender.send(fail(error.to_string())).await;
                    return;
                }
            };
            let Some(last) = page.last() else { break };
            after = last.id;
            left -= page.len() as i64;
            let chunk = match (&mut remessa, format) {
                (Some(writer), _) => match writer.add(&page) {
                    Ok(bytes) => bytes,
                    Err(error) => {
                        let _ = sender.send(fail(error)).await;
                        return;
                    }
                },
                (None, ExportFormat::Json) => {
                    let mut text = String::new();
                    for payment in &page {
                        if !first {
                            text.push(',');
                        }
                        first = false;
                        text.push_str(&export::json_element(payment).to_string());
                    }
                    text.into_bytes()
                }
                (None, _) => export::csv_rows(&page).unwrap_or_default(),
            };
            if sender.send(Ok(Bytes::from(chunk))).await.is_err() {
                return;
            }
        }
        let closing = match (remessa, format) {
            (Some(writer), _) => writer.finish(),
            (None, ExportFormat::Json) => Ok(b"]".to_vec()),
            (None, _) => Ok(Vec::new()),
        };
        let _ = match closing {
            Ok(bytes) => sender.send(Ok(Bytes::from(bytes))).await,
            Err(error) => sender.send(fail(error)).await,
        };
    });
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|item| (item, receiver))
    });
    Ok((
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}
