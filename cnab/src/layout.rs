//! Layouts as data: a record is a table of columns, each with its 1-based range and a kind that
//! says how it is read and written.
//!
//! [`record!`](crate::record) declares a record once, in the manual's order and with the
//! manual's positions; from that one declaration come the struct, its [`FieldSpec`] table, the
//! parser and the writer. Positions are bytes: CNAB files are single-byte (ASCII, sometimes
//! Latin-1), so a column never shifts, whatever the text holds.

use std::fmt;

pub use compact_str::CompactString;

/// How a column is written in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Digits, right-aligned, zero-padded (the manuals' "Num").
    Num,
    /// Digits, or all blank when the value is not informed (agency and account of a Pix
    /// payment by key, ISPB); digits padded with blanks read.
    OptionalNum,
    /// Digits of an identifier (a CPF or CNPJ), zero-padded; padded with blanks, or blank, they
    /// read too (blank as 0).
    PaddedNum,
    /// A long run of digits kept as text (a 44-digit barcode).
    Digits,
    /// A number with implied decimals: `decimals` digits after an invisible point.
    Money {
        /// How many of the digits are decimals.
        decimals: u8,
    },
    /// Codes and identifiers, kept as written: left-aligned, space-padded.
    Alpha,
    /// Free text (names, addresses, messages): written upper-case ASCII, accents folded.
    Text,
    /// A date `DDMMAAAA`; zeros (or blanks, as some banks write) when none.
    Date8,
    /// A date `DDMMAA` (CNAB400), years 2000-2099; zeros when none.
    Date6,
    /// A date `DDMMAA`, blank when none.
    Date6OrBlank,
    /// A value the layout fixes (record type, segment code, literal).
    Fixed,
    /// Reserved positions, blank.
    Blank,
}

/// One column of a record layout, as the manual prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// The field's name in this crate.
    pub name: &'static str,
    /// First position, 1-based.
    pub start: usize,
    /// Last position, inclusive.
    pub end: usize,
    /// How it is written.
    pub kind: Kind,
}

impl FieldSpec {
    /// Width in positions.
    pub fn len(&self) -> usize {
        self.end + 1 - self.start
    }

    /// Whether the column has no positions (never true of a declared layout).
    pub fn is_empty(&self) -> bool {
        self.end < self.start
    }
}

/// Why a column's text, or a value for it, is not acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FieldProblem {
    /// A numeric column holds something other than digits.
    #[error("expected digits")]
    NotDigits,
    /// A date column holds an impossible date.
    #[error("not a date DDMMAAAA")]
    Date,
    /// A fixed numeric column holds another value.
    #[error("expected {expected} (zero-padded)")]
    Fixed {
        /// What the layout fixes.
        expected: u64,
    },
    /// A fixed letter column holds another letter.
    #[error("expected {expected:?}")]
    FixedLetter {
        /// What the layout fixes.
        expected: char,
    },
    /// A column that holds another text than the layout fixes.
    #[error("expected {0}")]
    Expected(&'static str),
    /// A reserved column is not blank.
    #[error("reserved positions must be blank")]
    NotBlank,
    /// A value too long for its column.
    #[error("{found} characters do not fit in {max}")]
    TooLong {
        /// The column's width.
        max: usize,
        /// The value's length.
        found: usize,
    },
    /// A character the file cannot carry (outside ASCII after folding accents).
    #[error("character {0:?} cannot be written in a CNAB file")]
    Character(char),
    /// A control character in a text column.
    #[error("control character {0:?} in a text column")]
    Control(char),
    /// Positions that are not within the record (a profile's column that ends before it
    /// starts, or past the line).
    #[error("the positions are not within the record")]
    OutsideRecord,
}

/// A column that cannot be read or written, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name.
    pub field: &'static str,
    /// Its first position, 1-based.
    pub start: usize,
    /// Its last position.
    pub end: usize,
    /// What the column holds (reading) or the value given (writing), as text.
    pub found: String,
    /// Why.
    pub problem: FieldProblem,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}-{}) {:?}: {}", self.field, self.start, self.end, self.found, self.problem)
    }
}

impl std::error::Error for FieldError {}

/// How the writer treats text that does not fit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Cut free text (names, addresses, messages) to its column instead of refusing it.
    pub truncate_text: bool,
}

/// A date as CNAB files write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// A valid calendar date, or `None`.
    ///
    /// ```
    /// use febraban_cnab::Date;
    /// assert!(Date::new(2024, 2, 29).is_some());
    /// assert!(Date::new(2023, 2, 29).is_none());
    /// ```
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (year > 0 && (1..=days).contains(&day)).then_some(Date { year, month, day })
    }

    /// The year.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month.
    pub fn day(&self) -> u8 {
        self.day
    }
}

