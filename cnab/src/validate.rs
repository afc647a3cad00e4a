//! File-level validation of CNAB240 payment files: structure first, then every trailer
//! reconciled with what the file holds. Streaming: records are pushed one at a time, so a file of
//! any size validates in constant memory.

use std::fmt;
use std::io::BufRead;

use crate::cnab240::{FORM_PIX_QR_CODE, Record};
use crate::profile::Profile;
use crate::reader::{ReadError, ReadErrorKind, ReadOptions, Reader, Warning};

/// A problem of a file, with the line where it shows.
#[derive(Debug)]
pub struct Problem {
    /// The 1-based line (the trailer's line for a count or sum that does not reconcile).
    pub line: usize,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// What is wrong with a file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProblemKind {
    /// A line that does not read.
    #[error(transparent)]
    Read(ReadErrorKind),
    /// A record where the structure does not allow it.
    #[error("{record} {reason}")]
    Misplaced {
        /// The record.
        record: &'static str,
        /// Where it should be.
        reason: &'static str,
    },
    /// A record whose bank code (positions 1-3) is not the file header's.
    #[error("bank {found} where the file header says {expected}")]
    Bank {
        /// The file header's bank.
        expected: u64,
        /// What the record says.
        found: u64,
    },
    /// A record whose batch number (positions 4-7) is not its batch's.
    #[error("batch number {found} where the open batch is {expected}")]
    BatchNumber {
        /// The open batch.
        expected: u64,
        /// What the record says.
        found: u64,
    },
    /// A detail whose sequence number (positions 9-13) is out of order.
    #[error("sequence number {found} where {expected} comes next")]
    Sequence {
        /// The next number in the batch.
        expected: u64,
        /// What the record says.
        found: u64,
    },
    /// A segment that this batch's forma de lançamento does not carry.
    #[error("segment {segment} is not allowed in a batch of forma {entry_form:02}")]
    Segment {
        /// The segment.
        segment: &'static str,
        /// The batch's forma de lançamento.
        entry_form: u64,
    },
    /// A trailer's count or sum that does not match the file.
    #[error("{field}: the trailer says {declared}, the file holds {computed}")]
    ControlMismatch {
        /// The trailer field.
        field: &'static str,
        /// What the trailer says.
        declared: u64,
        /// What the file holds.
        computed: u64,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.kind)
    }
}

/// What a file holds, as counted while validating.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// The bank of the file header.
    pub bank: Option<u64>,
    /// Batches opened.
    pub batches: u64,
    /// Records read.
    pub records: u64,
    /// Payments (segments A and J).
    pub payments: u64,
    /// The sum of the payments, in centavos.
    pub total_amount: u64,
}

/// The outcome of validating a file.
#[derive(Debug, Default)]
pub struct Report {
    /// What the file holds.
    pub summary: Summary,
    /// Every problem, in line order of discovery.
    pub problems: Vec<Problem>,
    /// What a lenient reader accepted.
    pub warnings: Vec<Warning>,
}

impl Report {
    /// Whether the file has no problem.
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The batch being read.
#[derive(Debug)]
struct OpenBatch {
    number: u64,
    entry_form: u64,
    records: u64,
    next_sequence: u64,
    amount: u64,
    /// The previous detail's segment, for B after A and J-52 after J.
    previous: Option<&'static str>,
}

/// Checks a stream of records: push each with [`Validator::push`], then [`Validator::finish`].
#[derive(Debug)]
pub struct Validator {
    profile: Profile,
    summary: Summary,
    problems: Vec<Problem>,
    batch: Option<OpenBatch>,
    last_batch_number: u64,
    header_seen: bool,
    trailer_seen: bool,
    line: usize,
}

impl Validator {
    /// A validator for files of `profile`.
    pub fn new(profile: Profile) -> Self {
        Validator {
            profile,
            summary: Summary::default(),
            problems: Vec::new(),
            batch: None,
            last_batch_number: 0,
            header_seen: false,
            trailer_seen: false,
            line: 0,
        }
    }

    fn problem(&mut self, kind: ProblemKind) {
        self.problems.push(Problem { line: self.line, kind });
    }

