//! Writing payments out as files: CSV and JSON, a page at a time.

use serde_json::{Value, json};

use crate::payment::Payment;
use crate::time_format;

/// The CSV columns of an export, the document's first: an exported file imports back with the
/// same parties, amounts and external ids (the import ignores the columns that are not
/// payment fields). Columns added later go at the end, so that readers of the first ones by
/// position keep working.
pub const CSV_COLUMNS: [&str; 23] = [
    "debtor_ispb",
    "creditor_ispb",
    "amount",
    "status",
    "end_to_end_id",
    "id",
    "external_id",
    "currency",
    "debtor_document",
    "debtor_name",
    "debtor_account_no",
    "debtor_account_type",
    "debtor_branch",
    "creditor_document",
    "creditor_name",
    "creditor_account_no",
    "creditor_account_type",
    "creditor_branch",
    "description",
    "tx_id",
    "created_at",
    "processed_at",
    "refunded_amount",
];

/// The fields an export carries that are not payment request fields: an import skips them.
pub const EXPORT_ONLY_FIELDS: [&str; 10] = [
    "id",
    "unique_id",
    "status",
    "end_to_end_id",
    "created_at",
    "updated_at",
    "processed_at",
    "created_by",
    "refunded_amount",
    "refunds",
];

/// The CSV header row, with its line break.
pub fn csv_header() -> String {
    format!("{}\n", CSV_COLUMNS.join(","))
}

/// Payments as CSV rows.
pub fn csv_rows(payments: &[Payment]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    for p in payments {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        writer.write_record([
            p.debtor_ispb.clone(),
            p.creditor_ispb.clone(),
            p.amount.to_string(),
            p.status.as_str().to_owned(),
            text(&p.end_to_end_id),
            p.id.to_string(),
            text(&p.external_id),
            p.currency.clone(),
            text(&p.debtor_document),
            text(&p.debtor_name),
            text(&p.debtor_account_no),
            p.debtor_account_type.map(|kind| kind.as_str().to_owned()).unwrap_or_default(),
            text(&p.debtor_branch),
            text(&p.creditor_document),
            text(&p.creditor_name),
            text(&p.creditor_account_no),
            p.creditor_account_type.map(|kind| kind.as_str().to_owned()).unwrap_or_default(),
            text(&p.creditor_branch),
            text(&p.description),
            text(&p.tx_id),
            time_format::format(p.created_at),
            p.processed_at.map(time_format::format).unwrap_or_default(),
            p.refunded_amount.to_string(),
        ])?;
    }
    writer.into_inner().map_err(|error| csv::Error::from(error.into_error()))
}

/// A payment as a JSON export element: the document's fields and every request field.
pub fn json_element(payment: &Payment) -> Value {
    let mut value = serde_json::to_value(payment).unwrap_or_else(|_| json!({}));
    if let Some(object) = value.as_object_mut() {
        // Who created it belongs to this service, not to the file.
        object.remove("created_by");
        object.remove("unique_id");
    }
    value
}

/// CNAB240 exports: Pix transfer files (segments A and B) that `febraban-cnab` validates
/// strictly, a batch at a time.
pub mod cnab240 {
    use febraban_cnab::cnab240::{FileHeader, FileTrailer, PaymentBatchHeader, Record, SegmentA, SegmentBPix};
    use febraban_cnab::{
        Date, LineEnding, PaymentBatch, PaymentFileWriter, Profile, WriteError, WriteOptions, WriterOptions,
    };

    use crate::files::participants;
    use crate::payment::Payment;

    /// CRLF, FEBRABAN's layout; names longer than their column are cut, as banks do.
    static OPTIONS: WriterOptions = WriterOptions {
        line_ending: LineEnding::CrLf,
        profile: Profile::FEBRABAN,
        text: WriteOptions { truncate_text: true },
    };

    /// Payments per batch: a batch holds at most 99,999 details, and an export holds one batch
    /// in memory at a time.
    pub const BATCH_PAYMENTS: usize = 5_000;

    /// Digits of a number written as text (an account `12345-6` is 12345 and digit 6).
    fn number_and_digit(text: Option<&str>) -> (Option<u64>, String) {
        let Some(text) = text else { return (None, String::new()) };
        let (number, digit) = text.split_once('-').unwrap_or((text, ""));
        (number.trim().parse().ok(), digit.trim().chars().take(1).collect())
    }

    /// A CPF (type 1) or CNPJ (type 2) as CNAB writes them; (0, 0) when there is none.
    pub(super) fn document(text: Option<&str>) -> (u64, u64) {
        match text {
            Some(document) if document.len() == 11 => (1, document.parse().unwrap_or(0)),
            Some(document) => (2, document.parse().unwrap_or(0)),
            None => (0, 0),
        }
    }