impl fmt::Display for Date {
    /// ISO 8601, `2024-01-31`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// How one kind of column reads and writes its value.
pub trait Column {
    /// The Rust type of the value.
    type Value: Clone + PartialEq + fmt::Debug + Default;
    /// The kind, for the layout table.
    const KIND: Kind;
    /// The bytes the column may hold, as [`classes`] lays them over a line: a line whose every
    /// byte is of its column's class needs no more checking, but for columns that
    /// [`Column::CHECKED`] says a class cannot judge.
    const CLASS: u8 = class::PRINTABLE;
    /// Whether a column whose bytes are of its class must still be checked (a date's day and
    /// month, a fixed value, digits with blanks only around them).
    const CHECKED: bool = true;
    /// The widest column the kind reads (a number of more than 19 digits does not fit a `u64`).
    const MAX_WIDTH: usize = usize::MAX;
    /// Reads the column's bytes (exactly its width).
    fn read(bytes: &[u8]) -> Result<Self::Value, FieldProblem>;
    /// Writes `value` into `out` (exactly the column's width, filled with blanks).
    fn write(value: &Self::Value, out: &mut [u8], options: &WriteOptions) -> Result<(), FieldProblem>;
    /// Whether the column's bytes read, without building the value (a validator checks every
    /// column of every record but keeps only a few values).
    fn check(bytes: &[u8]) -> bool {
        Self::read(bytes).is_ok()
    }
}

/// Whether every byte is printable ASCII (`' '..='~'`). No early exit: the compiler turns the
/// loop into vector instructions, faster over a 99-byte Pix key than stopping at the first
/// byte that fails, which nearly never happens.
#[inline]
fn is_printable_ascii(bytes: &[u8]) -> bool {
    bytes.iter().fold(0u8, |outside, &b| outside | u8::from(b.wrapping_sub(b' ') > b'~' - b' ')) == 0
}

/// Whether a text column reads, without copying it: printable ASCII (nearly always) in one
/// scan; otherwise no control characters, and, for free text, letters whose accents fold.
#[inline]
fn check_text_column(bytes: &[u8], free_text: bool) -> bool {
    if is_printable_ascii(bytes) {
        return true;
    }
    if free_text { Text::read(bytes).is_ok() } else { read_text_column(bytes).is_ok() }
}

fn digits_value(bytes: &[u8]) -> Result<u64, FieldProblem> {
    if bytes.is_empty() || bytes.len() > 19 {
        return Err(FieldProblem::NotDigits);
    }
    // Whether any byte is not a digit, in one pass with no early exit (vectorized).
    if bytes.iter().fold(0u8, |outside, &b| outside | u8::from(b.wrapping_sub(b'0') > 9)) != 0 {
        return Err(FieldProblem::NotDigits);
    }
    // The value eight digits at a time: a 15-digit amount is two steps, not fifteen
    // multiplications each waiting for the one before.
    let (head, chunks) = bytes.split_at(bytes.len() % 8);
    let mut value = head.iter().fold(0u64, |value, &b| value * 10 + u64::from(b - b'0'));
    for chunk in chunks.chunks_exact(8) {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(chunk);
        value = value * 100_000_000 + eight_digits(u64::from_le_bytes(eight));
    }
    Ok(value)
}

/// The value of eight ASCII digits read as a little-endian `u64` (the first digit in the lowest
/// byte): pairs, then fours, then the eight, each step one multiplication over every lane.
fn eight_digits(chunk: u64) -> u64 {
    let digits = chunk - 0x3030_3030_3030_3030;
    let pairs = (digits * 10 + (digits >> 8)) & 0x00FF_00FF_00FF_00FF;
    let fours = (pairs * 100 + (pairs >> 16)) & 0x0000_FFFF_0000_FFFF;
    (fours * 10_000 + (fours >> 32)) & 0xFFFF_FFFF
}

fn write_digits(value: u64, out: &mut [u8]) -> Result<(), FieldProblem> {
    let mut rest = value;
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    if rest > 0 {
        return Err(FieldProblem::TooLong { max: out.len(), found: value.to_string().len() });
    }
    Ok(())
}

/// Digits, right-aligned, zero-padded, read as a number (at most 19 digits).
#[derive(Debug)]
pub struct Num;

impl Column for Num {
    type Value = u64;
    const KIND: Kind = Kind::Num;
    const CLASS: u8 = class::DIGIT;
    const CHECKED: bool = false;
    const MAX_WIDTH: usize = 19;

    fn read(bytes: &[u8]) -> Result<u64, FieldProblem> {
        digits_value(bytes)
    }

    fn write(value: &u64, out: &mut [u8], _: &WriteOptions) -> Result<(), FieldProblem> {
        write_digits(*value, out)
    }
}

/// Digits, or all blank for "not informed". Digits padded with blanks on either side (`  111`,
/// as some banks write an account) read too, and write back zero-padded.
#[derive(Debug)]
pub struct OptNum;

impl Column for OptNum {
    type Value = Option<u64>;
    const KIND: Kind = Kind::OptionalNum;
    const CLASS: u8 = class::DIGIT_OR_BLANK;

    fn read(bytes: &[u8]) -> Result<Option<u64>, FieldProblem> {
        let digits = bytes.trim_ascii();
        if digits.is_empty() {
            return Ok(None);
        }
        digits_value(digits).map(Some)
    }

    fn write(value: &Option<u64>, out: &mut [u8], _: &WriteOptions) -> Result<(), FieldProblem> {
        match value {
            Some(value) => write_digits(*value, out),
            None => Ok(()),
        }
    }
}

/// The digits of an identifier (a CPF or CNPJ): zero-padded as FEBRABAN writes them, or padded
/// with blanks on either side as some writers do (`80939126907   `); all blank reads as 0. Written
/// zero-padded.
#[derive(Debug)]
pub struct PaddedNum;

impl Column for PaddedNum {
    type Value = u64;
    const KIND: Kind = Kind::PaddedNum;
    const CLASS: u8 = class::DIGIT_OR_BLANK;

    fn read(bytes: &[u8]) -> Result<u64, FieldProblem> {
        Ok(OptNum::read(bytes)?.unwrap_or(0))
    }

    fn write(value: &u64, out: &mut [u8], _: &WriteOptions) -> Result<(), FieldProblem> {
        write_digits(*value, out)
    }
}

/// A long run of digits (more than `u64` holds), kept as text, zero-padded on the left.
#[derive(Debug)]
pub struct Digits;

impl Column for Digits {
    type Value = String;
    const KIND: Kind = Kind::Digits;
    const CLASS: u8 = class::DIGIT;
    const CHECKED: bool = false;

