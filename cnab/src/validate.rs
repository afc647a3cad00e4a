//! File-level validation of CNAB240 payment files: structure first, then every trailer
//! reconciled with what the file holds. Streaming: records are pushed one at a time, so a file of
//! any size validates in constant memory.

use std::fmt;
use std::io::BufRead;

use crate::cnab240::{FORM_PIX_QR_CODE, Record};
use crate::profile::{BatchCount, Profile};
use crate::reader::{ReadError, ReadErrorKind, ReadOptions, Reader, Warning, WarningKind};
use crate::scan::{Cnab240Scan, DetailFacts, Scanned, facts_of};

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
    /// A statement's closing balance that its opening balance and entries do not make.
    #[error("statement closing balance (151-169): the trailer says {}, the opening balance and the entries make {}", Balance(*declared), Balance(*computed))]
    Balance {
        /// What the trailer says, centavos (negative: debit).
        declared: i128,
        /// What the opening balance and the entries make.
        computed: i128,
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

/// A signed balance as statements print it: `C 1093.95`, `D 4.10`.
struct Balance(i128);

impl fmt::Display for Balance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (sign, amount) = if self.0 < 0 { ('D', -self.0) } else { ('C', self.0) };
        write!(f, "{sign} {}.{:02}", amount / 100, amount % 100)
    }
}

/// Reports a line that does not read: one problem per column that does not (a record read by
/// a bank profile reports every such column at once).
pub(crate) fn push_read_error(problems: &mut Vec<Problem>, line: usize, kind: ReadErrorKind) {
    match kind {
        ReadErrorKind::Fields(errors) => problems.extend(
            errors.into_iter().map(|error| Problem { line, kind: ProblemKind::Read(ReadErrorKind::Field(error)) }),
        ),
        kind => problems.push(Problem { line, kind: ProblemKind::Read(kind) }),
    }
}

/// Whether a file is sent to the bank or comes back from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Sent to the bank (remessa).
    Remessa,
    /// Sent by the bank (retorno, statement).
    Retorno,
}

impl Direction {
    /// From a header's code: `1` remessa, `2` retorno.
    pub fn from_code(code: u64) -> Option<Self> {
        match code {
            1 => Some(Direction::Remessa),
            2 => Some(Direction::Retorno),
            _ => None,
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Remessa => "remessa",
            Direction::Retorno => "retorno",
        })
    }
}

/// What a file holds, as counted while validating.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// The bank of the file header.
    pub bank: Option<u64>,
    /// The profile the file was read by (`FEBRABAN`, `Itaú SISPAG`, a CNAB400 bank's name).
    pub profile: Option<&'static str>,
    /// Remessa or retorno, as the file header says (or, when it does not, a cobrança batch's
    /// operation: R remessa, T retorno).
    pub direction: Option<Direction>,
    /// Batches opened.
    pub batches: u64,
    /// Records read.
    pub records: u64,
    /// Details by segment (CNAB240: `A`, `B`, `J-52`, ...) or record type (CNAB400: `0`, `1`, `9`, ...).
    pub details: std::collections::BTreeMap<String, u64>,
    /// Payments (segments A, J, O, N) and boletos (segments P and T, CNAB400 details).
    pub payments: u64,
    /// Their sum, in centavos.
    pub total_amount: u64,
}

