//! Remessas: the bank files an export writes ([`RemessaWriter`]), and the remessas sent: an
//! export marked sent is stored, with the payments it carries, in the transaction that moves
//! them `PENDING -> PROCESSING`; a retorno later answers them. The same payments and time write
//! the same bytes, so a stored remessa can be written again and checked against its hash.

use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::FileType;
use super::export::{cnab240::Cnab240Export, cnab240_cobranca::CobrancaExport, cnab400::Cnab400Export};
use super::retorno::Layout;
use crate::payment::Payment;
use crate::time_format;

/// The bank file layouts a remessa is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemessaFormat {
    /// A CNAB240 Pix transfer file of the bank with this COMPE code.
    Cnab240 {
        /// The debtor's bank.
        bank: u64,
    },
    /// A CNAB240 cobrança remessa (segments P and Q) to the collecting bank with this COMPE code.
    Cnab240Cobranca {
        /// The creditor's bank.
        bank: u64,
    },
    /// A CNAB400 Bradesco cobrança remessa.
    Cnab400,
}

impl RemessaFormat {
    /// The file type.
    pub fn file_type(self) -> FileType {
        match self {
            RemessaFormat::Cnab240 { .. } | RemessaFormat::Cnab240Cobranca { .. } => FileType::Cnab240,
            RemessaFormat::Cnab400 => FileType::Cnab400,
        }
    }

    /// The layout.
    pub fn layout(self) -> Layout {
        match self {
            RemessaFormat::Cnab240 { .. } => Layout::Cnab240Payments,
            RemessaFormat::Cnab240Cobranca { .. } => Layout::Cnab240Cobranca,
            RemessaFormat::Cnab400 => Layout::Cnab400Cobranca,
        }
    }

    /// The format a stored export was written in; `None` for a layout only banks write (a
    /// statement).
    pub fn of(layout: Layout, bank: u64) -> Option<Self> {
        match layout {
            Layout::Cnab240Payments => Some(RemessaFormat::Cnab240 { bank }),
            Layout::Cnab240Cobranca => Some(RemessaFormat::Cnab240Cobranca { bank }),
            Layout::Cnab400Cobranca => Some(RemessaFormat::Cnab400),
            Layout::Cnab240Statement => None,
        }
    }

    /// The bank the file is for.
    pub fn bank(self) -> u64 {
        match self {
            RemessaFormat::Cnab240 { bank } | RemessaFormat::Cnab240Cobranca { bank } => bank,
            RemessaFormat::Cnab400 => febraban_cnab::cnab400::BRADESCO,
        }
    }
}

/// A remessa being written, a page of payments at a time: each page's bytes come out as soon
/// as they are whole (a cobrança file's trailers count every boleto: it comes out at the end).
pub enum RemessaWriter {
    /// Pix transfers; the file header is written with the first payment.
    Cnab240 {
        /// The debtor's bank.
        bank: u64,
        /// The NSA.
        file_number: u64,
        /// The file, once started (boxed: it holds a batch being written).
        writer: Option<Box<Cnab240Export>>,
    },
    /// Boletos, CNAB240 (boxed: it holds the file header and every batch until the end).
    Cnab240Cobranca(Box<CobrancaExport>),
    /// Boletos, CNAB400; the header is written with the first payment.
    Cnab400 {
        /// The file.
        writer: Cnab400Export,
        /// When it is written (its header's date).
        at: OffsetDateTime,
        /// Whether the header is written.
        started: bool,
    },
}

impl RemessaWriter {
    /// A remessa in `format`, written at `at`, numbered `file_number` (its NSA; 0 for an
    /// export that is not sent).
    pub fn new(format: RemessaFormat, at: OffsetDateTime, file_number: u64) -> Self {
        match format {
            RemessaFormat::Cnab240 { bank } => RemessaWriter::Cnab240 { bank, file_number, writer: None },
            RemessaFormat::Cnab240Cobranca { bank } => {
                RemessaWriter::Cnab240Cobranca(Box::new(CobrancaExport::new(bank, file_number)))
            }
            RemessaFormat::Cnab400 => {
                let mut writer = Cnab400Export::default();
                writer.file_number = file_number;
                RemessaWriter::Cnab400 { writer, at, started: false }
            }
        }
    }

