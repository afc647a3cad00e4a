//! Streaming CNAB240 reader: one line at a time, in constant memory, typed records with their
//! line numbers.

use std::fmt;
use std::io::BufRead;

use crate::cnab240::{FORM_PIX_QR_CODE, FORM_PIX_TRANSFER, Record};
use crate::layout::{FieldError, Layout};
use crate::profile::Profile;

/// The width of a CNAB240 line.
const WIDTH: usize = 240;

/// What the open batch carries, which decides how its details and trailer read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BatchKind {
    /// Payments, with their forma de lançamento.
    Payments(u64),
    /// Cobrança, remessa or retorno.
    Cobranca,
    /// The bank statement (extrato para conciliação).
    Statement,
}

/// What the reader accepts beyond the standard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Accept what real files do, reporting each as a [`Warning`]: right-trimmed lines (blanks
    /// padded back), a UTF-8 byte order mark, a 241st character that is blank, a header column
    /// that carries no money and does not read (read as absent), a file trailer's lote other
    /// than 9999.
    pub lenient: bool,
    /// The CNAB240 bank profile; by default chosen from the file header's bank code.
    pub profile: Option<Profile>,
    /// The CNAB400 bank profile; by default chosen from the header's bank code (77-79).
    pub bank_profile: Option<&'static crate::cnab400::BankProfile>,
}

/// A problem of the input, with its line.
#[derive(Debug)]
pub struct ReadError {
    /// The 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub kind: ReadErrorKind,
    /// The line's record type (CNAB240 position 8, CNAB400 position 1) when the line has one,
    /// so that a validator can let an unreadable header or trailer still play its part.
    pub record_type: Option<u8>,
}

/// What is wrong with a line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadErrorKind {
    /// The input could not be read.
    #[error("read failed: {0}")]
    Io(#[from] std::io::Error),
    /// A line that is not as long as the format's records.
    #[error("line is {found} characters long; the format's lines are {expected}")]
    Length {
        /// The line's length, line ending excluded.
        found: usize,
        /// The format's width (240 or 400).
        expected: usize,
    },
    /// A UTF-8 byte order mark (strict mode).
    #[error("the file starts with a UTF-8 byte order mark")]
    ByteOrderMark,
    /// A column that does not read.
    #[error("{0}")]
    Field(FieldError),
    /// The columns of a line that do not read, each with its own error (a record read by a
    /// bank profile reads every column, so one bad value does not hide another).
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Fields(Vec<FieldError>),
    /// A record type (CNAB240 position 8, CNAB400 position 1) this crate does not know.
    #[error("unknown record type {found:?} at position {position}")]
    RecordType {
        /// What the line holds.
        found: char,
        /// The record type's position (1-based).
        position: usize,
    },
    /// A segment (position 14) not known in this batch.
    #[error("segment {segment:?} at position 14 {}", match entry_form {
        Some(form) => format!("is not read in a batch of forma {form:02}"),
        None => "is outside a batch of payments".to_string(),
    })]
    Segment {
        /// The segment code.
        segment: char,
        /// The batch's forma de lançamento, when a batch is open.
        entry_form: Option<u64>,
    },
    /// A segment a cobrança batch does not carry.
    #[error("segment {segment:?} at position 14 is not a cobrança segment (P, Q, R, T, U, Y)")]
    CobrancaSegment {
        /// The segment code.
        segment: char,
    },
    /// A record the file's structure has no place for, met while assembling a whole file.
    #[error("a {record}: the file's structure has no place for it (validate() says more)")]
    Unplaced {
        /// What was found.
        record: &'static str,
    },
    /// A CNAB400 record of a bank with no profile.
    #[error(
        "no CNAB400 profile for bank {bank:03}, so its {record} cannot be read; name one (ReadOptions::bank_profile)"
    )]
    UnknownLayout {
        /// The bank of the file header.
        bank: u64,
        /// Which record.
        record: &'static str,
    },
    /// A batch of a kind this crate does not read yet.
    #[error("batch operation {0:?} at position 9 is neither payments (C, D), cobrança (R, T) nor a statement (E)")]
    BatchKind(char),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.kind)
    }
}

impl std::error::Error for ReadError {}

/// Something a lenient reader accepted and reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The 1-based line number.
    pub line: usize,
    /// What was accepted.
    pub kind: WarningKind,
}

