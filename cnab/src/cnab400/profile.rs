//! Bank profiles: a CNAB400 cobrança layout as data.
//!
//! CNAB400 has no FEBRABAN master, but the banks' layouts are variations of one another: most
//! put the occurrence at 109-110, the face value at 153-165 and the amount paid at 254-266. So a
//! layout here is a base table of [`Column`]s (in [`banks`](super::banks)) and a bank's
//! [`BankProfile`] lists only the columns where that bank departs from it: moved, of another
//! kind, or absent. Adding a bank is adding one profile.

use std::fmt;

use compact_str::CompactString;

use crate::layout::Column as _;
use crate::layout::{Alpha, Date, Date6, FieldProblem, Money, Num, OptNum, Text, WriteOptions};
use crate::movement::Movement;

/// What a column of a CNAB400 cobrança record means, whichever bank writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// Position 2 of a header or trailer: `1` remessa, `2` retorno.
    Direction,
    /// `REMESSA` or `RETORNO`.
    Literal,
    /// Código do serviço: `01` cobrança.
    Service,
    /// `COBRANCA`.
    ServiceName,
    /// The company's code at the bank (convênio, código do beneficiário).
    CompanyCode,
    /// The company's name.
    CompanyName,
    /// The bank's COMPE code.
    Bank,
    /// The bank's name.
    BankName,
    /// Date the file was written.
    WrittenOn,
    /// The bank's code for the sending system (Bradesco's `MX`).
    System,
    /// The file's sequence number (NSA, aviso bancário).
    FileNumber,
    /// Tipo de inscrição of the company: 01 CPF, 02 CNPJ.
    CompanyDocumentType,
    /// CPF or CNPJ of the company.
    CompanyDocument,
    /// The company's own reference (uso da empresa, nº de controle do participante): what the
    /// remessa sent, echoed by the retorno.
    CompanyReference,
    /// Nosso número: the bank's id of the boleto.
    OurNumber,
    /// Carteira.
    Wallet,
    /// Código de ocorrência (movimento).
    Occurrence,
    /// Date of the occurrence.
    OccurredOn,
    /// Seu número / nº do documento.
    DocumentNumber,
    /// Due date.
    DueDate,
    /// Face value (valor do título), centavos.
    FaceValue,
    /// Bank that collected the payment.
    CollectingBank,
    /// Agency that collected the payment.
    CollectingAgency,
    /// Tariff charged (despesas de cobrança), centavos.
    Tariff,
    /// IOF, centavos.
    Iof,
    /// Rebate (abatimento), centavos.
    Rebate,
    /// Discount granted, centavos.
    Discount,
    /// Amount the payer paid, centavos.
    PaidAmount,
    /// Interest (juros de mora), centavos.
    Interest,
    /// Fine (multa), centavos.
    Fine,
    /// Other credits, centavos.
    OtherCredits,
    /// Date the credit is (or is due to be) available.
    CreditedOn,
    /// Motivos of the occurrence: codes as the bank writes them.
    Motives,
    /// Date the boleto was issued.
    IssuedOn,
    /// Espécie do título (01 duplicata mercantil, 99 outros...).
    TitleKind,
    /// Aceite: `A` accepted, `N` not.
    Accepted,
    /// Interest to charge per day late, centavos (remessa).
    DailyInterest,
    /// Date until which the discount holds (remessa).
    DiscountUntil,
    /// Tipo de inscrição of the payer: 01 CPF, 02 CNPJ.
    PayerDocumentType,
    /// CPF or CNPJ of the payer.
    PayerDocument,
    /// The payer's name.
    PayerName,
    /// The payer's address.
    PayerAddress,
    /// The payer's postal code (CEP), 8 digits.
    PayerPostalCode,
    /// A trailer's count of boletos.
    Count,
    /// A trailer's total, centavos.
    Total,
    /// Nº sequencial do registro (395-400).
    Sequence,
}

