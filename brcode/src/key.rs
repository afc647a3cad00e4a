//! Pix keys (chaves Pix) as the DICT registers them.
//!
//! | kind | form | example |
//! |---|---|---|
//! | CPF | 11 digits, check digits valid | `12345678909` |
//! | CNPJ | 14 characters: 12 digits or upper-case letters, then 2 check digits (the alphanumeric CNPJ of IN RFB 2229/2024 included) | `11222333000181`, `12ABC34501DE35` |
//! | e-mail | at most 77 characters, lower case, `local@domain` | `fulano@example.com` |
//! | phone | `+55`, then 10 or 11 digits (area code and number) | `+5561912345678` |
//! | random (EVP) | a UUID, lower-case hexadecimal with hyphens | `123e4567-e12b-12d1-a456-426655440000` |
//!
//! Keys are taken as the DICT stores them: nothing is trimmed, punctuated or re-cased, so a key
//! that parses is the key to send. A value that fits none of the forms is refused with the reason
//! of the form it looked like.

use std::borrow::Cow;
use std::fmt;

/// The longest key the DICT holds (an e-mail key), and the room field 26-01 leaves.
pub const MAX_KEY_LEN: usize = 77;

/// The five kinds of Pix key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize), serde(rename_all = "SCREAMING_SNAKE_CASE"))]
pub enum PixKeyKind {
    /// A person's CPF, 11 digits.
    Cpf,
    /// A company's CNPJ, 14 characters.
    Cnpj,
    /// An e-mail address.
    Email,
    /// A Brazilian phone number in E.164 form.
    Phone,
    /// A random key (EVP, *endereço virtual de pagamento*), a UUID.
    Random,
}

/// Why a value is not a Pix key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PixKeyError {
    /// Nothing given.
    #[error("a Pix key is not empty")]
    Empty,
    /// 11 digits whose check digits are wrong.
    #[error("not a valid CPF: the check digits do not match")]
    CpfCheckDigits,
    /// 14 characters whose check digits are wrong.
    #[error("not a valid CNPJ: the check digits do not match")]
    CnpjCheckDigits,
    /// A CPF or CNPJ of one repeated digit, which passes the check digits but is never issued.
    #[error("not a valid {0}: a number of one repeated digit is never issued")]
    RepeatedDigits(&'static str),
    /// Dots, slashes or hyphens in a CPF or CNPJ.
    #[error("a CPF or CNPJ key is written without punctuation, such as 12345678909")]
    Punctuation,
    /// An e-mail over 77 characters.
    #[error("an e-mail key has at most 77 characters; this one has {0}")]
    EmailTooLong(usize),
    /// An e-mail with upper-case letters.
    #[error("an e-mail key is lower case, as the DICT stores it")]
    EmailCase,
    /// An e-mail that is not `local@domain.tld`.
    #[error("not a valid e-mail key: {0}")]
    Email(&'static str),
    /// A phone not in `+55` + area code + number form.
    #[error("a phone key is +55 followed by a two-digit area code and an 8- or 9-digit number, such as +5561912345678")]
    Phone,
    /// Something that looks like a UUID but is not one in the DICT's form.
    #[error("a random key is a UUID in lower-case hexadecimal, such as 123e4567-e12b-12d1-a456-426655440000")]
    Random,
    /// None of the five forms.
    #[error(
        "not a Pix key: expected a CPF (11 digits), a CNPJ (14 characters), an e-mail, a phone (+55...) or a random key (UUID)"
    )]
    Unrecognized,
}

/// A valid Pix key and its kind.
///
/// ```
/// use brcode_pix::{PixKey, PixKeyKind, PixKeyError};
///
/// assert_eq!(PixKey::parse("+5561912345678").unwrap().kind(), PixKeyKind::Phone);
/// assert_eq!(PixKey::parse("12345678909").unwrap().kind(), PixKeyKind::Cpf);
/// assert_eq!(PixKey::parse("12345678901"), Err(PixKeyError::CpfCheckDigits));
/// assert_eq!(PixKey::parse("Fulano@Example.com"), Err(PixKeyError::EmailCase));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PixKey<'a> {
    kind: PixKeyKind,
    key: Cow<'a, str>,
}

impl<'a> PixKey<'a> {
    /// Classifies and validates `key`.
    pub fn parse(key: impl Into<Cow<'a, str>>) -> Result<Self, PixKeyError> {
        let key = key.into();
        let kind = classify(&key)?;
        Ok(PixKey { kind, key })
    }

    /// Which of the five kinds this key is.
    pub fn kind(&self) -> PixKeyKind {
        self.kind
    }

    /// The key as the DICT stores it.
    pub fn as_str(&self) -> &str {
        &self.key
    }