/// What a lenient reader accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WarningKind {
    /// A line shorter than the format's width whose missing trailing blanks were padded back.
    RightTrimmed {
        /// The line's length as found.
        found: usize,
    },
    /// A UTF-8 byte order mark, dropped.
    ByteOrderMark,
    /// A blank character one past the record's width (the 241st or 401st), dropped.
    TrailingBlank,
    /// A cobrança batch trailer whose boleto counts and amounts are zero, from a bank that
    /// leaves them so: not reconciled.
    CobrancaTotalsLeftAtZero {
        /// The file's bank.
        bank: u64,
    },
    /// A header or file-trailer column that carries no money and did not read: read as absent
    /// (its default), with what was found.
    ColumnReadAsAbsent(FieldError),
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            WarningKind::RightTrimmed { found } => {
                write!(f, "line {}: {found} characters, padded with blanks", self.line)
            }
            WarningKind::ByteOrderMark => write!(f, "line {}: UTF-8 byte order mark dropped", self.line),
            WarningKind::TrailingBlank => {
                write!(f, "line {}: blank character past the record's end dropped", self.line)
            }
            WarningKind::ColumnReadAsAbsent(ref error) => {
                write!(f, "line {}: {error}; read as absent", self.line)
            }
            WarningKind::CobrancaTotalsLeftAtZero { bank } => write!(
                f,
                "line {}: the batch trailer's boleto counts and amounts are zero, as bank {bank:03} leaves them: not reconciled",
                self.line
            ),
        }
    }
}

/// Reads a CNAB240 file record by record.
///
/// Lines may end in CRLF or LF, the last one may have no line ending, and a 0x1A after the last
/// record is ignored. Bytes are Latin-1: any byte reads, nothing is assumed to be UTF-8.
///
/// ```
/// use febraban_cnab::cnab240::{FileHeader, FileTrailer, Record};
/// use febraban_cnab::Reader;
///
/// let options = Default::default();
/// let header = FileHeader { bank: 341, company_name: "EMPRESA EXEMPLO".into(), ..Default::default() };
/// let trailer = FileTrailer { bank: 341, record_count: 2, ..Default::default() };
/// let mut file = Vec::new();
/// for line in [header.to_line(&options).unwrap(), trailer.to_line(&options).unwrap()] {
///     file.extend_from_slice(&line);
///     file.extend_from_slice(b"\r\n");
/// }
///
/// let records: Vec<_> = Reader::new(file.as_slice()).collect::<Result<_, _>>().unwrap();
/// assert!(matches!(&records[0], (1, Record::FileHeader(h)) if h.company_name == "EMPRESA EXEMPLO"));
/// assert!(matches!(&records[1], (2, Record::FileTrailer(t)) if t.record_count == 2));
/// ```
pub struct Reader<R, F = Cnab240> {
    input: R,
    state: State<F>,
}

/// A file format: its line width and how a line of that width becomes a record.
///
/// A format value also holds what the reader has learnt of the file so far (the bank, the open
/// batch), which decides how later lines read.
pub trait Format: Default {
    /// The width of every line.
    const WIDTH: usize;
    /// The records of the format.
    type Record;
    /// The position (0-based) of the record type in a line.
    const RECORD_TYPE_AT: usize;
    /// Types a line of exactly [`Format::WIDTH`] bytes; what a lenient reader accepts in it goes
    /// to `warnings`.
    fn record(
        &mut self,
        line: &[u8],
        options: &ReadOptions,
        warnings: &mut Vec<WarningKind>,
    ) -> Result<Self::Record, ReadErrorKind>;
}

/// CNAB240: what the reader knows of the file so far.
#[derive(Debug, Default)]
pub struct Cnab240 {
    pub(crate) profile: Profile,
    /// The kind of the open batch.
    batch: Option<BatchKind>,
}

/// What the reader knows of the file so far: everything but the input, so that a line can be
/// typed while it still sits in the input's buffer.
struct State<F> {
    options: ReadOptions,
    line_number: usize,
    format: F,
    warnings: Vec<Warning>,
    /// A line that straddles the input's buffer, assembled.
    spill: Vec<u8>,
    /// A line padded to the width by a lenient reader.
    padded: Vec<u8>,
    done: bool,
}

impl<R: BufRead> Reader<R, Cnab240> {
    /// A strict CNAB240 reader.
    pub fn new(input: R) -> Self {
        Self::with_options(input, ReadOptions::default())
    }

    /// A CNAB240 reader with `options`.
    pub fn with_options(input: R, options: ReadOptions) -> Self {
        let format = Cnab240::new(options.profile.unwrap_or_default());
        Reader::with_format(input, options, format)
    }

