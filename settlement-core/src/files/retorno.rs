//! Retornos: what a bank answers about the payments and boletos of a remessa. Each detail of a
//! retorno becomes an [`Occurrence`] (the references it echoes, the bank's codes with their
//! texts and meanings, the amounts and dates it reports), stored as an import record and
//! applied to its payment when the import is processed ([`crate::files::reconcile`]).
//!
//! What a code means is the codec's knowledge (`febraban-cnab`'s profiles, as data); this
//! module only carries it into the service's terms.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::parse::{ParseError, Sink, document, latin1, open_cnab, text};
use super::{ParsedRecord, RecordKind};

/// What an occurrence means for its payment (the codec's meaning, in the API's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Meaning {
    /// Paid (liquidação, crédito efetivado).
    Settled,
    /// Closed without payment (baixa), or cancelled.
    WrittenOff,
    /// Refused (a field, the batch, the funds).
    Rejected,
    /// A payment undone (estorno, devolução).
    Reversed,
    /// Registered or scheduled (entrada confirmada, inclusão efetuada).
    Entered,
    /// A tariff charged.
    Tariff,
    /// Information: changes confirmed, protest, a cheque clearing.
    Other,
}

impl Meaning {
    fn of(meaning: febraban_cnab::Meaning) -> Self {
        use febraban_cnab::Meaning as M;
        match meaning {
            M::Settled => Meaning::Settled,
            M::WrittenOff => Meaning::WrittenOff,
            M::Rejected => Meaning::Rejected,
            M::Reversed => Meaning::Reversed,
            M::Entered => Meaning::Entered,
            M::Tariff => Meaning::Tariff,
            _ => Meaning::Other,
        }
    }

    /// Which of a detail's codes decides, when it carries several (CNAB240's five slots):
    /// paid over cancelled over rejected over accepted, the order Itaú's SISPAG v086 ranks
    /// them (`../shared/domain/retorno.md` §1); a reversal ranks between a rejection and an
    /// acceptance.
    fn rank(self) -> u8 {
        match self {
            Meaning::Settled => 0,
            Meaning::WrittenOff => 1,
            Meaning::Rejected => 2,
            Meaning::Reversed => 3,
            Meaning::Entered => 4,
            Meaning::Tariff => 5,
            Meaning::Other => 6,
        }
    }
}

/// One code of a detail: as the bank wrote it, its text, its meaning (`None`: the bank's list
/// does not have it, and an unknown code is never taken for paid).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Code {
    /// The code.
    pub code: String,
    /// The bank's (or FEBRABAN's) text.
    pub text: String,
    /// What it means.
    pub meaning: Option<Meaning>,
}

/// The bank file layouts a remessa is sent in and a retorno comes back in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Layout {
    /// CNAB240 pagamentos: segments A (transfers, Pix) and J (boletos and QR codes paid).
    Cnab240Payments,
    /// CNAB240 cobrança: segments T and U.
    Cnab240Cobranca,
    /// CNAB400 cobrança: detail records.
    Cnab400Cobranca,
    /// CNAB240 extrato para conciliação bancária: segment E entries (credits only).
    Cnab240Statement,
}

impl Layout {
    /// The name the API and the database use.
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Cnab240Payments => "CNAB240_PAYMENTS",
            Layout::Cnab240Cobranca => "CNAB240_COBRANCA",
            Layout::Cnab400Cobranca => "CNAB400_COBRANCA",
            Layout::Cnab240Statement => "CNAB240_STATEMENT",
        }
    }

    /// Reads the name.
    pub fn parse(name: &str) -> Option<Self> {
        [Layout::Cnab240Payments, Layout::Cnab240Cobranca, Layout::Cnab400Cobranca, Layout::Cnab240Statement]
            .into_iter()
            .find(|layout| layout.as_str() == name)
    }
}

