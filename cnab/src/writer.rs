//! Writing whole CNAB240 payment files: the caller gives the headers and the details, the
//! writer numbers every record and computes every count and sum.

use std::io::{BufRead, Write};

use crate::cnab240::{FileHeader, FileTrailer, PaymentBatchHeader, PaymentBatchTrailer, Record};
use crate::layout::{FieldError, WriteOptions};
use crate::profile::Profile;
use crate::reader::{ReadError, ReadErrorKind, ReadOptions, Reader};

/// The most details a batch holds: the sequence number (9-13) has five digits.
pub const MAX_BATCH_DETAILS: usize = 99_999;

/// How lines end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LineEnding {
    /// `\r\n`, what banks demand.
    #[default]
    CrLf,
    /// `\n`.
    Lf,
}

impl LineEnding {
    fn as_bytes(self) -> &'static [u8] {
        match self {
            LineEnding::CrLf => b"\r\n",
            LineEnding::Lf => b"\n",
        }
    }
}

/// How a file is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriterOptions {
    /// Line ending, CRLF by default.
    pub line_ending: LineEnding,
    /// The bank profile (how J-52 Pix is laid out, how the file trailer counts batches).
    pub profile: Profile,
    /// How text that does not fit is treated.
    pub text: WriteOptions,
}

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// A value that does not fit its column, in the record numbered `record` (1-based, as it
    /// would be the file's line).
    #[error("record {record}: {error}")]
    Field {
        /// The record's position in the file, 1-based.
        record: usize,
        /// The column and why.
        error: FieldError,
    },
    /// A batch with more details than its sequence numbers can count.
    #[error("batch {batch} has {details} details; a batch holds at most 99,999: split it")]
    BatchTooLarge {
        /// The batch number.
        batch: u64,
        /// Its details.
        details: usize,
    },
    /// A record that is not a detail among a batch's details.
    #[error("batch {batch}: a {record} is not a detail")]
    NotADetail {
        /// The batch number.
        batch: u64,
        /// What was given.
        record: &'static str,
    },
    /// The output failed.
    #[error("write failed: {0}")]
    Io(#[from] std::io::Error),
}

/// A batch of payments: its header, its details (segments A and B, J and J-52), and optionally
/// trailer fields the writer does not compute (a retorno's occurrences).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentBatch {
    /// The batch header; its batch number is kept when not zero, else assigned.
    pub header: PaymentBatchHeader,
    /// The details, in order.
    pub details: Vec<Record>,
    /// Trailer fields; record count and total amount are computed, the rest (currency quantity
    /// total, debit notice, a retorno's occurrences) kept as given.
    pub trailer: PaymentBatchTrailer,
}

/// A CNAB240 payment file.
///
/// ```
/// use febraban_cnab::cnab240::{FileHeader, PaymentBatchHeader, Record, SegmentA, SegmentBPix};
/// use febraban_cnab::{PaymentBatch, PaymentFile, WriterOptions};
///
/// let file = PaymentFile {
///     header: FileHeader { bank: 341, company_name: "EMPRESA EXEMPLO".into(), ..Default::default() },
///     batches: vec![PaymentBatch {
///         header: PaymentBatchHeader { operation: "C".into(), service: 20, entry_form: 45, ..Default::default() },
///         details: vec![
///             Record::SegmentA(SegmentA { clearing_house: 9, payee_name: "José da Silva".into(), amount: 15000, ..Default::default() }),
///             Record::SegmentBPix(SegmentBPix { initiation: "02".into(), key: "jose@example.com".into(), ..Default::default() }),
///         ],
///         ..Default::default()
///     }],
///     ..Default::default()
/// };
/// let bytes = file.to_bytes(&WriterOptions::default()).unwrap();
/// assert_eq!(bytes.len(), 6 * 242);
/// // Counts and sums computed; accents folded.
/// let report = febraban_cnab::validate(bytes.as_slice(), Default::default());
/// assert!(report.is_valid(), "{:?}", report.problems);
/// assert_eq!(report.summary.total_amount, 15000);
/// assert!(String::from_utf8_lossy(&bytes).contains("JOSE DA SILVA"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentFile {
    /// The file header.
    pub header: FileHeader,
    /// The batches, in order.
    pub batches: Vec<PaymentBatch>,
    /// Trailer fields; counts are computed.
    pub trailer: FileTrailer,
}

/// The batch number, sequence number and bank of a detail, for the writer to set.
fn numbering(record: &mut Record) -> Option<(&mut u64, &mut u64, &mut u64)> {
    match record {
        Record::SegmentA(r) => Some((&mut r.bank, &mut r.batch, &mut r.sequence)),
        Record::SegmentBPix(r) => Some((&mut r.bank, &mut r.batch, &mut r.sequence)),
        Record::SegmentB(r) => Some((&mut r.bank, &mut r.batch, &mut r.sequence)),
        Record::SegmentJ(r) => Some((&mut r.bank, &mut r.batch, &mut r.sequence)),
        Record::SegmentJ52(r) => Some((&mut r.bank, &mut r.batch, &mut r.sequence)),
        Record::SegmentJ52Pix(r) => Some((&mut r.bank, &mut r.batch, &mut r.sequence)),
        _ => None,
    }
}

