//! The CNAB400 files of the shared corpus.

mod common;

use common::corpus_file;
use febraban_cnab::cnab400::{Cnab400, Record};
use febraban_cnab::{ReadErrorKind, ReadOptions, Reader, WriteOptions};

fn reader(bytes: &[u8]) -> Reader<&[u8], Cnab400> {
    Reader::with_format(bytes, ReadOptions::default(), Cnab400::default())
}

#[test]
fn bradesco_retorno_reads_and_writes_back() {
    let Some(bytes) = corpus_file("bradesco-237_cnab400_cobranca_retorno_laravel-boleto.ret") else { return };
    let records: Vec<_> = reader(&bytes).collect::<Result<_, _>>().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(records.len(), 9);
    let Record::BradescoRetornoHeader(header) = &records[0].1 else { panic!("{:?}", records[0]) };
    assert_eq!(
        (header.bank, header.notice, header.written_on.map(|d| d.to_string())),
        (237, Some(42), Some("2012-04-11".into()))
    );
    let Record::BradescoRetornoDetail(first) = &records[1].1 else { panic!() };
    assert_eq!((first.occurrence, first.amount, first.expenses, first.credited_on), (2, 500, 252, None));
    let Record::BradescoRetornoTrailer(trailer) = &records[8].1 else { panic!() };
    assert_eq!((trailer.entries_count, trailer.entries_amount, trailer.settled_count), (1, 500, 1));
    // Every record's sequence number is its line.
    for (line, record) in &records {
        assert_eq!(record.sequence(), *line as u64);
    }
    // Byte for byte.
    let lines: Vec<&[u8]> =
        bytes.split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l)).filter(|l| !l.is_empty()).collect();
    for ((line, record), original) in records.iter().zip(lines) {
        let written = record.to_line(&WriteOptions::default()).unwrap();
        assert_eq!(String::from_utf8_lossy(&written), String::from_utf8_lossy(original), "line {line}");
    }
}

#[test]
fn santander_pix_record_reads_around_an_unknown_layout() {
    let Some(bytes) = corpus_file("santander-033_cnab400_cobranca_remessa_pix-tipo8_brcobranca.rem") else { return };
    let items: Vec<_> = reader(&bytes).collect();
    // Santander's header and type 1 are its own layouts, not declared here: refused by name.
    let header = items[0].as_ref().unwrap_err();
    assert!(matches!(header.kind, ReadErrorKind::UnknownLayout { bank: 33, record: "header" }), "{header}");
    assert!(matches!(items[1].as_ref().unwrap_err().kind, ReadErrorKind::UnknownLayout { bank: 33, record: "detail" }));
    // Its Pix record reads.
    let Ok((3, Record::SantanderPix(pix))) = &items[2] else { panic!("{:?}", items[2]) };
    assert_eq!(
        (pix.key.as_str(), pix.max_amount, pix.min_amount, pix.key_type),
        ("12345678910", 19990, 19990, Some(1))
    );
    assert!(matches!(&items[3], Ok((4, Record::RemessaTrailer(t))) if t.sequence == 4));
}

#[test]
fn bradesco_retorno_validates() {
    let Some(bytes) = corpus_file("bradesco-237_cnab400_cobranca_retorno_laravel-boleto.ret") else { return };
    let report = febraban_cnab::cnab400::validate(bytes.as_slice(), ReadOptions::default());
    assert!(report.is_valid(), "{:?}", report.problems.iter().map(ToString::to_string).collect::<Vec<_>>());
    assert_eq!((report.summary.bank, report.summary.records, report.summary.payments), (Some(237), 9, 7));
}

