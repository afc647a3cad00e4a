//! The file services: import a file (read, check, store its records), process an import's
//! records into payments, chunk by chunk, and read imports back.

use std::path::PathBuf;

use tokio::sync::mpsc;

use super::Settlement;
use crate::audit::{IMPORT_WORKER, Resource, StateChange};
use crate::error::CoreError;
use crate::files::parse::{self, ParseError};
use crate::files::{FileImport, FileType, ImportFilter, ImportKind, ImportRecord, ParsedRecord, RecordFilter};
use crate::payment::{PaymentRequest, Requirements};
use crate::store::{ImportInserted, NewImport, RecordOutcome, Store};

/// Records sent to the store at a time while a file is read.
const CHUNK: usize = 1000;
/// Records turned into payments per transaction.
pub const PROCESS_CHUNK: u32 = 5000;

/// An uploaded file, spooled to disk.
#[derive(Debug, Clone)]
pub struct Upload {
    /// Where its bytes are.
    pub path: PathBuf,
    /// Its name, as uploaded.
    pub filename: String,
    /// Its announced format.
    pub file_type: FileType,
    /// Its size.
    pub size: u64,
    /// SHA-256 of its bytes, hexadecimal.
    pub hash: String,
    /// What a CNAB file does not say (the debtor's ISPB).
    pub cnab: parse::CnabContext,
}

/// Reads `path` as `kind`, sending records in chunks; the reader's error, if any, goes last.
fn read_file(
    path: PathBuf,
    kind: FileType,
    cnab: parse::CnabContext,
    records: mpsc::Sender<Result<Vec<ParsedRecord>, ParseError>>,
) {
    let file = match std::fs::File::open(&path) {
        Ok(file) => file,
        Err(error) => {
            let _ = records
                .blocking_send(Err(ParseError { line: None, message: format!("cannot open the upload: {error}") }));
            return;
        }
    };
    let mut chunk = Vec::with_capacity(CHUNK);
    let result = {
        let mut sink = |record: ParsedRecord| {
            chunk.push(record);
            if chunk.len() == CHUNK {
                records.blocking_send(Ok(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK)))).map_err(|_| ())
            } else {
                Ok(())
            }
        };
        match kind {
            FileType::Csv => parse::csv(file, &mut sink),
            FileType::Json => parse::json(file, &mut sink),
            FileType::Cnab240 => parse::cnab240(&path, &cnab, &mut sink),
            FileType::Cnab400 => parse::cnab400(&path, &cnab, &mut sink),
        }
    };
    let _ = match result {
        Ok(_) if chunk.is_empty() => Ok(()),
        Ok(_) => records.blocking_send(Ok(chunk)),
        Err(error) => records.blocking_send(Err(error)),
    };
}

/// The payment a record's fields describe, or why not, naming the field.
fn payment_of(fields: &str, now: time::OffsetDateTime) -> Result<crate::payment::NewPayment, String> {
    let mut value: serde_json::Value = serde_json::from_str(fields).map_err(|e| format!("unreadable record: {e}"))?;
    let Some(object) = value.as_object_mut() else {
        return Err("the record is not an object of payment fields".to_owned());
    };
    // What an export adds (ids, status, times) says nothing about the payment to create.
    for field in crate::files::export::EXPORT_ONLY_FIELDS {
        object.remove(field);
    }
    let request: PaymentRequest = serde_path_to_error::deserialize(&value).map_err(|error| {
        let path = error.path().to_string();
        if path == "." { error.into_inner().to_string() } else { format!("{path}: {}", error.into_inner()) }
    })?;
    request.validate_for(Requirements::Import, now).map_err(|error| error.explained())
}

impl<S: Store> Settlement<S> {
    /// Imports an uploaded file: refuses a file imported before and one whose content is not
    /// its announced type, reads it, and stores it with every record `PENDING`, or nothing when
    /// it cannot be read.
    pub async fn import_file(&self, upload: &Upload, caller: &str) -> Result<FileImport, CoreError> {
        if let Some(existing) = self.store.file_import_by_hash(&upload.hash).await? {
            return Err(CoreError::DuplicateFile { existing_id: existing.id });
        }
        let head = read_head(&upload.path).await;
        if let Some(found) = parse::sniff(&head)
            && found != upload.file_type
        {
            return Err(CoreError::FileTypeMismatch { announced: upload.file_type, found });
        }
        let (sender, receiver) = mpsc::channel(4);
        let (path, kind, cnab) = (upload.path.clone(), upload.file_type, upload.cnab.clone());
        let reader = tokio::task::spawn_blocking(move || read_file(path, kind, cnab, sender));
        let import = NewImport {
            filename: &upload.filename,
            file_type: upload.file_type,
            file_size: upload.size,
            file_hash: &upload.hash,
            created_by: caller,
            at: self.clock.now(),
        };
        let inserted = self.store.insert_import(import, receiver).await;
        let _ = reader.await;
        match inserted? {
            ImportInserted::Created(import) => Ok(*import),
            ImportInserted::Duplicate(existing_id) => Err(CoreError::DuplicateFile { existing_id }),
            ImportInserted::Unreadable(error) => Err(CoreError::FileUnreadable(error)),
        }
    }

