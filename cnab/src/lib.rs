//! FEBRABAN CNAB bank files: layouts declared once as data, a streaming reader that types every
//! field, and record writers.
//!
//! **Status:** CNAB240 reads and validates payments (segments A, B, B Pix, J, J-52, J-52 Pix)
//! and cobrança (P, Q, R, T, U); whole payment and cobrança files are written with every count
//! and sum computed. CNAB400 ([`cnab400`]) reads and validates Bradesco remessa and retorno, Itaú
//! remessa, Itaú's Pix record (type 3) and Santander's (type 8). [`cnab400::write`] numbers
//! every record itself. Not yet: Itaú's CNAB400 retorno, Santander's own header and detail.
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
//! # Validation and writing
//!
//! [`validate`] reads a whole file in constant memory and reports every structural fault and
//! every trailer that does not reconcile, each with the trailer's value and the file's.
//! [`PaymentFile`] and [`CobrancaFile`] write a file from its headers and details, numbering
//! every record and computing every count and sum; free text is written upper-case ASCII with
//! accents folded.
//!
//! # Real files
//!
//! What the reader does with the irregular files of the shared corpus:
//!
//! | file | strict | lenient |
//! |---|---|---|
//! | BTG retorno (UTF-8 BOM, lines of 308, 227, 233 characters, trailer counts 1) | refused at line 1 (byte order mark) | the BOM dropped with a warning; the 308-character line refused; short lines padded with warnings, then their fields refused where the content is misaligned, each naming field, columns and text |
//! | Sicoob retorno (trailing blanks stripped, CRLF) | refused at line 1 (154 characters) | lines padded with warnings; segments T and U read; the file and batch headers refused where Sicoob's layout departs from FEBRABAN's (its header fields from 126 on sit 17 positions early); the batch trailer counts 0 boletos where the file holds 3 |
//! | Sicoob remessa P, Q, R | reads; writes back byte for byte, and [`CobrancaFile`] rewrites it with its file trailer's record count corrected | |
//! | Itaú SISPAG Pix (A+B, J+J-52) and retorno | read, validate, write back byte for byte | |
//! | Bradesco CNAB400 retorno | reads, validates (sequence numbers, trailer by occurrence), writes back byte for byte | |
//! | Santander CNAB400 remessa with a Pix type 8 | header and detail refused by name (Santander's own layouts are not declared); the type 8 and the trailer read | |
//!
//! The Sicoob remessa's file trailer counts 6 records where the file holds 7; [`validate`]
//! says so. A line that does not read still plays its part in the structure when its record
//! type shows (a header opens, a trailer closes), so one bad line is reported once, not again
//! for every line after it.
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
pub mod cnab400;
pub mod layout;
mod movement;
mod occurrence;
mod profile;
mod reader;
mod validate;
mod writer;

pub use layout::{Date, FieldError, WriteOptions};
pub use movement::{FEBRABAN_COBRANCA, Meaning, Movement, cobranca_movement, movement};
pub use occurrence::{Occurrence, occurrences};
pub use profile::Profile;
pub use reader::{Cnab240, Format, ReadError, ReadErrorKind, ReadOptions, Reader, Warning, WarningKind};
pub use validate::{Direction, FileLayout, Problem, ProblemKind, Report, Summary, Validator, validate, validate_file};
pub use writer::{
    CobrancaBatch, CobrancaFile, LineEnding, MAX_BATCH_DETAILS, PaymentBatch, PaymentFile, PaymentFileWriter,
    WriteError, WriterOptions,
};
