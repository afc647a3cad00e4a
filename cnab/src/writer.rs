//! Writing whole CNAB240 payment files: the caller gives the headers and the details, the
//! writer numbers every record and computes every count and sum.

use std::io::{BufRead, Write};

use crate::cnab240::{
    CobrancaBatchHeader, CobrancaBatchTrailer, FileHeader, FileTrailer, PaymentBatchHeader, PaymentBatchTrailer, Record,
};
use crate::layout::{FieldError, WriteOptions};
use crate::profile::{BatchCount, Profile};
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
    pub(crate) fn as_bytes(self) -> &'static [u8] {
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

/// Writes records one per line, counting them.
struct Lines<'o, W> {
    out: W,
    options: &'o WriterOptions,
    count: u64,
}

impl<W: Write> Lines<'_, W> {
    fn put(&mut self, record: &Record) -> Result<(), WriteError> {
        self.count += 1;
        let line = record
            .to_line(self.options.profile, &self.options.text)
            .map_err(|error| WriteError::Field { record: self.count as usize, error })?;
        self.out.write_all(&line)?;
        self.out.write_all(self.options.line_ending.as_bytes())?;
        Ok(())
    }

    /// Writes a batch's details with the file's bank, the batch's number and sequence numbers
    /// from 1, showing each, as written, to `visit`.
    fn details(
        &mut self,
        bank: u64,
        batch: u64,
        details: &[Record],
        mut visit: impl FnMut(&Record),
    ) -> Result<(), WriteError> {
        for (sequence, detail) in details.iter().enumerate() {
            let mut detail = detail.clone();
            let Some((detail_bank, detail_batch, detail_sequence)) = numbering(&mut detail) else {
                return Err(WriteError::NotADetail { batch, record: "header or trailer" });
            };
            (*detail_bank, *detail_batch, *detail_sequence) = (bank, batch, sequence as u64 + 1);
            visit(&detail);
            self.put(&detail)?;
        }
        Ok(())
    }

    /// Writes the file trailer, counting every record, flushes, and gives the output back.
    fn finish(mut self, trailer: FileTrailer) -> Result<W, WriteError> {
        let record_count = self.count + 1;
        self.put(&Record::FileTrailer(FileTrailer { record_count, ..trailer }))?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// The batch number a header asks for, or its position; and a batch its sequence numbers can count.
fn batch_number(requested: u64, index: usize, details: usize) -> Result<u64, WriteError> {
    let number = if requested == 0 { index as u64 + 1 } else { requested };
    if details > MAX_BATCH_DETAILS {
        return Err(WriteError::BatchTooLarge { batch: number, details });
    }
    Ok(number)
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
        Record::SegmentO(r) => Some((&mut r.bank, &mut r.batch, &mut r.sequence)),
        Record::SegmentN(r) => Some((&mut r.bank, &mut r.batch, &mut r.sequence)),
        Record::SegmentZ(r) => Some((&mut r.bank, &mut r.batch, &mut r.sequence)),
        Record::SegmentE(r) => Some((&mut r.bank, &mut r.batch, &mut r.sequence)),
        Record::SegmentP(r) => Some((&mut r.bank, &mut r.batch, &mut r.sequence)),
        Record::SegmentQ(r) => Some((&mut r.bank, &mut r.batch, &mut r.sequence)),
        Record::SegmentR(r) => Some((&mut r.bank, &mut r.batch, &mut r.sequence)),
        Record::SegmentT(r) => Some((&mut r.bank, &mut r.batch, &mut r.sequence)),
        Record::SegmentU(r) => Some((&mut r.bank, &mut r.batch, &mut r.sequence)),
        _ => None,
    }
}

/// What a detail adds to its batch trailer's sum (segments A, J, O and N).
fn amount(record: &Record) -> u64 {
    match record {
        Record::SegmentA(a) => a.amount,
        Record::SegmentJ(j) => j.amount,
        Record::SegmentO(o) => o.amount,
        Record::SegmentN(n) => n.amount,
        _ => 0,
    }
}

