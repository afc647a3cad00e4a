//! FEBRABAN CNAB bank files: layouts declared once as data, a streaming reader that types every
//! field, and record writers.
//!
//! **Status:** CNAB240 payments (file and batch headers and trailers, segments A, B for Pix,
//! J, J-52 and J-52 Pix) read and write. The file validator and whole-file writer that
//! reconcile trailers, cobrança (P, Q, R, T, U) and CNAB400 are being added.
//!
//! # Layouts as data
//!
//! Each record is declared once with [`record!`], column by column as the manual prints it
//! (`120-134 amount: Money<2>,`); the struct, its [`FieldSpec`](layout::FieldSpec) table, the
//! parser and the writer all come from that declaration, and a test proves that every layout's
//! columns tile the 240 positions with no gap and no overlap.
//!
//! # Reading
//!
//! [`Reader`] streams records from any `BufRead`, with their line numbers, in constant memory.
//! Bytes are Latin-1; CRLF or LF, a missing final line ending and a trailing 0x1A are accepted.
//! Strict by default: a line of the wrong length, a non-digit in a numeric column, an impossible
//! date, an unknown record type or segment is an error naming the line, the columns, the field
//! and what it holds. [`ReadOptions::lenient`] accepts right-trimmed lines, a UTF-8 byte order
//! mark and a blank 241st character, reporting each as a [`Warning`].
//!
//! # Bank profiles
//!
//! Where a bank departs from FEBRABAN's layout, a named [`Profile`] says how (Itaú SISPAG's
//! J-52 Pix TXID at 209), chosen from the file header's bank code unless given.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
// Nothing reachable from input may panic; tests may unwrap (clippy.toml).
#![warn(clippy::unwrap_used)]

pub mod cnab240;
pub mod layout;
mod occurrence;
mod profile;
mod reader;
mod validate;
mod writer;

pub use layout::{Date, FieldError, WriteOptions};
pub use occurrence::{Occurrence, occurrences};
pub use profile::Profile;
pub use reader::{ReadError, ReadErrorKind, ReadOptions, Reader, Warning, WarningKind};
pub use validate::{Problem, ProblemKind, Report, Summary, Validator, validate};
pub use writer::{LineEnding, MAX_BATCH_DETAILS, PaymentBatch, PaymentFile, WriteError, WriterOptions};