    fn misplaced(&mut self, record: &'static str, reason: &'static str) {
        self.problem(ProblemKind::Misplaced { record, reason });
    }

    fn check(&mut self, field: &'static str, declared: u64, computed: u64) {
        if declared != computed {
            self.problem(ProblemKind::ControlMismatch { field, declared, computed });
        }
    }

    /// Records a line that did not read.
    pub fn push_error(&mut self, error: ReadError) {
        self.line = error.line;
        self.summary.records += 1;
        if let Some(batch) = &mut self.batch {
            batch.records += 1;
        }
        self.problem(ProblemKind::Read(error.kind));
    }

    /// Checks one record, read at `line`.
    pub fn push(&mut self, line: usize, record: &Record) {
        self.line = line;
        self.summary.records += 1;
        if self.trailer_seen {
            self.misplaced(name(record), "follows the file trailer");
        }
        if let (Some(expected), Some(found)) = (self.summary.bank, bank(record)) {
            if expected != found && !matches!(record, Record::FileHeader(_)) {
                self.problem(ProblemKind::Bank { expected, found });
            }
        }
        match record {
            Record::FileHeader(header) => {
                if self.header_seen || self.summary.records > 1 {
                    self.misplaced("file header", "is not the first record");
                }
                self.header_seen = true;
                self.summary.bank = Some(header.bank);
            }
            Record::PaymentBatchHeader(header) => {
                self.require_header("batch header");
                if self.batch.is_some() {
                    self.misplaced("batch header", "opens a batch before the previous one is closed");
                }
                self.summary.batches += 1;
                self.last_batch_number = header.batch;
                self.batch = Some(OpenBatch {
                    number: header.batch,
                    entry_form: header.entry_form,
                    records: 1,
                    next_sequence: 1,
                    amount: 0,
                    previous: None,
                });
            }
            Record::PaymentBatchTrailer(trailer) => {
                let Some(batch) = self.batch.take() else {
                    return self.misplaced("batch trailer", "closes no open batch");
                };
                self.check_batch_number(batch.number, trailer.batch);
                self.check("batch trailer record count (18-23)", trailer.record_count, batch.records + 1);
                self.check("batch trailer total amount (24-41)", trailer.total_amount, batch.amount);
            }
            Record::FileTrailer(trailer) => {
                self.require_header("file trailer");
                if self.batch.is_some() {
                    self.misplaced("file trailer", "comes before the open batch's trailer");
                }
                self.trailer_seen = true;
                let batches = match self.profile {
                    // Itaú SISPAG counts batches by the last batch number.
                    Profile::ItauSispag => self.last_batch_number,
                    Profile::Febraban => self.summary.batches,
                };
                self.check("file trailer batch count (18-23)", trailer.batch_count, batches);
                self.check("file trailer record count (24-29)", trailer.record_count, self.summary.records);
            }
            detail => self.push_detail(detail),
        }
    }

    fn require_header(&mut self, record: &'static str) {
        if !self.header_seen {
            self.misplaced(record, "comes before the file header");
            self.header_seen = true;
        }
    }

    fn check_batch_number(&mut self, expected: u64, found: u64) {
        if expected != found {
            self.problem(ProblemKind::BatchNumber { expected, found });
        }
    }