    fn batch_header(payment: &Payment) -> PaymentBatchHeader {
        let (kind, number) = document(payment.debtor_document.as_deref());
        let (account, account_digit) = number_and_digit(payment.debtor_account_no.as_deref());
        PaymentBatchHeader {
            operation: "C".into(),
            service: 20,
            entry_form: 45,
            company_document_type: kind,
            company_document: number,
            agency: payment.debtor_branch.as_deref().and_then(|b| b.parse().ok()),
            account,
            account_digit: account_digit.into(),
            company_name: payment.debtor_name.clone().unwrap_or_default().into(),
            ..Default::default()
        }
    }

    /// The company's identity in a batch header (document, account, branch, name): payments of
    /// one company share a batch.
    type Company = [Option<String>; 4];

    fn company(payment: &Payment) -> Company {
        [
            payment.debtor_document.clone(),
            payment.debtor_account_no.clone(),
            payment.debtor_branch.clone(),
            payment.debtor_name.clone(),
        ]
    }

    fn details(payment: &Payment) -> [Record; 2] {
        let (account, digit) = number_and_digit(payment.creditor_account_no.as_deref());
        let (kind, number) = document(payment.creditor_document.as_deref());
        let date = payment.scheduled_date.unwrap_or(payment.created_at);
        // Seu número (74-93) comes back in the retorno: the service's reference, and the
        // external id beside it when both fit its 20 characters.
        let your_number = crate::files::reference::with_external_id(payment.id, payment.external_id.as_deref(), 20);
        [
            Record::SegmentA(SegmentA {
                clearing_house: 9,
                payee_bank: participants::compe_of(&payment.creditor_ispb).unwrap_or(0),
                payee_agency: payment.creditor_branch.as_deref().and_then(|b| b.parse().ok()),
                payee_account: account,
                payee_account_digit: digit.into(),
                payee_name: payment.creditor_name.clone().unwrap_or_default().into(),
                your_number: your_number.as_str().into(),
                payment_date: Date::new(date.year() as u16, u8::from(date.month()), date.day()),
                currency: "BRL".into(),
                amount: u64::try_from(payment.amount).unwrap_or(0),
                ..Default::default()
            }),
            Record::SegmentBPix(SegmentBPix {
                // 05: the payee is addressed by bank details, not by a Pix key.
                initiation: "05".into(),
                payee_document_type: kind,
                payee_document: number,
                txid: payment.tx_id.clone().unwrap_or_default().into(),
                message: payment.description.clone().unwrap_or_default().into(),
                ispb: payment.creditor_ispb.parse().ok(),
                ..Default::default()
            }),
        ]
    }

    /// A CNAB240 Pix transfer file being written from the bank with `compe` code.
    pub struct Cnab240Export {
        writer: PaymentFileWriter<'static, Vec<u8>>,
        batch: PaymentBatch,
        company: Option<Company>,
    }

    impl Cnab240Export {
        /// Starts the file: its header, for the bank with `compe` code, numbered `file_number`
        /// (NSA, 158-163; 0 for an export that is not sent).
        pub fn new(compe: u64, first: Option<&Payment>, file_number: u64) -> Result<Self, WriteError> {
            let (kind, number) = document(first.and_then(|p| p.debtor_document.as_deref()));
            let header = FileHeader {
                bank: compe,
                file_number,
                company_document_type: kind,
                company_document: number,
                company_name: first.and_then(|p| p.debtor_name.clone()).unwrap_or_default().into(),
                ..Default::default()
            };
            Ok(Cnab240Export {
                writer: PaymentFileWriter::new(Vec::new(), header, &OPTIONS)?,
                batch: PaymentBatch::default(),
                company: None,
            })
        }

        /// Adds payments; returns the bytes written so far (whole batches).
        pub fn add(&mut self, payments: &[Payment]) -> Result<Vec<u8>, WriteError> {
            for payment in payments {
                let company = company(payment);
                if self.company.as_ref() != Some(&company) || self.batch.details.len() >= 2 * BATCH_PAYMENTS {
                    self.flush_batch()?;
                    self.batch.header = batch_header(payment);
                    self.company = Some(company);
                }
                self.batch.details.extend(details(payment));
            }
            Ok(std::mem::take(self.writer.get_mut()))
        }

        fn flush_batch(&mut self) -> Result<(), WriteError> {
            if !self.batch.details.is_empty() {
                self.writer.batch(&self.batch)?;
                self.batch = PaymentBatch::default();
            }
            Ok(())
        }

