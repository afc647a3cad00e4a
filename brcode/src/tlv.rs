//! The EMV data object grammar: `ID(2 digits) LENGTH(2 digits) VALUE(LENGTH characters)`.
//!
//! Lengths count characters (Unicode scalar values), not bytes: EMVCo's own sample declares
//! `0104最佳运输` (4 characters, 12 bytes), and real Pix payloads write `6008BRASÍLIA` (8 characters,
//! 9 bytes). For the common all-ASCII value the count is the byte count and the value is sliced
//! directly; only a value with non-ASCII characters walks its characters.

use nom::IResult;
use nom::bytes::complete::take;

use crate::error::{DecodeError, ErrorKind, TagPath};

/// One data object, borrowed from the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataObject<'a> {
    /// The two-digit ID, 0 to 99.
    pub id: u8,
    /// The value, exactly as many characters as the length declares.
    pub value: &'a str,
    /// Byte offset of the ID in the payload.
    pub offset: usize,
}

impl DataObject<'_> {
    /// Byte offset of the value in the payload (the ID and the length are four ASCII bytes).
    pub fn value_offset(&self) -> usize {
        self.offset + 4
    }
}

/// A failed step of the grammar: how many bytes into the data object, and the rule broken.
/// Small and `Copy`, so that the success path carries no large error type.
#[derive(Debug, Clone, Copy)]
struct Fail {
    at: usize,
    kind: FailKind,
}

#[derive(Debug, Clone, Copy)]
enum FailKind {
    InvalidId,
    InvalidLength,
    ZeroLength,
    Truncated(u8),
}

impl nom::error::ParseError<&[u8]> for Fail {
    fn from_error_kind(_: &[u8], _: nom::error::ErrorKind) -> Self {
        Fail { at: 0, kind: FailKind::InvalidId }
    }

    fn append(_: &[u8], _: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}

fn digit(byte: u8) -> Option<u8> {
    byte.is_ascii_digit().then(|| byte - b'0')
}

/// The header, `IILL`: ID and length, four ASCII digits. It is taken as bytes (nom's byte
/// parsers cost a fraction of its character parsers) and then read.
#[inline]
fn header(input: &[u8]) -> IResult<&[u8], (u8, u8), Fail> {
    let fail = |at, kind| nom::Err::Error(Fail { at, kind });
    let (rest, header) = take(4usize)(input).map_err(|_: nom::Err<Fail>| {
        // Too short: blame the ID if it is not two digits, else the length.
        let id_ok = input.len() >= 2 && input[..2].iter().all(u8::is_ascii_digit);
        if id_ok { fail(2, FailKind::InvalidLength) } else { fail(0, FailKind::InvalidId) }
    })?;
    let &[a, b, c, d] = header else { return Err(fail(0, FailKind::InvalidId)) };
    let (Some(a), Some(b)) = (digit(a), digit(b)) else { return Err(fail(0, FailKind::InvalidId)) };
    let (Some(c), Some(d)) = (digit(c), digit(d)) else { return Err(fail(2, FailKind::InvalidLength)) };
    match c * 10 + d {
        0 => Err(fail(4, FailKind::ZeroLength)),
        length => Ok((rest, (a * 10 + b, length))),
    }
}

/// The byte length of the first `count` characters of `input`, if it has that many.
#[inline]
fn chars_len(input: &str, count: usize) -> Option<usize> {
    // Fast path: `count` ASCII bytes are `count` characters and end on a character boundary.
    if input.as_bytes().get(..count).is_some_and(<[u8]>::is_ascii) {
        return Some(count);
    }
    match input.char_indices().nth(count) {
        Some((end, _)) => Some(end),
        None if input.chars().count() == count => Some(input.len()),
        None => None,
    }
}

/// One data object: `(rest, (id, value))`. `ascii` says that the whole input is ASCII, so that
/// characters are bytes.
#[inline]
fn data_object(input: &str, ascii: bool) -> Result<(&str, (u8, &str)), Fail> {
    let (_, (id, length)) = header(input.as_bytes()).map_err(|err| match err {
        nom::Err::Error(fail) | nom::Err::Failure(fail) => fail,
        nom::Err::Incomplete(_) => Fail { at: 0, kind: FailKind::InvalidId },
    })?;
    // The four header bytes are ASCII digits, so byte 4 starts a character.
    let body = input.get(4..).unwrap_or_default();
    let count = usize::from(length);
    let end = if ascii { (count <= body.len()).then_some(count) } else { chars_len(body, count) };
    let end = end.ok_or(Fail { at: 4, kind: FailKind::Truncated(length) })?;
    let (value, rest) = body.split_at(end);
    Ok((rest, (id, value)))
}

/// The data objects of a payload or of a template's value, in order.
///
/// Yields each object or the first structural error, then stops. Offsets are counted from the
/// start of the payload, so that errors inside templates point at the right byte.
///
/// ```
/// use brcode_pix::emv::DataObjects;
/// let ids: Vec<u8> = DataObjects::new("000201520400005303986")
///     .map(|object| object.unwrap().id)
///     .collect();
/// assert_eq!(ids, [0, 52, 53]);
/// ```
#[derive(Debug, Clone)]
pub struct DataObjects<'a> {
    rest: &'a str,
    offset: usize,
    parent: TagPath,
    /// Whether `rest` is all ASCII (then every length is a byte count).
    ascii: bool,
    /// Why the walk stopped early, kept small until it is reported.
    failure: Option<Fail>,
}

