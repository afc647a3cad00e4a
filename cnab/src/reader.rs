//! Streaming CNAB240 reader: one line at a time, in constant memory, typed records with their
//! line numbers.

use std::fmt;
use std::io::BufRead;

use crate::cnab240::{
    FORM_PIX_QR_CODE, FORM_PIX_TRANSFER, FileHeader, FileTrailer, PaymentBatchHeader, PaymentBatchTrailer, Record,
    SegmentA, SegmentBPix, SegmentJ, SegmentJ52, SegmentJ52Pix, SegmentJ52PixItau,
};
use crate::layout::FieldError;
use crate::profile::Profile;

/// The width of a CNAB240 line.
const WIDTH: usize = 240;

/// What the reader accepts beyond the standard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Accept what real files do, reporting each as a [`Warning`]: right-trimmed lines (blanks
    /// padded back), a UTF-8 byte order mark, a 241st character that is blank.
    pub lenient: bool,
    /// The bank profile; by default chosen from the file header's bank code.
    pub profile: Option<Profile>,
}

/// A problem of the input, with its line.
#[derive(Debug)]
pub struct ReadError {
    /// The 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub kind: ReadErrorKind,
}

/// What is wrong with a line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadErrorKind {
    /// The input could not be read.
    #[error("read failed: {0}")]
    Io(#[from] std::io::Error),
    /// A line that is not 240 bytes long.
    #[error("line is {found} characters long; CNAB240 lines are 240")]
    Length {
        /// The line's length, line ending excluded.
        found: usize,
    },
    /// A UTF-8 byte order mark (strict mode).
    #[error("the file starts with a UTF-8 byte order mark")]
    ByteOrderMark,
    /// A column that does not read.
    #[error("{0}")]
    Field(FieldError),
    /// A record type (position 8) this crate does not know.
    #[error("unknown record type {0:?} at position 8")]
    RecordType(char),
    /// A segment (position 14) not known in this batch.
    #[error("segment {segment:?} at position 14 is not read in a batch of forma {entry_form:?}")]
    Segment {
        /// The segment code.
        segment: char,
        /// The batch's forma de lançamento, when a batch is open.
        entry_form: Option<u64>,
    },
    /// A batch of a kind this crate does not read yet.
    #[error("batch operation {0:?} at position 9 is not a batch of payments")]
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
    /// A line shorter than 240 whose missing trailing blanks were padded back.
    RightTrimmed {
        /// The line's length as found.
        found: usize,
    },
    /// A UTF-8 byte order mark, dropped.
    ByteOrderMark,
    /// A blank 241st character, dropped.
    TrailingBlank,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            WarningKind::RightTrimmed { found } => {
                write!(f, "line {}: {found} characters, padded with blanks to 240", self.line)
            }
            WarningKind::ByteOrderMark => write!(f, "line {}: UTF-8 byte order mark dropped", self.line),
            WarningKind::TrailingBlank => write!(f, "line {}: blank 241st character dropped", self.line),
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
pub struct Reader<R> {
    input: R,
    options: ReadOptions,
    buffer: Vec<u8>,
    line: [u8; WIDTH],
    line_number: usize,
    profile: Profile,
    /// The forma de lançamento of the open batch.
    entry_form: Option<u64>,
    warnings: Vec<Warning>,
    done: bool,
}

impl<R: BufRead> Reader<R> {
    /// A strict reader.
    pub fn new(input: R) -> Self {
        Self::with_options(input, ReadOptions::default())
    }

    /// A reader with `options`.
    pub fn with_options(input: R, options: ReadOptions) -> Self {
        Reader {
            input,
            options,
            buffer: Vec::with_capacity(WIDTH + 2),
            line: [b' '; WIDTH],
            line_number: 0,
            profile: options.profile.unwrap_or_default(),
            entry_form: None,
            warnings: Vec::new(),
            done: false,
        }
    }

    /// What a lenient reader accepted so far.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The profile in use (chosen from the file header's bank unless given).
    pub fn profile(&self) -> Profile {
        self.profile
    }

    fn error(&self, kind: ReadErrorKind) -> ReadError {
        ReadError { line: self.line_number, kind }
    }

    fn warn(&mut self, kind: WarningKind) {
        self.warnings.push(Warning { line: self.line_number, kind });
    }

    /// Reads the next line into `self.line`; `Ok(false)` at the end.
    fn next_line(&mut self) -> Result<bool, ReadError> {
        self.buffer.clear();
        let read = self.input.read_until(b'\n', &mut self.buffer).map_err(|e| self.error(e.into()))?;
        if read == 0 {
            return Ok(false);
        }
        self.line_number += 1;
        let mut bytes = self.buffer.as_slice();
        if let Some(rest) = bytes.strip_suffix(b"\n") {
            bytes = rest.strip_suffix(b"\r").unwrap_or(rest);
        }
        // The end-of-file mark some banks append after the last record.
        if let Some(rest) = bytes.strip_suffix(&[0x1A]) {
            bytes = rest;
            if bytes.is_empty() {
                return Ok(false);
            }
        }
        if self.line_number == 1 {
            if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
                if !self.options.lenient {
                    return Err(self.error(ReadErrorKind::ByteOrderMark));
                }
                bytes = rest;
                self.warnings.push(Warning { line: 1, kind: WarningKind::ByteOrderMark });
            }
        }
        let found = bytes.len();
        let fix = match found {
            WIDTH => None,
            241 if self.options.lenient && bytes[WIDTH] == b' ' => Some(WarningKind::TrailingBlank),
            1..WIDTH if self.options.lenient => Some(WarningKind::RightTrimmed { found }),
            _ => return Err(self.error(ReadErrorKind::Length { found })),
        };
        let n = found.min(WIDTH);
        self.line[..n].copy_from_slice(&bytes[..n]);
        self.line[n..].fill(b' ');
        if let Some(kind) = fix {
            self.warn(kind);
        }
        Ok(true)
    }

    /// Types the line in `self.line`.
    fn record(&mut self) -> Result<Record, ReadError> {
        let line = &self.line;
        let field = |e: FieldError| ReadError { line: self.line_number, kind: ReadErrorKind::Field(e) };
        let record = match line[7] {
            b'0' => {
                let header = FileHeader::parse(line).map_err(field)?;
                if self.options.profile.is_none() {
                    self.profile = Profile::for_bank(header.bank);
                }
                Record::FileHeader(header)
            }
            b'1' => {
                if !matches!(line[8], b'C' | b'D') {
                    return Err(self.error(ReadErrorKind::BatchKind(char::from(line[8]))));
                }
                let header = PaymentBatchHeader::parse(line).map_err(field)?;
                self.entry_form = Some(header.entry_form);
                Record::PaymentBatchHeader(header)
            }
            b'3' => match (line[13], self.entry_form) {
                (b'A', Some(_)) => Record::SegmentA(SegmentA::parse(line).map_err(field)?),
                (b'B', Some(FORM_PIX_TRANSFER)) => Record::SegmentBPix(SegmentBPix::parse(line).map_err(field)?),
                (b'J', Some(form)) if &line[17..19] == b"52" => match (form, self.profile) {
                    (FORM_PIX_QR_CODE, Profile::ItauSispag) => {
                        Record::SegmentJ52Pix(SegmentJ52PixItau::parse(line).map_err(field)?.into())
                    }
                    (FORM_PIX_QR_CODE, _) => Record::SegmentJ52Pix(SegmentJ52Pix::parse(line).map_err(field)?),
                    _ => Record::SegmentJ52(SegmentJ52::parse(line).map_err(field)?),
                },
                (b'J', Some(_)) => Record::SegmentJ(SegmentJ::parse(line).map_err(field)?),
                (segment, entry_form) => {
                    return Err(self.error(ReadErrorKind::Segment { segment: char::from(segment), entry_form }));
                }
            },
            b'5' => {
                self.entry_form = None;
                Record::PaymentBatchTrailer(PaymentBatchTrailer::parse(line).map_err(field)?)
            }
            b'9' => Record::FileTrailer(FileTrailer::parse(line).map_err(field)?),
            other => return Err(self.error(ReadErrorKind::RecordType(char::from(other)))),
        };
        Ok(record)
    }
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = Result<(usize, Record), ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let result = match self.next_line() {
            Ok(false) => {
                self.done = true;
                return None;
            }
            Ok(true) => self.record().map(|record| (self.line_number, record)),
            Err(error) => Err(error),
        };
        if matches!(&result, Err(ReadError { kind: ReadErrorKind::Io(_), .. })) {
            self.done = true;
        }
        Some(result)
    }
}
