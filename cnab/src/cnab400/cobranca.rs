//! CNAB400 cobrança records of any bank with a [`BankProfile`]: header, detail and trailer,
//! typed by what each column means, read and written by the bank's layout.
//!
//! A record read from a file keeps its line, so that columns no field describes (and columns
//! left as they were) write back byte for byte; a field that was changed is written in its
//! column's canonical form.

use std::fmt;

use compact_str::CompactString;

use super::banks::{BASE_HEADER, BASE_REMESSA_DETAIL, BASE_REMESSA_TRAILER, BASE_RETORNO_DETAIL, BASE_RETORNO_TRAILER};
use super::profile::{BankProfile, Column, ColumnKind, Field, ProfileRef, Slot};
use crate::layout::{Date, FieldError, FieldProblem, WriteOptions};
use crate::movement::Movement;

/// The line a record was read from, or a blank one for a record made in code.
#[derive(Clone, PartialEq, Eq)]
struct Line {
    bytes: [u8; 400],
    /// Whether `bytes` came from a file (its columns are kept where the fields did not change).
    read: bool,
}

impl fmt::Debug for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text: String = self.bytes.iter().map(|&b| char::from(b)).collect();
        write!(f, "{:?}", text.trim_end())
    }
}

impl Line {
    fn blank(record_type: u8) -> Self {
        let mut bytes = [b' '; 400];
        bytes[0] = record_type;
        Line { bytes, read: false }
    }
}

/// Writes `value` in its column unless the record was read and the column still holds it.
fn put<T: Slot + PartialEq>(
    value: &T,
    out: &mut [u8],
    kind: ColumnKind,
    read: bool,
    options: &WriteOptions,
) -> Result<(), FieldProblem> {
    if read && T::read(out, kind).as_ref() == Ok(value) {
        return Ok(());
    }
    value.write(out, kind, options)
}

fn field_error(column: &Column, bytes: &[u8], problem: FieldProblem) -> FieldError {
    let found = bytes.iter().map(|&b| char::from(b)).collect::<String>().trim_end().to_string();
    FieldError { field: column.field.name(), start: column.start.into(), end: column.end.into(), found, problem }
}

impl Field {
    /// The field's name as errors print it.
    pub fn name(self) -> &'static str {
        use Field::*;
        match self {
            Direction => "direction",
            Literal => "literal",
            Service => "service",
            ServiceName => "service_name",
            CompanyCode => "company_code",
            CompanyName => "company_name",
            Bank => "bank",
            BankName => "bank_name",
            WrittenOn => "written_on",
            FileNumber => "file_number",
            CompanyDocumentType => "company_document_type",
            CompanyDocument => "company_document",
            CompanyReference => "company_reference",
            OurNumber => "our_number",
            Wallet => "wallet",
            Occurrence => "occurrence",
            OccurredOn => "occurred_on",
            DocumentNumber => "document_number",
            DueDate => "due_date",
            FaceValue => "face_value",
            CollectingBank => "collecting_bank",
            CollectingAgency => "collecting_agency",
            Tariff => "tariff",
            Iof => "iof",
            Rebate => "rebate",
            Discount => "discount",
            PaidAmount => "paid_amount",
            Interest => "interest",
            Fine => "fine",
            OtherCredits => "other_credits",
            CreditedOn => "credited_on",
            Motives => "motives",
            IssuedOn => "issued_on",
            PayerDocumentType => "payer_document_type",
            PayerDocument => "payer_document",
            PayerName => "payer_name",
            Count => "count",
            Total => "total",
            Sequence => "sequence",
            System => "system",
            TitleKind => "title_kind",
            Accepted => "accepted",
            PayerAddress => "payer_address",
            PayerPostalCode => "payer_postal_code",
            DailyInterest => "daily_interest",
            DiscountUntil => "discount_until",
        }
    }
}

