//! The audit trail: every state change of a payment, QR code, file import, schedule, automatic
//! authorization, automatic payment or refund, with who made it, when, from which status and to which.
//!
//! The store writes it with triggers in the statement that makes the change, so a change and
//! its record commit together; the services only say who acts (the token's subject, or one of
//! the worker names below for background work).

use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// The actor of `SCHEDULED` payments released when due.
pub const RELEASE_WORKER: &str = "worker:scheduled-payments";
/// The actor of file imports moved through processing.
pub const IMPORT_WORKER: &str = "worker:file-imports";
/// The actor of schedules paused or completed by their runs.
pub const SCHEDULE_WORKER: &str = "worker:schedules";
/// The actor of automatic authorizations and payments moved by the background work.
pub const AUTOMATIC_WORKER: &str = "worker:automatic";

/// Who makes a change, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp<'a> {
    /// The token's subject, or a worker's name.
    pub actor: &'a str,
    /// When.
    pub at: OffsetDateTime,
}

/// The kinds of object with a trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// A payment request.
    Payment,
    /// A QR code.
    QrCode,
    /// A file import.
    FileImport,
    /// A remessa sent (a file export marked sent).
    FileExport,
    /// A schedule.
    Schedule,
    /// A Pix Automático authorization.
    AutomaticAuthorization,
    /// A Pix Automático payment.
    AutomaticPayment,
    /// A refund of a payment.
    Refund,
}

impl Resource {
    /// The name the trail stores.
    pub fn as_str(self) -> &'static str {
        match self {
            Resource::Payment => "payment",
            Resource::QrCode => "qr_code",
            Resource::FileImport => "file_import",
            Resource::FileExport => "file_export",
            Resource::Schedule => "schedule",
            Resource::AutomaticAuthorization => "automatic_authorization",
            Resource::AutomaticPayment => "automatic_payment",
            Resource::Refund => "refund",
        }
    }
}

/// One state change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StateChange {
    /// The status before; absent for the object's creation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The status after.
    pub to: String,
    /// Who made the change: the token's subject, or a `worker:` name for background work.
    pub actor: String,
    /// When.
    #[serde(with = "crate::time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
}

/// Whether `changes`, applied in order from nothing, end at `status`, each step allowed by
/// `allowed(from, to)`: what a trail must satisfy for the object it describes.
pub fn replays_to(changes: &[StateChange], status: &str, allowed: impl Fn(&str, &str) -> bool) -> Result<(), String> {
    let mut current: Option<&str> = None;
    for (index, change) in changes.iter().enumerate() {
        if change.from.as_deref() != current {
            return Err(format!("change {index} starts from {:?}, the trail was at {current:?}", change.from));
        }
        if let Some(from) = current
            && !allowed(from, &change.to)
        {
            return Err(format!("change {index}: {from} -> {} is not an allowed transition", change.to));
        }
        current = Some(&change.to);
    }
    match current {
        Some(last) if last == status => Ok(()),
        last => Err(format!("the trail ends at {last:?}, the object is {status}")),
    }
}