/// What a retorno says of one payment or boleto.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Occurrence {
    /// The layout.
    pub layout: Layout,
    /// The bank (COMPE code).
    pub bank: u64,
    /// The fields the bank echoes from the remessa, in the order they are tried (seu número,
    /// uso da empresa): where the service's reference comes back.
    pub references: Vec<String>,
    /// The bank's own id (nosso número).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_reference: Option<String>,
    /// The codes, in the record's order.
    pub codes: Vec<Code>,
    /// The amount the remessa asked for (payment amount, face value), centavos.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// The amount paid, centavos.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paid_amount: Option<i64>,
    /// Interest (and, where the bank sums them, fines) paid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interest: Option<i64>,
    /// A fine paid, where the bank reports it apart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fine: Option<i64>,
    /// Discounts and rebates granted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount: Option<i64>,
    /// The bank's tariff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tariff: Option<i64>,
    /// The day it was paid (or the occurrence's day), `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paid_on: Option<String>,
    /// The day the credit is available, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credited_on: Option<String>,
    /// The Pix end-to-end id (CNAB240 segment Z).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_to_end_id: Option<String>,
    /// The other party's CPF or CNPJ (the payee of a transfer, the payer of a boleto).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counterparty_document: Option<String>,
    /// A statement's account holder's CPF or CNPJ: the company the credit is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder_document: Option<String>,
}

impl Occurrence {
    fn new(layout: Layout, bank: u64) -> Self {
        Occurrence {
            layout,
            bank,
            references: Vec::new(),
            bank_reference: None,
            codes: Vec::new(),
            amount: None,
            paid_amount: None,
            interest: None,
            fine: None,
            discount: None,
            tariff: None,
            paid_on: None,
            credited_on: None,
            end_to_end_id: None,
            counterparty_document: None,
            holder_document: None,
        }
    }

    /// The meaning of the deciding code ([`Meaning`]'s ranking); `None` when no code is known.
    pub fn meaning(&self) -> Option<Meaning> {
        self.codes.iter().filter_map(|code| code.meaning).min_by_key(|meaning| meaning.rank())
    }

    /// The codes and texts, as a failure reason or a note shows them: `AR Valor do lançamento
    /// inválido; AM Agência...`.
    pub fn describe(&self) -> String {
        let codes: Vec<String> = self.codes.iter().map(|code| format!("{} {}", code.code, code.text)).collect();
        if codes.is_empty() { "no occurrence code".to_owned() } else { codes.join("; ") }
    }

    fn add_reference(&mut self, field: &str) {
        if let Some(value) = text(field) {
            self.references.push(value);
        }
    }
}

fn money(value: u64) -> Option<i64> {
    (value > 0).then(|| i64::try_from(value).unwrap_or(i64::MAX))
}

fn day(date: Option<febraban_cnab::Date>) -> Option<String> {
    date.map(|date| date.to_string())
}

/// A detail being read (its line, its lines, what it says), sent to the sink when the next
/// one starts.
type Pending = (u64, String, Occurrence);

fn emit(pending: &mut Option<Pending>, count: &mut u64, sink: &mut Sink<'_>) -> Result<(), ParseError> {
    if let Some((line, raw_data, occurrence)) = pending.take() {
        *count += 1;
        let amount = occurrence.paid_amount.or(occurrence.amount);
        let fields = serde_json::to_value(&occurrence).unwrap_or(Value::Null);
        sink(ParsedRecord { line_number: line, raw_data, fields, kind: RecordKind::Occurrence, amount })
            .map_err(|()| ParseError::at(line, "stopped"))?;
    }
    Ok(())
}

/// How a retorno is read: leniently, as the bank sends it, with the deviations real banks'
/// files have (each a warning of the codec); trailers that do not reconcile still refuse it.
pub(crate) const LENIENT: febraban_cnab::ReadOptions =
    febraban_cnab::ReadOptions { lenient: true, profile: None, bank_profile: None };

