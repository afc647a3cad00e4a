//! FEBRABAN CNAB bank files: layouts declared once as data, bank profiles as data, a streaming
//! reader that types every field, and record writers.
//!
//! **Status:** CNAB240 reads and validates payments (segments A, B, B Pix, J, J-52, J-52 Pix, O,
//! N and Z), cobrança (P, Q, R, T, U, Y) and the bank statement (E), by the bank's
//! [`Profile`] (10 profiles); whole payment and cobrança
//! files are written with every count and sum computed. CNAB400 ([`cnab400`]) reads and
//! validates the remessas and retornos of every bank with a [`BankProfile`](cnab400::BankProfile)
//! (14 banks), with the Pix records of Itaú (type 3) and Santander (8 and 2);
//! [`cnab400::write`] numbers every record itself.
//!
//! # Layouts as data
//!
//! Each CNAB240 record is declared once with [`record!`], column by column as the manual prints
//! it (`120-134 amount: Money<2>,`); the struct, its [`FieldSpec`](layout::FieldSpec) table, the
//! parser and the writer all come from that declaration, and a test proves that every layout's
//! columns tile the 240 positions with no gap and no overlap. CNAB400 layouts are a base table
//! per record and, per bank, the columns where it departs ([`cnab400::BankProfile`]).
//!
//! # Reading
//!
//! [`Reader`] streams records from any `BufRead`, with their line numbers, in constant memory.
//! Bytes are Latin-1; CRLF or LF, a missing final line ending and a trailing 0x1A are accepted.
//! A line of the wrong length, a non-digit in an amount or a count, an impossible date, an
//! unknown record type or segment is an error naming the line, the columns, the field and what
//! it holds.
//!
//! # Strict and lenient
//!
//! Strict where money and structure are, lenient where real files are. In both modes:
//! - an optional date left blank or zero reads as absent (CNAB240 `DDMMAAAA`; CNAB400 `DDMMAA`,
//!   Sicredi's `AAAAMMDD`), and so does a CNAB400 amount left blank or zero;
//! - an optional number padded with blanks (`  111`, a document `80939126907   `) reads, and
//!   writes back zero-padded; an address number is kept as written (`S/N`, `556  `);
//! - a cobrança batch trailer whose totals are zero, from a bank that leaves them so (BB, Caixa,
//!   Cresol, Unicred, Sicoob, Ailos), is a [`Warning`]; its record count is still reconciled;
//! - Itaú SISPAG's file trailer counts batches by the last batch number.
//!
//! [`ReadOptions::lenient`] also accepts, each as a [`Warning`], what strict mode refuses: a
//! right-trimmed line (blanks padded back), a UTF-8 byte order mark, a blank 241st (401st)
//! character; a CNAB240 file header or payment or cobrança batch header column that does not
//! read, other than the bank, record type, operation, service and forma (headers carry no money:
//! the column reads as absent, and the warning says what it held); a file trailer's lote other
//! than 9999. A statement's batch header, which carries the opening balance, stays strict. In
//! strict mode a record that does not read reports every column that is wrong, not only the
//! first. Both modes refuse a line of another length, letters in an amount or a count, an
//! impossible date, records out of order, a count or sum the bank does fill that does not
//! reconcile, a CNAB400 trailer carrying another bank, and a CNAB400 file of a bank without a
//! profile (unless [`ReadOptions::bank_profile`] names one).
//!
//! # Validation and writing
//!
//! [`validate`] (and [`validate_file`], which tells CNAB240 from CNAB400) reads a whole file in
//! constant memory and reports every structural fault and every trailer that does not
//! reconcile, each with the trailer's value and the file's, and a [`Summary`] with the profile,
//! remessa or retorno and the details by segment or record type. [`PaymentFile`] and
//! [`CobrancaFile`] write a file from its headers and details, numbering every record and
//! computing every count and sum; free text is written upper-case ASCII with accents folded.
//!
//! # Real files
//!
//! The crate's README has a conformance table: each file of the shared corpus (40 real files
//! of 16 banks), the verdict its manifest gives and this crate's, and what it reads; the test
//! `tests/conformance.rs` holds the crate to it. A line that does not read still plays its part
//! in the structure when its record type shows (a header opens, a trailer closes), so one bad
//! line is reported once, not again for every line after it.
//!
//! # Bank profiles
//!
//! CNAB400 banks are [`cnab400::BankProfile`]s. In CNAB240, a [`Profile`] is FEBRABAN's layout
//! but for where the bank departs: the columns it writes elsewhere or not at all
//! ([`layout::Moved`]: Santander's segment T, Itaú SISPAG's J-52 Pix TXID at 209), its occurrence
//! list, how its file trailer counts batches, whether it fills the cobrança totals. The file
//! header's bank (and, for Santander, its layout version) chooses it unless
//! [`ReadOptions::profile`] names one.

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
mod scan;
mod validate;
mod writer;

pub use layout::{Date, FieldError, WriteOptions};
pub use movement::{FEBRABAN_COBRANCA, Meaning, Movement, cobranca_movement, movement};
pub use occurrence::{Occurrence, occurrences};
pub use profile::{BatchCount, OccurrenceList, Profile};
pub use reader::{Cnab240, Format, ReadError, ReadErrorKind, ReadOptions, Reader, Warning, WarningKind};
pub use validate::{Direction, FileLayout, Problem, ProblemKind, Report, Summary, Validator, validate, validate_file};
pub use writer::{
    CobrancaBatch, CobrancaFile, LineEnding, MAX_BATCH_DETAILS, PaymentBatch, PaymentFile, PaymentFileWriter,
    WriteError, WriterOptions,
};