/// Details counted by kind while a file is validated: a file has a handful of kinds, so a short
/// list of static names is cheaper per record than a map of strings.
#[derive(Debug, Default)]
pub(crate) struct Counts(Vec<(&'static str, u64)>);

impl Counts {
    pub(crate) fn add(&mut self, kind: &'static str) {
        // The names are static: the same pointer, nearly always, spares comparing the text.
        match self.0.iter_mut().find(|(k, _)| std::ptr::eq(*k, kind) || *k == kind) {
            Some((_, count)) => *count += 1,
            None => self.0.push((kind, 1)),
        }
    }

    pub(crate) fn into_map(self) -> std::collections::BTreeMap<String, u64> {
        self.0.into_iter().map(|(kind, count)| (kind.to_string(), count)).collect()
    }
}

/// `bank 341 (Itaú SISPAG), remessa: 1 batches, 22 records (A 9, B 9), 9 payments totalling R$ 16452.80`.
///
/// ```
/// let mut summary = febraban_cnab::Summary { bank: Some(341), batches: 1, records: 4, payments: 2, total_amount: 150_075, ..Default::default() };
/// assert_eq!(summary.to_string(), "bank 341: 1 batches, 4 records, 2 payments totalling R$ 1500.75");
/// summary.profile = Some("Itaú SISPAG");
/// summary.direction = Some(febraban_cnab::Direction::Remessa);
/// summary.details.insert("A".into(), 2);
/// assert_eq!(summary.to_string(), "bank 341 (Itaú SISPAG), remessa: 1 batches, 4 records (A 2), 2 payments totalling R$ 1500.75");
/// ```
impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.bank {
            Some(bank) => write!(f, "bank {bank:03}")?,
            None => f.write_str("bank unknown")?,
        }
        if let Some(profile) = self.profile {
            write!(f, " ({profile})")?;
        }
        if let Some(direction) = self.direction {
            write!(f, ", {direction}")?;
        }
        f.write_str(": ")?;
        if self.batches > 0 {
            write!(f, "{} batches, ", self.batches)?;
        }
        write!(f, "{} records", self.records)?;
        if !self.details.is_empty() {
            let details: Vec<String> = self.details.iter().map(|(kind, n)| format!("{kind} {n}")).collect();
            write!(f, " ({})", details.join(", "))?;
        }
        write!(
            f,
            ", {} payments totalling R$ {}.{:02}",
            self.payments,
            self.total_amount / 100,
            self.total_amount % 100
        )
    }
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
    /// The forma de lançamento of a batch of payments; `None` for cobrança.
    entry_form: Option<u64>,
    /// Payments or boletos (segments A, J, P, T).
    items: u64,
    records: u64,
    next_sequence: u64,
    amount: u64,
    /// The previous detail's segment, for B after A and J-52 after J.
    previous: Option<&'static str>,
    /// False when the batch header did not read: which segments belong is then unknown.
    kind_known: bool,
    /// A statement batch's running balance.
    statement: Option<Statement>,
}

/// What a statement batch's entries add up to, to reconcile with its trailer.
#[derive(Debug, Default)]
struct Statement {
    /// The opening balance, centavos, negative when `D`.
    opening: i128,
    debits: u64,
    credits: u64,
}

/// A balance with its sign (`D` debit is negative).
fn signed(amount: u64, sign: &str) -> i128 {
    if sign == "D" { -i128::from(amount) } else { i128::from(amount) }
}

