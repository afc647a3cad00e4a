//! Values that are checked once, when they enter, and cannot hold anything invalid after.

use std::fmt;

use brcode_pix::{PixKey, PixKeyKind};
use rand::Rng;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A participant's ISPB: the 8 digits that identify it in the SPI.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Ispb(String);

impl Ispb {
    /// Accepts exactly 8 ASCII digits.
    ///
    /// ```
    /// use settlement_core::Ispb;
    /// assert!(Ispb::parse("60701190").is_ok());
    /// assert!(Ispb::parse("6070119").is_err());
    /// ```
    pub fn parse(value: &str) -> Result<Self, &'static str> {
        if value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Ispb(value.to_owned()))
        } else {
            Err("must be exactly 8 digits")
        }
    }

    /// The 8 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A CPF (11 digits) or CNPJ (14 characters), check digits verified.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Document(String);

impl Document {
    /// Accepts a CPF or CNPJ written without punctuation, with correct check digits.
    ///
    /// ```
    /// use settlement_core::Document;
    /// assert!(Document::parse("12345678909").is_ok());
    /// assert!(Document::parse("11222333000181").is_ok());
    /// assert!(Document::parse("12345678901").is_err()); // wrong check digits
    /// ```
    pub fn parse(value: &str) -> Result<Self, String> {
        match PixKey::parse(value) {
            Ok(key) if matches!(key.kind(), PixKeyKind::Cpf | PixKeyKind::Cnpj) => Ok(Document(value.to_owned())),
            Err(error @ (brcode_pix::PixKeyError::CpfCheckDigits | brcode_pix::PixKeyError::CnpjCheckDigits)) => {
                Err(format!("must be a valid CPF or CNPJ ({error})"))
            }
            _ => Err("must be a CPF (11 digits) or a CNPJ (14 characters) with valid check digits".to_owned()),
        }
    }

    /// The document as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The kinds of account the SPI knows (ISO 20022 codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum AccountType {
    /// Conta corrente (current account).
    Cacc,
    /// Conta poupança (savings).
    Svgs,
    /// Conta salário (salary).
    Slry,
    /// Conta de pagamento (payment account).
    Tran,
}

impl AccountType {
    /// Reads the ISO code (`CACC`, `SVGS`, `SLRY`, `TRAN`).
    pub fn parse(value: &str) -> Result<Self, &'static str> {
        match value {
            "CACC" => Ok(AccountType::Cacc),
            "SVGS" => Ok(AccountType::Svgs),
            "SLRY" => Ok(AccountType::Slry),
            "TRAN" => Ok(AccountType::Tran),
            _ => Err("must be one of CACC, SVGS, SLRY, TRAN"),
        }
    }

    /// The ISO code.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountType::Cacc => "CACC",
            AccountType::Svgs => "SVGS",
            AccountType::Slry => "SLRY",
            AccountType::Tran => "TRAN",
        }
    }
}

/// An end-to-end id: `E`, the ISPB of the payer's institution, `yyyyMMddHHmm` (UTC), then up to
/// 11 alphanumerics (the Central Bank's form has exactly 11, 32 characters in all; the API
/// document's examples are shorter, and are accepted too).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct EndToEndId(String);

impl EndToEndId {
    /// Checks the form.
    ///
    /// ```
    /// use settlement_core::EndToEndId;
    /// assert!(EndToEndId::parse("E99999010202611221530ABCDE12345F").is_ok());
    /// assert!(EndToEndId::parse("E1234567820260124103000000001").is_ok());
    /// assert!(EndToEndId::parse("E12345678202613241030ABC").is_err()); // month 13
    /// ```
    pub fn parse(value: &str) -> Result<Self, &'static str> {
        const RULE: &str = "must be E, an 8-digit ISPB, a yyyyMMddHHmm time and 1 to 11 letters or digits";
        let bytes = value.as_bytes();
        if !(22..=32).contains(&bytes.len()) || bytes[0] != b'E' {
            return Err(RULE);
        }
        let (ispb_and_time, rest) = (&bytes[1..21], &bytes[21..]);
        if !ispb_and_time.iter().all(u8::is_ascii_digit) || !rest.iter().all(u8::is_ascii_alphanumeric) {
            return Err(RULE);
        }
        let number =
            |range: std::ops::Range<usize>| -> u32 { bytes[range].iter().fold(0, |n, b| n * 10 + u32::from(b - b'0')) };
        let (year, month, day, hour, minute) =
            (number(9..13), number(13..15), number(15..17), number(17..19), number(19..21));
        let date = u8::try_from(month)
            .ok()
            .and_then(|m| time::Month::try_from(m).ok())
            .and_then(|m| time::Date::from_calendar_date(year as i32, m, day as u8).ok());
        if date.is_none() || hour > 23 || minute > 59 {
            return Err("must carry a valid yyyyMMddHHmm time at positions 10-21");
        }
        Ok(EndToEndId(value.to_owned()))
    }

    /// A new id in the Central Bank's 32-character form, for a payment from `ispb` at `at`.
    pub fn generate(ispb: &Ispb, at: OffsetDateTime) -> Self {
        EndToEndId(spi_id('E', ispb, at))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The SPI's 32-character form shared by end-to-end ids (`E`) and refunds' return ids (`D`):
/// the prefix, the ISPB of the institution that sends the money, the UTC time as `yyyyMMddHHmm`,
/// and 11 random letters and digits.
fn spi_id(prefix: char, ispb: &Ispb, at: OffsetDateTime) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = rand::rng();
    let suffix: String = (0..11).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect();
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{prefix}{}{:04}{:02}{:02}{:02}{:02}{suffix}",
        ispb.as_str(),
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
}

/// A new return id (`rtrId`) for a refund that the institution `ispb` sends back at `at`: `D`
/// and the end-to-end id's form.
///
/// ```
/// use settlement_core::Ispb;
/// use settlement_core::types::return_id;
/// let id = return_id(&Ispb::parse("87654321").unwrap(), time::macros::datetime!(2026-01-24 10:30 UTC));
/// assert!(id.starts_with("D8765432120260124103") && id.len() == 32);
/// assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
/// ```
pub fn return_id(ispb: &Ispb, at: OffsetDateTime) -> String {
    spi_id('D', ispb, at)
}

impl fmt::Display for EndToEndId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_end_to_end_ids_have_the_central_banks_form() {
        let ispb = Ispb::parse("12345678").unwrap();
        let at = crate::time_format::parse("2026-01-24T10:30:59Z").unwrap();
        let id = EndToEndId::generate(&ispb, at);
        assert_eq!(id.as_str().len(), 32);
        assert!(id.as_str().starts_with("E12345678202601241030"), "{id}");
        assert_eq!(EndToEndId::parse(id.as_str()), Ok(id.clone()));
        assert_ne!(EndToEndId::generate(&ispb, at), id);
    }

    #[test]
    fn end_to_end_ids_are_checked() {
        for bad in [
            "",
            "E123",
            "X1234567820260124103000000001",
            "E1234567820260124103000000001-",
            "E1234567820260124246000000001",
            "E123456782026012410300000000123456",
        ] {
            assert!(EndToEndId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn documents_and_ispbs() {
        assert!(Document::parse("98765432100").is_ok());
        assert!(Document::parse("+5561912345678").is_err());
        assert!(Document::parse("11111111111").is_err());
        assert!(Ispb::parse("1234567a").is_err());
        assert_eq!(AccountType::parse("SLRY"), Ok(AccountType::Slry));
        assert!(AccountType::parse("cacc").is_err());
    }
}