    /// The profile in use (chosen from the file header's bank unless given).
    pub fn profile(&self) -> Profile {
        self.state.format.profile
    }
}

impl<R: BufRead, F: Format> Reader<R, F> {
    /// A reader of `format`.
    pub fn with_format(input: R, options: ReadOptions, format: F) -> Self {
        let state = State {
            options,
            line_number: 0,
            format,
            warnings: Vec::new(),
            spill: Vec::with_capacity(F::WIDTH + 2),
            padded: vec![b' '; F::WIDTH],
            done: false,
        };
        Reader { input, state }
    }

    /// What the format has learnt of the file so far.
    pub(crate) fn format(&self) -> &F {
        &self.state.format
    }

    /// What a lenient reader accepted so far.
    pub fn warnings(&self) -> &[Warning] {
        &self.state.warnings
    }
}

impl<F: Format> State<F> {
    fn error(&self, kind: ReadErrorKind) -> ReadError {
        ReadError { line: self.line_number, kind, record_type: None }
    }

    /// Types one line (its line ending still on it). `None` when the line is only the
    /// end-of-file mark.
    fn line(&mut self, raw: &[u8]) -> Option<Result<(usize, F::Record), ReadError>> {
        self.line_number += 1;
        let mut bytes = raw;
        if let Some(rest) = bytes.strip_suffix(b"\n") {
            bytes = rest.strip_suffix(b"\r").unwrap_or(rest);
        }
        // The end-of-file mark some banks append after the last record.
        if let Some(rest) = bytes.strip_suffix(&[0x1A]) {
            bytes = rest;
            if bytes.is_empty() {
                self.line_number -= 1;
                return None;
            }
        }
        if self.line_number == 1 {
            if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
                if !self.options.lenient {
                    return Some(Err(self.error(ReadErrorKind::ByteOrderMark)));
                }
                bytes = rest;
                self.warnings.push(Warning { line: 1, kind: WarningKind::ByteOrderMark });
            }
        }
        let found = bytes.len();
        let width = F::WIDTH;
        let lenient = self.options.lenient;
        let fix = match found {
            n if n == width => None,
            n if n == width + 1 && lenient && bytes[width] == b' ' => Some(WarningKind::TrailingBlank),
            n if n > 0 && n < width && lenient => Some(WarningKind::RightTrimmed { found }),
            _ => {
                let mut error = self.error(ReadErrorKind::Length { found, expected: width });
                error.record_type = bytes.get(F::RECORD_TYPE_AT).copied();
                return Some(Err(error));
            }
        };
        let line_number = self.line_number;
        let mut accepted = Vec::new();
        let record = match fix {
            None => self.format.record(bytes, &self.options, &mut accepted),
            Some(kind) => {
                self.warnings.push(Warning { line: line_number, kind });
                let n = found.min(width);
                self.padded[..n].copy_from_slice(&bytes[..n]);
                self.padded[n..].fill(b' ');
                self.format.record(&self.padded, &self.options, &mut accepted)
            }
        };
        self.warnings.extend(accepted.into_iter().map(|kind| Warning { line: line_number, kind }));
        let record_type = bytes.get(F::RECORD_TYPE_AT).copied();
        Some(record.map(|record| (line_number, record)).map_err(|kind| ReadError {
            line: line_number,
            kind,
            record_type,
        }))
    }
}

/// Reads a record at its bank's positions, with the columns that did not read. A line that does
/// not read is read again column by column, so that every wrong column is reported, not only
/// the first.
fn read_every_column<T: Layout>(line: &[u8], profile: Profile) -> (T, Vec<FieldError>) {
    if !profile.moves(T::NAME) {
        if let Ok(record) = T::parse(line) {
            return (record, Vec::new());
        }
    }
    T::parse_moved(line, profile.columns)
}

/// Reads a record at its bank's positions; any column that does not read is an error.
fn typed<T: Layout>(line: &[u8], profile: Profile) -> Result<T, ReadErrorKind> {
    let (record, errors) = read_every_column(line, profile);
    fields_error(errors).map_or(Ok(record), Err)
}

/// One column's error as [`ReadErrorKind::Field`], several as [`ReadErrorKind::Fields`].
fn fields_error(mut errors: Vec<FieldError>) -> Option<ReadErrorKind> {
    match errors.len() {
        0 => None,
        1 => errors.pop().map(ReadErrorKind::Field),
        _ => Some(ReadErrorKind::Fields(errors)),
    }
}

