//! Errors of the decoder and of the encoder.
//!
//! Both speak one vocabulary, [`ErrorKind`]: a decoder finds a merchant name of 28 characters where
//! the manual allows 25, a builder is handed one; the rule broken is the same. A [`DecodeError`] adds
//! where in the payload (byte offset and [`TagPath`]), an [`EncodeError`] which field.

use std::fmt;

use crate::key::PixKeyError;

/// Where a data object sits: its ID, and the ID of the template around it when it is nested.
///
/// Displayed the way the BR Code manual names fields: `59` for the merchant name, `26.01` for the
/// Pix key inside the merchant account template 26. The empty path stands for the whole payload.
///
/// ```
/// use brcode_pix::TagPath;
/// assert_eq!(TagPath::nested(26, 1).to_string(), "26.01");
/// assert_eq!(TagPath::top(59).name(), "merchant name");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TagPath {
    ids: [u8; 2],
    depth: u8,
}

impl TagPath {
    /// The whole payload rather than one data object.
    pub const PAYLOAD: TagPath = TagPath { ids: [0, 0], depth: 0 };

    /// A top-level data object.
    pub const fn top(id: u8) -> Self {
        TagPath { ids: [id, 0], depth: 1 }
    }

    /// A data object inside the template `parent`.
    pub const fn nested(parent: u8, id: u8) -> Self {
        TagPath { ids: [parent, id], depth: 2 }
    }

    /// The IDs from the outermost template inwards (empty for [`TagPath::PAYLOAD`]).
    pub fn ids(&self) -> &[u8] {
        &self.ids[..usize::from(self.depth)]
    }

    /// The path of the data object `id` inside this one.
    pub(crate) fn child(self, id: u8) -> Self {
        match self.depth {
            0 => TagPath::top(id),
            _ => TagPath::nested(self.ids[0], id),
        }
    }

    /// What the BR Code manual calls the field, for messages.
    pub fn name(&self) -> &'static str {
        match *self.ids() {
            [] => "payload",
            [0] => "payload format indicator",
            [1] => "point of initiation method",
            [2..=25] => "merchant account information",
            [26..=51] => "merchant account information template",
            [52] => "merchant category code",
            [53] => "transaction currency",
            [54] => "transaction amount",
            [55..=57] => "tip or convenience fee",
            [58] => "country code",
            [59] => "merchant name",
            [60] => "merchant city",
            [61] => "postal code",
            [62] => "additional data field template",
            [63] => "CRC",
            [64] => "merchant information language template",
            [80..=99] => "unreserved template",
            [_] => "reserved data object",
            [26..=51, 0] | [80..=99, 0] => "globally unique identifier (GUI)",
            [26..=51, 1] => "Pix key",
            [26..=51, 2] => "additional information",
            [26..=51, 3] => "FSS (withdrawal service provider ISPB)",
            [26..=51, 25] | [80..=99, 25] => "location URL",
            [62, 5] => "reference label (txid)",
            [62, _] => "additional data field",
            [64, 0] => "language preference",
            [64, 1] => "alternate merchant name",
            [64, 2] => "alternate merchant city",
            [_, _] => "template field",
            _ => "data object",
        }
    }
}

impl fmt::Display for TagPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ids() {
            [] => f.write_str("payload"),
            [id] => write!(f, "{id:02}"),
            [parent, id, ..] => write!(f, "{parent:02}.{id:02}"),
        }
    }
}

impl fmt::Debug for TagPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TagPath({self})")
    }
}

/// Why an amount in field 54 (or handed to the builder) is not acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AmountError {
    /// Something other than digits and one decimal point.
    #[error("an amount is digits with an optional decimal point, such as 150.00")]
    NotDecimal,
    /// More than two digits after the point.
    #[error("an amount has at most two decimals")]
    TooManyDecimals,
    /// More than 13 characters in its written form.
    #[error("an amount is at most 13 characters long")]
    TooLong,
    /// Zero or negative (refused by the builder; the decoder accepts a written zero).
    #[error("an amount must be at least 0.01")]
    NotPositive,
}