        /// The last batch and the file trailer.
        pub fn finish(mut self) -> Result<Vec<u8>, WriteError> {
            self.flush_batch()?;
            self.writer.finish(FileTrailer::default())
        }
    }
}

/// CNAB240 cobrança remessas (segments P and Q): each payment a boleto to register at the
/// collecting bank (the creditor's), its debtor the pagador; one batch per collecting company.
pub mod cnab240_cobranca {
    use febraban_cnab::cnab240::{CobrancaBatchHeader, FileHeader, Record, SegmentP, SegmentQ};
    use febraban_cnab::{CobrancaBatch, CobrancaFile, Date, LineEnding, Profile, WriteOptions, WriterOptions};

    use super::cnab240::document;
    use crate::files::reference;
    use crate::payment::Payment;

    static OPTIONS: WriterOptions = WriterOptions {
        line_ending: LineEnding::CrLf,
        profile: Profile::FEBRABAN,
        text: WriteOptions { truncate_text: true },
    };

    fn boleto(payment: &Payment) -> [Record; 2] {
        let due = payment.scheduled_date.unwrap_or(payment.created_at);
        let date = |at: time::OffsetDateTime| Date::new(at.year() as u16, u8::from(at.month()), at.day());
        // Uso da empresa (196-220) comes back at T 106-130 in every retorno: the service's
        // reference, the external id beside it when both fit its 25 characters; seu número
        // (63-77, back at T 59-73) the external id when it fits, else the reference.
        let document_number = reference::external_id_or_reference(payment.id, payment.external_id.as_deref(), 15);
        let (kind, number) = document(payment.debtor_document.as_deref());
        [
            Record::SegmentP(SegmentP {
                wallet: 1,
                document_type: "1".into(),
                distribution: "2".into(),
                document_number: document_number.as_str().into(),
                due_date: date(due),
                amount: u64::try_from(payment.amount).unwrap_or(0),
                // 99: other kinds of title.
                kind: Some(99),
                accepted: "N".into(),
                issued_on: date(payment.created_at),
                company_reference: reference::with_external_id(payment.id, payment.external_id.as_deref(), 25)
                    .as_str()
                    .into(),
                currency_code: Some(9),
                ..Default::default()
            }),
            Record::SegmentQ(SegmentQ {
                payer_document_type: kind,
                payer_document: number,
                payer_name: payment.debtor_name.clone().unwrap_or_default().into(),
                ..Default::default()
            }),
        ]
    }

    /// A cobrança remessa being written to the bank with `compe` code: a cobrança file's
    /// trailers count every boleto, so it is written whole when finished.
    pub struct CobrancaExport {
        compe: u64,
        file_number: u64,
        header: Option<FileHeader>,
        batches: Vec<CobrancaBatch>,
    }

    impl CobrancaExport {
        /// A remessa to the bank with `compe` code, numbered `file_number` (NSA, file header
        /// 158-163 and batch header 184-191; 0 for an export that is not sent).
        pub fn new(compe: u64, file_number: u64) -> Self {
            CobrancaExport { compe, file_number, header: None, batches: Vec::new() }
        }

        /// Adds boletos: those of one collecting company (its document and name) share a batch;
        /// the file header names the first one's.
        pub fn add(&mut self, payments: &[Payment]) {
            let mut current = self.batches.last().map(|batch| {
                let header = &batch.header;
                (header.company_document_type, header.company_document, header.company_name.to_string())
            });
            for payment in payments {
                let (kind, number) = document(payment.creditor_document.as_deref());
                let name = payment.creditor_name.clone().unwrap_or_default();
                if self.header.is_none() {
                    self.header = Some(FileHeader {
                        bank: self.compe,
                        file_number: self.file_number,
                        company_document_type: kind,
                        company_document: number,
                        company_name: name.as_str().into(),
                        ..Default::default()
                    });
                }
                let this = (kind, number, name);
                let full = self.batches.last().is_some_and(|b| b.details.len() >= 2 * super::cnab240::BATCH_PAYMENTS);
                if current.as_ref() != Some(&this) || full {
                    self.batches.push(CobrancaBatch {
                        header: CobrancaBatchHeader {
                            operation: "R".into(),
                            service: 1,
                            layout_version: 60,
                            company_document_type: kind,
                            company_document: number,
                            company_name: this.2.as_str().into(),
                            file_number: self.file_number,
                            ..Default::default()
                        },
                        ..Default::default()
                    });
                    current = Some(this);
                }
                if let Some(batch) = self.batches.last_mut() {
                    batch.details.extend(boleto(payment));
                }
            }
        }

