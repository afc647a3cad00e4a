//! The generic EMV QRCPS merchant-presented layer, below Pix.
//!
//! [`Payload::parse`] checks what every EMV merchant-presented payload obeys, whatever its
//! scheme: well-formed data objects at every level, templates (26-51, 62, 64, 80-99) well-formed
//! inside, no ID twice in one template, the payload format indicator `000201` first, the CRC
//! last and matching. Codes of other countries and schemes parse here;
//! [`decode`](crate::decode) then refuses them with [`ErrorKind::NotPix`].
//!
//! ```
//! use brcode_pix::{emv::Payload, ErrorKind};
//!
//! // EMVCo's sample: a Chinese merchant, lengths counted in characters.
//! let payload = "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A";
//! let emv = Payload::parse(payload).unwrap();
//! assert_eq!(emv.get(58).map(|o| o.value), Some("CN"));
//! assert_eq!(brcode_pix::decode(payload).unwrap_err().kind(), &ErrorKind::NotPix);
//! ```

pub use crate::tlv::{DataObject, DataObjects};

use crate::crc;
use crate::error::{DecodeError, ErrorKind, TagPath};

/// Whether a top-level ID holds a template (nested data objects) rather than a plain value.
pub fn is_template(id: u8) -> bool {
    matches!(id, 26..=51 | 62 | 64 | 80..=99)
}

/// A set of IDs 0-99, to find duplicates without allocating.
#[derive(Default)]
struct Seen(u128);

impl Seen {
    /// Records `id`; false when it was already there.
    fn insert(&mut self, id: u8) -> bool {
        let bit = 1u128 << id;
        let fresh = self.0 & bit == 0;
        self.0 |= bit;
        fresh
    }
}

/// A structurally valid EMV merchant-presented payload, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payload<'a> {
    text: &'a str,
    crc: u16,
}

impl<'a> Payload<'a> {
    /// Checks the structure and the CRC of `text`.
    ///
    /// Errors come in this order: the first structural fault (at any depth), then a missing,
    /// misplaced or malformed CRC, then a CRC mismatch. A mismatch is reported before any
    /// problem of content, which the damage may have caused.
    pub fn parse(text: &'a str) -> Result<Self, DecodeError> {
        let crc = walk(text, &mut ())?;
        Ok(Payload { text, crc })
    }

    /// The whole payload.
    pub fn as_str(&self) -> &'a str {
        self.text
    }

    /// The CRC, found equal to the computed one.
    pub fn crc(&self) -> u16 {
        self.crc
    }

    /// The top-level data objects in payload order, the CRC last.
    pub fn data_objects(&self) -> impl Iterator<Item = DataObject<'a>> + use<'a> {
        // Parsing already walked these without error, so nothing is dropped here.
        DataObjects::new(self.text).map_while(Result::ok)
    }

    /// The top-level data object with this ID.
    pub fn get(&self, id: u8) -> Option<DataObject<'a>> {
        self.data_objects().find(|object| object.id == id)
    }
}