fn itau_remessa(records: &[Record]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for record in records {
        bytes.extend_from_slice(&record.to_line(&WriteOptions::default()).unwrap());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes
}

#[test]
fn itau_remessa_with_pix_reads_back_and_validates() {
    use febraban_cnab::Date;
    use febraban_cnab::cnab400::{ItauPixDetail, ItauRemessaDetail, ItauRemessaHeader, RemessaTrailer};
    let records = vec![
        Record::ItauRemessaHeader(ItauRemessaHeader {
            literal: "REMESSA".into(),
            service: 1,
            service_name: "COBRANCA".into(),
            agency: 1234,
            account: 56789,
            company_name: "Padaria São João".into(),
            bank: 341,
            bank_name: "BANCO ITAU SA".into(),
            written_on: Date::new(2026, 11, 22),
            sequence: 1,
            ..Default::default()
        }),
        Record::ItauRemessaDetail(ItauRemessaDetail {
            company_document_type: 2,
            company_document: 11_222_333_000_181,
            agency: 1234,
            account: 56789,
            wallet: Some(109),
            occurrence: 1,
            document_number: "PED42".into(),
            due_date: Date::new(2026, 12, 10),
            amount: 15_000,
            bank: 341,
            accepted: "N".into(),
            payer_name: "JOSE DA SILVA".into(),
            sequence: 2,
            ..Default::default()
        }),
        Record::ItauPix(ItauPixDetail {
            key: "fulano@example.com".into(),
            location_id: "9d36b84f".into(),
            sequence: 3,
            ..Default::default()
        }),
        Record::RemessaTrailer(RemessaTrailer { sequence: 4, ..Default::default() }),
    ];
    let bytes = itau_remessa(&records);
    let read: Vec<_> = reader(&bytes).collect::<Result<_, _>>().unwrap();
    let Record::ItauRemessaHeader(header) = &read[0].1 else { panic!() };
    assert_eq!(header.company_name, "PADARIA SAO JOAO");
    assert_eq!(read[1..].iter().map(|(_, r)| r.clone()).collect::<Vec<_>>(), records[1..]);
    let report = febraban_cnab::cnab400::validate(bytes.as_slice(), ReadOptions::default());
    assert!(report.is_valid(), "{:?}", report.problems.iter().map(ToString::to_string).collect::<Vec<_>>());
    assert_eq!((report.summary.payments, report.summary.total_amount), (1, 15_000));

    // A sequence number out of order, and a Pix record that follows no detail.
    let mut broken = records;
    broken.swap(1, 2);
    let report = febraban_cnab::cnab400::validate(itau_remessa(&broken).as_slice(), ReadOptions::default());
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert!(problems.contains(&"line 2: sequence number 3 where 2 comes next".to_string()), "{problems:?}");
    assert!(problems.contains(&"line 2: Pix record does not follow a detail".to_string()), "{problems:?}");
}

#[test]
fn bradesco_retorno_writes_back_whole() {
    use febraban_cnab::{LineEnding, WriterOptions};
    let Some(bytes) = corpus_file("bradesco-237_cnab400_cobranca_retorno_laravel-boleto.ret") else { return };
    let mut records: Vec<Record> = reader(&bytes).map(|item| item.unwrap().1).collect();
    // The writer numbers the records itself.
    for record in &mut records {
        if let Record::BradescoRetornoDetail(detail) = record {
            detail.sequence = 0;
        }
    }
    let mut written = Vec::new();
    febraban_cnab::cnab400::write(
        &records,
        &mut written,
        &WriterOptions { line_ending: LineEnding::CrLf, ..Default::default() },
    )
    .unwrap();
    assert!(written == bytes, "{}", String::from_utf8_lossy(&written));
}

#[test]
fn itau_retorno_with_pix_reads_back_and_reconciles_its_detail_count() {
    use febraban_cnab::Date;
    use febraban_cnab::cnab400::{ItauPixRetornoDetail, ItauRetornoDetail, ItauRetornoHeader, ItauRetornoTrailer};
    let detail = |occurrence, amount| {
        Record::ItauRetornoDetail(ItauRetornoDetail {
            company_document_type: 2,
            company_document: 11_222_333_000_181,
            agency: 1234,
            account: 56789,
            our_number: Some(12_345_678),
            wallet: Some(109),
            wallet_our_number: Some(12_345_678),
            our_number_digit: "4".into(),
            wallet_code: "I".into(),
            occurrence,
            occurred_on: Date::new(2026, 11, 21),
            document_number: "PED42".into(),
            due_date: Date::new(2026, 12, 10),
            amount,
            collecting_bank: Some(341),
            principal: amount,
            credited_on: Date::new(2026, 11, 23),
            payer_name: "José da Silva".into(),
            ..Default::default()
        })
    };
    let records = vec![
        Record::ItauRetornoHeader(ItauRetornoHeader {
            literal: "RETORNO".into(),
            service: 1,
            service_name: "COBRANCA".into(),
            agency: 1234,
            account: 56789,
            company_name: "PADARIA SAO JOAO".into(),
            bank: 341,
            bank_name: "BANCO ITAU SA".into(),
            written_on: Date::new(2026, 11, 22),
            density: Some(1600),
            density_unit: "BPI".into(),
            file_sequence: Some(7),
            ..Default::default()
        }),
        detail(2, 15_000),
        Record::ItauPixRetorno(ItauPixRetornoDetail {
            qr_code: "00020101021226900014br.gov.bcb.pix2568qrcodes.example.com/v2/cobv/9d36b84f".into(),
            ..Default::default()
        }),
        detail(6, 15_000),
        Record::ItauRetornoTrailer(ItauRetornoTrailer {
            service: 1,
            bank: 341,
            simple_count: 1,
            simple_amount: 15_000,
            file_sequence: Some(7),
            details: 2,
            total_amount: 30_000,
            ..Default::default()
        }),
    ];
    let mut bytes = Vec::new();
    febraban_cnab::cnab400::write(&records, &mut bytes, &Default::default()).unwrap();
    let read: Vec<Record> = reader(&bytes).map(|item| item.unwrap().1).collect();
    assert_eq!(read.len(), 5, "no remessa trailer is added after a retorno trailer");
    assert!(
        matches!(&read[2], Record::ItauPixRetorno(pix) if pix.qr_code.starts_with("000201") && pix.pix_error.is_empty())
    );
    let Record::ItauRetornoDetail(settled) = &read[3] else { panic!("{:?}", read[3]) };
    assert_eq!((settled.occurrence, settled.principal, settled.sequence), (6, 15_000, 4));
    // A retorno keeps what the bank wrote: accents are not folded.
    assert_eq!(settled.payer_name, "José da Silva");
    let report = febraban_cnab::cnab400::validate(bytes.as_slice(), ReadOptions::default());
    assert!(report.is_valid(), "{:?}", report.problems.iter().map(ToString::to_string).collect::<Vec<_>>());
    assert_eq!((report.summary.bank, report.summary.payments, report.summary.total_amount), (Some(341), 2, 30_000));

    // The trailer claims three details where the file holds two.
    let mut wrong = records;
    let Some(Record::ItauRetornoTrailer(trailer)) = wrong.last_mut() else { unreachable!() };
    trailer.details = 3;
    let mut bytes = Vec::new();
    febraban_cnab::cnab400::write(&wrong, &mut bytes, &Default::default()).unwrap();
    let report = febraban_cnab::cnab400::validate(bytes.as_slice(), ReadOptions::default());
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("line 5: trailer detail count (213-220)"), "{problems:?}");
    assert!(problems[0].contains('3') && problems[0].contains('2'), "{problems:?}");
}
