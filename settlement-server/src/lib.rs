//! The Pix settlement HTTP service: a thin layer over `settlement-core`. Each handler parses and
//! checks the HTTP input, calls one core service, and serializes the result; errors leave in one
//! envelope, `{"error": {"code": "...", "message": "..."}}`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![warn(clippy::unwrap_used)]

pub mod app;
pub mod auth;
pub mod config;
pub mod diagnostics;
pub mod error;
pub mod extract;
pub mod image;
pub mod jws;
pub mod listen;
pub mod metrics;
pub mod openapi;
pub mod operator;
pub mod routes;
pub mod webhook_sender;
pub mod worker;

pub use app::{App, AppState};
pub use config::Settings;