        /// The whole file.
        pub fn finish(self) -> Result<Vec<u8>, febraban_cnab::WriteError> {
            let header = self.header.unwrap_or(FileHeader {
                bank: self.compe,
                file_number: self.file_number,
                ..Default::default()
            });
            CobrancaFile { header, batches: self.batches, ..Default::default() }.to_bytes(&OPTIONS)
        }
    }
}

/// CNAB400 exports: Bradesco cobrança remessas, a record at a time: each payment is a boleto
/// to register, its debtor the pagador.
pub mod cnab400 {
    use febraban_cnab::cnab400::{BRADESCO, BankProfile, Detail, Header, Trailer};
    use febraban_cnab::{Date, WriteOptions};
    use time::OffsetDateTime;

    use crate::files::reference;
    use crate::payment::Payment;

    /// Names longer than their column are cut, as banks do.
    const OPTIONS: WriteOptions = WriteOptions { truncate_text: true };

    fn bradesco() -> &'static BankProfile {
        BankProfile::for_bank(BRADESCO).expect("Bradesco has a profile")
    }

    fn date(at: OffsetDateTime) -> Option<Date> {
        Date::new(at.year() as u16, u8::from(at.month()), at.day())
    }

    fn line(bytes: Result<[u8; 400], febraban_cnab::layout::FieldError>) -> Result<Vec<u8>, String> {
        let mut line = bytes.map_err(|e| e.to_string())?.to_vec();
        line.extend_from_slice(b"\r\n");
        Ok(line)
    }

    /// A Bradesco cobrança remessa being written; every record numbered (395-400).
    #[derive(Debug, Default)]
    pub struct Cnab400Export {
        sequence: u64,
        /// The remessa's sequence number (header 111-117); 0 for an export that is not sent.
        pub file_number: u64,
    }

    impl Cnab400Export {
        /// The header, for the company that collects (the first payment's creditor).
        pub fn header(&mut self, first: Option<&Payment>, now: OffsetDateTime) -> Result<Vec<u8>, String> {
            self.sequence += 1;
            let mut header = Header::new(bradesco(), false);
            header.company_name = first.and_then(|p| p.creditor_name.clone()).unwrap_or_default().into();
            header.bank_name = "BRADESCO".into();
            header.written_on = date(now);
            header.system = "MX".into();
            header.file_number = (self.file_number > 0).then_some(self.file_number);
            header.sequence = self.sequence;
            line(header.to_line(&OPTIONS))
        }

        /// Each payment as a boleto to register (occurrence 01).
        pub fn details(&mut self, payments: &[Payment]) -> Result<Vec<u8>, String> {
            let mut bytes = Vec::with_capacity(402 * payments.len());
            for payment in payments {
                self.sequence += 1;
                let (kind, document) = match payment.debtor_document.as_deref() {
                    Some(document) if document.len() == 11 => (Some(1), document.parse().ok()),
                    Some(document) => (Some(2), document.parse().ok()),
                    None => (None, None),
                };
                // Uso da empresa (38-62) comes back in every retorno: the service's reference,
                // and the external id beside it when both fit its 25 characters; seu número
                // (117-126) keeps the external id when it fits, else the reference too.
                let reference = reference::with_external_id(payment.id, payment.external_id.as_deref(), 25);
                let document_number =
                    reference::external_id_or_reference(payment.id, payment.external_id.as_deref(), 10);
                let mut detail = Detail::new(bradesco(), false);
                detail.company_reference = reference.as_str().into();
                detail.occurrence_code = Some(1);
                detail.document_number = document_number.as_str().into();
                detail.due_date = date(payment.scheduled_date.unwrap_or(payment.created_at));
                detail.face_value = Some(u64::try_from(payment.amount).unwrap_or(0));
                // 99: other kinds of title.
                detail.title_kind = Some(99);
                detail.accepted = "N".into();
                detail.issued_on = date(payment.created_at);
                detail.payer_document_type = kind;
                detail.payer_document = document;
                detail.payer_name = payment.debtor_name.clone().unwrap_or_default().into();
                detail.sequence = self.sequence;
                bytes.extend(line(detail.to_line(&OPTIONS))?);
            }
            Ok(bytes)
        }

        /// The trailer.
        pub fn trailer(&mut self) -> Result<Vec<u8>, String> {
            self.sequence += 1;
            let mut trailer = Trailer::new(bradesco(), false);
            trailer.sequence = self.sequence;
            line(trailer.to_line(&OPTIONS))
        }
    }
}
