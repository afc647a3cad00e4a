//! CNAB400: each bank's own 400-position layout (there is no FEBRABAN master).
//!
//! ```text
//! 0  header            (bank at 77-79, 2: 1 remessa, 2 retorno)
//! 1  detail            one per boleto (BB: also 7)
//! 2  Santander Pix     retorno, optional, after its detail (key or location, TXID)
//! 3  Itaú Pix          optional, after its detail (remessa: key and location; retorno: QR code)
//! 8  Santander Pix     remessa, optional, after its detail
//! 9  trailer
//! ```
//! Every record ends with its sequence number (395-400), from 000001.
//!
//! The bank of the header (77-79) chooses its [`BankProfile`]: the base layout and where the
//! bank departs from it. Remessas and retornos of every bank read, and write, as the profile's
//! [`Header`], [`Detail`] and [`Trailer`]; the Pix records, which no bank shares, have typed
//! layouts of their own.
//!
//! | bank | profile's source |
//! |---|---|
//! | 001 Banco do Brasil | CBR643 (types 1 and 7) |
//! | 004 Banco do Nordeste | laravel-boleto |
//! | 033 Santander | H7800 v2.17 |
//! | 041 Banrisul | brcobranca |
//! | 077 Inter | Inter's CNAB400 manual (2021) |
//! | 104 Caixa | SIGCB 67.126 v01 |
//! | 133 Cresol | laravel-boleto |
//! | 136 Unicred | brcobranca |
//! | 237 Bradesco | B400 v11 (the base) |
//! | 336 C6 | laravel-boleto, from C6's manual v2.7 |
//! | 341 Itaú | I400 |
//! | 745 Citibank | brcobranca |
//! | 748 Sicredi | Sicredi's CNAB400 manual (2019) |
//! | 756 Sicoob | laravel-boleto, br_boleto |

mod banks;
mod cobranca;
mod pix;
mod profile;
mod validate;

pub use banks::{BASE_HEADER, BASE_OCCURRENCES, BASE_REMESSA_DETAIL, BASE_RETORNO_DETAIL, BASE_RETORNO_TRAILER};
pub use cobranca::{Detail, Header, Trailer};
pub use pix::{ItauPixDetail, ItauPixRetornoDetail, SantanderPixDetail, SantanderPixRetornoDetail};
pub use profile::{BankProfile, Column, ColumnKind, Field, Measure, PixLayout, PixRecord, TrailerTotal, absent, col};
pub use validate::validate;

use crate::layout::{FieldError, WriteOptions};
use crate::reader::{Format, ReadErrorKind, ReadOptions};

/// Bradesco's COMPE code.
pub const BRADESCO: u64 = 237;
/// Itaú's COMPE code.
pub const ITAU: u64 = 341;
/// Santander's COMPE code.
pub const SANTANDER: u64 = 33;