/// How a column is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ColumnKind {
    /// A code or an identifier, Latin-1, left-aligned, kept as written (trailing blanks
    /// dropped).
    Text,
    /// Free text (names, addresses): read as written; written upper-case ASCII with accents
    /// folded, as banks require, and cut to its column when the writer's options say so.
    FreeText,
    /// Digits, zero-padded; blank reads as absent, and digits padded with blanks read.
    Number,
    /// An amount with two implied decimals, in centavos; blank or zero reads as absent, any
    /// other non-digit is refused (where money is, nothing is guessed).
    Amount,
    /// A date `DDMMAA` (2000-2099); zeros or blanks read as absent.
    Date6,
    /// A date `AAAAMMDD`; zeros or blanks read as absent.
    DateYmd,
}

/// One column: what it means, where it is, how it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Column {
    /// What it means.
    pub field: Field,
    /// First position, 1-based; 0 in a profile's override says the bank has no such column.
    pub start: u16,
    /// Last position, inclusive.
    pub end: u16,
    /// How it is written.
    pub kind: ColumnKind,
}

/// A column (a `const fn`, so that the tables read as the manuals print them).
pub const fn col(field: Field, start: u16, end: u16, kind: ColumnKind) -> Column {
    Column { field, start, end, kind }
}

/// An override saying that a bank's record has no such column.
pub const fn absent(field: Field) -> Column {
    Column { field, start: 0, end: 0, kind: ColumnKind::Text }
}

/// What a trailer total sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Measure {
    /// How many details.
    Count,
    /// The sum of their face values, centavos.
    FaceValue,
}

/// A count or sum a bank's retorno trailer declares, to reconcile with the details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TrailerTotal {
    /// How a problem names it.
    pub name: &'static str,
    /// First position, 1-based.
    pub start: u16,
    /// Last position.
    pub end: u16,
    /// What it sums.
    pub measure: Measure,
    /// The occurrences it covers; empty for every detail.
    pub occurrences: &'static [u8],
}

/// A bank's CNAB400 cobrança: where its records depart from the base layouts.
#[derive(Debug, PartialEq, Eq)]
pub struct BankProfile {
    /// COMPE code.
    pub bank: u16,
    /// The bank's name.
    pub name: &'static str,
    /// Where the profile's positions come from (the bank's manual, or the public library whose
    /// layout it follows).
    pub source: &'static str,
    /// Overrides of the base header, in a remessa.
    pub remessa_header: &'static [Column],
    /// Overrides of the base header, in a retorno.
    pub retorno_header: &'static [Column],
    /// Overrides of the base remessa detail.
    pub remessa_detail: &'static [Column],
    /// Overrides of the base retorno detail.
    pub retorno_detail: &'static [Column],
    /// Overrides of the base trailer of a retorno.
    pub retorno_trailer: &'static [Column],
    /// Overrides of the base trailer of a remessa.
    pub remessa_trailer: &'static [Column],
    /// Record types (position 1) that carry a boleto: `1`, and BB's `7` for convênios of 7 digits.
    pub detail_types: &'static [u8],
    /// The occurrence codes of a retorno, where they depart from the base list.
    pub occurrences: &'static [Movement],
    /// Trailer totals of a retorno that the bank fills, reconciled by [`validate`](super::validate).
    pub retorno_totals: &'static [TrailerTotal],
    /// The bank's Pix records: which record type (position 1) carries which layout.
    pub pix_records: &'static [PixRecord],
}

/// A bank's Pix record: its record type (position 1), in a remessa or a retorno, and its layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PixRecord {
    /// The record type.
    pub record_type: u8,
    /// In a retorno (`true`) or a remessa.
    pub retorno: bool,
    /// Its layout.
    pub layout: PixLayout,
}

/// The Pix record layouts this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PixLayout {
    /// [`ItauPixDetail`](super::ItauPixDetail).
    ItauRemessa,
    /// [`ItauPixRetornoDetail`](super::ItauPixRetornoDetail).
    ItauRetorno,
    /// [`SantanderPixDetail`](super::SantanderPixDetail).
    SantanderRemessa,
    /// [`SantanderPixRetornoDetail`](super::SantanderPixRetornoDetail).
    SantanderRetorno,
}

