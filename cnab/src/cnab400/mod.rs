//! CNAB400: each bank's own 400-position layout (there is no FEBRABAN master).
//!
//! ```text
//! 0  header            (bank at 77-79, 2: 1 remessa, 2 retorno)
//! 1  detail            one per boleto
//! 3  Itaú Pix          optional, after its detail (remessa: key and location; retorno: QR code)
//! 8  Santander Pix     optional, after its detail
//! 9  trailer
//! ```
//! Every record ends with its sequence number (395-400), from 000001.

mod bradesco;
mod common;
mod itau;
mod pix;
mod validate;

pub use bradesco::{
    BradescoRemessaDetail, BradescoRemessaHeader, BradescoRetornoDetail, BradescoRetornoHeader, BradescoRetornoTrailer,
};
pub use common::RemessaTrailer;
pub use itau::{ItauRemessaDetail, ItauRemessaHeader, ItauRetornoDetail, ItauRetornoHeader, ItauRetornoTrailer};
pub use pix::{ItauPixDetail, ItauPixRetornoDetail, SantanderPixDetail};
pub use validate::validate;

use crate::layout::{FieldError, WriteOptions};
use crate::reader::{Format, ReadErrorKind, ReadOptions};

/// Bradesco's COMPE code.
pub const BRADESCO: u64 = 237;
/// Itaú's COMPE code.
pub const ITAU: u64 = 341;
/// Santander's COMPE code.
pub const SANTANDER: u64 = 33;