/// Reads a CNAB240 retorno: pagamentos (A with its B and Z, J with its J-52, O and N with
/// their Z), cobrança (T with its U), and the bank statement's credits (segment E, `C`). The
/// caller ([`super::parse::cnab240`]) has validated the file leniently.
pub(crate) fn cnab240(path: &std::path::Path, sink: &mut Sink<'_>) -> Result<u64, ParseError> {
    use febraban_cnab::cnab240::Record;
    let (mut pending, mut count) = (None, 0);
    let mut bank = 0;
    let mut profile = febraban_cnab::Profile::FEBRABAN;
    let write_options = febraban_cnab::WriteOptions::default();
    for item in febraban_cnab::Reader::with_options(open_cnab(path)?, LENIENT) {
        let (line, record) = item.map_err(ParseError::of_read)?;
        let line = line as u64;
        let raw_line =
            || record.to_line(profile, &write_options).map_or_else(|_| String::new(), |bytes| latin1(&bytes));
        let payment_codes = |field: &str| -> Vec<Code> {
            febraban_cnab::occurrences(field)
                .map(|occurrence| Code {
                    code: occurrence.code().to_owned(),
                    text: occurrence.description().to_owned(),
                    meaning: occurrence.meaning(profile).map(Meaning::of),
                })
                .collect()
        };
        // What every payment segment says (A, J, O, N): its seu número, nosso número,
        // occurrences, amount and day.
        let payment = |your_number: &str, our_number: &str, occurrences: &str, amount: u64, on| {
            let mut occurrence = Occurrence::new(Layout::Cnab240Payments, bank);
            occurrence.add_reference(your_number);
            occurrence.bank_reference = text(our_number);
            occurrence.codes = payment_codes(occurrences);
            occurrence.amount = money(amount);
            occurrence.paid_on = day(on);
            occurrence
        };
        let attach = |pending: &mut Option<Pending>, add: &dyn Fn(&mut Occurrence)| {
            if let Some((_, raw, occurrence)) = pending.as_mut() {
                add(occurrence);
                raw.push('\n');
                raw.push_str(&raw_line());
            }
        };
        match &record {
            Record::FileHeader(header) => {
                bank = header.bank;
                profile = febraban_cnab::Profile::for_header(header.bank, header.layout_version);
            }
            Record::SegmentA(a) => {
                emit(&mut pending, &mut count, sink)?;
                let paid_on = a.effective_date.or(a.payment_date);
                let mut occurrence = payment(&a.your_number, &a.our_number, &a.occurrences, a.amount, paid_on);
                // Tipo de movimento 3 is an estorno, "somente para retorno" (F106 p.178).
                if a.movement_type == 3 {
                    let estorno = Code {
                        code: "3".to_owned(),
                        text: "Estorno (tipo de movimento 3)".to_owned(),
                        meaning: Some(Meaning::Reversed),
                    };
                    occurrence.codes.insert(0, estorno);
                }
                occurrence.paid_amount = money(a.effective_amount);
                pending = Some((line, raw_line(), occurrence));
            }
            Record::SegmentBPix(b) => attach(&mut pending, &|o| {
                o.counterparty_document = document(b.payee_document_type, b.payee_document);
            }),
            Record::SegmentB(b) => attach(&mut pending, &|o| {
                o.counterparty_document = document(b.payee_document_type, b.payee_document);
            }),
            Record::SegmentZ(z) => attach(&mut pending, &|o| {
                // From February 2021, Z 15-78 is the Pix end-to-end id (Bradesco's Multipag Pix
                // manual); before, and for other transfers, an authentication.
                let id = z.authentication.trim();
                if crate::types::EndToEndId::parse(id).is_ok() {
                    o.end_to_end_id = Some(id.to_owned());
                }
            }),
            Record::SegmentJ(j) => {
                emit(&mut pending, &mut count, sink)?;
                let mut occurrence =
                    payment(&j.your_number, &j.our_number, &j.occurrences, j.face_amount, j.payment_date);
                occurrence.paid_amount = money(j.amount);
                occurrence.interest = money(j.interest);
                occurrence.discount = money(j.discount);
                pending = Some((line, raw_line(), occurrence));
            }
            // Utilities and taxes paid (O with a barcode, N without): seu número at O 123-142
            // and N 18-37.
            Record::SegmentO(o) => {
                emit(&mut pending, &mut count, sink)?;
                let occurrence = payment(&o.your_number, &o.our_number, &o.occurrences, o.amount, o.payment_date);
                pending = Some((line, raw_line(), occurrence));
            }
            Record::SegmentN(n) => {
                emit(&mut pending, &mut count, sink)?;
                let occurrence = payment(&n.your_number, &n.our_number, &n.occurrences, n.amount, n.payment_date);
                pending = Some((line, raw_line(), occurrence));
            }
            Record::SegmentJ52(j52) => attach(&mut pending, &|o| {
                o.counterparty_document = document(j52.payee_document_type, j52.payee_document);
            }),
            Record::SegmentJ52Pix(j52) => attach(&mut pending, &|o| {
                o.counterparty_document = document(j52.payee_document_type, j52.payee_document);
            }),
            Record::SegmentT(t) => {
                emit(&mut pending, &mut count, sink)?;
                let mut occurrence = Occurrence::new(Layout::Cnab240Cobranca, bank);
                // Uso da empresa (P 196-220, echoed at T 106-130), then seu número (T 59-73).
                occurrence.add_reference(&t.company_reference);
                occurrence.add_reference(&t.document_number);
                occurrence.bank_reference = text(&t.our_number);
                let code = t.movement_code;
                let movement = febraban_cnab::cobranca_movement(code);
                let reasons = t.reasons.trim();
                let text = movement.map_or("Código não listado pela FEBRABAN (C044)", |m| m.text);
                occurrence.codes.push(Code {
                    code: format!("{code:02}"),
                    text: if reasons.is_empty() { text.to_owned() } else { format!("{text} (motivos {reasons})") },
                    meaning: movement.map(|m| Meaning::of(m.meaning)),
                });
                occurrence.amount = money(t.amount);
                occurrence.tariff = money(t.fee);
                if let Some(kind) = t.payer_document_type {
                    occurrence.counterparty_document = document(kind, t.payer_document.unwrap_or(0));
                }
                pending = Some((line, raw_line(), occurrence));
            }
            Record::SegmentU(u) => attach(&mut pending, &|o| {
                o.interest = money(u.interest);
                o.discount = money(u.discount + u.rebate);
                o.paid_amount = money(u.paid);
                o.paid_on = day(u.occurred_on);
                o.credited_on = day(u.credited_on);
            }),
            Record::SegmentY(_) => attach(&mut pending, &|_| {}),
            // A statement's credit: what the company received, to match to a payment it
            // expects. Debits are the company's own payments: not read.
            Record::SegmentE(e) if e.sign.trim() == "C" => {
                emit(&mut pending, &mut count, sink)?;
                let mut occurrence = Occurrence::new(Layout::Cnab240Statement, bank);
                occurrence.add_reference(&e.document);
                let history = e.history.trim();
                occurrence.codes.push(Code {
                    code: e.category.map_or_else(|| e.history_code.trim().to_owned(), |c| format!("{c:03}")),
                    text: if history.is_empty() { "Crédito".to_owned() } else { history.to_owned() },
                    meaning: Some(Meaning::Settled),
                });
                occurrence.amount = money(e.amount);
                occurrence.paid_on = day(e.entry_date.or(e.booked_on));
                occurrence.credited_on = day(e.booked_on);
                occurrence.holder_document = document(e.company_document_type, e.company_document);
                // A Pix credit names its end-to-end id in the entry's text, where the bank writes it.
                occurrence.end_to_end_id = [e.history.as_str(), e.document.as_str(), e.complement.as_str()]
                    .iter()
                    .flat_map(|text| text.split(|c: char| !c.is_ascii_alphanumeric()))
                    .find(|token| token.len() == 32 && crate::types::EndToEndId::parse(token).is_ok())
                    .map(str::to_owned);
                pending = Some((line, raw_line(), occurrence));
            }
            _ => emit(&mut pending, &mut count, sink)?,
        }
    }
    emit(&mut pending, &mut count, sink)?;
    if count == 0 {
        return Err(ParseError::file(
            "the retorno holds no occurrence: no segment A, J, N, O or T, and no credit entry (segment E)",
        ));
    }
    Ok(count)
}