impl BankProfile {
    /// A profile that departs from nothing: each bank's profile is this but for what it says,
    /// and so can be a caller's own, for a bank this crate has no profile of.
    ///
    /// ```
    /// use febraban_cnab::cnab400::{BankProfile, Cnab400, Detail, Field, Header, Record, col, ColumnKind};
    /// use febraban_cnab::{ReadOptions, Reader};
    ///
    /// // A bank that writes its nosso número at 63-72.
    /// static MY_BANK: BankProfile = BankProfile {
    ///     bank: 999,
    ///     name: "My bank",
    ///     source: "its manual, p.12",
    ///     retorno_detail: &[col(Field::OurNumber, 63, 72, ColumnKind::Text)],
    ///     ..BankProfile::BASE
    /// };
    /// let mut detail = Detail::new(&MY_BANK, true);
    /// detail.our_number = "0012345678".into();
    /// let mut file = Vec::new();
    /// febraban_cnab::cnab400::write(&[Record::Header(Header::new(&MY_BANK, true)), Record::Detail(detail)], &mut file, &Default::default()).unwrap();
    /// let options = ReadOptions { bank_profile: Some(&MY_BANK), ..Default::default() };
    /// let records: Vec<_> = Reader::with_format(file.as_slice(), options, Cnab400::default()).collect::<Result<_, _>>().unwrap();
    /// assert!(matches!(&records[1].1, Record::Detail(d) if d.our_number == "0012345678"));
    /// ```
    pub const BASE: BankProfile = BankProfile {
        bank: 0,
        name: "",
        source: "",
        remessa_header: &[],
        retorno_header: &[],
        remessa_detail: &[],
        retorno_detail: &[],
        retorno_trailer: &[],
        remessa_trailer: &[],
        detail_types: b"1",
        occurrences: &[],
        retorno_totals: &[],
        pix_records: &[],
    };

    /// The layout of a Pix record of `record_type` in a remessa or a retorno of this bank.
    pub fn pix_layout(&self, record_type: u8, retorno: bool) -> Option<PixLayout> {
        let pix = self.pix_records.iter().find(|p| p.record_type == record_type && p.retorno == retorno)?;
        Some(pix.layout)
    }

    /// The profile of a bank, by COMPE code.
    ///
    /// ```
    /// let sicredi = febraban_cnab::cnab400::BankProfile::for_bank(748).unwrap();
    /// assert_eq!(sicredi.name, "Sicredi");
    /// assert!(febraban_cnab::cnab400::BankProfile::for_bank(999).is_none());
    /// ```
    pub fn for_bank(bank: u64) -> Option<&'static BankProfile> {
        super::banks::PROFILES.iter().copied().find(|profile| u64::from(profile.bank) == bank)
    }

    /// Every bank with a profile.
    pub fn all() -> &'static [&'static BankProfile] {
        super::banks::PROFILES
    }

    /// What an occurrence code of this bank's retornos means: the bank's list first, then the
    /// base list; `None` for a code neither knows (an unknown code is never taken as paid).
    ///
    /// ```
    /// use febraban_cnab::Meaning;
    /// use febraban_cnab::cnab400::BankProfile;
    /// let itau = BankProfile::for_bank(341).unwrap();
    /// assert_eq!(itau.occurrence(6).unwrap().meaning, Meaning::Settled);
    /// // Itaú's 95 is a "baixa operacional": not a payment.
    /// assert_eq!(itau.occurrence(95).unwrap().meaning, Meaning::WrittenOff);
    /// assert!(itau.occurrence(87).is_none());
    /// ```
    pub fn occurrence(&self, code: u64) -> Option<Movement> {
        let code = u8::try_from(code).ok()?;
        self.occurrences.iter().chain(super::banks::BASE_OCCURRENCES).find(|o| o.code == code).copied()
    }

    /// The columns of a record: the base's, each replaced by the bank's override of the same
    /// field (or dropped where the override says the bank has none), then the bank's own.
    pub(super) fn columns(
        base: &'static [Column],
        overrides: &'static [Column],
    ) -> impl Iterator<Item = Column> + 'static {
        let replaced = base.iter().map(|column| *overrides.iter().find(|o| o.field == column.field).unwrap_or(column));
        let added = overrides.iter().filter(|o| !base.iter().any(|column| column.field == o.field)).copied();
        replaced.chain(added).filter(|column| column.start > 0)
    }
}