    /// The same key, owning its text.
    pub fn into_owned(self) -> PixKey<'static> {
        PixKey { kind: self.kind, key: Cow::Owned(self.key.into_owned()) }
    }
}

impl fmt::Display for PixKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key)
    }
}

fn classify(key: &str) -> Result<PixKeyKind, PixKeyError> {
    let bytes = key.as_bytes();
    if key.is_empty() {
        return Err(PixKeyError::Empty);
    }
    if key.contains('@') {
        return check_email(key).map(|()| PixKeyKind::Email);
    }
    if let Some(number) = key.strip_prefix('+') {
        return check_phone(number).map(|()| PixKeyKind::Phone);
    }
    if bytes.len() == 36 && bytes.iter().filter(|&&b| b == b'-').count() == 4 {
        return check_uuid(bytes).map(|()| PixKeyKind::Random);
    }
    if bytes.iter().all(u8::is_ascii_digit) && bytes.len() == 11 {
        return check_cpf(bytes).map(|()| PixKeyKind::Cpf);
    }
    if bytes.len() == 14 && bytes.iter().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) {
        return check_cnpj(bytes).map(|()| PixKeyKind::Cnpj);
    }
    let digits = bytes.iter().filter(|b| b.is_ascii_digit()).count();
    if (digits == 11 || digits == 14) && bytes.iter().all(|&b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'/')) {
        return Err(PixKeyError::Punctuation);
    }
    Err(PixKeyError::Unrecognized)
}

/// Modulo-11 check digit over `values` with `weights`, as the Receita Federal computes them.
fn check_digit(values: impl Iterator<Item = u32>, weights: impl Iterator<Item = u32>) -> u32 {
    let sum: u32 = values.zip(weights).map(|(v, w)| v * w).sum();
    match sum % 11 {
        0 | 1 => 0,
        rest => 11 - rest,
    }
}

fn repeated(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| b == bytes[0])
}

/// Check digits of a CPF: weights 10..2 for the first, 11..2 for the second.
pub(crate) fn cpf_is_valid(bytes: &[u8]) -> bool {
    let value = |b: &u8| u32::from(b - b'0');
    bytes.len() == 11
        && bytes.iter().all(u8::is_ascii_digit)
        && (0..2).all(|i| {
            let body = &bytes[..9 + i];
            let weights = (2..=(10 + i as u32)).rev();
            check_digit(body.iter().map(value), weights) == value(&bytes[9 + i])
        })
}

/// Check digits of a CNPJ, numeric or alphanumeric: each character counts as its ASCII code
/// minus 48 (so digits keep their value and `A` is 17), weights 2..9 repeating from the right.
pub(crate) fn cnpj_is_valid(bytes: &[u8]) -> bool {
    let value = |b: &u8| u32::from(b - b'0');
    bytes.len() == 14
        && bytes[..12].iter().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        && bytes[12..].iter().all(u8::is_ascii_digit)
        && (0..2).all(|i| {
            let body = &bytes[..12 + i];
            let weights = (0..body.len() as u32).rev().map(|k| 2 + k % 8);
            check_digit(body.iter().map(value), weights) == value(&bytes[12 + i])
        })
}

fn check_cpf(bytes: &[u8]) -> Result<(), PixKeyError> {
    if repeated(bytes) {
        return Err(PixKeyError::RepeatedDigits("CPF"));
    }
    if cpf_is_valid(bytes) { Ok(()) } else { Err(PixKeyError::CpfCheckDigits) }
}

fn check_cnpj(bytes: &[u8]) -> Result<(), PixKeyError> {
    if repeated(bytes) {
        return Err(PixKeyError::RepeatedDigits("CNPJ"));
    }
    if cnpj_is_valid(bytes) { Ok(()) } else { Err(PixKeyError::CnpjCheckDigits) }
}

fn check_email(key: &str) -> Result<(), PixKeyError> {
    let len = key.chars().count();
    if len > MAX_KEY_LEN {
        return Err(PixKeyError::EmailTooLong(len));
    }
    if key.chars().any(char::is_uppercase) {
        return Err(PixKeyError::EmailCase);
    }
    let Some((local, domain)) = key.split_once('@') else {
        return Err(PixKeyError::Email("no @"));
    };
    if local.is_empty() {
        return Err(PixKeyError::Email("nothing before the @"));
    }
    if domain.contains('@') {
        return Err(PixKeyError::Email("more than one @"));
    }
    // The DICT's pattern: the usual atext characters before the @.
    let local_ok = |c: char| c.is_ascii_alphanumeric() || ".!#$&'*+/=?^_`{|}~-".contains(c);
    if !local.chars().all(local_ok) {
        return Err(PixKeyError::Email("a character outside letters, digits and .!#$&'*+/=?^_`{|}~- before the @"));
    }
    let labels_ok = domain.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    });
    if !domain.contains('.') || !labels_ok {
        return Err(PixKeyError::Email("the domain is not a host name such as example.com"));
    }
    Ok(())
}