/// Declares a record typed by field: the struct, how a column sets its field, how a field goes
/// back into its column.
macro_rules! cobranca_record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$field_meta:meta])* $field:ident: $ty:ty = $variant:ident, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            $( $(#[$field_meta])* pub $field: $ty, )+
            /// Nº sequencial do registro (395-400).
            pub sequence: u64,
            profile: ProfileRef,
            retorno: bool,
            line: Line,
        }

        impl $name {
            /// The bank profile the record is read and written by.
            pub fn profile(&self) -> &'static BankProfile {
                self.profile.0
            }

            /// The record type (position 1): `0`, `1` (BB: also `7`), `9`.
            pub fn record_type(&self) -> u8 {
                self.line.bytes[0]
            }

            /// Whether the record belongs to a retorno (else a remessa).
            pub fn is_retorno(&self) -> bool {
                self.retorno
            }

            fn set(&mut self, column: &Column, bytes: &[u8]) -> Result<(), FieldProblem> {
                match column.field {
                    $( Field::$variant => self.$field = Slot::read(bytes, column.kind)?, )+
                    Field::Sequence => self.sequence = Slot::read(bytes, column.kind)?,
                    _ => {}
                }
                Ok(())
            }

            fn get(&self, column: &Column, out: &mut [u8], options: &WriteOptions) -> Result<(), FieldProblem> {
                let read = self.line.read;
                match column.field {
                    $( Field::$variant => put(&self.$field, out, column.kind, read, options), )+
                    Field::Sequence => put(&self.sequence, out, column.kind, read, options),
                    _ => Ok(()),
                }
            }

            fn blank(profile: &'static BankProfile, retorno: bool, record_type: u8) -> Self {
                $name {
                    $( $field: Default::default(), )+
                    sequence: 0,
                    profile: ProfileRef(profile),
                    retorno,
                    line: Line::blank(record_type),
                }
            }

            /// Reads a line of 400 bytes by `profile` (`retorno` chooses the layout); every
            /// column that does not read is an error of its own, so one bad value does not hide
            /// the next. A line of another length is refused whole.
            pub fn parse(line: &[u8], profile: &'static BankProfile, retorno: bool) -> Result<Self, Vec<FieldError>> {
                let Ok(bytes) = <[u8; 400]>::try_from(line) else {
                    let problem = FieldProblem::TooLong { max: 400, found: line.len() };
                    return Err(vec![FieldError { field: "line", start: 1, end: 400, found: String::new(), problem }]);
                };
                let mut record = Self::blank(profile, retorno, line[0]);
                record.line.bytes = bytes;
                record.line.read = true;
                let mut errors = Vec::new();
                for column in record.columns() {
                    let bytes = &line[usize::from(column.start) - 1..usize::from(column.end)];
                    if let Err(problem) = record.set(&column, bytes) {
                        errors.push(field_error(&column, bytes, problem));
                    }
                }
                if errors.is_empty() { Ok(record) } else { Err(errors) }
            }

            /// Writes the record as a 400-byte line by its profile: the columns it was read
            /// with where its fields did not change, each changed field in its column's form.
            pub fn to_line(&self, options: &WriteOptions) -> Result<[u8; 400], FieldError> {
                let mut line = self.line.bytes;
                for column in self.columns() {
                    let out = &mut line[usize::from(column.start) - 1..usize::from(column.end)];
                    self.get(&column, out, options).map_err(|problem| {
                        FieldError { field: column.field.name(), start: column.start.into(), end: column.end.into(), found: String::new(), problem }
                    })?;
                }
                Ok(line)
            }

            /// The value of a column that no field of this record holds (a trailer's totals),
            /// read as digits; `None` when it does not read.
            pub fn number_at(&self, start: u16, end: u16) -> Option<u64> {
                let bytes = self.line.bytes.get(usize::from(start).checked_sub(1)?..usize::from(end))?;
                <Option<u64> as Slot>::read(bytes, ColumnKind::Number).ok().flatten()
            }

            /// Writes `value` zero-padded at `start..=end`, a column no field of this record holds
            /// (a trailer's counts by occurrence).
            pub fn set_number_at(&mut self, start: u16, end: u16, value: u64) -> Result<(), FieldProblem> {
                let out = usize::from(start).checked_sub(1).and_then(|from| self.line.bytes.get_mut(from..usize::from(end)));
                let Some(out) = out.filter(|out| !out.is_empty()) else {
                    return Err(FieldProblem::TooLong { max: 400, found: usize::from(end) });
                };
                value.write(out, ColumnKind::Number, &WriteOptions::default())
            }

            /// Whether the bank's layout of this record has a column for `field`.
            pub fn has(&self, field: Field) -> bool {
                self.columns().any(|column| column.field == field)
            }
        }
    };
}