/// Writes a CNAB240 payment file a batch at a time: a file of any size costs one batch of
/// memory. [`PaymentFile::write`] is this, for a file held whole.
///
/// ```
/// use febraban_cnab::cnab240::{FileHeader, FileTrailer, PaymentBatchHeader, Record, SegmentA, SegmentBPix};
/// use febraban_cnab::{PaymentBatch, PaymentFileWriter, WriterOptions};
///
/// let options = WriterOptions::default();
/// let header = FileHeader { bank: 341, company_name: "EMPRESA EXEMPLO".into(), ..Default::default() };
/// let mut writer = PaymentFileWriter::new(Vec::new(), header, &options).unwrap();
/// for n in 0..3u64 {
///     let batch = PaymentBatch {
///         header: PaymentBatchHeader { operation: "C".into(), service: 20, entry_form: 45, ..Default::default() },
///         details: vec![
///             Record::SegmentA(SegmentA { clearing_house: 9, amount: 100 + n, ..Default::default() }),
///             Record::SegmentBPix(SegmentBPix { initiation: "05".into(), ..Default::default() }),
///         ],
///         ..Default::default()
///     };
///     writer.batch(&batch).unwrap();
///     // What is written so far can be taken away between batches.
///     let _written: Vec<u8> = std::mem::take(writer.get_mut());
/// }
/// let rest: Vec<u8> = writer.finish(FileTrailer::default()).unwrap();
/// assert_eq!(rest.len(), 242, "the file trailer");
/// ```
pub struct PaymentFileWriter<'o, W> {
    lines: Lines<'o, W>,
    bank: u64,
    batches: usize,
    last_batch: u64,
}

impl<'o, W: Write> PaymentFileWriter<'o, W> {
    /// Starts a file: writes its header.
    pub fn new(out: W, header: FileHeader, options: &'o WriterOptions) -> Result<Self, WriteError> {
        let bank = header.bank;
        let mut lines = Lines { out, options, count: 0 };
        lines.put(&Record::FileHeader(header))?;
        Ok(PaymentFileWriter { lines, bank, batches: 0, last_batch: 0 })
    }

    /// Writes a batch: its header, its details numbered, and its trailer with the count and
    /// sum computed.
    pub fn batch(&mut self, batch: &PaymentBatch) -> Result<(), WriteError> {
        let bank = self.bank;
        let number = batch_number(batch.header.batch, self.batches, batch.details.len())?;
        self.batches += 1;
        self.last_batch = number;
        self.lines.put(&Record::PaymentBatchHeader(PaymentBatchHeader {
            bank,
            batch: number,
            ..batch.header.clone()
        }))?;
        let mut total = 0u64;
        self.lines.details(bank, number, &batch.details, |detail| total += amount(detail))?;
        let trailer = PaymentBatchTrailer {
            bank,
            batch: number,
            record_count: batch.details.len() as u64 + 2,
            total_amount: total,
            // The currency quantity total (42-59) is kept as given: banks differ (Itaú
            // writes zeros) and none reconciles it.
            ..batch.trailer.clone()
        };
        self.lines.put(&Record::PaymentBatchTrailer(trailer))
    }

    /// The output, to take what is written so far.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.lines.out
    }

    /// Writes the file trailer, counting batches and records, flushes, and gives the output back.
    pub fn finish(self, trailer: FileTrailer) -> Result<W, WriteError> {
        let batch_count = match self.lines.options.profile.batch_count {
            BatchCount::LastBatchNumber => self.last_batch,
            _ => self.batches as u64,
        };
        let bank = self.bank;
        self.lines.finish(FileTrailer { bank, batch_count, ..trailer })
    }
}

impl PaymentFile {
    /// Writes the file to `out`.
    pub fn write<W: Write>(&self, out: W, options: &WriterOptions) -> Result<(), WriteError> {
        let mut writer = PaymentFileWriter::new(out, self.header.clone(), options)?;
        for batch in &self.batches {
            writer.batch(batch)?;
        }
        writer.finish(self.trailer.clone()).map(drop)
    }

    /// The file's bytes.
    pub fn to_bytes(&self, options: &WriterOptions) -> Result<Vec<u8>, WriteError> {
        let mut bytes = Vec::with_capacity(242 * (2 + self.batches.iter().map(|b| b.details.len() + 2).sum::<usize>()));
        self.write(&mut bytes, options)?;
        Ok(bytes)
    }

    /// Assembles a file from a reader's records (the inverse of [`PaymentFile::write`]); the
    /// whole file is held in memory. A record the structure has no place for (a second header, a
    /// trailer outside a batch, a cobrança batch) is an error, never dropped; the rest of the
    /// structure is left to [`validate`](crate::validate).
    pub fn read<R: BufRead>(input: R, options: ReadOptions) -> Result<Self, ReadError> {
        let (header, batches, trailer) = assemble(input, options)?;
        Ok(PaymentFile { header, batches, trailer })
    }
}