impl<'a> DataObjects<'a> {
    /// The top-level data objects of `payload`.
    pub fn new(payload: &'a str) -> Self {
        DataObjects { rest: payload, offset: 0, parent: TagPath::PAYLOAD, ascii: payload.is_ascii(), failure: None }
    }

    /// The data objects inside `template`'s value.
    pub fn within(template: &DataObject<'a>, path: TagPath) -> Self {
        let rest = template.value;
        DataObjects { rest, offset: template.value_offset(), parent: path, ascii: rest.is_ascii(), failure: None }
    }

    /// What remains unread.
    pub fn remainder(&self) -> &'a str {
        self.rest
    }

    /// Byte offset of what remains unread.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl<'a> DataObjects<'a> {
    /// Turns a failure at the current position into the error users see, and stops.
    #[cold]
    fn error(&mut self, fail: Fail) -> DecodeError {
        let start = self.rest;
        let id = || start.get(..2).and_then(|id| id.parse().ok()).unwrap_or(0);
        let (path, kind) = match fail.kind {
            // The ID itself is unreadable: blame the enclosing template.
            FailKind::InvalidId => (self.parent, ErrorKind::InvalidId),
            FailKind::InvalidLength => (self.parent.child(id()), ErrorKind::InvalidLength),
            FailKind::ZeroLength => (self.parent.child(id()), ErrorKind::ZeroLength),
            FailKind::Truncated(declared) => {
                let available = start.get(4..).unwrap_or_default().chars().count();
                (self.parent.child(id()), ErrorKind::Truncated { declared: usize::from(declared), available })
            }
        };
        self.rest = "";
        DecodeError::new(self.offset + fail.at, path, kind)
    }
}

impl<'a> DataObjects<'a> {
    /// The next data object; `None` at the end or at a fault, which [`DataObjects::finish`]
    /// then reports. The hot loop handles nothing larger than a data object.
    #[inline]
    pub(crate) fn step(&mut self) -> Option<DataObject<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        match data_object(self.rest, self.ascii) {
            Ok((rest, (id, value))) => {
                let object = DataObject { id, value, offset: self.offset };
                self.offset += self.rest.len() - rest.len();
                self.rest = rest;
                Some(object)
            }
            Err(fail) => {
                self.failure = Some(fail);
                None
            }
        }
    }

    /// The fault that stopped [`DataObjects::step`], if one did.
    #[inline]
    pub(crate) fn finish(&mut self) -> Result<(), DecodeError> {
        match self.failure.take() {
            None => Ok(()),
            Some(fail) => Err(self.error(fail)),
        }
    }
}

impl<'a> Iterator for DataObjects<'a> {
    type Item = Result<DataObject<'a>, DecodeError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self.step() {
            Some(object) => Some(Ok(object)),
            None => self.finish().err().map(Err),
        }
    }
}

impl std::iter::FusedIterator for DataObjects<'_> {}

/// Characters in `value`: what a length field counts.
pub(crate) fn char_len(value: &str) -> usize {
    if value.is_ascii() { value.len() } else { value.chars().count() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objects(input: &str) -> Vec<Result<(u8, &str, usize), DecodeError>> {
        DataObjects::new(input).map(|r| r.map(|o| (o.id, o.value, o.offset))).collect()
    }

    #[test]
    fn reads_ascii_objects_with_offsets() {
        assert_eq!(objects("000201010212"), [Ok((0, "01", 0)), Ok((1, "12", 6))]);
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        assert_eq!(
            objects("6008BRASÍLIA6304"),
            [
                Ok((60, "BRASÍLIA", 0)),
                Err(DecodeError::new(17, TagPath::top(63), ErrorKind::Truncated { declared: 4, available: 0 }))
            ]
        );
        assert_eq!(objects("0104最佳运输0202北京"), [Ok((1, "最佳运输", 0)), Ok((2, "北京", 16))]);
    }

    #[test]
    fn structural_errors_point_at_the_fault() {
        assert_eq!(
            objects("000201010A"),
            [Ok((0, "01", 0)), Err(DecodeError::new(8, TagPath::top(1), ErrorKind::InvalidLength))]
        );
        assert_eq!(objects("x1"), [Err(DecodeError::new(0, TagPath::PAYLOAD, ErrorKind::InvalidId))]);
        assert_eq!(objects("0100"), [Err(DecodeError::new(4, TagPath::top(1), ErrorKind::ZeroLength))]);
        assert_eq!(
            objects("0105abc"),
            [Err(DecodeError::new(4, TagPath::top(1), ErrorKind::Truncated { declared: 5, available: 3 }))]
        );
        // A multi-byte character split by nothing: lengths in characters never split one.
        assert_eq!(objects("0101é"), [Ok((1, "é", 0))]);
    }

    #[test]
    fn nested_offsets_are_payload_offsets() {
        let outer = DataObjects::new("26080004abcd").next().unwrap().unwrap();
        let inner: Vec<_> = DataObjects::within(&outer, TagPath::top(26)).collect();
        assert_eq!(inner, [Ok(DataObject { id: 0, value: "abcd", offset: 4 })]);
    }
}