/// What a detail adds to its batch trailer's sum (segments A and J).
fn amount(record: &Record) -> u64 {
    match record {
        Record::SegmentA(a) => a.amount,
        Record::SegmentJ(j) => j.amount,
        _ => 0,
    }
}

impl PaymentFile {
    /// Writes the file to `out`.
    pub fn write<W: Write>(&self, mut out: W, options: &WriterOptions) -> Result<(), WriteError> {
        let bank = self.header.bank;
        let mut line_number = 0usize;
        let mut put = |record: &Record, out: &mut W| -> Result<(), WriteError> {
            line_number += 1;
            let line = record
                .to_line(options.profile, &options.text)
                .map_err(|error| WriteError::Field { record: line_number, error })?;
            out.write_all(&line)?;
            out.write_all(options.line_ending.as_bytes())?;
            Ok(())
        };
        put(&Record::FileHeader(self.header.clone()), &mut out)?;
        let mut last_batch = 0;
        for (index, batch) in self.batches.iter().enumerate() {
            let number = if batch.header.batch == 0 { index as u64 + 1 } else { batch.header.batch };
            last_batch = number;
            if batch.details.len() > MAX_BATCH_DETAILS {
                return Err(WriteError::BatchTooLarge { batch: number, details: batch.details.len() });
            }
            put(
                &Record::PaymentBatchHeader(PaymentBatchHeader { bank, batch: number, ..batch.header.clone() }),
                &mut out,
            )?;
            let mut total = 0u64;
            for (sequence, detail) in batch.details.iter().enumerate() {
                let mut detail = detail.clone();
                let Some((detail_bank, detail_batch, detail_sequence)) = numbering(&mut detail) else {
                    return Err(WriteError::NotADetail {
                        batch: number,
                        record: "header, trailer or cobrança segment",
                    });
                };
                (*detail_bank, *detail_batch, *detail_sequence) = (bank, number, sequence as u64 + 1);
                total += amount(&detail);
                put(&detail, &mut out)?;
            }
            let trailer = PaymentBatchTrailer {
                bank,
                batch: number,
                record_count: batch.details.len() as u64 + 2,
                total_amount: total,
                // The currency quantity total (42-59) is kept as given: banks differ (Itaú
                // writes zeros) and none reconciles it.
                ..batch.trailer.clone()
            };
            put(&Record::PaymentBatchTrailer(trailer), &mut out)?;
        }
        let records: u64 = 2 + self.batches.iter().map(|b| b.details.len() as u64 + 2).sum::<u64>();
        let batch_count = match options.profile {
            Profile::ItauSispag => last_batch,
            Profile::Febraban => self.batches.len() as u64,
        };
        let trailer = FileTrailer { bank, batch_count, record_count: records, ..self.trailer.clone() };
        put(&Record::FileTrailer(trailer), &mut out)?;
        out.flush()?;
        Ok(())
    }

    /// The file's bytes.
    pub fn to_bytes(&self, options: &WriterOptions) -> Result<Vec<u8>, WriteError> {
        let mut bytes = Vec::with_capacity(242 * (2 + self.batches.iter().map(|b| b.details.len() + 2).sum::<usize>()));
        self.write(&mut bytes, options)?;
        Ok(bytes)
    }

    /// Assembles a file from a reader's records (the inverse of [`PaymentFile::write`]); the
    /// whole file is held in memory. Structure problems are left to [`validate`](crate::validate);
    /// a cobrança batch is not a payment and is refused.
    pub fn read<R: BufRead>(input: R, options: ReadOptions) -> Result<Self, ReadError> {
        let mut file = PaymentFile::default();
        for item in Reader::with_options(input, options) {
            let (line, record) = item?;
            match record {
                Record::FileHeader(header) => file.header = header,
                Record::PaymentBatchHeader(header) => {
                    file.batches.push(PaymentBatch { header, ..Default::default() });
                }
                Record::PaymentBatchTrailer(trailer) => {
                    if let Some(batch) = file.batches.last_mut() {
                        batch.trailer = trailer;
                    }
                }
                Record::CobrancaBatchHeader(_) => {
                    return Err(ReadError { line, kind: ReadErrorKind::BatchKind('R') });
                }
                Record::FileTrailer(trailer) => file.trailer = trailer,
                detail => {
                    if let Some(batch) = file.batches.last_mut() {
                        batch.details.push(detail);
                    }
                }
            }
        }
        Ok(file)
    }
}
