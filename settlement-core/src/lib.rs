//! The Pix settlement domain: payment requests and their credit confirmations, BR Code QR
//! codes (static, and dynamic with the charge their location serves), their state machines, the
//! services that apply them, and the [`Store`] they are kept in (SQLite or PostgreSQL).
//!
//! Values that reach a service are checked once, at the edge ([`PaymentRequest::validate`]), into
//! types that cannot hold invalid values ([`Ispb`], [`Document`], [`EndToEndId`]...). Every state
//! change is a conditional update in the store, so two callers racing on one payment cannot both
//! win.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![warn(clippy::unwrap_used)]

pub mod audit;
pub mod automatic;
pub mod clock;
pub mod credit;
pub mod error;
pub mod files;
pub mod payment;
pub mod qrcode;
pub mod recurrence;
pub mod refund;
pub mod schedule;
pub mod service;
pub mod store;
pub mod time_format;
pub mod types;
pub mod webhooks;

pub use clock::{Clock, ManualClock, SystemClock};
pub use credit::{CreditConfirmation, CreditRequest};
pub use error::CoreError;
pub use payment::{
    Payment, PaymentFilter, PaymentRequest, PaymentStatus, PaymentSummary, StatusUpdate, StatusUpdateRequest,
};
pub use service::{Created, Idempotency, Settlement};
pub use store::{SqlStore, Store, StoreError};
pub use types::{AccountType, Document, EndToEndId, Ispb};