    fn read(bytes: &[u8]) -> Result<String, FieldProblem> {
        if !bytes.iter().all(u8::is_ascii_digit) {
            return Err(FieldProblem::NotDigits);
        }
        Ok(read_text(bytes))
    }

    fn check(bytes: &[u8]) -> bool {
        bytes.iter().all(u8::is_ascii_digit)
    }

    fn write(value: &String, out: &mut [u8], _: &WriteOptions) -> Result<(), FieldProblem> {
        if !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldProblem::NotDigits);
        }
        if value.len() > out.len() {
            return Err(FieldProblem::TooLong { max: out.len(), found: value.len() });
        }
        let pad = out.len() - value.len();
        out[..pad].fill(b'0');
        out[pad..].copy_from_slice(value.as_bytes());
        Ok(())
    }
}

/// An amount with `D` implied decimals, read in its smallest unit (centavos for `D = 2`).
#[derive(Debug)]
pub struct Money<const D: u8>;

impl<const D: u8> Column for Money<D> {
    type Value = u64;
    const KIND: Kind = Kind::Money { decimals: D };
    const CLASS: u8 = class::DIGIT;
    const CHECKED: bool = false;
    const MAX_WIDTH: usize = 19;

    fn read(bytes: &[u8]) -> Result<u64, FieldProblem> {
        digits_value(bytes)
    }

    fn write(value: &u64, out: &mut [u8], _: &WriteOptions) -> Result<(), FieldProblem> {
        write_digits(*value, out)
    }
}

/// An optional amount with `D` implied decimals (one a remessa leaves for the bank to fill):
/// blank reads as 0, as zeros do; anything else must be digits. Written zero-padded.
#[derive(Debug)]
pub struct OptMoney<const D: u8>;

impl<const D: u8> Column for OptMoney<D> {
    type Value = u64;
    const KIND: Kind = Kind::Money { decimals: D };
    const CLASS: u8 = class::DIGIT;
    const CHECKED: bool = false;
    const MAX_WIDTH: usize = 19;

    fn read(bytes: &[u8]) -> Result<u64, FieldProblem> {
        if trim_blanks_end(bytes).is_empty() {
            return Ok(0);
        }
        digits_value(bytes)
    }

    fn write(value: &u64, out: &mut [u8], _: &WriteOptions) -> Result<(), FieldProblem> {
        write_digits(*value, out)
    }
}

/// `bytes` without its trailing blanks. Reserved columns are wide and blank, so the scan
/// compares eight bytes at a time.
fn trim_blanks_end(bytes: &[u8]) -> &[u8] {
    const BLANKS: u64 = u64::from_ne_bytes([b' '; 8]);
    let mut end = bytes.len();
    while end >= 8 {
        let chunk: [u8; 8] = bytes[end - 8..end].try_into().unwrap_or([0; 8]);
        if u64::from_ne_bytes(chunk) != BLANKS {
            break;
        }
        end -= 8;
    }
    while end > 0 && bytes[end - 1] == b' ' {
        end -= 1;
    }
    &bytes[..end]
}

/// A text column: Latin-1 (every byte is a character), trailing blanks dropped, no control
/// characters (C0, DEL, C1).
fn read_text_column(bytes: &[u8]) -> Result<CompactString, FieldProblem> {
    // Blanks are not controls: only what is left once they are trimmed is scanned.
    let content = trim_blanks_end(bytes);
    // Printable ASCII, nearly always: one scan says so, and the text is copied as is.
    if is_printable_ascii(content) {
        return Ok(std::str::from_utf8(content).map(CompactString::new).unwrap_or_default());
    }
    if let Some(&b) = content.iter().find(|&&b| b < 0x20 || (0x7F..0xA0).contains(&b)) {
        return Err(FieldProblem::Control(char::from(b)));
    }
    Ok(latin1_string(content))
}

/// Text as bytes decode in Latin-1 (every byte is a character), trailing blanks dropped.
fn read_text(bytes: &[u8]) -> String {
    latin1_string(trim_blanks_end(bytes)).into()
}

/// Latin-1 bytes as a string: ASCII, nearly always, in one copy; otherwise each byte is the
/// character it codes.
fn latin1_string(bytes: &[u8]) -> CompactString {
    match std::str::from_utf8(bytes) {
        Ok(text) if bytes.is_ascii() => CompactString::new(text),
        _ => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// Writes `text` left-aligned: ASCII only; `truncate` cuts instead of refusing.
fn write_text(text: &str, out: &mut [u8], truncate: bool) -> Result<(), FieldProblem> {
    if let Some(c) = text.chars().find(|c| !c.is_ascii() || c.is_ascii_control()) {
        return Err(FieldProblem::Character(c));
    }
    let bytes = text.as_bytes();
    if bytes.len() > out.len() && !truncate {
        return Err(FieldProblem::TooLong { max: out.len(), found: bytes.len() });
    }
    let n = bytes.len().min(out.len());
    out[..n].copy_from_slice(&bytes[..n]);
    Ok(())
}

/// Writes an identifier as read: each character one Latin-1 byte, nothing changed.
fn write_latin1(text: &str, out: &mut [u8]) -> Result<(), FieldProblem> {
    for (n, c) in text.chars().enumerate() {
        let Ok(byte) = u8::try_from(u32::from(c)) else { return Err(FieldProblem::Character(c)) };
        if byte < 0x20 || (0x7F..0xA0).contains(&byte) {
            return Err(FieldProblem::Control(c));
        }
        let Some(slot) = out.get_mut(n) else {
            return Err(FieldProblem::TooLong { max: out.len(), found: text.chars().count() });
        };
        *slot = byte;
    }
    Ok(())
}

/// Codes and identifiers (Pix keys, TXIDs, "seu número"), kept exactly as written (Latin-1).
#[derive(Debug)]
pub struct Alpha;

impl Column for Alpha {
    type Value = CompactString;
    const KIND: Kind = Kind::Alpha;
    const CLASS: u8 = class::PRINTABLE;
    const CHECKED: bool = false;

    fn read(bytes: &[u8]) -> Result<CompactString, FieldProblem> {
        read_text_column(bytes)
    }

    fn write(value: &CompactString, out: &mut [u8], _: &WriteOptions) -> Result<(), FieldProblem> {
        write_latin1(value, out)
    }

    fn check(bytes: &[u8]) -> bool {
        check_text_column(bytes, false)
    }
}

/// Folds accents and upper-cases: `São João` becomes `SAO JOAO`.
///
/// ```
/// assert_eq!(febraban_cnab::layout::fold_text("São João, nº 7"), "SAO JOAO, NO 7");
/// ```
pub fn fold_text(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'º' | '°' => 'O',
            'ª' => 'A',
            other => other.to_ascii_uppercase(),
        })
        .collect()
}