    /// Up to `limit` payments matching `filter` after `after_id`, in id order: an export's page.
    pub async fn export_page(
        &self,
        filter: &crate::payment::PaymentFilter,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<crate::payment::Payment>, CoreError> {
        Ok(self.store.payments_after(filter, after_id, limit).await?)
    }

    /// One import.
    pub async fn file_import(&self, id: i64) -> Result<FileImport, CoreError> {
        self.store.file_import(id).await?.ok_or(CoreError::ImportNotFound)
    }

    /// A page of imports and how many match.
    pub async fn file_imports(&self, filter: &ImportFilter) -> Result<(Vec<FileImport>, u64), CoreError> {
        Ok(self.store.file_imports(filter).await?)
    }

    /// An import's state changes, oldest first.
    pub async fn file_import_history(&self, id: i64) -> Result<Vec<StateChange>, CoreError> {
        self.file_import(id).await?;
        Ok(self.store.history(Resource::FileImport, id).await?)
    }

    /// A page of an import's records and how many match.
    pub async fn import_records(&self, id: i64, filter: &RecordFilter) -> Result<(Vec<ImportRecord>, u64), CoreError> {
        self.file_import(id).await?;
        Ok(self.store.import_records(id, filter).await?)
    }

    /// Starts processing an uploaded import, for `caller`; a background worker does the work
    /// ([`Settlement::process_next_chunk`]).
    pub async fn start_processing(&self, id: i64, caller: &str) -> Result<FileImport, CoreError> {
        match self.store.start_import(id, self.clock.now(), caller).await? {
            Some(import) => Ok(import),
            None => {
                let import = self.file_import(id).await?;
                Err(CoreError::ImportNotProcessable { id, status: import.status.as_str() })
            }
        }
    }

    /// Processes the next chunk of the oldest import being processed: its payments (a retorno's:
    /// its payment changes and confirmations) and record statuses commit together, so a crash
    /// loses nothing and repeats nothing. Returns how many records it processed; 0 when there
    /// is nothing to do.
    pub async fn process_next_chunk(&self) -> Result<usize, CoreError> {
        let Some((import_id, created_by, kind)) = self.store.imports_processing().await?.into_iter().next() else {
            return Ok(0);
        };
        let processed = match kind {
            ImportKind::Retorno => self.apply_retorno_chunk(import_id).await?,
            ImportKind::Payments => self.create_payments_chunk(import_id, &created_by).await?,
        };
        if processed == 0 {
            self.store.complete_import(import_id, self.clock.now(), IMPORT_WORKER).await?;
            // Completing is progress: there may be another import to go on with.
            return Ok(1);
        }
        Ok(processed)
    }

    /// Turns the next chunk of a payments import's records into payments; 0 when none is left.
    async fn create_payments_chunk(&self, import_id: i64, created_by: &str) -> Result<usize, CoreError> {
        let now = self.clock.now();
        let pending = self.store.pending_records(import_id, PROCESS_CHUNK).await?;
        let outcomes: Vec<RecordOutcome> = pending
            .iter()
            .map(|(record_id, fields)| RecordOutcome { record_id: *record_id, payment: payment_of(fields, now) })
            .collect();
        if !outcomes.is_empty() {
            self.store.apply_records(import_id, &outcomes, created_by, now).await?;
        }
        Ok(outcomes.len())
    }
}

/// The file's first 4 KiB, to tell its format.
async fn read_head(path: &std::path::Path) -> Vec<u8> {
    use tokio::io::AsyncReadExt;
    let mut head = vec![0; 4096];
    let Ok(mut file) = tokio::fs::File::open(path).await else { return Vec::new() };
    let mut filled = 0;
    while filled < head.len() {
        match file.read(&mut head[filled..]).await {
            Ok(0) | Err(_) => break,
            Ok(read) => filled += read,
        }
    }
    head.truncate(filled);
    head
}
