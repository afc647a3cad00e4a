//! The EMV data object grammar: `ID(2 digits) LENGTH(2 digits) VALUE(LENGTH characters)`.
//!
//! Lengths count characters (Unicode scalar values), not bytes: EMVCo's own sample declares
//! `0104最佳运输` (4 characters, 12 bytes), and real Pix payloads write `6008BRASÍLIA` (8 characters,
//! 9 bytes). For the common all-ASCII value the count is the byte count and the value is sliced
//! directly; only a value with non-ASCII characters walks its characters.

use nom::IResult;
use nom::bytes::complete::take_while_m_n;

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

/// A failed step of the grammar, with the input left where it failed.
#[derive(Debug)]
struct Fail<'a> {
    at: &'a str,
    kind: ErrorKind,
}

impl<'a> nom::error::ParseError<&'a str> for Fail<'a> {
    fn from_error_kind(at: &'a str, _: nom::error::ErrorKind) -> Self {
        Fail { at, kind: ErrorKind::InvalidId }
    }

    fn append(_: &'a str, _: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}

/// Relabels a failure of a shared step with the rule it broke at this point of the grammar.
fn relabel(kind: ErrorKind) -> impl Fn(nom::Err<Fail<'_>>) -> nom::Err<Fail<'_>> {
    move |err| err.map(|fail| Fail { at: fail.at, kind: kind.clone() })
}

fn two_digits(input: &str) -> IResult<&str, u8, Fail<'_>> {
    let (rest, digits) = take_while_m_n(2, 2, |c: char| c.is_ascii_digit())(input)?;
    let value = digits.bytes().fold(0u8, |acc, b| acc * 10 + (b - b'0'));
    Ok((rest, value))
}

/// Takes `count` characters.
fn take_chars(count: usize) -> impl Fn(&str) -> IResult<&str, &str, Fail<'_>> {
    move |input: &str| {
        let bytes = input.as_bytes();
        // Fast path: `count` ASCII bytes are `count` characters and end on a character boundary.
        if bytes.get(..count).is_some_and(<[u8]>::is_ascii) {
            let (value, rest) = input.split_at(count);
            return Ok((rest, value));
        }
        let mut chars = input.char_indices().skip(count);
        let end = match chars.next() {
            Some((end, _)) => Some(end),
            None if input.chars().count() == count => Some(input.len()),
            None => None,
        };
        match end {
            Some(end) => {
                let (value, rest) = input.split_at(end);
                Ok((rest, value))
            }
            None => Err(nom::Err::Error(Fail {
                at: input,
                kind: ErrorKind::Truncated { declared: count, available: input.chars().count() },
            })),
        }
    }
}

/// One data object: `(rest, (id, value))`.
fn data_object(input: &str) -> IResult<&str, (u8, &str), Fail<'_>> {
    let (rest, id) = two_digits(input).map_err(relabel(ErrorKind::InvalidId))?;
    let (rest, length) = two_digits(rest).map_err(relabel(ErrorKind::InvalidLength))?;
    if length == 0 {
        return Err(nom::Err::Error(Fail { at: rest, kind: ErrorKind::ZeroLength }));
    }
    let (rest, value) = take_chars(usize::from(length))(rest)?;
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
}

impl<'a> DataObjects<'a> {
    /// The top-level data objects of `payload`.
    pub fn new(payload: &'a str) -> Self {
        DataObjects { rest: payload, offset: 0, parent: TagPath::PAYLOAD }
    }

    /// The data objects inside `template`'s value.
    pub fn within(template: &DataObject<'a>, path: TagPath) -> Self {
        DataObjects { rest: template.value, offset: template.value_offset(), parent: path }
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

impl<'a> Iterator for DataObjects<'a> {
    type Item = Result<DataObject<'a>, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let start = self.rest;
        match data_object(start) {
            Ok((rest, (id, value))) => {
                let object = DataObject { id, value, offset: self.offset };
                self.offset += start.len() - rest.len();
                self.rest = rest;
                Some(Ok(object))
            }
            Err(nom::Err::Error(fail) | nom::Err::Failure(fail)) => {
                let at = self.offset + (start.len() - fail.at.len());
                let path = match fail.kind {
                    // The ID itself is unreadable: blame the enclosing template.
                    ErrorKind::InvalidId => self.parent,
                    _ => self.parent.child(start.get(..2).and_then(|id| id.parse().ok()).unwrap_or(0)),
                };
                self.rest = "";
                Some(Err(DecodeError::new(at, path, fail.kind)))
            }
            // `complete` parsers never ask for more input.
            Err(nom::Err::Incomplete(_)) => {
                self.rest = "";
                Some(Err(DecodeError::new(self.offset, self.parent, ErrorKind::InvalidId)))
            }
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