cobranca_record! {
    /// The header (record type `0`) of a remessa or retorno.
    pub struct Header {
        /// `1` remessa, `2` retorno.
        direction: Option<u64> = Direction,
        /// `REMESSA` or `RETORNO`.
        literal: CompactString = Literal,
        /// Código do serviço: `01`.
        service: Option<u64> = Service,
        /// `COBRANCA`.
        service_name: CompactString = ServiceName,
        /// The company's code at the bank.
        company_code: CompactString = CompanyCode,
        /// The company's name.
        company_name: CompactString = CompanyName,
        /// The bank's COMPE code.
        bank: Option<u64> = Bank,
        /// The bank's name.
        bank_name: CompactString = BankName,
        /// Date the file was written.
        written_on: Option<Date> = WrittenOn,
        /// The file's sequence number, where the bank writes one.
        file_number: Option<u64> = FileNumber,
        /// Date of the credit the file reports, where the bank writes one.
        credited_on: Option<Date> = CreditedOn,
        /// The bank's code for the sending system, where it has one (Bradesco: `MX`).
        system: CompactString = System,
    }
}

cobranca_record! {
    /// A boleto (record type `1`, or BB's `7`): to register, in a remessa; what became of it,
    /// in a retorno. Amounts are centavos; a blank or zero amount and a blank or zero date read
    /// as absent.
    pub struct Detail {
        /// Tipo de inscrição of the company.
        company_document_type: Option<u64> = CompanyDocumentType,
        /// CPF or CNPJ of the company.
        company_document: Option<u64> = CompanyDocument,
        /// The company's own reference (uso da empresa): what the remessa sent, echoed.
        company_reference: CompactString = CompanyReference,
        /// Nosso número, the bank's id of the boleto (as written, with its check digit).
        our_number: CompactString = OurNumber,
        /// Carteira.
        wallet: CompactString = Wallet,
        /// Código de ocorrência: [`Detail::occurrence`] says what it means.
        occurrence_code: Option<u64> = Occurrence,
        /// Date of the occurrence.
        occurred_on: Option<Date> = OccurredOn,
        /// Seu número / nº do documento.
        document_number: CompactString = DocumentNumber,
        /// Due date.
        due_date: Option<Date> = DueDate,
        /// Face value.
        face_value: Option<u64> = FaceValue,
        /// Bank that collected the payment.
        collecting_bank: Option<u64> = CollectingBank,
        /// Agency that collected the payment.
        collecting_agency: CompactString = CollectingAgency,
        /// Tariff charged.
        tariff: Option<u64> = Tariff,
        /// IOF.
        iof: Option<u64> = Iof,
        /// Rebate (abatimento).
        rebate: Option<u64> = Rebate,
        /// Discount granted.
        discount: Option<u64> = Discount,
        /// Amount the payer paid.
        paid_amount: Option<u64> = PaidAmount,
        /// Interest (juros de mora).
        interest: Option<u64> = Interest,
        /// Fine (multa), where the bank reports it apart.
        fine: Option<u64> = Fine,
        /// Other credits.
        other_credits: Option<u64> = OtherCredits,
        /// Date the credit is (or is due to be) available.
        credited_on: Option<Date> = CreditedOn,
        /// Motivos of the occurrence, as the bank writes them.
        motives: CompactString = Motives,
        /// Date the boleto was issued (remessa).
        issued_on: Option<Date> = IssuedOn,
        /// Tipo de inscrição of the payer.
        payer_document_type: Option<u64> = PayerDocumentType,
        /// CPF or CNPJ of the payer.
        payer_document: Option<u64> = PayerDocument,
        /// The payer's name.
        payer_name: CompactString = PayerName,
        /// The payer's address (remessa).
        payer_address: CompactString = PayerAddress,
        /// The payer's postal code (remessa).
        payer_postal_code: Option<u64> = PayerPostalCode,
        /// Espécie do título (remessa): 01 duplicata mercantil, 99 outros...
        title_kind: Option<u64> = TitleKind,
        /// Aceite (remessa): `A` or `N`.
        accepted: CompactString = Accepted,
        /// Interest to charge per day late (remessa).
        daily_interest: Option<u64> = DailyInterest,
        /// Date until which the discount holds (remessa).
        discount_until: Option<Date> = DiscountUntil,
    }
}