/// The "segment" of a detail that did not read: any segment may follow it.
const UNREADABLE: &str = "unreadable";

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
    warnings: Vec<Warning>,
    counts: Counts,
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
            warnings: Vec::new(),
            counts: Counts::default(),
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

    /// Records a line that did not read. Its record type, when the line shows one, still plays
    /// its part in the structure (a header opens, a trailer closes), so that one unreadable line
    /// does not make every later one misplaced.
    pub fn push_error(&mut self, error: ReadError) {
        self.line = error.line;
        self.summary.records += 1;
        match error.record_type {
            Some(b'0') => self.header_seen = true,
            Some(b'1') if self.batch.is_none() => {
                self.open_batch(0, None);
                if let Some(batch) = &mut self.batch {
                    batch.kind_known = false;
                }
            }
            Some(b'3') => {
                if let Some(batch) = &mut self.batch {
                    batch.records += 1;
                    // Its sequence number and segment are unknown: accept what follows.
                    batch.next_sequence = 0;
                    batch.previous = Some(UNREADABLE);
                }
            }
            Some(b'5') => self.batch = None,
            Some(b'9') => self.trailer_seen = true,
            _ => {
                if let Some(batch) = &mut self.batch {
                    batch.records += 1;
                }
            }
        }
        push_read_error(&mut self.problems, self.line, error.kind);
    }

    /// Checks one record, read at `line`.
    pub fn push(&mut self, line: usize, record: &Record) {
        self.begin(line, || name(record), bank(record), matches!(record, Record::FileHeader(_)));
        match record {
            Record::FileHeader(header) => {
                if self.header_seen || self.summary.records > 1 {
                    self.misplaced("file header", "is not the first record");
                }
                self.header_seen = true;
                self.summary.bank = Some(header.bank);
                self.summary.profile = Some(self.profile.name());
                self.summary.direction = Direction::from_code(header.direction);
            }
            Record::PaymentBatchHeader(header) => {
                self.require_header("batch header");
                if self.batch.is_some() {
                    self.misplaced("batch header", "opens a batch before the previous one is closed");
                }
                self.open_batch(header.batch, Some(header.entry_form));
            }
            Record::CobrancaBatchHeader(header) => {
                self.require_header("batch header");
                // A header that does not say (or cannot be read to say) is answered by the
                // cobrança batch's operation: R remessa, T retorno.
                if self.summary.direction.is_none() {
                    self.summary.direction = match header.operation.as_str() {
                        "R" => Some(Direction::Remessa),
                        "T" => Some(Direction::Retorno),
                        _ => None,
                    };
                }
                if self.batch.is_some() {
                    self.misplaced("batch header", "opens a batch before the previous one is closed");
                }
                self.open_batch(header.batch, None);
            }
            Record::StatementBatchHeader(header) => {
                self.require_header("batch header");
                if self.batch.is_some() {
                    self.misplaced("batch header", "opens a batch before the previous one is closed");
                }
                self.open_batch(header.batch, None);
                if let Some(batch) = &mut self.batch {
                    let opening = signed(header.opening_balance, &header.opening_sign);
                    batch.statement = Some(Statement { opening, ..Default::default() });
                }
            }
            Record::StatementBatchTrailer(trailer) => {
                let Some(batch) = self.batch.take() else {
                    return self.misplaced("batch trailer", "closes no open batch");
                };
                self.check_batch_number(batch.number, trailer.batch);
                // A statement's trailer keeps its record count at 171-176 (18-23 begin the inscription).
                self.check("statement trailer record count (171-176)", trailer.record_count, batch.records + 1);
                let statement = batch.statement.unwrap_or_default();
                self.check("statement trailer sum of debits (177-194)", trailer.debits, statement.debits);
                self.check("statement trailer sum of credits (195-212)", trailer.credits, statement.credits);
                let closing = statement.opening + i128::from(statement.credits) - i128::from(statement.debits);
                let declared = signed(trailer.closing_balance, &trailer.closing_sign);
                if declared != closing {
                    self.problem(ProblemKind::Balance { declared, computed: closing });
                }
            }
            Record::CobrancaBatchTrailer(trailer) => {
                let Some(batch) = self.batch.take() else {
                    return self.misplaced("batch trailer", "closes no open batch");
                };
                self.check_batch_number(batch.number, trailer.batch);
                self.check("batch trailer record count (18-23)", trailer.record_count, batch.records + 1);
                let counts =
                    [trailer.simple_count, trailer.linked_count, trailer.pledged_count, trailer.discounted_count];
                let amounts =
                    [trailer.simple_amount, trailer.linked_amount, trailer.pledged_amount, trailer.discounted_amount];
                let unused = counts.iter().flatten().sum::<u64>() == 0 && amounts.iter().sum::<u64>() == 0;
                if unused && self.profile.cobranca_totals_left_at_zero {
                    let bank = trailer.bank;
                    // The bank's profile says it leaves them at zero: nothing to reconcile.
                    let kind = WarningKind::CobrancaTotalsLeftAtZero { bank };
                    self.warnings.push(Warning { line: self.line, kind });
                    return;
                }
                self.check(
                    "batch trailer boleto counts (24-29, 47-52, 70-75, 93-98)",
                    counts.iter().flatten().sum(),
                    batch.items,
                );
                self.check(
                    "batch trailer boleto amounts (30-46, 53-69, 76-92, 99-115)",
                    amounts.iter().sum(),
                    batch.amount,
                );
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
                let batches = match self.profile.batch_count {
                    BatchCount::LastBatchNumber => self.last_batch_number,
                    _ => self.summary.batches,
                };
                self.check("file trailer batch count (18-23)", trailer.batch_count, batches);
                self.check("file trailer record count (24-29)", trailer.record_count, self.summary.records);
            }
            detail => self.push_detail(detail),
        }
    }

    fn open_batch(&mut self, number: u64, entry_form: Option<u64>) {
        self.summary.batches += 1;
        self.last_batch_number = number;
        self.batch = Some(OpenBatch {
            number,
            entry_form,
            items: 0,
            records: 1,
            next_sequence: 1,
            amount: 0,
            previous: None,
            kind_known: true,
            statement: None,
        });
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

    /// What every record is checked for: its place after the file trailer, and its bank.
    /// `name` is asked for only when the record is misplaced.
    fn begin(&mut self, line: usize, name: impl FnOnce() -> &'static str, bank: Option<u64>, file_header: bool) {
        self.line = line;
        self.summary.records += 1;
        if self.trailer_seen {
            self.misplaced(name(), "follows the file trailer");
        }
        if let (Some(expected), Some(found)) = (self.summary.bank, bank) {
            if expected != found && !file_header {
                self.problem(ProblemKind::Bank { expected, found });
            }
        }
    }

    /// Checks a detail read at `line` that was checked, not typed.
    pub(crate) fn push_scanned(&mut self, line: usize, facts: DetailFacts) {
        self.begin(line, || segment_name(facts.segment), Some(facts.bank), false);
        self.push_facts(facts);
    }

    fn push_detail(&mut self, record: &Record) {
        if let Some(facts) = facts_of(record) {
            self.push_facts(facts);
        }
    }

    /// Checks a detail by what the validator keeps of it.
    fn push_facts(&mut self, facts: DetailFacts) {
        let DetailFacts { segment, batch: batch_number, sequence, amount, entry, .. } = facts;
        self.counts.add(segment);
        let Some(mut batch) = self.batch.take() else {
            self.misplaced(segment_name(segment), "is outside a batch");
            return;
        };
        batch.records += 1;
        if batch.kind_known {
            self.check_batch_number(batch.number, batch_number);
        } else if batch.number == 0 {
            batch.number = batch_number;
        }
        if batch.next_sequence != 0 && sequence != batch.next_sequence {
            self.problem(ProblemKind::Sequence { expected: batch.next_sequence, found: sequence });
        }
        batch.next_sequence = sequence + 1;
        if let (Some((amount, debit)), Some(statement)) = (entry, &mut batch.statement) {
            match debit {
                true => statement.debits += amount,
                false => statement.credits += amount,
            }
        }
        if batch.kind_known && !allowed(segment, batch.entry_form, batch.statement.is_some()) {
            self.problem(ProblemKind::Segment { segment, entry_form: batch.entry_form.unwrap_or(0) });
        }
        let follows = |previous: &[&str]| batch.previous.is_some_and(|p| p == UNREADABLE || previous.contains(&p));
        let misplaced = match segment {
            "B" if !follows(&["A", "B"]) => Some(("segment B", "does not follow a segment A")),
            "J-52" if !follows(&["J"]) => Some(("segment J-52", "does not follow a segment J")),
            "Q" if !follows(&["P"]) => Some(("segment Q", "does not follow a segment P")),
            "R" if !follows(&["P", "Q"]) => Some(("segment R", "does not follow a segment P or Q")),
            "U" if !follows(&["T"]) => Some(("segment U", "does not follow a segment T")),
            y if y.starts_with('Y')
                && !follows(&["P", "Q", "R", "T", "U"])
                && !batch.previous.is_some_and(|p| p.starts_with('Y')) =>
            {
                Some(("segment Y", "does not follow a boleto's segments"))
            }
            _ => None,
        };
        if let Some((record, reason)) = misplaced {
            self.misplaced(record, reason);
        }
        batch.previous = Some(segment);
        if let Some(amount) = amount {
            batch.amount += amount;
            batch.items += 1;
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
        self.summary.details = self.counts.into_map();
        Report { summary: self.summary, problems: self.problems, warnings: self.warnings }
    }
}

fn bank(record: &Record) -> Option<u64> {
    Some(match record {
        Record::FileHeader(r) => r.bank,
        Record::PaymentBatchHeader(r) => r.bank,
        Record::SegmentA(r) => r.bank,
        Record::SegmentBPix(r) => r.bank,
        Record::SegmentB(r) => r.bank,
        Record::SegmentJ(r) => r.bank,
        Record::SegmentJ52(r) => r.bank,
        Record::SegmentJ52Pix(r) => r.bank,
        Record::SegmentO(r) => r.bank,
        Record::SegmentN(r) => r.bank,
        Record::SegmentZ(r) => r.bank,
        Record::StatementBatchHeader(r) => r.bank,
        Record::SegmentE(r) => r.bank,
        Record::StatementBatchTrailer(r) => r.bank,
        Record::PaymentBatchTrailer(r) => r.bank,
        Record::CobrancaBatchHeader(r) => r.bank,
        Record::SegmentP(r) => r.bank,
        Record::SegmentQ(r) => r.bank,
        Record::SegmentR(r) => r.bank,
        Record::SegmentT(r) => r.bank,
        Record::SegmentU(r) => r.bank,
        Record::SegmentY(r) => r.bank,
        Record::CobrancaBatchTrailer(r) => r.bank,
        Record::FileTrailer(r) => r.bank,
    })
}

fn name(record: &Record) -> &'static str {
    match record {
        Record::FileHeader(_) => "file header",
        Record::PaymentBatchHeader(_) => "batch header",
        Record::SegmentA(_) => "segment A",
        Record::SegmentBPix(_) | Record::SegmentB(_) => "segment B",
        Record::SegmentJ(_) => "segment J",
        Record::SegmentJ52(_) | Record::SegmentJ52Pix(_) => "segment J-52",
        Record::SegmentO(_) => "segment O",
        Record::SegmentN(_) => "segment N",
        Record::SegmentZ(_) => "segment Z",
        Record::SegmentE(_) => "segment E",
        Record::PaymentBatchTrailer(_) | Record::CobrancaBatchTrailer(_) | Record::StatementBatchTrailer(_) => {
            "batch trailer"
        }
        Record::CobrancaBatchHeader(_) | Record::StatementBatchHeader(_) => "batch header",
        Record::SegmentP(_) => "segment P",
        Record::SegmentQ(_) => "segment Q",
        Record::SegmentR(_) => "segment R",
        Record::SegmentT(_) => "segment T",
        Record::SegmentU(_) => "segment U",
        Record::SegmentY(_) => "segment Y",
        Record::FileTrailer(_) => "file trailer",
    }
}