/// Declares [`Record`] with one variant per layout (the typed layouts, whose every column is
/// declared, then the records of bank profiles), and the methods every variant answers the same
/// way, so that adding a layout is one line here.
macro_rules! records {
    (
        $($(#[$doc:meta])* $variant:ident($layout:ty),)*
        ;
        $($(#[$pdoc:meta])* $pvariant:ident($playout:ty),)*
    ) => {
        /// One CNAB400 record, typed.
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        // A profile's record keeps its 400-byte line, so it is the large variant: a reader yields
        // one record at a time, and boxing would allocate for each.
        #[allow(clippy::large_enum_variant)]
        pub enum Record {
            $($(#[$doc])* $variant($layout),)*
            $($(#[$pdoc])* $pvariant($playout),)*
        }

        impl Record {
            /// Writes the record as a 400-byte line.
            pub fn to_line(&self, options: &WriteOptions) -> Result<[u8; 400], FieldError> {
                match self {
                    $(Record::$variant(r) => r.to_line(options),)*
                    $(Record::$pvariant(r) => r.to_line(options),)*
                }
            }

            /// The record's sequence number (395-400).
            pub fn sequence(&self) -> u64 {
                match self {
                    $(Record::$variant(r) => r.sequence,)*
                    $(Record::$pvariant(r) => r.sequence,)*
                }
            }

            /// The record's sequence number (395-400), to set.
            fn sequence_mut(&mut self) -> &mut u64 {
                match self {
                    $(Record::$variant(r) => &mut r.sequence,)*
                    $(Record::$pvariant(r) => &mut r.sequence,)*
                }
            }
        }

        #[cfg(test)]
        const LAYOUTS: &[(&str, &[crate::layout::FieldSpec])] = &[$((stringify!($variant), <$layout>::FIELDS),)*];
    };
}

records! {
    /// Itaú's Pix record (type 3) in a remessa.
    ItauPix(ItauPixDetail),
    /// Itaú's Pix record (type 3) in a retorno.
    ItauPixRetorno(ItauPixRetornoDetail),
    /// Santander's Pix record (type 8) in a remessa.
    SantanderPix(SantanderPixDetail),
    /// Santander's Pix record (type 2) in a retorno.
    SantanderPixRetorno(SantanderPixRetornoDetail),
    ;
    /// A header read by its bank's profile.
    Header(Header),
    /// A boleto read by its bank's profile.
    Detail(Detail),
    /// A trailer read by its bank's profile.
    Trailer(Trailer),
}

impl Record {
    /// The record type (position 1).
    pub fn record_type(&self) -> u8 {
        match self {
            Record::SantanderPixRetorno(_) => b'2',
            Record::ItauPix(_) | Record::ItauPixRetorno(_) => b'3',
            Record::SantanderPix(_) => b'8',
            Record::Header(r) => r.record_type(),
            Record::Detail(r) => r.record_type(),
            Record::Trailer(r) => r.record_type(),
        }
    }
}

/// Writes `records` as a CNAB400 file, numbering them (395-400) from 1; records that do not end
/// with a trailer get one, of the header's profile.
///
/// ```
/// use febraban_cnab::cnab400::{self, BankProfile, Detail, Header, Record};
///
/// let bradesco = BankProfile::for_bank(237).unwrap();
/// let mut detail = Detail::new(bradesco, false);
/// (detail.occurrence_code, detail.face_value) = (Some(1), Some(2_590));
/// let records = [Record::Header(Header::new(bradesco, false)), Record::Detail(detail)];
/// let mut bytes = Vec::new();
/// cnab400::write(&records, &mut bytes, &Default::default()).unwrap();
/// let report = cnab400::validate(bytes.as_slice(), Default::default());
/// assert!(report.is_valid(), "{:?}", report.problems);
/// assert_eq!((report.summary.records, report.summary.total_amount), (3, 2_590));
/// ```
pub fn write<W: std::io::Write>(
    records: &[Record],
    mut out: W,
    options: &crate::WriterOptions,
) -> Result<(), crate::WriteError> {
    let trailer = match records.first() {
        Some(Record::Header(header)) if !matches!(records.last(), Some(Record::Trailer(_))) => {
            Some(Record::Trailer(Trailer::new(header.profile(), header.is_retorno())))
        }
        _ => None,
    };
    for (index, record) in records.iter().chain(trailer.as_ref()).enumerate() {
        let mut record = record.clone();
        *record.sequence_mut() = index as u64 + 1;
        let line =
            record.to_line(&options.text).map_err(|error| crate::WriteError::Field { record: index + 1, error })?;
        out.write_all(&line)?;
        out.write_all(options.line_ending.as_bytes())?;
    }
    out.flush()?;
    Ok(())
}

/// CNAB400: what the reader knows of the file so far (the bank, its profile, the direction).
///
/// ```
/// use febraban_cnab::cnab400::{BankProfile, Cnab400, Header, Record};
/// use febraban_cnab::Reader;
///
/// let mut header = Header::new(BankProfile::for_bank(237).unwrap(), true);
/// (header.bank, header.sequence) = (Some(237), 1);
/// let mut file = header.to_line(&Default::default()).unwrap().to_vec();
/// file.extend_from_slice(b"\r\n");
/// let reader = Reader::with_format(file.as_slice(), Default::default(), Cnab400::default());
/// let records: Vec<_> = reader.collect::<Result<_, _>>().unwrap();
/// assert!(matches!(&records[0], (1, Record::Header(h)) if h.bank == Some(237) && h.is_retorno()));
/// ```
#[derive(Debug, Default)]
pub struct Cnab400 {
    bank: Option<u64>,
    /// Whether the header says retorno.
    retorno: bool,
    /// The bank's profile, once the header chose it (or the caller named it).
    profile: Option<&'static BankProfile>,
}

impl Cnab400 {
    /// The profile the file is read by: the caller's, or the one its header's bank chose.
    pub fn profile(&self) -> Option<&'static BankProfile> {
        self.profile
    }
}

impl Format for Cnab400 {
    const WIDTH: usize = 400;
    const RECORD_TYPE_AT: usize = 0;
    type Record = Record;

    fn record(
        &mut self,
        line: &[u8],
        options: &ReadOptions,
        _warnings: &mut Vec<crate::reader::WarningKind>,
    ) -> Result<Record, ReadErrorKind> {
        let field = ReadErrorKind::Field;
        let fields = ReadErrorKind::Fields;
        if line[0] == b'0' {
            let bank = std::str::from_utf8(&line[76..79]).ok().and_then(|s| s.trim().parse().ok()).unwrap_or(0);
            self.bank = Some(bank);
            self.retorno = line[1] == b'2' || (line[1] != b'1' && &line[2..9] == b"RETORNO");
            self.profile = options.bank_profile.or_else(|| BankProfile::for_bank(bank));
        }
        let unknown = |record| ReadErrorKind::UnknownLayout { bank: self.bank.unwrap_or(0), record };
        // The profile says which record types carry the bank's Pix records.
        if let Some(pix) = self.profile.and_then(|profile| profile.pix_layout(line[0], self.retorno)) {
            return Ok(match pix {
                PixLayout::ItauRemessa => Record::ItauPix(ItauPixDetail::parse(line).map_err(field)?),
                PixLayout::ItauRetorno => Record::ItauPixRetorno(ItauPixRetornoDetail::parse(line).map_err(field)?),
                PixLayout::SantanderRemessa => Record::SantanderPix(SantanderPixDetail::parse(line).map_err(field)?),
                PixLayout::SantanderRetorno => {
                    Record::SantanderPixRetorno(SantanderPixRetornoDetail::parse(line).map_err(field)?)
                }
            });
        }
        let record = match line[0] {
            b'0' => {
                let profile = self.profile.ok_or_else(|| unknown("header"))?;
                Record::Header(Header::parse(line, profile, self.retorno).map_err(fields)?)
            }
            b'9' => {
                let profile = self.profile.ok_or_else(|| unknown("trailer"))?;
                Record::Trailer(Trailer::parse(line, profile, self.retorno).map_err(fields)?)
            }
            kind => match self.profile {
                Some(profile) if profile.detail_types.contains(&kind) => {
                    Record::Detail(Detail::parse(line, profile, self.retorno).map_err(fields)?)
                }
                Some(_) => return Err(ReadErrorKind::RecordType { found: char::from(kind), position: 1 }),
                None => return Err(unknown("detail")),
            },
        };
        Ok(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_layout_tiles_400_positions() {
        for &(name, fields) in LAYOUTS {
            let mut next = 1;
            for field in fields {
                assert_eq!(field.start, next, "{name}.{}: gap or overlap", field.name);
                next = field.end + 1;
            }
            assert_eq!(next, 401, "{name} ends at {}", next - 1);
        }
    }
}