/// A kind of batch, for [`assemble`]: which records open and close it.
// `Err` hands the record back to the caller, it reports no failure: moving it is the point.
#[allow(clippy::result_large_err)]
trait Batch: Sized {
    /// A batch opened by `record`, or the record back when it opens no batch of this kind.
    fn open(record: Record) -> Result<Self, Record>;
    /// Closes the batch with `record`, or gives the record back when it is no trailer of it.
    fn close(&mut self, record: Record) -> Result<(), Record>;
    /// The batch's details.
    fn details(&mut self) -> &mut Vec<Record>;
}

#[allow(clippy::result_large_err)]
impl Batch for PaymentBatch {
    fn open(record: Record) -> Result<Self, Record> {
        match record {
            Record::PaymentBatchHeader(header) => Ok(PaymentBatch { header, ..Default::default() }),
            other => Err(other),
        }
    }

    fn close(&mut self, record: Record) -> Result<(), Record> {
        match record {
            Record::PaymentBatchTrailer(trailer) => {
                self.trailer = trailer;
                Ok(())
            }
            other => Err(other),
        }
    }

    fn details(&mut self) -> &mut Vec<Record> {
        &mut self.details
    }
}

#[allow(clippy::result_large_err)]
impl Batch for CobrancaBatch {
    fn open(record: Record) -> Result<Self, Record> {
        match record {
            Record::CobrancaBatchHeader(header) => Ok(CobrancaBatch { header, ..Default::default() }),
            other => Err(other),
        }
    }

    fn close(&mut self, record: Record) -> Result<(), Record> {
        match record {
            Record::CobrancaBatchTrailer(trailer) => {
                self.trailer = trailer;
                Ok(())
            }
            other => Err(other),
        }
    }

    fn details(&mut self) -> &mut Vec<Record> {
        &mut self.details
    }
}

/// Reads a file's records into its header, batches of kind `B` and trailer. Every record finds
/// its place or the reading fails: nothing is dropped or overwritten.
fn assemble<B: Batch, R: BufRead>(
    input: R,
    options: ReadOptions,
) -> Result<(FileHeader, Vec<B>, FileTrailer), ReadError> {
    let (mut header, mut batches, mut trailer) = (None, Vec::new(), None);
    let mut open = false;
    for item in Reader::with_options(input, options) {
        let (line, record) = item?;
        let unplaced =
            |record: &'static str| ReadError { line, kind: ReadErrorKind::Unplaced { record }, record_type: None };
        if trailer.is_some() {
            return Err(unplaced("record after the file trailer"));
        }
        let record = match record {
            Record::FileHeader(h) if header.is_none() && batches.is_empty() => {
                header = Some(h);
                continue;
            }
            Record::FileHeader(_) => return Err(unplaced("second file header")),
            Record::FileTrailer(t) if !open => {
                trailer = Some(t);
                continue;
            }
            Record::FileTrailer(_) => return Err(unplaced("file trailer inside an open batch")),
            record => record,
        };
        let record = match B::open(record) {
            Ok(batch) if !open => {
                batches.push(batch);
                open = true;
                continue;
            }
            Ok(_) => return Err(unplaced("batch header inside an open batch")),
            Err(record) => record,
        };
        let Some(batch) = batches.last_mut().filter(|_| open) else {
            return Err(match record {
                Record::PaymentBatchHeader(_) | Record::CobrancaBatchHeader(_) => unplaced("batch of another kind"),
                _ => unplaced("record outside a batch"),
            });
        };
        match batch.close(record) {
            Ok(()) => open = false,
            Err(Record::PaymentBatchHeader(_) | Record::CobrancaBatchHeader(_)) => {
                return Err(unplaced("batch header inside an open batch"));
            }
            Err(Record::PaymentBatchTrailer(_) | Record::CobrancaBatchTrailer(_)) => {
                return Err(unplaced("trailer of another kind of batch"));
            }
            Err(detail) => batch.details().push(detail),
        }
    }
    Ok((header.unwrap_or_default(), batches, trailer.unwrap_or_default()))
}

/// A cobrança batch: its header, its details (P, Q, R for a remessa; T, U for a retorno), and
/// optionally trailer fields the writer does not compute.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CobrancaBatch {
    /// The batch header; its batch number is kept when not zero, else assigned.
    pub header: CobrancaBatchHeader,
    /// The details, in order.
    pub details: Vec<Record>,
    /// Trailer fields; the record count and the boleto counts and amounts by carteira are
    /// computed, the rest (the notice number) kept as given.
    pub trailer: CobrancaBatchTrailer,
}

