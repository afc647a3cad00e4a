//! Writing a [`BrCode`] as a payload: fields in ascending ID order, lengths in characters, the
//! CRC last. A `BrCode` is valid by construction, so writing cannot fail.

use crate::code::{BrCode, Field, PixAccount};
use crate::crc;
use crate::error::{EncodeError, ErrorKind, TagPath};
use crate::tlv::char_len;

/// Writes one data object.
pub(crate) fn put(out: &mut String, id: u8, value: &str) {
    put_header(out, id, char_len(value));
    out.push_str(value);
}

/// `00` to `99`, to write a header with two string pushes.
const TWO_DIGITS: &str = "00010203040506070809101112131415161718192021222324252627282930313233343536373839\
                          40414243444546474849505152535455565758596061626364656667686970717273747576777879\
                          8081828384858687888990919293949596979899";

fn two_digits(n: usize) -> &'static str {
    let at = 2 * (n % 100);
    TWO_DIGITS.get(at..at + 2).unwrap_or("00")
}

fn put_header(out: &mut String, id: u8, len: usize) {
    debug_assert!(id <= 99 && (1..=99).contains(&len), "id {id} len {len}");
    out.push_str(two_digits(usize::from(id)));
    out.push_str(two_digits(len));
}

/// Checks that `value` fits one data object: 1 to 99 characters.
pub(crate) fn check_value_len(value: &str, path: TagPath) -> Result<(), EncodeError> {
    match char_len(value) {
        0 => Err(EncodeError::new(path, ErrorKind::EmptyValue)),
        1..=99 => Ok(()),
        found => Err(EncodeError::new(path, ErrorKind::TooLong { max: 99, found })),
    }
}

/// The written length of one data object holding `value`.
fn object_len(value: &str) -> usize {
    4 + char_len(value)
}

/// Writes the Pix merchant account template.
fn put_pix(out: &mut String, pix: &PixAccount<'_>) {
    let known = [
        (0, Some(pix.gui.as_ref())),
        (1, pix.key.as_deref()),
        (2, pix.info.as_deref()),
        (3, pix.fss.as_deref()),
        (25, pix.url.as_deref()),
    ];
    put_template(out, pix.id, &known, &pix.other);
}

/// Merges fields known by name with other fields, both in ascending ID order.
fn merge<'s>(
    known: impl Iterator<Item = (u8, &'s str)>,
    other: &'s [Field<'_>],
) -> impl Iterator<Item = (u8, &'s str)> {
    let mut known = known.peekable();
    let mut other = other.iter().map(|f| (f.id, f.value.as_ref())).peekable();
    std::iter::from_fn(move || match (known.peek(), other.peek()) {
        (Some(k), Some(o)) if o.0 < k.0 => other.next(),
        (Some(_), _) => known.next(),
        (None, _) => other.next(),
    })
}

/// Writes a template from its subfields: the fields known by name, in ID order, merged with
/// the `other` fields.
fn put_template(out: &mut String, id: u8, known: &[(u8, Option<&str>)], other: &[Field<'_>]) {
    let known = known.iter().filter_map(|&(sub, value)| value.map(|v| (sub, v)));
    let len = known.clone().map(|(_, v)| object_len(v)).sum::<usize>()
        + other.iter().map(|f| object_len(&f.value)).sum::<usize>();
    put_header(out, id, len);
    for (sub, value) in merge(known, other) {
        put(out, sub, value);
    }
}

impl BrCode<'_> {
    /// Writes the payload, CRC included.
    ///
    /// A decoded canonical payload (fields in ascending ID order, upper-case CRC) is written back
    /// byte for byte, amount decimals and GUI case included.
    ///
    /// ```
    /// let payload = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
    /// assert_eq!(brcode_pix::decode(payload).unwrap().encode(), payload);
    /// ```
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(256);
        let others =
            |range: std::ops::RangeInclusive<u8>| self.other_fields.iter().filter(move |f| range.contains(&f.id));
        put(&mut out, 0, "01");
        if let Some(poi) = self.point_of_initiation {
            put(&mut out, 1, poi.as_str());
        }
        for field in others(2..=25) {
            put(&mut out, field.id, &field.value);
        }
        let mut pix_written = false;
        for account in &self.merchant_accounts {
            if !pix_written && self.pix.id < account.id() {
                put_pix(&mut out, &self.pix);
                pix_written = true;
            }
            put(&mut out, account.id(), account.value());
        }
        if !pix_written {
            put_pix(&mut out, &self.pix);
        }
        put(&mut out, 52, &self.merchant_category_code);
        put(&mut out, 53, &self.currency);
        if let Some(amount) = &self.amount {
            put(&mut out, 54, amount);
        }
        for field in others(55..=57) {
            put(&mut out, field.id, &field.value);
        }
        put(&mut out, 58, &self.country_code);
        put(&mut out, 59, &self.merchant_name);
        put(&mut out, 60, &self.merchant_city);
        if let Some(postal_code) = &self.postal_code {
            put(&mut out, 61, postal_code);
        }
        if let Some(data) = &self.additional_data {
            put_template(&mut out, 62, &[(5, data.txid.as_deref())], &data.other);
        }
        if let Some(language) = &self.language_template {
            put(&mut out, 64, language.value());
        }
        for field in others(65..=79) {
            put(&mut out, field.id, &field.value);
        }
        for template in &self.unreserved_templates {
            put(&mut out, template.id(), template.value());
        }
        out.push_str("6304");
        let crc = crc::to_hex(crc::crc16(out.as_bytes()));
        out.push_str(std::str::from_utf8(&crc).unwrap_or("0000"));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_digit_table_is_complete() {
        for n in 0..100 {
            assert_eq!(two_digits(n), format!("{n:02}"));
        }
    }

    #[test]
    fn writes_lengths_in_characters() {
        let mut out = String::new();
        put(&mut out, 60, "BRASÍLIA");
        assert_eq!(out, "6008BRASÍLIA");
    }

    #[test]
    fn merges_known_and_other_fields_in_id_order() {
        let other = [Field { id: 1, value: "a".into() }, Field { id: 50, value: "b".into() }];
        let merged: Vec<_> = merge([(5, "***")].into_iter(), &other).collect();
        assert_eq!(merged, [(1, "a"), (5, "***"), (50, "b")]);
    }
}
