//! Remessas: sending payments to the bank (an export marked sent) and reading what was sent.

use super::Settlement;
use crate::error::CoreError;
use crate::files::remessa::{self, ExportFilter, FileExport, NewExport, RemessaFormat, RemessaWriter};
use crate::payment::{PaymentFilter, PaymentStatus};
use crate::store::Store;

/// Times a remessa is written again when its payments changed while it was recorded.
const ATTEMPTS: usize = 3;

/// Payments read at a time while a remessa is written.
const PAGE: u32 = 1000;

impl<S: Store> Settlement<S> {
    /// Sends up to `max` `PENDING` payments matching `filter` in a remessa: writes the file,
    /// then records it and moves its payments `PENDING -> PROCESSING` in one transaction.
    /// Returns the export and the file's bytes.
    pub async fn send_remessa(
        &self,
        format: RemessaFormat,
        filter: &PaymentFilter,
        max: u32,
        filename: &str,
        caller: &str,
    ) -> Result<(FileExport, Vec<u8>), CoreError> {
        let filter = PaymentFilter { status: Some(PaymentStatus::Pending), ..filter.clone() };
        for _ in 0..ATTEMPTS {
            let at = self.clock.now();
            // The next NSA: a sender racing for it loses at the unique index, and writes again.
            let file_number = self.store.next_file_number(format).await?;
            let mut writer = RemessaWriter::new(format, at, file_number);
            let (mut bytes, mut sent) = (Vec::new(), Vec::new());
            // A page at a time: what stays in memory is the file and the ids.
            let mut after = 0;
            while sent.len() < max as usize {
                let limit = PAGE.min(max - sent.len() as u32);
                let page = self.store.payments_after(&filter, after, limit).await?;
                let Some(last) = page.last() else { break };
                after = last.id;
                bytes.extend(writer.add(&page).map_err(CoreError::ExportUnwritable)?);
                sent.extend(page.iter().map(|p| (p.id, p.amount)));
            }
            if sent.is_empty() {
                return Err(CoreError::NothingToSend);
            }
            bytes.extend(writer.finish().map_err(CoreError::ExportUnwritable)?);
            let hash = remessa::hash(&bytes);
            let export = NewExport {
                format,
                file_number,
                filename,
                file_size: bytes.len() as u64,
                file_hash: &hash,
                payments: &sent,
                created_by: caller,
                at,
            };
            if let Some(export) = self.store.record_export(&export).await? {
                return Ok((export, bytes));
            }
        }
        Err(CoreError::ExportRaced)
    }

    /// One remessa sent, with its payments.
    pub async fn file_export(&self, id: i64) -> Result<FileExport, CoreError> {
        self.store.file_export(id).await?.ok_or(CoreError::ExportNotFound)
    }

    /// A remessa's state changes, oldest first.
    pub async fn file_export_history(&self, id: i64) -> Result<Vec<crate::audit::StateChange>, CoreError> {
        self.file_export(id).await?;
        Ok(self.store.history(crate::audit::Resource::FileExport, id).await?)
    }

    /// A page of remessas sent and how many match.
    pub async fn file_exports(&self, filter: &ExportFilter) -> Result<(Vec<FileExport>, u64), CoreError> {
        Ok(self.store.file_exports(filter).await?)
    }

    /// A remessa's file, written again from its payments as it was sent (the same bytes: its
    /// hash is checked).
    pub async fn export_file(&self, id: i64) -> Result<(FileExport, Vec<u8>), CoreError> {
        let export = self.file_export(id).await?;
        let format = RemessaFormat::of(export.layout, export.bank).ok_or_else(|| {
            CoreError::ExportUnwritable(format!(
                "export {id} has layout {}, which no remessa has",
                export.layout.as_str()
            ))
        })?;
        let mut writer = RemessaWriter::new(format, export.created_at, export.file_number);
        let (mut bytes, mut after) = (Vec::new(), 0);
        loop {
            let page = self.store.export_payments(id, after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            bytes.extend(writer.add(&page).map_err(CoreError::ExportUnwritable)?);
        }
        bytes.extend(writer.finish().map_err(CoreError::ExportUnwritable)?);
        if remessa::hash(&bytes) != export.file_hash {
            return Err(CoreError::ExportUnwritable(format!(
                "export {id} no longer writes the bytes it was sent with (SHA-256 differs)"
            )));
        }
        Ok((export, bytes))
    }
}