/// A CNAB240 cobrança file (remessa or retorno).
///
/// ```
/// use febraban_cnab::cnab240::{CobrancaBatchHeader, FileHeader, Record, SegmentP, SegmentQ};
/// use febraban_cnab::{CobrancaBatch, CobrancaFile, WriterOptions};
///
/// let file = CobrancaFile {
///     header: FileHeader { bank: 756, ..Default::default() },
///     batches: vec![CobrancaBatch {
///         header: CobrancaBatchHeader { operation: "R".into(), service: 1, ..Default::default() },
///         details: vec![
///             Record::SegmentP(SegmentP { wallet: 1, amount: 5000, our_number: "1201014".into(), ..Default::default() }),
///             Record::SegmentQ(SegmentQ { payer_name: "Pablo Diego".into(), ..Default::default() }),
///         ],
///         ..Default::default()
///     }],
///     ..Default::default()
/// };
/// let bytes = file.to_bytes(&WriterOptions::default()).unwrap();
/// let report = febraban_cnab::validate(bytes.as_slice(), Default::default());
/// assert!(report.is_valid(), "{:?}", report.problems);
/// assert_eq!((report.summary.payments, report.summary.total_amount), (1, 5000));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CobrancaFile {
    /// The file header.
    pub header: FileHeader,
    /// The batches, in order.
    pub batches: Vec<CobrancaBatch>,
    /// Trailer fields; counts are computed.
    pub trailer: FileTrailer,
}

/// A boleto's carteira (C006) and amount, for the trailer's totals: segments P and T.
fn boleto(record: &Record) -> Option<(Option<u64>, u64)> {
    match record {
        Record::SegmentP(p) => Some((Some(p.wallet), p.amount)),
        Record::SegmentT(t) => Some((t.wallet, t.amount)),
        _ => None,
    }
}

impl CobrancaFile {
    /// Writes the file to `out`.
    pub fn write<W: Write>(&self, out: W, options: &WriterOptions) -> Result<(), WriteError> {
        let bank = self.header.bank;
        let mut lines = Lines { out, options, count: 0 };
        lines.put(&Record::FileHeader(self.header.clone()))?;
        for (index, batch) in self.batches.iter().enumerate() {
            let number = batch_number(batch.header.batch, index, batch.details.len())?;
            lines.put(&Record::CobrancaBatchHeader(CobrancaBatchHeader {
                bank,
                batch: number,
                ..batch.header.clone()
            }))?;
            // Counts and amounts by carteira: 2 vinculada, 3 caucionada, 4 descontada, any
            // other simples.
            let mut totals = [(0u64, 0u64); 4];
            lines.details(bank, number, &batch.details, |detail| {
                if let Some((wallet, amount)) = boleto(detail) {
                    let slot = match wallet {
                        Some(2) => 1,
                        Some(3) => 2,
                        Some(4) => 3,
                        _ => 0,
                    };
                    totals[slot].0 += 1;
                    totals[slot].1 += amount;
                }
            })?;
            // A count of zero stays blank when the given trailer leaves it blank.
            let given = &batch.trailer;
            let count = |given: Option<u64>, computed: u64| (computed > 0 || given.is_some()).then_some(computed);
            let trailer = CobrancaBatchTrailer {
                bank,
                batch: number,
                record_count: batch.details.len() as u64 + 2,
                simple_count: count(given.simple_count, totals[0].0),
                simple_amount: totals[0].1,
                linked_count: count(given.linked_count, totals[1].0),
                linked_amount: totals[1].1,
                pledged_count: count(given.pledged_count, totals[2].0),
                pledged_amount: totals[2].1,
                discounted_count: count(given.discounted_count, totals[3].0),
                discounted_amount: totals[3].1,
                ..given.clone()
            };
            lines.put(&Record::CobrancaBatchTrailer(trailer))?;
        }
        lines.finish(FileTrailer { bank, batch_count: self.batches.len() as u64, ..self.trailer.clone() }).map(drop)
    }

    /// The file's bytes.
    pub fn to_bytes(&self, options: &WriterOptions) -> Result<Vec<u8>, WriteError> {
        let mut bytes = Vec::with_capacity(242 * (2 + self.batches.iter().map(|b| b.details.len() + 2).sum::<usize>()));
        self.write(&mut bytes, options)?;
        Ok(bytes)
    }

    /// Assembles a file from a reader's records (the inverse of [`CobrancaFile::write`]), as
    /// [`PaymentFile::read`] does; a batch of payments is not cobrança and is refused.
    pub fn read<R: BufRead>(input: R, options: ReadOptions) -> Result<Self, ReadError> {
        let (header, batches, trailer) = assemble(input, options)?;
        Ok(CobrancaFile { header, batches, trailer })
    }
}