fn segment_name(segment: &'static str) -> &'static str {
    match segment {
        "A" => "segment A",
        "B" => "segment B",
        "J" => "segment J",
        "P" => "segment P",
        "Q" => "segment Q",
        "R" => "segment R",
        "T" => "segment T",
        "U" => "segment U",
        "O" => "segment O",
        "N" => "segment N",
        "Z" => "segment Z",
        "E" => "segment E",
        "J-52" => "segment J-52",
        _ => "segment Y",
    }
}

/// Whether a batch carries a segment (FEBRABAN 240 v10.6 p.14-15): cobrança P, Q, R, T, U and
/// the optional Y; a statement E; payments by their forma de lançamento (G029): boletos J and
/// J-52 (Pix QR codes, forma 47, are boletos in Bradesco's Multipag Pix manual), a bill with a
/// barcode O (11), a tax without one N (16-29, 35), credits A and B; and the authentication Z
/// after any payment.
fn allowed(segment: &str, entry_form: Option<u64>, statement: bool) -> bool {
    if statement {
        return segment == "E";
    }
    let Some(entry_form) = entry_form else {
        return matches!(segment, "P" | "Q" | "R" | "T" | "U") || segment.starts_with('Y');
    };
    let boletos = matches!(entry_form, 30 | 31 | FORM_PIX_QR_CODE);
    let bill = entry_form == 11;
    let tax = matches!(entry_form, 16..=29 | 35);
    match segment {
        "J" | "J-52" => boletos,
        "O" => bill,
        "N" => tax,
        "Z" => true,
        "A" | "B" => !boletos && !bill && !tax,
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
    // Details are checked column by column but not typed: the validator keeps only their
    // batch, sequence and amount.
    let format = Cnab240Scan::new(options.profile.unwrap_or_default());
    let mut reader = Reader::with_format(input, options, format);
    let mut validator: Option<Validator> = None;
    while let Some(item) = reader.next() {
        // Created after the first line, when the file header has chosen the profile.
        let validator = validator.get_or_insert_with(|| Validator::new(reader.format().profile()));
        match item {
            Ok((line, Scanned::Record(record))) => validator.push(line, &record),
            Ok((line, Scanned::Detail(facts))) => validator.push_scanned(line, facts),
            Err(error) => validator.push_error(error),
        }
    }
    let mut report = validator.unwrap_or_else(|| Validator::new(reader.format().profile())).finish();
    report.warnings.splice(0..0, reader.warnings().iter().cloned());
    report
}

/// The two layouts of a bank file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileLayout {
    /// FEBRABAN CNAB240.
    Cnab240,
    /// CNAB400.
    Cnab400,
}

impl FileLayout {
    /// The layout a file's first line tells: a CNAB400 line is 400 characters, a CNAB240 line
    /// 240 (past the midpoint, a right-trimmed or overlong line still tells).
    ///
    /// ```
    /// use febraban_cnab::FileLayout;
    /// assert_eq!(FileLayout::of(&[b'0'; 400]), FileLayout::Cnab400);
    /// assert_eq!(FileLayout::of(b"341000000"), FileLayout::Cnab240);
    /// ```
    pub fn of(start: &[u8]) -> Self {
        let first = start.split(|&b| b == b'\n').next().map_or(0, <[u8]>::len);
        if first > 320 { FileLayout::Cnab400 } else { FileLayout::Cnab240 }
    }

    /// `CNAB240` or `CNAB400`.
    pub fn name(self) -> &'static str {
        match self {
            FileLayout::Cnab240 => "CNAB240",
            FileLayout::Cnab400 => "CNAB400",
        }
    }
}

/// Validates a CNAB240 or CNAB400 file, told apart by its first line ([`FileLayout::of`]).
///
/// ```
/// let (layout, report) = febraban_cnab::validate_file(&[b' '; 400][..], Default::default());
/// assert_eq!(layout, febraban_cnab::FileLayout::Cnab400);
/// assert!(!report.is_valid());
/// ```
pub fn validate_file<R: BufRead>(mut input: R, options: ReadOptions) -> (FileLayout, Report) {
    let layout = input.fill_buf().map(FileLayout::of).unwrap_or(FileLayout::Cnab240);
    let report = match layout {
        FileLayout::Cnab240 => validate(input, options),
        FileLayout::Cnab400 => crate::cnab400::validate(input, options),
    };
    (layout, report)
}