fn check_phone(number: &str) -> Result<(), PixKeyError> {
    let digits = number.as_bytes();
    let well_formed = digits.iter().all(u8::is_ascii_digit)
        && digits.starts_with(b"55")
        && matches!(digits.len(), 12 | 13)
        // Area codes run from 11 to 99: neither digit is 0.
        && digits[2] != b'0'
        && digits[3] != b'0';
    if well_formed { Ok(()) } else { Err(PixKeyError::Phone) }
}

fn check_uuid(bytes: &[u8]) -> Result<(), PixKeyError> {
    let ok = bytes.iter().enumerate().all(|(i, &b)| match i {
        8 | 13 | 18 | 23 => b == b'-',
        _ => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
    });
    if ok { Ok(()) } else { Err(PixKeyError::Random) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(key: &str) -> Result<PixKeyKind, PixKeyError> {
        PixKey::parse(key).map(|k| k.kind())
    }

    #[test]
    fn cpf() {
        assert_eq!(kind("12345678909"), Ok(PixKeyKind::Cpf));
        assert_eq!(kind("52998224725"), Ok(PixKeyKind::Cpf));
        // The API document's example CPF fails its check digits.
        assert_eq!(kind("12345678901"), Err(PixKeyError::CpfCheckDigits));
        assert_eq!(kind("11111111111"), Err(PixKeyError::RepeatedDigits("CPF")));
        assert_eq!(kind("123.456.789-09"), Err(PixKeyError::Punctuation));
    }

    #[test]
    fn cnpj_numeric_and_alphanumeric() {
        assert_eq!(kind("11222333000181"), Ok(PixKeyKind::Cnpj));
        // The Receita Federal's alphanumeric example.
        assert_eq!(kind("12ABC34501DE35"), Ok(PixKeyKind::Cnpj));
        assert_eq!(kind("12ABC34501DE36"), Err(PixKeyError::CnpjCheckDigits));
        assert_eq!(kind("11222333000182"), Err(PixKeyError::CnpjCheckDigits));
        assert_eq!(kind("00000000000000"), Err(PixKeyError::RepeatedDigits("CNPJ")));
        assert_eq!(kind("11.222.333/0001-81"), Err(PixKeyError::Punctuation));
        assert_eq!(kind("12abc34501de35"), Err(PixKeyError::Unrecognized));
    }

    #[test]
    fn email() {
        assert_eq!(kind("fulano@example.com"), Ok(PixKeyKind::Email));
        assert_eq!(kind("a.b+pix@sub.example.com.br"), Ok(PixKeyKind::Email));
        assert_eq!(kind("Fulano@example.com"), Err(PixKeyError::EmailCase));
        let long = format!("{}@example.com", "a".repeat(66));
        assert_eq!(kind(&long), Err(PixKeyError::EmailTooLong(78)));
        assert!(matches!(kind("fulano@localhost"), Err(PixKeyError::Email(_))));
        assert!(matches!(kind("@example.com"), Err(PixKeyError::Email(_))));
        assert!(matches!(kind("a@b@example.com"), Err(PixKeyError::Email(_))));
        assert!(matches!(kind("fulano silva@example.com"), Err(PixKeyError::Email(_))));
        assert!(matches!(kind("fulano@-example.com"), Err(PixKeyError::Email(_))));
    }

    #[test]
    fn phone() {
        assert_eq!(kind("+5561912345678"), Ok(PixKeyKind::Phone));
        assert_eq!(kind("+556132345678"), Ok(PixKeyKind::Phone));
        for bad in ["+55619123456789", "+55611234567", "+14155552671", "+5501912345678", "+55 61 91234-5678", "+"] {
            assert_eq!(kind(bad), Err(PixKeyError::Phone), "{bad}");
        }
    }

    #[test]
    fn random_key() {
        assert_eq!(kind("123e4567-e12b-12d1-a456-426655440000"), Ok(PixKeyKind::Random));
        assert_eq!(kind("123E4567-E12B-12D1-A456-426655440000"), Err(PixKeyError::Random));
        assert_eq!(kind("123e4567-e12b-12d1-a456-42665544000g"), Err(PixKeyError::Random));
        assert_eq!(kind("123e4567e12b-12d1-a456-426655440000-"), Err(PixKeyError::Random));
    }

    #[test]
    fn other_values() {
        assert_eq!(kind(""), Err(PixKeyError::Empty));
        assert_eq!(kind("chave"), Err(PixKeyError::Unrecognized));
        assert_eq!(kind("1234567890"), Err(PixKeyError::Unrecognized));
    }
}