/// Reads a CNAB400 cobrança retorno of any bank with a profile: each detail (type 1, BB's 7)
/// becomes an occurrence, its code read by the bank's list. The caller
/// ([`super::parse::cnab400`]) has validated the file leniently.
pub(crate) fn cnab400(path: &std::path::Path, sink: &mut Sink<'_>) -> Result<u64, ParseError> {
    use febraban_cnab::cnab400::{Cnab400, Record};
    let (mut pending, mut count) = (None, 0);
    let mut bank = 0;
    let write_options = febraban_cnab::WriteOptions::default();
    let reader = febraban_cnab::Reader::with_format(open_cnab(path)?, LENIENT, Cnab400::default());
    for item in reader {
        let (line, record) = item.map_err(ParseError::of_read)?;
        let line = line as u64;
        let raw_line = || record.to_line(&write_options).map_or_else(|_| String::new(), |bytes| latin1(&bytes));
        match &record {
            Record::Header(header) => {
                emit(&mut pending, &mut count, sink)?;
                bank = header.bank.unwrap_or(0);
            }
            Record::Detail(d) => {
                emit(&mut pending, &mut count, sink)?;
                let mut occurrence = Occurrence::new(Layout::Cnab400Cobranca, bank);
                // Uso da empresa (38-62 for most banks), then seu número (117-126): Sicredi has
                // no uso da empresa.
                occurrence.add_reference(&d.company_reference);
                occurrence.add_reference(&d.document_number);
                occurrence.bank_reference = text(&d.our_number);
                if let Some(code) = d.occurrence_code {
                    let movement = d.occurrence();
                    let motives = d.motives.trim();
                    let text = movement.map_or("Código não listado no perfil do banco", |m| m.text);
                    occurrence.codes.push(Code {
                        code: format!("{code:02}"),
                        text: if motives.is_empty() { text.to_owned() } else { format!("{text} (motivos {motives})") },
                        meaning: movement.map(|m| Meaning::of(m.meaning)),
                    });
                }
                let cents = |value: Option<u64>| value.and_then(money);
                occurrence.amount = cents(d.face_value);
                occurrence.paid_amount = cents(d.paid_amount);
                occurrence.interest = cents(d.interest);
                occurrence.fine = cents(d.fine);
                let discount = d.discount.unwrap_or(0) + d.rebate.unwrap_or(0);
                occurrence.discount = money(discount);
                occurrence.tariff = cents(d.tariff);
                occurrence.paid_on = day(d.occurred_on);
                occurrence.credited_on = day(d.credited_on);
                if let (Some(kind), Some(number)) = (d.payer_document_type, d.payer_document) {
                    occurrence.counterparty_document = document(kind, number);
                }
                pending = Some((line, raw_line(), occurrence));
            }
            Record::Trailer(_) => emit(&mut pending, &mut count, sink)?,
            // A bank's Pix record belongs to the detail before it.
            _ => {
                if let Some((_, raw, _)) = pending.as_mut() {
                    raw.push('\n');
                    raw.push_str(&raw_line());
                }
            }
        }
    }
    emit(&mut pending, &mut count, sink)?;
    if count == 0 {
        return Err(ParseError::file("the retorno holds no boleto (detail type 1)"));
    }
    Ok(count)
}
