//! Payment files: imports (a file's records, each to become a payment request) and their
//! lifecycle.
//!
//! An import is `UPLOADED` once its file is read and every record stored `PENDING`;
//! `PROCESSING` while a worker turns records into payments, chunk by chunk, each chunk's
//! payments and record statuses in one transaction; `COMPLETED` when none is left (`FAILED`
//! only when it could not be processed at all).

pub mod export;
pub mod parse;
pub mod participants;
pub mod reconcile;
pub mod reference;
pub mod remessa;
pub mod retorno;

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::time_format;

/// The formats a file may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum FileType {
    /// FEBRABAN CNAB240.
    Cnab240,
    /// CNAB400 (bank layouts).
    Cnab400,
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array of payment objects.
    Json,
}

impl FileType {
    /// Every type.
    pub const ALL: [FileType; 4] = [FileType::Cnab240, FileType::Cnab400, FileType::Csv, FileType::Json];

    /// The API's name.
    pub fn as_str(self) -> &'static str {
        match self {
            FileType::Cnab240 => "CNAB240",
            FileType::Cnab400 => "CNAB400",
            FileType::Csv => "CSV",
            FileType::Json => "JSON",
        }
    }

    /// Reads the API's name, in any case.
    pub fn parse(value: &str) -> Option<Self> {
        FileType::ALL.into_iter().find(|kind| kind.as_str().eq_ignore_ascii_case(value.trim()))
    }
}

impl fmt::Display for FileType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! status_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "UPPERCASE")]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// The API's name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// Reads the API's name.
            pub fn parse(value: &str) -> Option<Self> {
                [$($name::$variant,)*].into_iter().find(|status| status.as_str() == value)
            }
        }
    };
}

status_enum! {
    /// Where an import is.
    ImportStatus {
        /// Read and stored, waiting to be processed.
        Uploaded => "UPLOADED",
        /// Records are being turned into payments.
        Processing => "PROCESSING",
        /// Every record was processed.
        Completed => "COMPLETED",
        /// It could not be processed at all.
        Failed => "FAILED",
    }
}

status_enum! {
    /// Where a record is.
    RecordStatus {
        /// Not processed yet.
        Pending => "PENDING",
        /// Became a payment request.
        Success => "SUCCESS",
        /// Refused: `error` says why.
        Failed => "FAILED",
        /// Left out: a payment with its `external_id` exists.
        Skipped => "SKIPPED",
        /// A retorno's detail applied to its payment (or found already applied).
        Matched => "MATCHED",
        /// A retorno's detail whose reference no payment has: kept, nothing changed.
        Unmatched => "UNMATCHED",
        /// A retorno's detail whose payment differs from it (amount, parties): nothing changed,
        /// for an operator to look at.
        Mismatched => "MISMATCHED",
    }
}

status_enum! {
    /// What an import's records are.
    ImportKind {
        /// Payments to create (a CSV, JSON or remessa file).
        Payments => "PAYMENTS",
        /// A bank's answers about payments sent (a retorno).
        Retorno => "RETORNO",
    }
}

/// A file import, as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FileImport {
    /// The service's id.
    pub id: i64,
    /// A UUID.
    pub unique_id: Uuid,
    /// The uploaded file's name.
    pub filename: String,
    /// Its format.
    pub file_type: FileType,
    /// What its records are: payments to create, or a retorno's answers.
    pub kind: ImportKind,
    /// Its size in bytes.
    pub file_size: i64,
    /// SHA-256 of its bytes, hexadecimal.
    pub file_hash: String,
    /// Where it is.
    pub status: ImportStatus,
    /// Records read from the file.
    pub total_records: i64,
    /// Records processed so far (succeeded, failed or skipped).
    pub processed_records: i64,
    /// Records that failed.
    pub failed_records: i64,
    /// Records skipped (a retorno's: unmatched and mismatched).
    pub skipped_records: i64,
    /// Percentage of processed records that became payments (a retorno's: that matched).
    pub success_rate: f64,
    /// When processing started.
    #[serde(with = "time_format::api_option", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub started_at: Option<OffsetDateTime>,
    /// When processing ended.
    #[serde(with = "time_format::api_option", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub completed_at: Option<OffsetDateTime>,
    /// The token subject that uploaded it.
    pub created_by: String,
    /// Uploaded.
    #[serde(with = "time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// Last changed.
    #[serde(with = "time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