/// Free text (names, addresses, messages): read as written, written upper-case ASCII with
/// accents folded.
#[derive(Debug)]
pub struct Text;

impl Column for Text {
    type Value = CompactString;
    const KIND: Kind = Kind::Text;
    const CLASS: u8 = class::PRINTABLE;
    const CHECKED: bool = false;

    fn read(bytes: &[u8]) -> Result<CompactString, FieldProblem> {
        let text = read_text_column(bytes)?;
        // Free text is what the writer can put back: ASCII, or letters whose accents fold.
        if !text.is_ascii() {
            if let Some(c) = text.chars().find(|&c| !fold_text(c.encode_utf8(&mut [0; 4])).is_ascii()) {
                return Err(FieldProblem::Character(c));
            }
        }
        Ok(text)
    }

    fn write(value: &CompactString, out: &mut [u8], options: &WriteOptions) -> Result<(), FieldProblem> {
        if value.bytes().all(|b| b.is_ascii() && !b.is_ascii_lowercase()) {
            return write_text(value, out, options.truncate_text);
        }
        write_text(&fold_text(value), out, options.truncate_text)
    }

    fn check(bytes: &[u8]) -> bool {
        check_text_column(bytes, true)
    }
}

/// A date `DDMMAAAA`; all zeros for none (all blanks read as none too).
#[derive(Debug)]
pub struct Date8;

impl Column for Date8 {
    type Value = Option<Date>;
    const KIND: Kind = Kind::Date8;
    const CLASS: u8 = class::DIGIT_OR_BLANK;

    fn read(bytes: &[u8]) -> Result<Option<Date>, FieldProblem> {
        // Banks leave an optional date blank as often as zero: both read as none (and write
        // back as zeros, FEBRABAN's form).
        if trim_blanks_end(bytes).is_empty() {
            return Ok(None);
        }
        let value = digits_value(bytes).map_err(|_| FieldProblem::Date)?;
        if value == 0 {
            return Ok(None);
        }
        let (day, month, year) = (value / 1_000_000, value / 10_000 % 100, value % 10_000);
        Date::new(year as u16, month as u8, day as u8).map(Some).ok_or(FieldProblem::Date)
    }

    fn write(value: &Option<Date>, out: &mut [u8], _: &WriteOptions) -> Result<(), FieldProblem> {
        let number =
            value.map_or(0, |d| u64::from(d.day) * 1_000_000 + u64::from(d.month) * 10_000 + u64::from(d.year));
        write_digits(number, out)
    }
}

fn read_date6(bytes: &[u8]) -> Result<Option<Date>, FieldProblem> {
    let value = digits_value(bytes).map_err(|_| FieldProblem::Date)?;
    if value == 0 {
        return Ok(None);
    }
    let (day, month, year) = (value / 10_000, value / 100 % 100, 2000 + value % 100);
    Date::new(year as u16, month as u8, day as u8).map(Some).ok_or(FieldProblem::Date)
}

fn write_date6(value: &Option<Date>, out: &mut [u8]) -> Result<(), FieldProblem> {
    let Some(date) = value else { return write_digits(0, out) };
    if !(2000..2100).contains(&date.year) {
        return Err(FieldProblem::Date);
    }
    write_digits(u64::from(date.day) * 10_000 + u64::from(date.month) * 100 + u64::from(date.year % 100), out)
}

/// A date `DDMMAA` as CNAB400 writes it, read as 2000-2099; all zeros for none.
#[derive(Debug)]
pub struct Date6;

impl Column for Date6 {
    type Value = Option<Date>;
    const KIND: Kind = Kind::Date6;
    const CLASS: u8 = class::DIGIT;

    fn read(bytes: &[u8]) -> Result<Option<Date>, FieldProblem> {
        read_date6(bytes)
    }

    fn write(value: &Option<Date>, out: &mut [u8], _: &WriteOptions) -> Result<(), FieldProblem> {
        write_date6(value, out)
    }
}

/// A date `DDMMAA`, all blank for none (as some retorno files leave dates not yet known).
#[derive(Debug)]
pub struct Date6OrBlank;

impl Column for Date6OrBlank {
    type Value = Option<Date>;
    const KIND: Kind = Kind::Date6OrBlank;
    const CLASS: u8 = class::DIGIT_OR_BLANK;

