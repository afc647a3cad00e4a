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
    let Record::Header(header) = &records[0].1 else { panic!("{:?}", records[0]) };
    assert_eq!(
        (header.bank, header.file_number, header.written_on.map(|d| d.to_string()), header.profile().name),
        (Some(237), Some(42), Some("2012-04-11".into()), "Bradesco")
    );
    let Record::Detail(first) = &records[1].1 else { panic!() };
    assert_eq!(
        (first.occurrence_code, first.face_value, first.tariff, first.credited_on),
        (Some(2), Some(500), Some(252), None)
    );
    assert_eq!(first.occurrence().map(|o| o.meaning), Some(febraban_cnab::Meaning::Entered));
    let Record::Trailer(trailer) = &records[8].1 else { panic!() };
    // The counts by occurrence sit where no field is: entries (58-62), their amount, settled (87-91).
    assert_eq!(
        (trailer.number_at(58, 62), trailer.number_at(63, 74), trailer.number_at(87, 91)),
        (Some(1), Some(500), Some(1))
    );
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
fn santander_remessa_reads_by_its_profile_with_its_pix_record() {
    let Some(bytes) = corpus_file("santander-033_cnab400_cobranca_remessa_pix-tipo8_brcobranca.rem") else { return };
    let records: Vec<_> = reader(&bytes).collect::<Result<_, _>>().unwrap_or_else(|e| panic!("{e}"));
    let Record::Header(header) = &records[0].1 else { panic!("{:?}", records[0]) };
    assert_eq!((header.bank, header.profile().name, header.is_retorno()), (Some(33), "Santander", false));
    let Record::Detail(detail) = &records[1].1 else { panic!("{:?}", records[1]) };
    assert_eq!(
        (detail.our_number.as_str(), detail.face_value, detail.occurrence_code),
        ("00000123", Some(19990), Some(1))
    );
    let (3, Record::SantanderPix(pix)) = &records[2] else { panic!("{:?}", records[2]) };
    assert_eq!(
        (pix.key.as_str(), pix.max_amount, pix.min_amount, pix.key_type),
        ("12345678910", 19990, 19990, Some(1))
    );
    assert!(matches!(&records[3], (4, Record::Trailer(t)) if t.sequence == 4));
}

#[test]
fn a_bank_without_a_profile_is_refused_by_name() {
    let Some(bytes) = corpus_file("bradesco-237_cnab400_cobranca_retorno_laravel-boleto.ret") else { return };
    let mut other = bytes;
    other[76..79].copy_from_slice(b"999");
    let error = reader(&other).next().unwrap().unwrap_err();
    assert!(matches!(error.kind, ReadErrorKind::UnknownLayout { bank: 999, record: "header" }), "{error}");
    assert!(error.to_string().contains("no CNAB400 profile for bank 999"), "{error}");
    // Named by the caller, a profile reads it.
    let options =
        ReadOptions { bank_profile: febraban_cnab::cnab400::BankProfile::for_bank(237), ..Default::default() };
    let records: Vec<_> = Reader::with_format(other.as_slice(), options, Cnab400::default()).collect();
    assert!(records.iter().all(Result::is_ok), "{records:?}");
}

#[test]
fn bradesco_retorno_validates() {
    let Some(bytes) = corpus_file("bradesco-237_cnab400_cobranca_retorno_laravel-boleto.ret") else { return };
    let report = febraban_cnab::cnab400::validate(bytes.as_slice(), ReadOptions::default());
    assert!(report.is_valid(), "{:?}", report.problems.iter().map(ToString::to_string).collect::<Vec<_>>());
    assert_eq!((report.summary.bank, report.summary.records, report.summary.payments), (Some(237), 9, 7));
}