/// What a walk over a payload reports, data object by data object, as it checks the structure.
///
/// One walk serves both the generic check ([`Payload::parse`]) and the Pix decoder, so that a
/// decode reads each byte once.
pub(crate) trait Visitor<'a> {
    /// A top-level data object, before the objects inside it if it is a template.
    fn top(&mut self, object: DataObject<'a>);

    /// A data object inside the template `parent`.
    fn nested(&mut self, parent: u8, object: DataObject<'a>);
}

impl<'a> Visitor<'a> for () {
    fn top(&mut self, _: DataObject<'a>) {}

    fn nested(&mut self, _: u8, _: DataObject<'a>) {}
}

/// Walks `text` once, checking its EMV structure and CRC and reporting each data object to
/// `visitor`. Returns the CRC.
pub(crate) fn walk<'a>(text: &'a str, visitor: &mut impl Visitor<'a>) -> Result<u16, DecodeError> {
    if text.is_empty() {
        return Err(DecodeError::new(0, TagPath::PAYLOAD, ErrorKind::Empty));
    }
    let mut seen = Seen::default();
    let mut objects = DataObjects::new(text);
    let mut crc_object = None;
    while let Some(object) = objects.step() {
        let path = TagPath::top(object.id);
        if !seen.insert(object.id) {
            return Err(DecodeError::new(object.offset, path, ErrorKind::Duplicate));
        }
        if object.offset == 0 && (object.id != 0 || object.value != "01") {
            return Err(DecodeError::new(0, TagPath::top(0), ErrorKind::PayloadFormat));
        }
        visitor.top(object);
        if is_template(object.id) {
            let mut seen = Seen::default();
            let mut inners = DataObjects::within(&object, path);
            while let Some(inner) = inners.step() {
                if !seen.insert(inner.id) {
                    return Err(DecodeError::new(inner.offset, path.child(inner.id), ErrorKind::Duplicate));
                }
                visitor.nested(object.id, inner);
            }
            inners.finish()?;
        }
        if object.id == 63 {
            // A payload ends with its CRC: blame the CRC for whatever follows.
            let trailing = objects.remainder().len();
            if trailing > 0 {
                return Err(DecodeError::new(objects.offset(), path, ErrorKind::CrcNotLast { trailing }));
            }
            crc_object = Some(object);
        }
    }
    objects.finish()?;
    let Some(crc_object) = crc_object else {
        return Err(DecodeError::new(text.len(), TagPath::top(63), ErrorKind::Missing));
    };
    let at = crc_object.value_offset();
    let found =
        crc::from_hex(crc_object.value).ok_or_else(|| DecodeError::new(at, TagPath::top(63), ErrorKind::CrcFormat))?;
    let computed = crc::crc16(&text.as_bytes()[..at]);
    if found != computed {
        return Err(DecodeError::new(at, TagPath::top(63), ErrorKind::CrcMismatch { found, computed }));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BCB_STATIC: &str = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";

    fn err(text: &str) -> (usize, String, ErrorKind) {
        let e = Payload::parse(text).unwrap_err();
        (e.offset(), e.path().to_string(), e.kind().clone())
    }

    #[test]
    fn parses_the_manual_example() {
        let payload = Payload::parse(BCB_STATIC).unwrap();
        assert_eq!(payload.crc(), 0x1D3D);
        assert_eq!(payload.get(59).unwrap().value, "Fulano de Tal");
        assert_eq!(payload.data_objects().last().unwrap().id, 63);
    }

    #[test]
    fn lower_case_crc_is_accepted() {
        let lower = BCB_STATIC.replace("1D3D", "1d3d");
        assert!(Payload::parse(&lower).is_ok());
    }

    #[test]
    fn refuses_bad_crc_with_both_values() {
        let bad = BCB_STATIC.replace("1D3D", "1D3E");
        assert_eq!(err(&bad), (bad.len() - 4, "63".into(), ErrorKind::CrcMismatch { found: 0x1D3E, computed: 0x1D3D }));
    }

    #[test]
    fn refuses_crc_not_last_missing_or_malformed() {
        let trailing = format!("{BCB_STATIC}0102");
        assert_eq!(err(&trailing), (BCB_STATIC.len(), "63".into(), ErrorKind::CrcNotLast { trailing: 4 }));
        let garbage = format!("{BCB_STATIC}x");
        assert_eq!(err(&garbage), (BCB_STATIC.len(), "63".into(), ErrorKind::CrcNotLast { trailing: 1 }));
        let without = &BCB_STATIC[..BCB_STATIC.len() - 8];
        assert_eq!(err(without), (without.len(), "63".into(), ErrorKind::Missing));
        let three = BCB_STATIC.replace("63041D3D", "6303D3D");
        assert_eq!(err(&three), (three.len() - 3, "63".into(), ErrorKind::CrcFormat));
        let not_hex = BCB_STATIC.replace("1D3D", "1D3X");
        assert_eq!(err(&not_hex), (not_hex.len() - 4, "63".into(), ErrorKind::CrcFormat));
    }

    #[test]
    fn refuses_wrong_first_object_and_duplicates() {
        assert_eq!(err("0102126304ABCD"), (0, "00".into(), ErrorKind::PayloadFormat));
        assert_eq!(err("0002026304ABCD"), (0, "00".into(), ErrorKind::PayloadFormat));
        assert_eq!(err("00020152040000520400006304ABCD"), (14, "52".into(), ErrorKind::Duplicate));
        assert_eq!(err("00020126100101a0101b6304ABCD"), (15, "26.01".into(), ErrorKind::Duplicate));
        assert_eq!(err(""), (0, "payload".into(), ErrorKind::Empty));
    }

    #[test]
    fn refuses_malformed_templates() {
        // 62 declares 08 around "0503***" (7 characters): the template desynchronises.
        assert_eq!(err("00020162080503***X6304ABCD"), (17, "62".into(), ErrorKind::InvalidId));
    }
}