/// A profile as records carry it: compared by bank, printed by name.
#[derive(Clone, Copy)]
pub(super) struct ProfileRef(pub(super) &'static BankProfile);

impl fmt::Debug for ProfileRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({:03})", self.0.name, self.0.bank)
    }
}

impl PartialEq for ProfileRef {
    fn eq(&self, other: &Self) -> bool {
        self.0.bank == other.0.bank
    }
}

impl Eq for ProfileRef {}

/// A value of a column, as a record's field holds it.
pub(super) trait Slot: Sized {
    fn read(bytes: &[u8], kind: ColumnKind) -> Result<Self, FieldProblem>;
    fn write(&self, out: &mut [u8], kind: ColumnKind, options: &WriteOptions) -> Result<(), FieldProblem>;
}

// Each kind reads and writes as the CNAB240 columns of the same form do (`crate::layout`): one
// place for what digits, text and dates are.

/// Digits, possibly padded with blanks on either side; blank is absent.
fn number(bytes: &[u8]) -> Result<Option<u64>, FieldProblem> {
    OptNum::read(bytes)
}

fn write_number(value: u64, out: &mut [u8]) -> Result<(), FieldProblem> {
    Num::write(&value, out, &WriteOptions::default())
}

impl Slot for Option<u64> {
    fn read(bytes: &[u8], kind: ColumnKind) -> Result<Self, FieldProblem> {
        match kind {
            // Where money is, nothing is guessed: digits, or blank.
            ColumnKind::Amount if bytes.iter().all(|&b| b == b' ') => Ok(None),
            ColumnKind::Amount => Ok(Some(Money::<2>::read(bytes)?).filter(|&value| value > 0)),
            _ => number(bytes),
        }
    }

    fn write(&self, out: &mut [u8], kind: ColumnKind, _: &WriteOptions) -> Result<(), FieldProblem> {
        match (self, kind) {
            (Some(value), _) => write_number(*value, out),
            // Absent: an amount is zeros; a number blank.
            (None, ColumnKind::Amount) => write_number(0, out),
            (None, _) => {
                out.fill(b' ');
                Ok(())
            }
        }
    }
}

impl Slot for u64 {
    fn read(bytes: &[u8], _: ColumnKind) -> Result<Self, FieldProblem> {
        number(bytes)?.ok_or(FieldProblem::NotDigits)
    }

    fn write(&self, out: &mut [u8], _: ColumnKind, _: &WriteOptions) -> Result<(), FieldProblem> {
        write_number(*self, out)
    }
}

impl Slot for CompactString {
    fn read(bytes: &[u8], _: ColumnKind) -> Result<Self, FieldProblem> {
        Alpha::read(bytes)
    }

    fn write(&self, out: &mut [u8], kind: ColumnKind, options: &WriteOptions) -> Result<(), FieldProblem> {
        out.fill(b' ');
        match kind {
            ColumnKind::FreeText => Text::write(self, out, options),
            _ => Alpha::write(self, out, options),
        }
    }
}