    fn read(bytes: &[u8]) -> Result<Option<Date>, FieldProblem> {
        if trim_blanks_end(bytes).is_empty() {
            return Ok(None);
        }
        match read_date6(bytes)? {
            Some(date) => Ok(Some(date)),
            // Zeros would write back as blanks.
            None => Err(FieldProblem::Date),
        }
    }

    fn write(value: &Option<Date>, out: &mut [u8], _: &WriteOptions) -> Result<(), FieldProblem> {
        match value {
            Some(_) => write_date6(value, out),
            None => Ok(()),
        }
    }
}

/// A numeric value the layout fixes, such as a record type.
#[derive(Debug)]
pub struct Fixed<const N: u64>;

impl<const N: u64> Column for Fixed<N> {
    type Value = ();
    const KIND: Kind = Kind::Fixed;
    const CLASS: u8 = class::DIGIT;

    fn read(bytes: &[u8]) -> Result<(), FieldProblem> {
        match digits_value(bytes) {
            Ok(value) if value == N => Ok(()),
            _ => Err(FieldProblem::Fixed { expected: N }),
        }
    }

    fn write(_: &(), out: &mut [u8], _: &WriteOptions) -> Result<(), FieldProblem> {
        write_digits(N, out)
    }
}

/// A one-letter code the layout fixes, such as a segment code.
#[derive(Debug)]
pub struct Letter<const C: char>;

impl<const C: char> Column for Letter<C> {
    type Value = ();
    const KIND: Kind = Kind::Fixed;
    const CLASS: u8 = class::PRINTABLE;

    fn read(bytes: &[u8]) -> Result<(), FieldProblem> {
        match bytes {
            [b] if char::from(*b) == C => Ok(()),
            _ => Err(FieldProblem::FixedLetter { expected: C }),
        }
    }

    fn write(_: &(), out: &mut [u8], _: &WriteOptions) -> Result<(), FieldProblem> {
        let mut buffer = [0u8; 4];
        write_text(C.encode_utf8(&mut buffer), out, false)
    }
}

/// Positions the layout reserves (FEBRABAN's "brancos"): blank.
#[derive(Debug)]
pub struct Blank;

impl Column for Blank {
    type Value = ();
    const KIND: Kind = Kind::Blank;
    const CLASS: u8 = class::BLANK;
    const CHECKED: bool = false;

    fn read(bytes: &[u8]) -> Result<(), FieldProblem> {
        if trim_blanks_end(bytes).is_empty() { Ok(()) } else { Err(FieldProblem::NotBlank) }
    }

    fn write(_: &(), _: &mut [u8], _: &WriteOptions) -> Result<(), FieldProblem> {
        Ok(())
    }
}

/// Byte classes, as bits: a column's class is the set of classes its bytes may be in.
#[doc(hidden)]
pub mod class {
    /// `0`-`9`.
    pub const DIGIT: u8 = 1;
    /// A blank.
    pub const BLANK: u8 = 2;
    /// Digits or blanks.
    pub const DIGIT_OR_BLANK: u8 = DIGIT | BLANK;
    /// Printable ASCII: digits, blanks and the rest of `'!'..='~'`.
    pub const PRINTABLE: u8 = DIGIT | BLANK | 4;
    /// No byte: a column whose every line takes the careful path.
    pub const NONE: u8 = 0;
}

/// The class of each position of a `W`-byte line, from its columns `(start, end, class,
/// max_width)`: what a record's whole line is checked against in one pass.
#[doc(hidden)]
pub const fn classes<const W: usize>(columns: &[(usize, usize, u8, usize)]) -> [u8; W] {
    let mut out = [class::NONE; W];
    let mut c = 0;
    while c < columns.len() {
        let (start, end, class, max_width) = columns[c];
        let class = if end + 1 - start > max_width { class::NONE } else { class };
        let mut i = start;
        while i <= end {
            out[i - 1] = class;
            i += 1;
        }
        c += 1;
    }
    out
}

/// Whether every byte of `line` is of its position's class. One pass with no branch per byte,
/// which the compiler turns into vector instructions: a line of 240 bytes is checked in a few
/// dozen of them.
#[doc(hidden)]
pub fn classes_hold(line: &[u8], classes: &[u8]) -> bool {
    let outside = line.iter().zip(classes).fold(0u8, |outside, (&b, &allowed)| {
        let digit = u8::from(b.wrapping_sub(b'0') <= 9);
        let blank = u8::from(b == b' ');
        let printable = u8::from(b.wrapping_sub(b' ') <= b'~' - b' ');
        let other = printable & !digit & !blank & 1;
        let found = digit | (blank << 1) | (other << 2);
        outside | u8::from(found & allowed == 0)
    });
    outside == 0 && line.len() == classes.len()
}

/// Reads the column `start..=end` of `line` (which has the record's width).
#[doc(hidden)]
#[inline]
pub fn read_column<C: Column>(line: &[u8], start: usize, end: usize) -> Result<C::Value, FieldProblem> {
    C::read(line.get(start - 1..end).unwrap_or_default())
}

/// Reads the column `start..=end` of `line`, positions a profile gave: outside the line, or
/// ending before they start, they are an error, not an empty column.
#[doc(hidden)]
pub fn read_moved_column<C: Column>(line: &[u8], start: usize, end: usize) -> Result<C::Value, FieldProblem> {
    match start.checked_sub(1).and_then(|first| line.get(first..end)) {
        Some(bytes) if start <= end => C::read(bytes),
        _ => Err(FieldProblem::OutsideRecord),
    }
}