    /// Adds payments; the bytes written so far.
    pub fn add(&mut self, payments: &[Payment]) -> Result<Vec<u8>, String> {
        match self {
            RemessaWriter::Cnab240 { bank, file_number, writer } => {
                let writer = match writer {
                    Some(writer) => writer,
                    None => {
                        let started = Cnab240Export::new(*bank, payments.first(), *file_number);
                        writer.insert(Box::new(started.map_err(|e| e.to_string())?))
                    }
                };
                writer.add(payments).map_err(|e| e.to_string())
            }
            RemessaWriter::Cnab240Cobranca(writer) => {
                writer.add(payments);
                Ok(Vec::new())
            }
            RemessaWriter::Cnab400 { writer, at, started } => {
                let mut bytes =
                    if *started || payments.is_empty() { Vec::new() } else { writer.header(payments.first(), *at)? };
                *started |= !payments.is_empty();
                bytes.extend(writer.details(payments)?);
                Ok(bytes)
            }
        }
    }

    /// The rest of the file: a file with no payment is still a file (header and trailer).
    pub fn finish(self) -> Result<Vec<u8>, String> {
        match self {
            RemessaWriter::Cnab240 { bank, file_number, writer } => {
                let writer = match writer {
                    Some(writer) => *writer,
                    None => Cnab240Export::new(bank, None, file_number).map_err(|e| e.to_string())?,
                };
                writer.finish().map_err(|e| e.to_string())
            }
            RemessaWriter::Cnab240Cobranca(writer) => writer.finish().map_err(|e| e.to_string()),
            RemessaWriter::Cnab400 { mut writer, at, started } => {
                let mut bytes = if started { Vec::new() } else { writer.header(None, at)? };
                bytes.extend(writer.trailer()?);
                Ok(bytes)
            }
        }
    }
}

/// SHA-256 of a file, hexadecimal.
pub fn hash(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A remessa to record: what was written, for whom, and the payments in it, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewExport<'a> {
    /// The layout and bank it was written for.
    pub format: RemessaFormat,
    /// Its sequence number among the layout's remessas to the bank (NSA).
    pub file_number: u64,
    /// The file's name.
    pub filename: &'a str,
    /// Its size.
    pub file_size: u64,
    /// Its SHA-256.
    pub file_hash: &'a str,
    /// The payments, in file order; each must still be `PENDING`.
    pub payments: &'a [(i64, i64)],
    /// Who sent it.
    pub created_by: &'a str,
    /// When.
    pub at: OffsetDateTime,
}

/// A remessa sent, as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FileExport {
    /// The service's id.
    pub id: i64,
    /// A UUID.
    pub unique_id: Uuid,
    /// `CNAB240` or `CNAB400`.
    pub format: FileType,
    /// Its layout: `CNAB240_PAYMENTS` (Pix transfers), `CNAB240_COBRANCA` or `CNAB400_COBRANCA`.
    pub layout: Layout,
    /// The bank it was written for (COMPE code).
    pub bank: u64,
    /// Its sequence number (NSA, written in the file header) among the layout's remessas to the
    /// bank: 1, 2, 3...
    pub file_number: u64,
    /// `SENT`.
    pub status: String,
    /// Payments in it.
    pub payment_count: i64,
    /// Their sum, centavos.
    pub total_amount: i64,
    /// Payments a retorno has answered.
    pub answered_count: i64,
    /// The file's name.
    pub filename: String,
    /// Its size in bytes.
    pub file_size: i64,
    /// SHA-256 of its bytes, hexadecimal.
    pub file_hash: String,
    /// Who sent it (the token's subject).
    pub created_by: String,
    /// When.
    #[serde(with = "time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// The payments in it, in file order (only on `GET /files/exports/{id}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_ids: Option<Vec<i64>>,
}

/// Filters and page of `GET /files/exports`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportFilter {
    /// Only this format.
    pub file_type: Option<FileType>,
    /// Only these senders.
    pub created_by: Option<String>,
    /// Page size, 1 to 100.
    pub limit: u32,
    /// Rows to skip.
    pub offset: u64,
}

/// The audit trail's actor of the payments a remessa sends.
pub fn actor(export_id: i64) -> String {
    format!("export:{export_id}")
}