impl Slot for Option<Date> {
    fn read(bytes: &[u8], kind: ColumnKind) -> Result<Self, FieldProblem> {
        if bytes.iter().all(|&b| b == b' ') {
            return Ok(None);
        }
        match kind {
            ColumnKind::DateYmd => {
                let value = crate::layout::PaddedNum::read(bytes).map_err(|_| FieldProblem::Date)?;
                if value == 0 {
                    return Ok(None);
                }
                let (year, month, day) = (value / 10_000, value / 100 % 100, value % 100);
                Date::new(year as u16, month as u8, day as u8).map(Some).ok_or(FieldProblem::Date)
            }
            _ => Date6::read(bytes),
        }
    }

    fn write(&self, out: &mut [u8], kind: ColumnKind, options: &WriteOptions) -> Result<(), FieldProblem> {
        match (self, kind) {
            (Some(date), ColumnKind::DateYmd) => write_number(
                u64::from(date.year()) * 10_000 + u64::from(date.month()) * 100 + u64::from(date.day()),
                out,
            ),
            (None, ColumnKind::DateYmd) => write_number(0, out),
            _ => Date6::write(self, out, options),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_padded_with_blanks_amounts_do_not() {
        assert_eq!(<Option<u64>>::read(b"556  ", ColumnKind::Number), Ok(Some(556)));
        assert_eq!(<Option<u64>>::read(b"  111", ColumnKind::Number), Ok(Some(111)));
        assert_eq!(<Option<u64>>::read(b"     ", ColumnKind::Number), Ok(None));
        assert_eq!(<Option<u64>>::read(b"5 56 ", ColumnKind::Number), Err(FieldProblem::NotDigits));
        assert_eq!(<Option<u64>>::read(b"  150", ColumnKind::Amount), Err(FieldProblem::NotDigits));
        assert_eq!(<Option<u64>>::read(b"00000", ColumnKind::Amount), Ok(None));
        assert_eq!(<Option<u64>>::read(b"     ", ColumnKind::Amount), Ok(None));
        assert_eq!(<Option<u64>>::read(b"00150", ColumnKind::Amount), Ok(Some(150)));
        assert_eq!(u64::read(b"     ", ColumnKind::Number), Err(FieldProblem::NotDigits));
    }

    #[test]
    fn dates_of_both_orders_and_absent_ones() {
        assert_eq!(<Option<Date>>::read(b"050916", ColumnKind::Date6), Ok(Date::new(2016, 9, 5)));
        assert_eq!(<Option<Date>>::read(b"20161205", ColumnKind::DateYmd), Ok(Date::new(2016, 12, 5)));
        assert_eq!(<Option<Date>>::read(b"      ", ColumnKind::Date6), Ok(None));
        assert_eq!(<Option<Date>>::read(b"000000", ColumnKind::Date6), Ok(None));
        assert_eq!(<Option<Date>>::read(b"310216", ColumnKind::Date6), Err(FieldProblem::Date));
        let mut out = [b' '; 8];
        Date::new(2016, 12, 5).write(&mut out, ColumnKind::DateYmd, &WriteOptions::default()).unwrap();
        assert_eq!(&out, b"20161205");
    }

    #[test]
    fn text_keeps_latin1_and_refuses_controls() {
        assert_eq!(CompactString::read(b"COBRAN\xC7A  ", ColumnKind::Text).unwrap(), "COBRANÇA");
        assert!(CompactString::read(b"A\x01", ColumnKind::Text).is_err());
        let options = WriteOptions::default();
        let mut out = [b'x'; 6];
        CompactString::from("AÇ").write(&mut out, ColumnKind::Text, &options).unwrap();
        assert_eq!(&out, b"A\xC7    ");
        // Free text is written as banks want it: upper-case ASCII, accents folded.
        CompactString::from("São").write(&mut out, ColumnKind::FreeText, &options).unwrap();
        assert_eq!(&out, b"SAO   ");
        let long = CompactString::from("Padaria São João");
        assert!(long.write(&mut out, ColumnKind::FreeText, &options).is_err());
        long.write(&mut out, ColumnKind::FreeText, &WriteOptions { truncate_text: true }).unwrap();
        assert_eq!(&out, b"PADARI");
    }
}