    fn push_detail(&mut self, record: &Record) {
        let (segment, batch_number, sequence, amount) = match record {
            Record::SegmentA(a) => ("A", a.batch, a.sequence, Some(a.amount)),
            Record::SegmentBPix(b) => ("B", b.batch, b.sequence, None),
            Record::SegmentJ(j) => ("J", j.batch, j.sequence, Some(j.amount)),
            Record::SegmentJ52(j) => ("J-52", j.batch, j.sequence, None),
            Record::SegmentJ52Pix(j) => ("J-52", j.batch, j.sequence, None),
            _ => return,
        };
        let Some(mut batch) = self.batch.take() else {
            self.misplaced(segment_name(segment), "is outside a batch");
            return;
        };
        batch.records += 1;
        self.check_batch_number(batch.number, batch_number);
        if sequence != batch.next_sequence {
            self.problem(ProblemKind::Sequence { expected: batch.next_sequence, found: sequence });
        }
        batch.next_sequence = sequence + 1;
        if !allowed(segment, batch.entry_form) {
            self.problem(ProblemKind::Segment { segment, entry_form: batch.entry_form });
        }
        match (segment, batch.previous) {
            ("B", previous) if previous != Some("A") && previous != Some("B") => {
                self.misplaced("segment B", "does not follow a segment A");
            }
            ("J-52", previous) if previous != Some("J") => {
                self.misplaced("segment J-52", "does not follow a segment J")
            }
            _ => {}
        }
        batch.previous = Some(segment);
        if let Some(amount) = amount {
            batch.amount += amount;
            self.summary.payments += 1;
            self.summary.total_amount += amount;
        }
        self.batch = Some(batch);
    }

    /// Ends the file: reports what is left open, and returns the report.
    pub fn finish(mut self) -> Report {
        if self.batch.is_some() {
            self.misplaced("batch", "is never closed by a batch trailer");
        }
        if !self.trailer_seen {
            self.misplaced("file trailer", "is missing");
        }
        Report { summary: self.summary, problems: self.problems, warnings: Vec::new() }
    }
}

fn bank(record: &Record) -> Option<u64> {
    Some(match record {
        Record::FileHeader(r) => r.bank,
        Record::PaymentBatchHeader(r) => r.bank,
        Record::SegmentA(r) => r.bank,
        Record::SegmentBPix(r) => r.bank,
        Record::SegmentJ(r) => r.bank,
        Record::SegmentJ52(r) => r.bank,
        Record::SegmentJ52Pix(r) => r.bank,
        Record::PaymentBatchTrailer(r) => r.bank,
        Record::FileTrailer(r) => r.bank,
    })
}

fn name(record: &Record) -> &'static str {
    match record {
        Record::FileHeader(_) => "file header",
        Record::PaymentBatchHeader(_) => "batch header",
        Record::SegmentA(_) => "segment A",
        Record::SegmentBPix(_) => "segment B",
        Record::SegmentJ(_) => "segment J",
        Record::SegmentJ52(_) | Record::SegmentJ52Pix(_) => "segment J-52",
        Record::PaymentBatchTrailer(_) => "batch trailer",
        Record::FileTrailer(_) => "file trailer",
    }
}

fn segment_name(segment: &'static str) -> &'static str {
    match segment {
        "A" => "segment A",
        "B" => "segment B",
        "J" => "segment J",
        _ => "segment J-52",
    }
}

/// Whether a batch of forma `entry_form` carries `segment` (FEBRABAN 240 v10.6 p.14-15: boleto
/// batches carry J and J-52, credit batches A and B; Pix QR code batches, forma 47, are boleto
/// batches in Bradesco's Multipag Pix manual).
fn allowed(segment: &str, entry_form: u64) -> bool {
    let boletos = matches!(entry_form, 30 | 31 | FORM_PIX_QR_CODE);
    match segment {
        "J" | "J-52" => boletos,
        "A" | "B" => !boletos,
        _ => false,
    }
}

/// Reads and validates a whole CNAB240 file.
///
/// ```
/// let report = febraban_cnab::validate(&b""[..], Default::default());
/// assert!(!report.is_valid());
/// assert_eq!(report.problems[0].to_string(), "line 0: file trailer is missing");
/// ```
pub fn validate<R: BufRead>(input: R, options: ReadOptions) -> Report {
    let mut reader = Reader::with_options(input, options);
    let mut validator: Option<Validator> = None;
    while let Some(item) = reader.next() {
        // Created after the first line, when the file header has chosen the profile.
        let validator = validator.get_or_insert_with(|| Validator::new(reader.profile()));
        match item {
            Ok((line, record)) => validator.push(line, &record),
            Err(error) => validator.push_error(error),
        }
    }
    let mut report = validator.unwrap_or_else(|| Validator::new(reader.profile())).finish();
    report.warnings = reader.warnings().to_vec();
    report
}