/// The error for a column that did not read: only built when one fails.
#[doc(hidden)]
#[cold]
pub fn column_error(line: &[u8], start: usize, end: usize, name: &'static str, problem: FieldProblem) -> FieldError {
    let found = read_text(line.get(start.saturating_sub(1)..end).unwrap_or_default());
    FieldError { field: name, start, end, found, problem }
}

/// Writes `value` into the column `start..=end` of `line` (blank-filled, the record's width).
#[doc(hidden)]
pub fn write_column<C: Column>(
    value: &C::Value,
    line: &mut [u8],
    start: usize,
    end: usize,
    name: &'static str,
    options: &WriteOptions,
) -> Result<(), FieldError> {
    let out = match start.checked_sub(1).and_then(|first| line.get_mut(first..end)) {
        Some(out) if start <= end => out,
        _ => {
            return Err(FieldError {
                field: name,
                start,
                end,
                found: String::new(),
                problem: FieldProblem::OutsideRecord,
            });
        }
    };
    C::write(value, out, options).map_err(|problem| FieldError {
        field: name,
        start,
        end,
        found: format!("{value:?}"),
        problem,
    })
}

/// A column a bank writes elsewhere than the layout declares, or not at all: one entry of a
/// [`Profile`](crate::Profile)'s departures from FEBRABAN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Moved {
    /// The record's name, as [`Layout::NAME`] gives it (`"SegmentT"`).
    pub record: &'static str,
    /// The field's name, as the record declares it (`"our_number"`).
    pub field: &'static str,
    /// The bank's first position, 1-based; 0 when the bank does not write the field.
    pub start: usize,
    /// The bank's last position, inclusive.
    pub end: usize,
}

impl Moved {
    /// The bank writes `record`'s `field` at `start..=end`.
    pub const fn to(record: &'static str, field: &'static str, start: usize, end: usize) -> Self {
        Moved { record, field, start, end }
    }

    /// The bank does not write `record`'s `field`: it reads as its default, and is not written.
    pub const fn absent(record: &'static str, field: &'static str) -> Self {
        Moved { record, field, start: 0, end: 0 }
    }
}

/// Where `record`'s `field`, declared at `start..=end`, sits in a bank's file: `None` when the
/// bank does not write it.
#[doc(hidden)]
pub fn moved_column(moved: &[Moved], record: &str, field: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    match moved.iter().find(|m| m.field == field && m.record == record) {
        Some(m) if m.start == 0 => None,
        Some(m) => Some((m.start, m.end)),
        None => Some((start, end)),
    }
}

/// What every record declared with [`record!`](crate::record) can do, for code generic over
/// records (a reader choosing the bank's positions).
pub trait Layout: Sized {
    /// The record's name, as a profile's [`Moved`] columns name it.
    const NAME: &'static str;
    /// Reads a line at the declared positions, stopping at the first column that does not read.
    fn parse(line: &[u8]) -> Result<Self, FieldError>;
    /// Reads every column, at the positions `moved` gives for this record where the bank departs
    /// from the declaration; a column that does not read is left at its default and reported.
    fn parse_moved(line: &[u8], moved: &[Moved]) -> (Self, Vec<FieldError>);
    /// Whether every column reads, at the positions `moved` gives, without building the record.
    fn check(line: &[u8], moved: &[Moved]) -> bool;
    /// The declared columns.
    const FIELDS: &'static [FieldSpec];
    /// A line of the record's width.
    type Line;
    /// Writes the record at the declared positions.
    fn to_line(&self, options: &WriteOptions) -> Result<Self::Line, FieldError>;
    /// Writes the record at the positions `moved` gives where the bank departs from the
    /// declaration.
    fn to_line_moved(&self, options: &WriteOptions, moved: &[Moved]) -> Result<Self::Line, FieldError>;
}

