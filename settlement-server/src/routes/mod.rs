//! The handlers, one module per endpoint group.

pub mod health;
pub mod payments;