/// Reads a header or trailer whose columns, but for `structural` ones, carry no money: a lenient
/// reader reads the record even when such a column does not, as absent, with a warning. The
/// structural columns (bank, batch, record type, operation, service, forma) decide how the rest
/// of the file reads and stay errors.
fn typed_header<T: Layout>(
    line: &[u8],
    profile: Profile,
    options: &ReadOptions,
    structural: &[&str],
    warnings: &mut Vec<WarningKind>,
) -> Result<T, ReadErrorKind> {
    if !options.lenient {
        return typed(line, profile);
    }
    let (record, errors) = read_every_column(line, profile);
    let (fatal, tolerated): (Vec<_>, Vec<_>) = errors.into_iter().partition(|e| structural.contains(&e.field));
    if let Some(error) = fields_error(fatal) {
        return Err(error);
    }
    warnings.extend(tolerated.into_iter().map(WarningKind::ColumnReadAsAbsent));
    Ok(record)
}

/// The columns of every header and trailer that decide how the file reads.
const STRUCTURAL: &[&str] = &["bank", "record_type", "operation", "service", "entry_form"];

/// The layouts of detail records (type 3): the segment, as the open batch reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Detail {
    A,
    BPix,
    B,
    J52Pix,
    J52,
    J,
    O,
    N,
    Z,
    E,
    P,
    Q,
    R,
    T,
    U,
    Y,
}

impl Cnab240 {
    /// A reader's state at the start of a file, reading by `profile` until the header says.
    pub(crate) fn new(profile: Profile) -> Self {
        Cnab240 { profile, batch: None }
    }

    /// Which layout a detail line (record type 3) reads by in the open batch: its segment
    /// (position 14), the batch's kind and forma, and for J whether it is a J-52.
    pub(crate) fn detail(&self, line: &[u8]) -> Result<Detail, ReadErrorKind> {
        let j52 = &line[17..19] == b"52";
        Ok(match (line[13], self.batch) {
            (b'A', Some(BatchKind::Payments(_))) => Detail::A,
            (b'B', Some(BatchKind::Payments(FORM_PIX_TRANSFER))) => Detail::BPix,
            (b'B', Some(BatchKind::Payments(_))) => Detail::B,
            (b'J', Some(BatchKind::Payments(FORM_PIX_QR_CODE))) if j52 => Detail::J52Pix,
            (b'J', Some(BatchKind::Payments(_))) if j52 => Detail::J52,
            (b'J', Some(BatchKind::Payments(_))) => Detail::J,
            (b'O', Some(BatchKind::Payments(_))) => Detail::O,
            (b'N', Some(BatchKind::Payments(_))) => Detail::N,
            (b'Z', Some(BatchKind::Payments(_))) => Detail::Z,
            (b'E', Some(BatchKind::Statement)) => Detail::E,
            (b'P', Some(BatchKind::Cobranca)) => Detail::P,
            (b'Q', Some(BatchKind::Cobranca)) => Detail::Q,
            (b'R', Some(BatchKind::Cobranca)) => Detail::R,
            (b'T', Some(BatchKind::Cobranca)) => Detail::T,
            (b'U', Some(BatchKind::Cobranca)) => Detail::U,
            (b'Y', Some(BatchKind::Cobranca)) => Detail::Y,
            (segment, batch) => {
                let entry_form = match batch {
                    Some(BatchKind::Payments(form)) => Some(form),
                    _ => None,
                };
                let segment = char::from(segment);
                return Err(match batch {
                    Some(BatchKind::Cobranca) => ReadErrorKind::CobrancaSegment { segment },
                    _ => ReadErrorKind::Segment { segment, entry_form },
                });
            }
        })
    }
}

/// Types a detail line by its layout.
pub(crate) fn typed_detail(detail: Detail, line: &[u8], profile: Profile) -> Result<Record, ReadErrorKind> {
    Ok(match detail {
        Detail::A => Record::SegmentA(typed(line, profile)?),
        Detail::BPix => Record::SegmentBPix(typed(line, profile)?),
        Detail::B => Record::SegmentB(typed(line, profile)?),
        Detail::J52Pix => Record::SegmentJ52Pix(typed(line, profile)?),
        Detail::J52 => Record::SegmentJ52(typed(line, profile)?),
        Detail::J => Record::SegmentJ(typed(line, profile)?),
        Detail::O => Record::SegmentO(typed(line, profile)?),
        Detail::N => Record::SegmentN(typed(line, profile)?),
        Detail::Z => Record::SegmentZ(typed(line, profile)?),
        Detail::E => Record::SegmentE(typed(line, profile)?),
        Detail::P => Record::SegmentP(typed(line, profile)?),
        Detail::Q => Record::SegmentQ(typed(line, profile)?),
        Detail::R => Record::SegmentR(typed(line, profile)?),
        Detail::T => Record::SegmentT(typed(line, profile)?),
        Detail::U => Record::SegmentU(typed(line, profile)?),
        Detail::Y => Record::SegmentY(typed(line, profile)?),
    })
}