/// Declares [`Record`] with one variant per layout, and the methods every variant answers the
/// same way, so that adding a layout is one line here.
macro_rules! records {
    ($($(#[$doc:meta])* $variant:ident($layout:ty),)*) => {
        /// One CNAB400 record, typed.
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum Record {
            $($(#[$doc])* $variant($layout),)*
        }

        impl Record {
            /// Writes the record as a 400-byte line.
            pub fn to_line(&self, options: &WriteOptions) -> Result<[u8; 400], FieldError> {
                match self {
                    $(Record::$variant(r) => r.to_line(options),)*
                }
            }

            /// The record's sequence number (395-400).
            pub fn sequence(&self) -> u64 {
                match self {
                    $(Record::$variant(r) => r.sequence,)*
                }
            }

            /// The record's sequence number (395-400), to set.
            fn sequence_mut(&mut self) -> &mut u64 {
                match self {
                    $(Record::$variant(r) => &mut r.sequence,)*
                }
            }
        }

        #[cfg(test)]
        const LAYOUTS: &[(&str, &[crate::layout::FieldSpec])] = &[$((stringify!($variant), <$layout>::FIELDS),)*];
    };
}

records! {
    /// Bradesco remessa header.
    BradescoRemessaHeader(BradescoRemessaHeader),
    /// Bradesco remessa detail.
    BradescoRemessaDetail(BradescoRemessaDetail),
    /// Bradesco retorno header.
    BradescoRetornoHeader(BradescoRetornoHeader),
    /// Bradesco retorno detail.
    BradescoRetornoDetail(BradescoRetornoDetail),
    /// Bradesco retorno trailer.
    BradescoRetornoTrailer(BradescoRetornoTrailer),
    /// Itaú remessa header.
    ItauRemessaHeader(ItauRemessaHeader),
    /// Itaú remessa detail.
    ItauRemessaDetail(ItauRemessaDetail),
    /// Itaú retorno header.
    ItauRetornoHeader(ItauRetornoHeader),
    /// Itaú retorno detail.
    ItauRetornoDetail(ItauRetornoDetail),
    /// Itaú retorno trailer.
    ItauRetornoTrailer(ItauRetornoTrailer),
    /// Itaú's Pix record (type 3) in a remessa.
    ItauPix(ItauPixDetail),
    /// Itaú's Pix record (type 3) in a retorno.
    ItauPixRetorno(ItauPixRetornoDetail),
    /// Santander's Pix record (type 8).
    SantanderPix(SantanderPixDetail),
    /// A remessa trailer.
    RemessaTrailer(RemessaTrailer),
}

/// Writes `records` as a CNAB400 file, numbering them (395-400) from 1; a remessa whose records
/// do not end with a trailer gets one.
///
/// ```
/// use febraban_cnab::cnab400::{self, BradescoRemessaDetail, BradescoRemessaHeader, Record};
///
/// let records = [
///     Record::BradescoRemessaHeader(BradescoRemessaHeader { literal: "REMESSA".into(), bank: 237, ..Default::default() }),
///     Record::BradescoRemessaDetail(BradescoRemessaDetail { occurrence: 1, amount: 2_590, ..Default::default() }),
/// ];
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
    let ends_with_trailer = matches!(
        records.last(),
        Some(Record::RemessaTrailer(_) | Record::BradescoRetornoTrailer(_) | Record::ItauRetornoTrailer(_))
    );
    let trailer = (!ends_with_trailer).then(|| Record::RemessaTrailer(RemessaTrailer::default()));
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

/// CNAB400: what the reader knows of the file so far (the bank and direction of its header).
///
/// ```
/// use febraban_cnab::cnab400::{BradescoRetornoHeader, Cnab400, Record, RemessaTrailer};
/// use febraban_cnab::Reader;
///
/// let options = Default::default();
/// let header = BradescoRetornoHeader { bank: 237, sequence: 1, ..Default::default() };
/// let mut file = header.to_line(&options).unwrap().to_vec();
/// file.extend_from_slice(b"\r\n");
/// let reader = Reader::with_format(file.as_slice(), Default::default(), Cnab400::default());
/// let records: Vec<_> = reader.collect::<Result<_, _>>().unwrap();
/// assert!(matches!(&records[0], (1, Record::BradescoRetornoHeader(h)) if h.bank == 237));
/// ```
#[derive(Debug, Default)]
pub struct Cnab400 {
    bank: Option<u64>,
    /// `b'1'` remessa, `b'2'` retorno.
    direction: Option<u8>,
}

impl Format for Cnab400 {
    const WIDTH: usize = 400;
    const RECORD_TYPE_AT: usize = 0;
    type Record = Record;

    fn record(&mut self, line: &[u8], _: &ReadOptions) -> Result<Record, ReadErrorKind> {
        let field = ReadErrorKind::Field;
        let record = match line[0] {
            b'0' => {
                let bank = std::str::from_utf8(&line[76..79]).ok().and_then(|s| s.parse().ok()).unwrap_or(0);
                self.bank = Some(bank);
                self.direction = Some(line[1]);
                match (bank, line[1]) {
                    (BRADESCO, b'1') => {
                        Record::BradescoRemessaHeader(BradescoRemessaHeader::parse(line).map_err(field)?)
                    }
                    (BRADESCO, b'2') => {
                        Record::BradescoRetornoHeader(BradescoRetornoHeader::parse(line).map_err(field)?)
                    }
                    (ITAU, b'1') => Record::ItauRemessaHeader(ItauRemessaHeader::parse(line).map_err(field)?),
                    (ITAU, b'2') => Record::ItauRetornoHeader(ItauRetornoHeader::parse(line).map_err(field)?),
                    (bank, _) => return Err(ReadErrorKind::UnknownLayout { bank, record: "header" }),
                }
            }
            b'1' => match (self.bank, self.direction) {
                (Some(BRADESCO), Some(b'1')) => {
                    Record::BradescoRemessaDetail(BradescoRemessaDetail::parse(line).map_err(field)?)
                }
                (Some(BRADESCO), Some(b'2')) => {
                    Record::BradescoRetornoDetail(BradescoRetornoDetail::parse(line).map_err(field)?)
                }
                (Some(ITAU), Some(b'1')) => Record::ItauRemessaDetail(ItauRemessaDetail::parse(line).map_err(field)?),
                (Some(ITAU), Some(b'2')) => Record::ItauRetornoDetail(ItauRetornoDetail::parse(line).map_err(field)?),
                (bank, _) => return Err(ReadErrorKind::UnknownLayout { bank: bank.unwrap_or(0), record: "detail" }),
            },
            b'3' if self.bank == Some(ITAU) => match self.direction {
                Some(b'2') => Record::ItauPixRetorno(ItauPixRetornoDetail::parse(line).map_err(field)?),
                _ => Record::ItauPix(ItauPixDetail::parse(line).map_err(field)?),
            },
            b'8' if self.bank == Some(SANTANDER) => {
                Record::SantanderPix(SantanderPixDetail::parse(line).map_err(field)?)
            }
            b'9' => match (self.bank, self.direction) {
                (Some(BRADESCO), Some(b'2')) => {
                    Record::BradescoRetornoTrailer(BradescoRetornoTrailer::parse(line).map_err(field)?)
                }
                (Some(ITAU), Some(b'2')) => Record::ItauRetornoTrailer(ItauRetornoTrailer::parse(line).map_err(field)?),
                _ => Record::RemessaTrailer(RemessaTrailer::parse(line).map_err(field)?),
            },
            other => return Err(ReadErrorKind::RecordType(char::from(other))),
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
