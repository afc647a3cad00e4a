//! The handlers, one module per endpoint group.

pub mod automatic;
pub mod events;
pub mod exports;
pub mod files;
pub mod health;
pub mod history;
pub mod pagination;
pub mod payments;
pub mod pix;
pub mod qr_codes;
pub mod refunds;
pub mod schedules;
pub mod webhooks;