/// Why a location URL (template field 25) is not acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UrlError {
    /// The manual wants the URL without `https://`; the payer's app adds it.
    #[error("a location URL is written without a scheme (no https://)")]
    Scheme,
    /// Spaces or control characters.
    #[error("a location URL has no white space or control characters")]
    Whitespace,
    /// The host part has no dot (`localhost/...`), so it cannot be a public HTTPS host.
    #[error("a location URL starts with a host name that has a dot, such as pix.example.com/...")]
    Host,
}

/// One rule of the BR Code, EMV or Pix standards that a payload or a value breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Nothing to decode.
    #[error("the payload is empty")]
    Empty,
    /// A data object does not start with two decimal digits.
    #[error("a data object ID is two decimal digits")]
    InvalidId,
    /// The two characters after an ID are not decimal digits.
    #[error("a data object length is two decimal digits")]
    InvalidLength,
    /// A length of `00`: EMV values have one to 99 characters.
    #[error("a data object length is 01 to 99; found 00")]
    ZeroLength,
    /// The value is shorter than its declared length: the payload is cut or a length is wrong.
    #[error("the value should have {declared} characters but only {available} remain")]
    Truncated {
        /// The length the data object declares.
        declared: usize,
        /// The characters that remain in the payload or template.
        available: usize,
    },
    /// The payload does not begin with the payload format indicator `000201`.
    #[error("a payload begins with the payload format indicator 000201")]
    PayloadFormat,
    /// A data object appears twice in the same template.
    #[error("this data object appears twice")]
    Duplicate,
    /// Field 63 is not the last data object.
    #[error("the CRC (63) is the last data object; {trailing} characters follow it")]
    CrcNotLast {
        /// How many characters follow the CRC.
        trailing: usize,
    },
    /// The CRC is not four hexadecimal digits.
    #[error("the CRC (63) is four hexadecimal digits, such as 6304A1B2")]
    CrcFormat,
    /// The CRC does not match the payload: it was damaged or edited after the CRC was computed.
    #[error("CRC mismatch: the payload says {found:04X}, its content gives {computed:04X}")]
    CrcMismatch {
        /// The CRC written in the payload.
        found: u16,
        /// The CRC-16/CCITT-FALSE of the payload up to and including `6304`.
        computed: u16,
    },
    /// A mandatory data object is absent.
    #[error("this mandatory data object is missing")]
    Missing,
    /// No merchant account template carries the Pix GUI: an EMV code of another scheme.
    #[error("not a Pix code: no merchant account template (26-51) carries the GUI br.gov.bcb.pix")]
    NotPix,
    /// The point of initiation method is not `11` (static) or `12` (dynamic).
    #[error("the point of initiation method is 11 (static) or 12 (dynamic)")]
    PointOfInitiation,
    /// Pix codes are in reais.
    #[error("a Pix code's currency is 986 (BRL)")]
    Currency,
    /// Pix codes are Brazilian.
    #[error("a Pix code's country code is BR")]
    Country,
    /// The merchant category code is not four digits.
    #[error("a merchant category code is four digits (0000 when none)")]
    CategoryCode,
    /// A bad amount.
    #[error(transparent)]
    Amount(#[from] AmountError),
    /// A value longer than the standard allows, counted in characters.
    #[error("{found} characters where at most {max} are allowed")]
    TooLong {
        /// The limit.
        max: usize,
        /// The characters found.
        found: usize,
    },
    /// An empty value where one is required.
    #[error("the value is empty")]
    EmptyValue,
    /// A character the field does not take.
    #[error("character {character:?} at position {position} is not allowed here{}", .hint.map(|h| format!(" ({h})")).unwrap_or_default())]
    Character {
        /// The offending character.
        character: char,
        /// Its position in the value, counted in characters from 0.
        position: usize,
        /// What the field accepts, when there is something useful to say.
        hint: Option<&'static str>,
    },
    /// The Pix merchant account carries both a key (01) and a location URL (25).
    #[error("a Pix merchant account carries a key (01) or a location URL (25), not both")]
    KeyAndUrl,
    /// The Pix merchant account carries neither a key nor a location URL, and no recurrence template does.
    #[error("a Pix merchant account carries a key (01) or a location URL (25)")]
    NoKeyOrUrl,
    /// A bad location URL.
    #[error(transparent)]
    Url(#[from] UrlError),
    /// A field of static codes given to a dynamic one (builder only).
    #[error(
        "only a static code (with a key) carries this field; a dynamic code's charge, served at its location, does"
    )]
    StaticOnly,
    /// An ISPB (the FSS of Pix Saque and Pix Troco) that is not 8 digits or upper-case letters.
    #[error("an ISPB is 8 digits or upper-case letters, such as 00000000")]
    Ispb,
    /// A bad Pix key (builder only: the decoder reports the key as found, see `PixAccount::key`).
    #[error(transparent)]
    Key(#[from] PixKeyError),
    /// A template (26-51, 62, 80-99) would exceed 99 characters.
    #[error("the template would be {found} characters long; a template holds at most 99")]
    TemplateTooLong {
        /// The length the template would have.
        found: usize,
    },
    /// The whole payload is over the EMV limit of 512 bytes.
    #[error("the payload is {found} bytes long; EMV allows at most 512")]
    PayloadTooLong {
        /// The payload's length in bytes (UTF-8).
        found: usize,
    },
    /// A data object ID outside the range a field accepts (builder only).
    #[error("ID {id:02} is outside {range}")]
    IdOutOfRange {
        /// The ID given.
        id: u8,
        /// The range accepted.
        range: &'static str,
    },
}