/// The share of processed records that became payments, in percent, two decimals.
pub fn success_rate(processed: i64, failed: i64, skipped: i64) -> f64 {
    if processed <= 0 {
        return 0.0;
    }
    let succeeded = (processed - failed - skipped).max(0) as f64;
    (succeeded * 10_000.0 / processed as f64).round() / 100.0
}

/// One record of an import, as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ImportRecord {
    /// The service's id.
    pub id: i64,
    /// Its import.
    pub file_import_id: i64,
    /// Where it starts in the file (CSV and CNAB: the line; JSON: the element, from 1).
    pub line_number: i64,
    /// The record as the file has it.
    pub raw_data: String,
    /// Where it is.
    pub status: RecordStatus,
    /// Why it failed or was skipped; a retorno's record: what it applied, or why nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The payment it became (a retorno's: the payment it reports on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_request_id: Option<i64>,
    /// A retorno detail's amount (paid, else asked), centavos.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// When it was processed.
    #[serde(with = "time_format::api_option", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub processed_at: Option<OffsetDateTime>,
    /// Stored.
    #[serde(with = "time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

/// What a record read from a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// A payment to create: its fields are the create endpoint's.
    Payment,
    /// A retorno's detail: its fields are a [`retorno::Occurrence`].
    Occurrence,
}

/// A record read from a file: where it is, its text, and what it carries (the create
/// endpoint's payment fields, values as the format gives them and checked when processed; or a
/// retorno's occurrence).
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedRecord {
    /// Line (or element) number.
    pub line_number: u64,
    /// The record as the file has it.
    pub raw_data: String,
    /// A JSON object of payment fields, or an occurrence.
    pub fields: serde_json::Value,
    /// Which of the two.
    pub kind: RecordKind,
    /// A retorno detail's amount (paid, else asked), for the reconciliation's sums.
    pub amount: Option<i64>,
}

impl ParsedRecord {
    /// A payment to create, with its fields.
    pub fn payment(line_number: u64, raw_data: String, fields: serde_json::Value) -> Self {
        ParsedRecord { line_number, raw_data, fields, kind: RecordKind::Payment, amount: None }
    }
}

/// Filters and page of `GET /files/imports`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportFilter {
    /// Only this status.
    pub status: Option<ImportStatus>,
    /// Only this format.
    pub file_type: Option<FileType>,
    /// Only these uploaders.
    pub created_by: Option<String>,
    /// Page size, 1 to 100.
    pub limit: u32,
    /// Rows to skip.
    pub offset: u64,
}

/// Filters and page of `GET /files/imports/{id}/records`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordFilter {
    /// Only this status.
    pub status: Option<RecordStatus>,
    /// Page size, 1 to 1000.
    pub limit: u32,
    /// Rows to skip.
    pub offset: u64,
}

/// The largest file accepted, in bytes.
pub const MAX_FILE_SIZE: u64 = 100 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_names() {
        assert_eq!(success_rate(0, 0, 0), 0.0);
        assert_eq!(success_rate(2, 0, 0), 100.0);
        assert_eq!(success_rate(3, 1, 0), 66.67);
        assert_eq!(FileType::parse("csv"), Some(FileType::Csv));
        assert_eq!(ImportStatus::parse("COMPLETED"), Some(ImportStatus::Completed));
        assert_eq!(RecordStatus::Skipped.as_str(), "SKIPPED");
    }
}