fn lines_of(records: &[Record]) -> Vec<u8> {
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
    use febraban_cnab::cnab400::{BankProfile, Detail, Header, ItauPixDetail, Trailer};
    let itau = BankProfile::for_bank(341).unwrap();
    let mut header = Header::new(itau, false);
    header.company_code = "12340056789".into();
    header.company_name = "Padaria São João".into();
    header.bank_name = "BANCO ITAU SA".into();
    header.written_on = Date::new(2026, 11, 22);
    header.sequence = 1;
    let mut detail = Detail::new(itau, false);
    detail.company_document_type = Some(2);
    detail.company_document = Some(11_222_333_000_181);
    detail.company_reference = "PAY-42".into();
    detail.occurrence_code = Some(1);
    detail.document_number = "PED42".into();
    detail.due_date = Date::new(2026, 12, 10);
    detail.face_value = Some(15_000);
    detail.collecting_bank = Some(341);
    detail.accepted = "N".into();
    detail.payer_name = "José da Silva".into();
    detail.sequence = 2;
    let mut trailer = Trailer::new(itau, false);
    trailer.sequence = 4;
    let records = vec![
        Record::Header(header),
        Record::Detail(detail),
        Record::ItauPix(ItauPixDetail {
            key: "fulano@example.com".into(),
            location_id: "9d36b84f".into(),
            sequence: 3,
            ..Default::default()
        }),
        Record::Trailer(trailer),
    ];
    let bytes = lines_of(&records);
    let read: Vec<_> = reader(&bytes).collect::<Result<_, _>>().unwrap();
    let Record::Header(header) = &read[0].1 else { panic!() };
    // Free text is written as banks want it: upper-case ASCII, accents folded.
    assert_eq!(header.company_name, "PADARIA SAO JOAO");
    let Record::Detail(detail) = &read[1].1 else { panic!() };
    assert_eq!(
        (detail.company_reference.as_str(), detail.face_value, detail.payer_name.as_str(), detail.collecting_bank),
        ("PAY-42", Some(15_000), "JOSE DA SILVA", Some(341))
    );
    assert_eq!(read[2].1, records[2]);
    let report = febraban_cnab::cnab400::validate(bytes.as_slice(), ReadOptions::default());
    assert!(report.is_valid(), "{:?}", report.problems.iter().map(ToString::to_string).collect::<Vec<_>>());
    assert_eq!((report.summary.payments, report.summary.total_amount), (1, 15_000));

    // A sequence number out of order, and a Pix record that follows no detail.
    let mut broken = records;
    broken.swap(1, 2);
    let report = febraban_cnab::cnab400::validate(lines_of(&broken).as_slice(), ReadOptions::default());
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
        if let Record::Detail(detail) = record {
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
    use febraban_cnab::Meaning;
    use febraban_cnab::cnab400::{BankProfile, Detail, Header, ItauPixRetornoDetail, Trailer};
    let itau = BankProfile::for_bank(341).unwrap();
    let detail = |occurrence, amount| {
        let mut detail = Detail::new(itau, true);
        detail.company_document_type = Some(2);
        detail.company_document = Some(11_222_333_000_181);
        detail.company_reference = "PAY-42".into();
        detail.our_number = "123456784".into();
        detail.wallet = "I".into();
        detail.occurrence_code = Some(occurrence);
        detail.occurred_on = Date::new(2026, 11, 21);
        detail.document_number = "PED42".into();
        detail.due_date = Date::new(2026, 12, 10);
        detail.face_value = Some(amount);
        detail.collecting_bank = Some(341);
        detail.paid_amount = Some(amount);
        detail.credited_on = Date::new(2026, 11, 23);
        detail.payer_name = "José da Silva".into();
        Record::Detail(detail)
    };
    let mut header = Header::new(itau, true);
    header.literal = "RETORNO".into();
    header.service = Some(1);
    header.service_name = "COBRANCA".into();
    header.company_name = "PADARIA SAO JOAO".into();
    header.bank = Some(341);
    header.bank_name = "BANCO ITAU SA".into();
    header.written_on = Date::new(2026, 11, 22);
    header.file_number = Some(7);
    let mut trailer = Trailer::new(itau, true);
    trailer.count = Some(2);
    trailer.total = Some(30_000);
    let records = vec![
        Record::Header(header),
        detail(2, 15_000),
        Record::ItauPixRetorno(ItauPixRetornoDetail {
            qr_code: "00020101021226900014br.gov.bcb.pix2568qrcodes.example.com/v2/cobv/9d36b84f".into(),
            ..Default::default()
        }),
        detail(6, 15_000),
        Record::Trailer(trailer),
    ];
    let mut bytes = Vec::new();
    febraban_cnab::cnab400::write(&records, &mut bytes, &Default::default()).unwrap();
    let read: Vec<Record> = reader(&bytes).map(|item| item.unwrap().1).collect();
    assert_eq!(read.len(), 5, "no remessa trailer is added after a retorno trailer");
    assert!(
        matches!(&read[2], Record::ItauPixRetorno(pix) if pix.qr_code.starts_with("000201") && pix.pix_error.is_empty())
    );
    let Record::Detail(settled) = &read[3] else { panic!("{:?}", read[3]) };
    assert_eq!((settled.occurrence_code, settled.paid_amount, settled.sequence), (Some(6), Some(15_000), 4));
    assert_eq!((settled.our_number.as_str(), settled.company_reference.as_str()), ("123456784", "PAY-42"));
    assert_eq!(settled.occurrence().map(|o| o.meaning), Some(Meaning::Settled));
    // A retorno keeps what the bank wrote: accents are not folded.
    assert_eq!(settled.payer_name, "José da Silva");
    let report = febraban_cnab::cnab400::validate(bytes.as_slice(), ReadOptions::default());
    assert!(report.is_valid(), "{:?}", report.problems.iter().map(ToString::to_string).collect::<Vec<_>>());
    assert_eq!((report.summary.bank, report.summary.payments, report.summary.total_amount), (Some(341), 2, 30_000));

    // The trailer claims three details where the file holds two.
    let mut wrong = records;
    let Some(Record::Trailer(trailer)) = wrong.last_mut() else { unreachable!() };
    trailer.count = Some(3);
    let mut bytes = Vec::new();
    febraban_cnab::cnab400::write(&wrong, &mut bytes, &Default::default()).unwrap();
    let report = febraban_cnab::cnab400::validate(bytes.as_slice(), ReadOptions::default());
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems, ["line 5: trailer detail count (213-220): the trailer says 3, the file holds 2"]);
}

#[test]
fn every_bad_column_of_a_detail_is_reported_and_the_file_goes_on() {
    let Some(bytes) = corpus_file("bnb-004_cnab400_cobranca_retorno_laravel-boleto_bnb.ret") else { return };
    let mut broken = bytes;
    // Line 2: a letter in the face value (153-165) and in the amount paid (254-266).
    let start = broken.iter().position(|&b| b == b'\n').unwrap() + 1;
    broken[start + 160] = b'X';
    broken[start + 260] = b'Y';
    let report = febraban_cnab::cnab400::validate(broken.as_slice(), ReadOptions::default());
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].starts_with("line 2: face_value (153-165)") && problems[0].ends_with("expected digits"),
        "{problems:?}"
    );
    assert!(problems[1].starts_with("line 2: paid_amount (254-266)"), "{problems:?}");
    // The other nine details still count.
    assert_eq!(report.summary.payments, 9);
}