/// Declares a record layout: the struct, its field table, its parser and its writer.
///
/// Each column is written as in the manual: `start-end name: Kind,`, with a doc comment.
///
/// ```
/// febraban_cnab::record! {
///     /// A three-column example.
///     pub struct Example(10) {
///         /// Record type.
///         1-1 record_type: febraban_cnab::layout::Fixed<9>,
///         /// A count.
///         2-5 count: febraban_cnab::layout::Num,
///         /// A name.
///         6-10 name: febraban_cnab::layout::Text,
///     }
/// }
/// let record = Example::parse(b"90042ANA  ").unwrap();
/// assert_eq!((record.count, record.name.as_str()), (42, "ANA"));
/// assert_eq!(&record.to_line(&Default::default()).unwrap(), b"90042ANA  ");
/// ```
#[macro_export]
macro_rules! record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident ($width:literal) {
            $(
                $(#[$field_meta:meta])*
                $start:literal - $end:literal $field:ident : $kind:ty,
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        pub struct $name {
            $(
                $(#[$field_meta])*
                pub $field: <$kind as $crate::layout::Column>::Value,
            )+
        }

        impl $name {
            /// The record's width in positions.
            pub const WIDTH: usize = $width;

            /// Every column, in order.
            pub const FIELDS: &'static [$crate::layout::FieldSpec] = &[
                $(
                    $crate::layout::FieldSpec {
                        name: stringify!($field),
                        start: $start,
                        end: $end,
                        kind: <$kind as $crate::layout::Column>::KIND,
                    },
                )+
            ];

            /// Reads a line of exactly [`Self::WIDTH`] bytes.
            pub fn parse(line: &[u8]) -> ::std::result::Result<Self, $crate::layout::FieldError> {
                Ok($name {
                    $(
                        $field: match $crate::layout::read_column::<$kind>(line, $start, $end) {
                            Ok(value) => value,
                            Err(problem) => {
                                return Err($crate::layout::column_error(line, $start, $end, stringify!($field), problem));
                            }
                        },
                    )+
                })
            }

            /// Whether every column reads, at the positions `moved` gives where a bank departs
            /// from this layout, without building the record: what a validator needs of a
            /// record whose values it does not keep.
            pub fn check(line: &[u8], moved: &[$crate::layout::Moved]) -> bool {
                /// Each position's byte class, from the columns.
                const CLASSES: [u8; $width] = $crate::layout::classes::<$width>(&[
                    $( ($start, $end, <$kind as $crate::layout::Column>::CLASS, <$kind as $crate::layout::Column>::MAX_WIDTH), )+
                ]);
                if moved.is_empty() {
                    // Every byte of its column's class: only the columns a class cannot judge
                    // (dates, fixed values, optional numbers) are read.
                    if $crate::layout::classes_hold(line, &CLASSES) {
                        return $( (!<$kind as $crate::layout::Column>::CHECKED
                            || <$kind as $crate::layout::Column>::check(line.get($start - 1..$end).unwrap_or_default())) && )+ true;
                    }
                    return $( <$kind as $crate::layout::Column>::check(line.get($start - 1..$end).unwrap_or_default()) && )+ true;
                }
                $(
                    if let Some((start, end)) = $crate::layout::moved_column(moved, stringify!($name), stringify!($field), $start, $end) {
                        if $crate::layout::read_moved_column::<$kind>(line, start, end).is_err() {
                            return false;
                        }
                    }
                )+
                true
            }

            /// Reads every column, at the positions `moved` gives where a bank departs from
            /// this layout; a column that does not read is left at its default and reported, so
            /// one bad value does not hide another.
            pub fn parse_moved(
                line: &[u8],
                moved: &[$crate::layout::Moved],
            ) -> (Self, ::std::vec::Vec<$crate::layout::FieldError>) {
                let mut errors = ::std::vec::Vec::new();
                let record = $name {
                    $(
                        $field: match $crate::layout::moved_column(moved, stringify!($name), stringify!($field), $start, $end) {
                            Some((start, end)) => match $crate::layout::read_moved_column::<$kind>(line, start, end) {
                                Ok(value) => value,
                                Err(problem) => {
                                    errors.push($crate::layout::column_error(line, start, end, stringify!($field), problem));
                                    ::std::default::Default::default()
                                }
                            },
                            None => ::std::default::Default::default(),
                        },
                    )+
                };
                (record, errors)
            }

            /// Writes the record as a line, at the positions `moved` gives where a bank departs
            /// from this layout (a column the bank does not write is left blank).
            pub fn to_line_moved(
                &self,
                options: &$crate::layout::WriteOptions,
                moved: &[$crate::layout::Moved],
            ) -> ::std::result::Result<[u8; $width], $crate::layout::FieldError> {
                let mut line = [b' '; $width];
                $(
                    if let Some((start, end)) = $crate::layout::moved_column(moved, stringify!($name), stringify!($field), $start, $end) {
                        $crate::layout::write_column::<$kind>(&self.$field, &mut line, start, end, stringify!($field), options)?;
                    }
                )+
                Ok(line)
            }

            /// Writes the record as a line of [`Self::WIDTH`] bytes.
            pub fn to_line(
                &self,
                options: &$crate::layout::WriteOptions,
            ) -> ::std::result::Result<[u8; $width], $crate::layout::FieldError> {
                let mut line = [b' '; $width];
                $( $crate::layout::write_column::<$kind>(&self.$field, &mut line, $start, $end, stringify!($field), options)?; )+
                Ok(line)
            }
        }

        impl $crate::layout::Layout for $name {
            const NAME: &'static str = stringify!($name);
            const FIELDS: &'static [$crate::layout::FieldSpec] = $name::FIELDS;

            fn check(line: &[u8], moved: &[$crate::layout::Moved]) -> bool {
                $name::check(line, moved)
            }

            fn parse(line: &[u8]) -> ::std::result::Result<Self, $crate::layout::FieldError> {
                $name::parse(line)
            }

            fn parse_moved(
                line: &[u8],
                moved: &[$crate::layout::Moved],
            ) -> (Self, ::std::vec::Vec<$crate::layout::FieldError>) {
                $name::parse_moved(line, moved)
            }

            type Line = [u8; $width];

            fn to_line(
                &self,
                options: &$crate::layout::WriteOptions,
            ) -> ::std::result::Result<[u8; $width], $crate::layout::FieldError> {
                $name::to_line(self, options)
            }

            fn to_line_moved(
                &self,
                options: &$crate::layout::WriteOptions,
                moved: &[$crate::layout::Moved],
            ) -> ::std::result::Result<[u8; $width], $crate::layout::FieldError> {
                $name::to_line_moved(self, options, moved)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_read_eight_at_a_time_as_one_at_a_time() {
        for text in ["0", "7", "12345678", "123456789", "000000000000150", "9999999999999999999", "0102030405060708"] {
            assert_eq!(digits_value(text.as_bytes()), Ok(text.parse::<u64>().unwrap()), "{text}");
        }
        assert_eq!(digits_value(b"1234567a"), Err(FieldProblem::NotDigits));
        assert_eq!(digits_value(b"12345678901234567890"), Err(FieldProblem::NotDigits));
    }

    #[test]
    fn numbers_and_money() {
        assert_eq!(Num::read(b"00042"), Ok(42));
        assert_eq!(Num::read(b"00 42"), Err(FieldProblem::NotDigits));
        assert_eq!(Num::read(b"     "), Err(FieldProblem::NotDigits));
        assert_eq!(OptNum::read(b"  111"), Ok(Some(111)));
        assert_eq!(OptNum::read(b"556  "), Ok(Some(556)));
        assert_eq!(OptNum::read(b"5 56 "), Err(FieldProblem::NotDigits));
        assert_eq!(PaddedNum::read(b"80939126907   "), Ok(80_939_126_907));
        assert_eq!(PaddedNum::read(b"     "), Ok(0));
        assert_eq!(OptMoney::<2>::read(b"     "), Ok(0));
        assert_eq!(OptMoney::<2>::read(b"00150"), Ok(150));
        assert_eq!(OptMoney::<2>::read(b"  150"), Err(FieldProblem::NotDigits));
        let mut out = [b' '; 5];
        Num::write(&42, &mut out, &WriteOptions::default()).unwrap();
        assert_eq!(&out, b"00042");
        assert_eq!(
            Num::write(&123456, &mut out, &WriteOptions::default()),
            Err(FieldProblem::TooLong { max: 5, found: 6 })
        );
    }

    #[test]
    fn dates() {
        assert_eq!(Date8::read(b"29022024"), Ok(Date::new(2024, 2, 29)));
        assert_eq!(Date8::read(b"00000000"), Ok(None));
        assert_eq!(Date8::read(b"        "), Ok(None));
        assert_eq!(Date8::read(b"0102    "), Err(FieldProblem::Date));
        assert_eq!(Date8::read(b"31042024"), Err(FieldProblem::Date));
        assert_eq!(Date8::read(b"2024-01-"), Err(FieldProblem::Date));
        let mut out = [b' '; 8];
        Date8::write(&Date::new(2024, 1, 5), &mut out, &WriteOptions::default()).unwrap();
        assert_eq!(&out, b"05012024");
    }

    #[test]
    fn six_digit_dates() {
        assert_eq!(Date6::read(b"110412"), Ok(Date::new(2012, 4, 11)));
        assert_eq!(Date6::read(b"000000"), Ok(None));
        assert_eq!(Date6::read(b"310212"), Err(FieldProblem::Date));
        assert_eq!(Date6OrBlank::read(b"      "), Ok(None));
        assert_eq!(Date6OrBlank::read(b"000000"), Err(FieldProblem::Date));
        let mut out = [b' '; 6];
        Date6OrBlank::write(&None, &mut out, &WriteOptions::default()).unwrap();
        assert_eq!(&out, b"      ");
        Date6::write(&Date::new(2015, 7, 14), &mut out, &WriteOptions::default()).unwrap();
        assert_eq!(&out, b"140715");
        assert_eq!(Date6::write(&Date::new(1999, 1, 1), &mut out, &WriteOptions::default()), Err(FieldProblem::Date));
    }

    #[test]
    fn text_folds_accents_and_case_alpha_keeps_them() {
        let mut out = [b' '; 12];
        Text::write(&CompactString::from("São João"), &mut out, &WriteOptions::default()).unwrap();
        assert_eq!(&out, b"SAO JOAO    ");
        let mut out = [b' '; 12];
        Alpha::write(&CompactString::from("a@b.com"), &mut out, &WriteOptions::default()).unwrap();
        assert_eq!(&out, b"a@b.com     ");
        // Identifiers keep Latin-1 as read; what Latin-1 cannot carry is refused.
        let mut latin1 = [b' '; 4];
        Alpha::write(&CompactString::from("ação"), &mut latin1, &WriteOptions::default()).unwrap();
        assert_eq!(&latin1, b"a\xE7\xE3o");
        assert_eq!(
            Alpha::write(&CompactString::from("€"), &mut latin1, &WriteOptions::default()),
            Err(FieldProblem::Character('€'))
        );
        let long = CompactString::from("A".repeat(13));
        assert!(Text::write(&long, &mut out, &WriteOptions::default()).is_err());
        assert!(Text::write(&long, &mut out, &WriteOptions { truncate_text: true }).is_ok());
    }

    #[test]
    fn trailing_blanks_are_trimmed_at_any_width() {
        for n in 0..20 {
            let text = format!("AB{}", " ".repeat(n));
            assert_eq!(trim_blanks_end(text.as_bytes()), b"AB", "{n}");
            assert_eq!(trim_blanks_end(" ".repeat(n).as_bytes()), b"", "{n}");
        }
        assert_eq!(trim_blanks_end(b" A       B        "), b" A       B");
    }

    #[test]
    fn latin1_bytes_read_as_characters_and_controls_are_refused() {
        assert_eq!(Text::read(b"COBRAN\xC7A  "), Ok("COBRANÇA".into()));
        assert_eq!(Text::read(b"N\xBA 7"), Ok("Nº 7".into()));
        // A symbol with no ASCII form is not free text a bank file carries.
        assert_eq!(Text::read(b"DE\xA8CONV"), Err(FieldProblem::Character('¨')));
        assert_eq!(Alpha::read(b"AB\x1E "), Err(FieldProblem::Control('\u{1e}')));
        assert_eq!(Alpha::read(b"AB\x85 "), Err(FieldProblem::Control('\u{85}')));
        assert_eq!(Alpha::read(b"AB\x7F "), Err(FieldProblem::Control('\u{7f}')));
    }

    #[test]
    fn fixed_and_blank() {
        assert_eq!(Fixed::<3>::read(b"3"), Ok(()));
        assert_eq!(Fixed::<3>::read(b"5"), Err(FieldProblem::Fixed { expected: 3 }));
        assert_eq!(Letter::<'A'>::read(b"A"), Ok(()));
        assert!(Letter::<'A'>::read(b"B").is_err());
        assert_eq!(Blank::read(b"   "), Ok(()));
        assert_eq!(Blank::read(b" x "), Err(FieldProblem::NotBlank));
    }
}
