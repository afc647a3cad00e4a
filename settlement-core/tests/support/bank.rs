//! What a bank answers: the retorno of a remessa, written with `febraban-cnab`'s writer, as the
//! bank would write it. Shared by the core's and the server's tests (`#[path]`) and the scale run.

#![allow(dead_code)]

use febraban_cnab::cnab240::{Record, SegmentZ};
use febraban_cnab::cnab400::{BankProfile, Cnab400, Detail, Header, Trailer};
use febraban_cnab::{Date, LineEnding, PaymentBatch, PaymentFileWriter, ReadOptions, WriteOptions, WriterOptions};

/// Today, UTC.
pub(crate) fn today() -> Date {
    let now = time::OffsetDateTime::now_utc();
    Date::new(now.year() as u16, u8::from(now.month()), now.day()).unwrap()
}

/// How the bank answers one payment of a CNAB240 remessa.
#[derive(Clone, Copy)]
pub(crate) enum Answer {
    /// `00`, with the amount paid and a segment Z carrying the end-to-end id.
    Paid(&'static str),
    /// These codes (G059), nothing paid.
    Codes(&'static str),
    /// `00`, for an amount one centavo off.
    WrongAmount,
}

/// The retorno a bank writes for a CNAB240 Pix transfer remessa: each A answered as `answers`
/// says, in order (a paid one followed, after its B, by a Z with the end-to-end id), and one
/// more A whose seu número is nobody's.
pub(crate) fn cnab240_retorno(remessa: &[u8], answers: &[Answer]) -> Vec<u8> {
    let mut header = None;
    let mut batches: Vec<PaymentBatch> = Vec::new();
    let mut answers = answers.iter();
    let mut current = None;
    for item in febraban_cnab::Reader::new(remessa) {
        let record = item.unwrap().1;
        if let Record::PaymentBatchHeader(h) = record {
            batches.push(PaymentBatch { header: h, ..Default::default() });
            continue;
        }
        let Some(batch) = batches.last_mut() else {
            if let Record::FileHeader(mut h) = record {
                h.direction = 2;
                header = Some(h);
            }
            continue;
        };
        match record {
            Record::SegmentA(mut a) => {
                let answer = *answers.next().expect("an answer for every payment");
                a.occurrences = match answer {
                    Answer::Paid(_) | Answer::WrongAmount => "00",
                    Answer::Codes(codes) => codes,
                }
                .into();
                if let Answer::WrongAmount = answer {
                    a.amount += 1;
                }
                if matches!(answer, Answer::Paid(_) | Answer::WrongAmount) {
                    (a.effective_date, a.effective_amount) = (a.payment_date, a.amount);
                }
                current = Some(answer);
                batch.details.push(Record::SegmentA(a));
            }
            Record::SegmentBPix(b) => {
                batch.details.push(Record::SegmentBPix(b));
                if let Some(Answer::Paid(e2e)) = current {
                    batch.details.push(Record::SegmentZ(SegmentZ { authentication: e2e.into(), ..Default::default() }));
                }
            }
            _ => {}
        }
    }
    let last = batches.last_mut().expect("a batch");
    let stranger = last.details.iter().find_map(|r| match r {
        Record::SegmentA(a) => Some(a.clone()),
        _ => None,
    });
    if let Some(mut stranger) = stranger {
        stranger.your_number = "NOT-OURS-42".into();
        last.details.push(Record::SegmentA(stranger));
    }
    static OPTIONS: WriterOptions = WriterOptions {
        line_ending: LineEnding::CrLf,
        profile: febraban_cnab::Profile::FEBRABAN,
        text: WriteOptions { truncate_text: true },
    };
    let mut writer = PaymentFileWriter::new(Vec::new(), header.unwrap(), &OPTIONS).unwrap();
    for batch in &batches {
        writer.batch(batch).unwrap();
    }
    writer.finish(Default::default()).unwrap()
}

/// How the bank answers one boleto of a CNAB400 remessa: its occurrence, and what was paid
/// beyond (or short of) the face value.
#[derive(Clone, Copy)]
pub(crate) struct Boleto {
    /// The occurrence code.
    pub(crate) code: u64,
    /// Its motivos.
    pub(crate) motives: &'static str,
    /// Interest paid beyond the face value (a liquidação, 06).
    pub(crate) interest: u64,
    /// What the payer paid short of the face value (06).
    pub(crate) short: u64,
}

pub(crate) const fn boleto(code: u64) -> Boleto {
    Boleto { code, motives: "", interest: 0, short: 0 }
}

/// The retorno Bradesco writes for a CNAB400 cobrança remessa: each detail answered as
/// `answers` says, in order, one more whose references are nobody's, and a trailer with the
/// profile's counts and sums by occurrence.
pub(crate) fn cnab400_retorno(remessa: &[u8], answers: &[Boleto]) -> Vec<u8> {
    cnab400_retorno_of(237, remessa, answers)
}

/// The retorno the bank with `bank` code would write for a CNAB400 cobrança remessa, by its
/// profile: where its layout has no uso da empresa, the reference comes back in the seu número.
pub(crate) fn cnab400_retorno_of(bank: u64, remessa: &[u8], answers: &[Boleto]) -> Vec<u8> {
    let profile = BankProfile::for_bank(bank).unwrap();
    let options = WriteOptions { truncate_text: true };
    let mut out = Vec::new();
    let mut line = |bytes: [u8; 400]| {
        out.extend_from_slice(&bytes);
        out.extend_from_slice(b"\r\n");
    };
    let mut header = Header::new(profile, true);
    (header.company_name, header.bank_name, header.written_on, header.sequence) = (
        "PADARIA".into(),
        profile.name.to_uppercase().chars().take(15).collect::<String>().as_str().into(),
        Some(today()),
        1,
    );
    line(header.to_line(&options).unwrap());
    let mut details = Vec::new();
    let reader = febraban_cnab::Reader::with_format(remessa, ReadOptions::default(), Cnab400::default());
    for (sent, answer) in reader
        .filter_map(|item| match item.unwrap().1 {
            febraban_cnab::cnab400::Record::Detail(detail) => Some(detail),
            _ => None,
        })
        .zip(answers)
    {
        let mut detail = Detail::new(profile, true);
        detail.company_reference = sent.company_reference.clone();
        detail.document_number = sent.document_number.clone();
        if !detail.columns().any(|column| column.field == febraban_cnab::cnab400::Field::CompanyReference) {
            let reference = sent.company_reference.split(' ').next().unwrap_or_default();
            detail.document_number = reference.into();
        }
        detail.our_number = format!("{:07}", details.len() + 1).as_str().into();
        (detail.occurrence_code, detail.occurred_on, detail.due_date) =
            (Some(answer.code), Some(today()), sent.due_date);
        detail.face_value = sent.face_value;
        detail.motives = answer.motives.into();
        if answer.code == 6 {
            let face = sent.face_value.unwrap();
            detail.paid_amount = Some(face + answer.interest - answer.short);
            detail.interest = (answer.interest > 0).then_some(answer.interest);
            detail.credited_on = Some(today());
        }
        details.push(detail);
    }
    let mut stranger = details[0].clone();
    (stranger.company_reference, stranger.document_number) = ("NOT-OURS".into(), "999".into());
    details.push(stranger);
    for (n, detail) in details.iter_mut().enumerate() {
        detail.sequence = n as u64 + 2;
        line(detail.to_line(&options).unwrap());
    }
    let mut trailer = Trailer::new(profile, true);
    trailer.count = Some(details.len() as u64);
    trailer.total = Some(details.iter().filter_map(|d| d.face_value).sum());
    trailer.sequence = details.len() as u64 + 2;
    for total in profile.retorno_totals {
        let covered = details.iter().filter(|d| {
            total.occurrences.is_empty() || d.occurrence_code.is_some_and(|c| total.occurrences.contains(&(c as u8)))
        });
        let value = match total.measure {
            febraban_cnab::cnab400::Measure::Count => covered.count() as u64,
            febraban_cnab::cnab400::Measure::FaceValue => covered.filter_map(|d| d.face_value).sum(),
            other => panic!("a measure this test does not compute: {other:?}"),
        };
        trailer.set_number_at(total.start, total.end, value).unwrap();
    }
    line(trailer.to_line(&options).unwrap());
    out
}

/// The retorno a bank writes for a CNAB240 cobrança remessa (segments P and Q): a T and a U for
/// each boleto, answered as `answers` says, in order, and one more whose references are
/// nobody's.
pub(crate) fn cobranca_retorno(remessa: &[u8], answers: &[Boleto]) -> Vec<u8> {
    use febraban_cnab::cnab240::{SegmentT, SegmentU};
    use febraban_cnab::{CobrancaBatch, CobrancaFile};
    let mut file = CobrancaFile::default();
    let mut answers = answers.iter();
    let mut boleto: Option<(febraban_cnab::cnab240::SegmentP, Boleto)> = None;
    for item in febraban_cnab::Reader::new(remessa) {
        match item.unwrap().1 {
            Record::FileHeader(mut header) => {
                header.direction = 2;
                file.header = header;
            }
            Record::CobrancaBatchHeader(mut header) => {
                header.operation = "T".into();
                file.batches.push(CobrancaBatch { header, ..Default::default() });
            }
            Record::SegmentP(p) => boleto = Some((p, *answers.next().expect("an answer for every boleto"))),
            Record::SegmentQ(q) => {
                let (p, answer) = boleto.take().expect("a P before its Q");
                let batch = file.batches.last_mut().expect("a batch");
                let number = batch.details.len() / 2 + 1;
                let t = SegmentT {
                    movement_code: answer.code,
                    our_number: format!("{number:010}").as_str().into(),
                    wallet: Some(p.wallet),
                    document_number: p.document_number.clone(),
                    due_date: p.due_date,
                    amount: p.amount,
                    company_reference: p.company_reference.clone(),
                    payer_document_type: Some(q.payer_document_type),
                    payer_document: Some(q.payer_document),
                    payer_name: q.payer_name.clone(),
                    reasons: answer.motives.into(),
                    ..Default::default()
                };
                let paid = if answer.code == 6 { p.amount + answer.interest - answer.short } else { 0 };
                let u = SegmentU {
                    movement_code: answer.code,
                    interest: answer.interest,
                    paid,
                    net: paid,
                    occurred_on: Some(today()),
                    credited_on: (paid > 0).then(today),
                    ..Default::default()
                };
                batch.details.extend([Record::SegmentT(t), Record::SegmentU(u)]);
            }
            _ => {}
        }
    }
    let batch = file.batches.last_mut().expect("a batch");
    if let [Record::SegmentT(t), Record::SegmentU(u), ..] = batch.details.as_slice() {
        let mut stranger = t.clone();
        (stranger.company_reference, stranger.document_number) = ("NOT-OURS".into(), "999".into());
        let u = u.clone();
        batch.details.extend([Record::SegmentT(stranger), Record::SegmentU(u)]);
    }
    file.to_bytes(&WriterOptions::default()).unwrap()
}

/// One entry of a bank statement: amount, `C` or `D`, the bank's text, the document field.
pub(crate) type Entry = (u64, &'static str, &'static str, String);

/// The bank statement (extrato, segment E) of the account of `holder` (a CNPJ) at `bank`, with
/// `entries` on day `on`: the opening balance zero, the closing one and the trailer's sums
/// computed.
pub(crate) fn statement(bank: u64, holder: u64, on: Date, entries: &[Entry]) -> Vec<u8> {
    use febraban_cnab::Profile;
    use febraban_cnab::cnab240::{FileHeader, FileTrailer, SegmentE, StatementBatchHeader, StatementBatchTrailer};
    let options = WriteOptions::default();
    let mut out = Vec::new();
    let mut line = |record: Record| {
        out.extend_from_slice(&record.to_line(Profile::FEBRABAN, &options).unwrap());
        out.extend_from_slice(b"\r\n");
    };
    let company = (2, holder);
    line(Record::FileHeader(FileHeader {
        bank,
        company_document_type: company.0,
        company_document: company.1,
        direction: 2,
        file_number: 1,
        ..Default::default()
    }));
    line(Record::StatementBatchHeader(StatementBatchHeader {
        bank,
        batch: 1,
        service: 4,
        entry_form: 40,
        layout_version: 33,
        company_document_type: company.0,
        company_document: company.1,
        opening_date: Some(on),
        opening_sign: "C".into(),
        opening_status: "F".into(),
        currency: "BRL".into(),
        ..Default::default()
    }));
    let (mut credits, mut debits) = (0, 0);
    for (n, (amount, sign, history, document)) in entries.iter().enumerate() {
        if *sign == "C" {
            credits += amount
        } else {
            debits += amount
        }
        line(Record::SegmentE(SegmentE {
            bank,
            batch: 1,
            sequence: n as u64 + 1,
            company_document_type: company.0,
            company_document: company.1,
            nature: "DPV".into(),
            booked_on: Some(on),
            entry_date: Some(on),
            amount: *amount,
            sign: (*sign).into(),
            category: Some(if *sign == "C" { 209 } else { 105 }),
            history: (*history).into(),
            document: document.as_str().into(),
            ..Default::default()
        }));
    }
    line(Record::StatementBatchTrailer(StatementBatchTrailer {
        bank,
        batch: 1,
        company_document_type: company.0,
        company_document: company.1,
        closing_date: Some(on),
        closing_balance: credits - debits,
        closing_sign: "C".into(),
        closing_status: "F".into(),
        record_count: entries.len() as u64 + 2,
        debits,
        credits,
        ..Default::default()
    }));
    line(Record::FileTrailer(FileTrailer {
        bank,
        batch_count: 1,
        record_count: entries.len() as u64 + 4,
        ..Default::default()
    }));
    out
}
