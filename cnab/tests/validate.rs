//! The validator reports each structural fault and each trailer that does not reconcile, with the
//! line and what the trailer claims against what the file holds.

use febraban_cnab::cnab240::{FileHeader, PaymentBatchHeader, Record, SegmentA, SegmentBPix, SegmentJ};
use febraban_cnab::{PaymentBatch, PaymentFile, ProblemKind, ReadOptions, WriterOptions, validate};

fn pix_file() -> PaymentFile {
    let payment = |amount, key: &str| {
        [
            Record::SegmentA(SegmentA {
                clearing_house: 9,
                payee_name: "FAVORECIDO".into(),
                amount,
                ..Default::default()
            }),
            Record::SegmentBPix(SegmentBPix { initiation: "02".into(), key: key.into(), ..Default::default() }),
        ]
    };
    PaymentFile {
        header: FileHeader { bank: 237, company_name: "EMPRESA".into(), ..Default::default() },
        batches: vec![PaymentBatch {
            header: PaymentBatchHeader { operation: "C".into(), service: 20, entry_form: 45, ..Default::default() },
            details: [payment(1000, "a@example.com"), payment(2500, "b@example.com")].concat(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn lines(file: &PaymentFile) -> Vec<String> {
    let bytes = file.to_bytes(&WriterOptions::default()).unwrap();
    String::from_utf8(bytes).unwrap().lines().map(str::to_owned).collect()
}

fn problems(lines: &[String]) -> Vec<(usize, String)> {
    let text = lines.join("\r\n");
    validate(text.as_bytes(), ReadOptions::default()).problems.iter().map(|p| (p.line, p.kind.to_string())).collect()
}

#[test]
fn a_written_file_is_valid() {
    let lines = lines(&pix_file());
    assert_eq!(lines.len(), 8);
    assert_eq!(problems(&lines), []);
    let report = validate(lines.join("\r\n").as_bytes(), ReadOptions::default());
    assert_eq!((report.summary.payments, report.summary.total_amount, report.summary.batches), (2, 3500, 1));
}

#[test]
fn a_wrong_batch_sum_names_both_values() {
    let mut lines = lines(&pix_file());
    // The batch trailer's sum (24-41): 3500 becomes 3600.
    lines[6].replace_range(23..41, "000000000000003600");
    let found = problems(&lines);
    assert_eq!(
        found,
        [(7, "batch trailer total amount (24-41): the trailer says 3600, the file holds 3500".to_string())]
    );
}

#[test]
fn counts_sequence_and_order() {
    let base = lines(&pix_file());

    // A detail removed: sequence breaks, both counts disagree.
    let mut missing = base.clone();
    missing.remove(3);
    let found = problems(&missing);
    assert!(found.iter().any(|(_, p)| p.contains("sequence number 3 where 2 comes next")), "{found:?}");
    assert!(
        found.iter().any(|(_, p)| p.starts_with("batch trailer record count (18-23): the trailer says 6")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(_, p)| p.starts_with("file trailer record count (24-29): the trailer says 8, the file holds 7")),
        "{found:?}"
    );

    // B before its A.
    let mut swapped = base.clone();
    swapped.swap(2, 3);
    assert!(problems(&swapped).iter().any(|(line, p)| *line == 3 && p == "segment B does not follow a segment A"));

    // No file trailer.
    let mut cut = base.clone();
    cut.pop();
    assert!(problems(&cut).iter().any(|(_, p)| p == "file trailer is missing"));

    // A record after the file trailer.
    let mut after = base.clone();
    after.push(base[0].clone());
    let found = problems(&after);
    assert!(found.iter().any(|(line, p)| *line == 9 && p == "file header follows the file trailer"), "{found:?}");
}

#[test]
fn a_segment_the_batch_does_not_carry() {
    let mut file = pix_file();
    file.batches[0].details.push(Record::SegmentJ(SegmentJ { barcode: "0".repeat(44), ..Default::default() }));
    let found = problems(&lines(&file));
    assert!(found.iter().any(|(_, p)| p == "segment J is not allowed in a batch of forma 45"), "{found:?}");
    assert!(matches!(
        validate(lines(&file).join("\n").as_bytes(), ReadOptions::default()).problems[0].kind,
        ProblemKind::Segment { segment: "J", entry_form: 45 }
    ));
}

#[test]
fn a_line_that_does_not_read_is_reported_and_the_rest_still_checked() {
    let mut lines = lines(&pix_file());
    lines[2].replace_range(119..134, "00000000001000X");
    let found = problems(&lines);
    assert_eq!(found[0].0, 3);
    assert!(found[0].1.contains("amount (120-134) \"00000000001000X\": expected digits"), "{found:?}");
}

#[test]
fn a_ted_batch_with_the_payee_address_in_segment_b() {
    use febraban_cnab::cnab240::SegmentB;
    let file = PaymentFile {
        header: FileHeader { bank: 1, ..Default::default() },
        batches: vec![PaymentBatch {
            header: PaymentBatchHeader { operation: "C".into(), service: 20, entry_form: 41, ..Default::default() },
            details: vec![
                Record::SegmentA(SegmentA { clearing_house: 18, payee_bank: 237, amount: 99_90, ..Default::default() }),
                Record::SegmentB(SegmentB {
                    street: "Rua São João".into(),
                    city: "Belém".into(),
                    state: "PA".into(),
                    ..Default::default()
                }),
            ],
            ..Default::default()
        }],
        ..Default::default()
    };
    let bytes = file.to_bytes(&WriterOptions::default()).unwrap();
    let report = validate(bytes.as_slice(), ReadOptions::default());
    assert!(report.is_valid(), "{:?}", report.problems.iter().map(ToString::to_string).collect::<Vec<_>>());
    let read = PaymentFile::read(bytes.as_slice(), ReadOptions::default()).unwrap();
    let Record::SegmentB(b) = &read.batches[0].details[1] else { panic!("{:?}", read.batches[0].details[1]) };
    assert_eq!((b.street.as_str(), b.city.as_str()), ("RUA SAO JOAO", "BELEM"));
}

/// Assembling a whole file never drops or overwrites a record: what has no place is an error.
#[test]
fn reading_a_whole_file_refuses_records_it_cannot_place() {
    use febraban_cnab::{ReadErrorKind, cnab240::CobrancaBatchTrailer};
    let base = lines(&pix_file());
    let read = |lines: &[String]| PaymentFile::read(lines.join("\r\n").as_bytes(), ReadOptions::default());
    assert_eq!(read(&base).unwrap().batches[0].details.len(), 4);
    let refused = |lines: &[String]| match read(lines) {
        Err(e) => match e.kind {
            ReadErrorKind::Unplaced { record } => (e.line, record),
            other => panic!("{other}"),
        },
        Ok(file) => panic!("read {file:?}"),
    };

    // A second file header used to replace the first.
    let mut twice = base.clone();
    twice.insert(1, base[0].clone());
    assert_eq!(refused(&twice), (2, "second file header"));

    // A batch trailer with no batch open used to vanish.
    let mut orphan = base.clone();
    orphan.insert(7, base[6].clone());
    assert_eq!(refused(&orphan), (8, "record outside a batch"));

    // Anything after the file trailer.
    let mut after = base.clone();
    after.push(base[0].clone());
    assert_eq!(refused(&after), (9, "record after the file trailer"));

    // A cobrança file does not take a payment trailer as a detail.
    let mut cobranca = febraban_cnab::CobrancaFile::default();
    cobranca.header.bank = 237;
    cobranca.batches.push(febraban_cnab::CobrancaBatch {
        header: febraban_cnab::cnab240::CobrancaBatchHeader { operation: "R".into(), ..Default::default() },
        trailer: CobrancaBatchTrailer::default(),
        ..Default::default()
    });
    let mut cobranca_lines: Vec<String> = String::from_utf8(cobranca.to_bytes(&WriterOptions::default()).unwrap())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    cobranca_lines.insert(3, base[6].clone());
    let error =
        febraban_cnab::CobrancaFile::read(cobranca_lines.join("\r\n").as_bytes(), ReadOptions::default()).unwrap_err();
    assert!(matches!(error.kind, ReadErrorKind::Unplaced { .. }), "{error}");
}

#[test]
fn cobranca_trailer_counts_of_zero_keep_their_blanks() {
    use febraban_cnab::cnab240::{CobrancaBatchHeader, SegmentP};
    use febraban_cnab::{CobrancaBatch, CobrancaFile};
    let file = CobrancaFile {
        header: FileHeader { bank: 756, ..Default::default() },
        batches: vec![CobrancaBatch {
            header: CobrancaBatchHeader { operation: "R".into(), service: 1, ..Default::default() },
            details: vec![Record::SegmentP(SegmentP { wallet: 1, amount: 100, ..Default::default() })],
            ..Default::default()
        }],
        ..Default::default()
    };
    let bytes = file.to_bytes(&WriterOptions::default()).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let batch_trailer = text.lines().nth(3).unwrap();
    // Simple: one boleto; linked, pledged, discounted: blank, as given.
    assert_eq!(&batch_trailer[23..29], "000001");
    assert_eq!(&batch_trailer[46..52], "      ");
    // Reading and writing again changes nothing.
    let again = CobrancaFile::read(bytes.as_slice(), ReadOptions::default())
        .unwrap()
        .to_bytes(&WriterOptions::default())
        .unwrap();
    assert_eq!(again, bytes);
}

#[test]
fn a_bad_column_of_a_batch_header_is_one_problem_and_its_segments_still_read() {
    let mut lines = lines(&pix_file());
    // The batch header's agency (53-57) holds letters.
    lines[1].replace_range(52..57, "ABCDE");
    let found = problems(&lines);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 2);
    assert!(found[0].1.starts_with("agency (53-57) \"ABCDE\""), "{found:?}");
    let report = validate(lines.join("\r\n").as_bytes(), ReadOptions::default());
    assert_eq!(report.summary.payments, 2, "the batch's two payments are still read");
}