impl Format for Cnab240 {
    const WIDTH: usize = WIDTH;
    const RECORD_TYPE_AT: usize = 7;
    type Record = Record;

    fn record(
        &mut self,
        line: &[u8],
        options: &ReadOptions,
        warnings: &mut Vec<WarningKind>,
    ) -> Result<Record, ReadErrorKind> {
        let profile = self.profile;
        let record = match line[7] {
            b'0' => {
                // The bank chooses the profile the header itself is read by.
                if options.profile.is_none() {
                    let number = |start, end| crate::layout::read_column::<crate::layout::Num>(line, start, end);
                    self.profile = Profile::for_header(number(1, 3).unwrap_or(0), number(164, 166).unwrap_or(0));
                }
                let structural = [STRUCTURAL, &["batch"]].concat();
                Record::FileHeader(typed_header(line, self.profile, options, &structural, warnings)?)
            }
            b'1' => match line[8] {
                b'C' | b'D' => {
                    // The batch opens even when another column of its header does not read, so
                    // that one bad value does not make every segment after it homeless.
                    let entry_form = crate::layout::read_column::<crate::layout::Num>(line, 12, 13).unwrap_or(0);
                    self.batch = Some(BatchKind::Payments(entry_form));
                    Record::PaymentBatchHeader(typed_header(line, profile, options, STRUCTURAL, warnings)?)
                }
                b'R' | b'T' => {
                    self.batch = Some(BatchKind::Cobranca);
                    Record::CobrancaBatchHeader(typed_header(line, profile, options, STRUCTURAL, warnings)?)
                }
                b'E' => {
                    // Its opening balance is money: read strictly.
                    self.batch = Some(BatchKind::Statement);
                    Record::StatementBatchHeader(typed(line, profile)?)
                }
                other => return Err(ReadErrorKind::BatchKind(char::from(other))),
            },
            b'3' => typed_detail(self.detail(line)?, line, profile)?,
            b'5' => match self.batch.take() {
                Some(BatchKind::Cobranca) => Record::CobrancaBatchTrailer(typed(line, profile)?),
                Some(BatchKind::Statement) => Record::StatementBatchTrailer(typed(line, profile)?),
                _ => Record::PaymentBatchTrailer(typed(line, profile)?),
            },
            // Its counts are reconciled whatever the lenient reader lets through: only its lote
            // (9999, which some banks write as their batch's number) and blanks may be tolerated.
            b'9' => Record::FileTrailer(typed_header(
                line,
                profile,
                options,
                &["bank", "record_type", "batch_count", "record_count", "account_count"],
                warnings,
            )?),
            other => return Err(ReadErrorKind::RecordType { found: char::from(other), position: 8 }),
        };
        Ok(record)
    }
}

impl<R: BufRead, F: Format> Iterator for Reader<R, F> {
    type Item = Result<(usize, F::Record), ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        let state = &mut self.state;
        if state.done {
            return None;
        }
        let available = match self.input.fill_buf() {
            Ok(available) => available,
            Err(error) => {
                state.done = true;
                return Some(Err(ReadError { line: state.line_number + 1, kind: error.into(), record_type: None }));
            }
        };
        if available.is_empty() {
            state.done = true;
            return None;
        }
        // Fast path: the whole line is in the input's buffer; type it there.
        if let Some(end) = memchr::memchr(b'\n', available) {
            let item = state.line(&available[..=end]);
            self.input.consume(end + 1);
            if item.is_none() {
                state.done = true;
            }
            return item;
        }
        // The line runs past the buffer, or is the last one without a line ending.
        let mut spill = std::mem::take(&mut state.spill);
        spill.clear();
        if let Err(error) = self.input.read_until(b'\n', &mut spill) {
            state.done = true;
            return Some(Err(ReadError { line: state.line_number + 1, kind: error.into(), record_type: None }));
        }
        let item = state.line(&spill);
        state.spill = spill;
        if item.is_none() {
            state.done = true;
        }
        item
    }
}