cobranca_record! {
    /// The trailer (record type `9`).
    pub struct Trailer {
        /// `2` in a retorno.
        direction: Option<u64> = Direction,
        /// Código do serviço: `01`.
        service: Option<u64> = Service,
        /// The bank's COMPE code.
        bank: Option<u64> = Bank,
        /// The boletos the file reports, where the bank counts them.
        count: Option<u64> = Count,
        /// Their face values, centavos, where the bank sums them.
        total: Option<u64> = Total,
    }
}

impl Header {
    /// A header of `profile`'s layout, to fill and write: the direction, literal, service
    /// (`01 COBRANCA`) and bank already set.
    ///
    /// ```
    /// use febraban_cnab::cnab400::{BankProfile, Header};
    /// let mut header = Header::new(BankProfile::for_bank(748).unwrap(), true);
    /// header.company_name = "Padaria São João".into();
    /// let line = header.to_line(&Default::default()).unwrap();
    /// assert_eq!(&line[..26], b"02RETORNO01COBRANCA       ");
    /// assert_eq!(&line[46..79], b"PADARIA SAO JOAO              748");
    /// ```
    pub fn new(profile: &'static BankProfile, retorno: bool) -> Self {
        let mut header = Self::blank(profile, retorno, b'0');
        header.direction = Some(if retorno { 2 } else { 1 });
        header.literal = if retorno { "RETORNO" } else { "REMESSA" }.into();
        (header.service, header.service_name) = (Some(1), "COBRANCA".into());
        header.bank = Some(profile.bank.into());
        header
    }

    /// The record's columns by its profile: the base layout with the bank's overrides.
    pub fn columns(&self) -> impl Iterator<Item = Column> + 'static {
        let profile = self.profile.0;
        let overrides = if self.retorno { profile.retorno_header } else { profile.remessa_header };
        BankProfile::columns(BASE_HEADER, overrides)
    }
}

impl Detail {
    /// A blank detail (type `1`) of `profile`'s layout.
    pub fn new(profile: &'static BankProfile, retorno: bool) -> Self {
        Self::blank(profile, retorno, b'1')
    }

    /// What the occurrence code means in the bank's list; `None` for a code it does not list.
    ///
    /// ```
    /// use febraban_cnab::Meaning;
    /// use febraban_cnab::cnab400::{BankProfile, Detail};
    /// let mut detail = Detail::new(BankProfile::for_bank(104).unwrap(), true);
    /// detail.occurrence_code = Some(21);
    /// assert_eq!(detail.occurrence().unwrap().meaning, Meaning::Settled);
    /// ```
    pub fn occurrence(&self) -> Option<Movement> {
        self.profile.0.occurrence(self.occurrence_code?)
    }

    /// The record's columns by its profile: the base layout with the bank's overrides.
    pub fn columns(&self) -> impl Iterator<Item = Column> + 'static {
        let profile = self.profile.0;
        match self.retorno {
            true => BankProfile::columns(BASE_RETORNO_DETAIL, profile.retorno_detail),
            false => BankProfile::columns(BASE_REMESSA_DETAIL, profile.remessa_detail),
        }
    }
}

impl Trailer {
    /// A blank trailer of `profile`'s layout.
    pub fn new(profile: &'static BankProfile, retorno: bool) -> Self {
        let mut trailer = Self::blank(profile, retorno, b'9');
        if retorno {
            (trailer.direction, trailer.service, trailer.bank) = (Some(2), Some(1), Some(profile.bank.into()));
        }
        trailer
    }

    /// The record's columns by its profile: the base layout with the bank's overrides.
    pub fn columns(&self) -> impl Iterator<Item = Column> + 'static {
        let profile = self.profile.0;
        match self.retorno {
            true => BankProfile::columns(BASE_RETORNO_TRAILER, profile.retorno_trailer),
            false => BankProfile::columns(BASE_REMESSA_TRAILER, profile.remessa_trailer),
        }
    }
}