/// A payload that is not a valid BR Code, with where and why.
///
/// `offset` is the byte offset in the payload of the first character at fault (the ID for a
/// structural problem, the value for a value problem); `path` names the data object.
///
/// ```
/// let err = brcode_pix::decode("00020126").unwrap_err();
/// // Field 26 ends where its length should be.
/// assert_eq!(err.path().to_string(), "26");
/// assert_eq!(err.offset(), 8);
/// assert_eq!(err.kind(), &brcode_pix::ErrorKind::InvalidLength);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    offset: usize,
    path: TagPath,
    kind: ErrorKind,
}

impl DecodeError {
    pub(crate) fn new(offset: usize, path: TagPath, kind: impl Into<ErrorKind>) -> Self {
        DecodeError { offset, path, kind: kind.into() }
    }

    /// Byte offset in the payload of the first character at fault.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The data object at fault.
    pub fn path(&self) -> TagPath {
        self.path
    }

    /// The rule broken.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path == TagPath::PAYLOAD {
            write!(f, "at byte {}: {}", self.offset, self.kind)
        } else {
            write!(f, "{} {} at byte {}: {}", self.path.name(), self.path, self.offset, self.kind)
        }
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.kind.source()
    }
}

/// A value the builder refuses, naming the field.
///
/// ```
/// use brcode_pix::BrCode;
/// let err = BrCode::builder()
///     .key("+5561912345678")
///     .merchant_name("A merchant name that goes on and on")
///     .merchant_city("BRASILIA")
///     .build()
///     .unwrap_err();
/// assert_eq!(err.path().to_string(), "59");
/// assert_eq!(err.to_string(), "merchant name 59: 35 characters where at most 25 are allowed");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError {
    path: TagPath,
    kind: ErrorKind,
}

impl EncodeError {
    pub(crate) fn new(path: TagPath, kind: impl Into<ErrorKind>) -> Self {
        EncodeError { path, kind: kind.into() }
    }

    /// The field at fault.
    pub fn path(&self) -> TagPath {
        self.path
    }

    /// The rule broken.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path == TagPath::PAYLOAD {
            write!(f, "{}", self.kind)
        } else {
            write!(f, "{} {}: {}", self.path.name(), self.path, self.kind)
        }
    }
}

impl std::error::Error for EncodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.kind.source()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_display_as_the_manual_names_them() {
        assert_eq!(TagPath::PAYLOAD.to_string(), "payload");
        assert_eq!(TagPath::top(5).to_string(), "05");
        assert_eq!(TagPath::nested(62, 5).to_string(), "62.05");
        assert_eq!(TagPath::top(26).child(25), TagPath::nested(26, 25));
        assert_eq!(TagPath::nested(62, 5).name(), "reference label (txid)");
        assert_eq!(TagPath::top(63).name(), "CRC");
    }

    #[test]
    fn decode_error_message_names_field_offset_and_rule() {
        let e = DecodeError::new(118, TagPath::top(59), ErrorKind::TooLong { max: 25, found: 28 });
        assert_eq!(e.to_string(), "merchant name 59 at byte 118: 28 characters where at most 25 are allowed");
    }
}
