//! Properties: the reader never panics on any bytes, and records read back what was written.

use febraban_cnab::cnab240::{Record, SegmentA, SegmentBPix};
use febraban_cnab::{Date, ReadOptions, Reader, WriteOptions};
use proptest::prelude::*;

fn alpha(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("([A-Za-z0-9@.+-][A-Za-z0-9 @.+-]{{0,{}}}[A-Za-z0-9@.+-])?", max - 2))
        .unwrap()
}

fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("([A-Z0-9][A-Z0-9 ]{{0,{}}}[A-Z0-9])?", max - 2)).unwrap()
}

fn date() -> impl Strategy<Value = Option<Date>> {
    proptest::option::of((2000u16..2100, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| Date::new(y, m, d).unwrap()))
}

prop_compose! {
    fn segment_a()(
        bank in 0u64..1000, batch in 1u64..10000, sequence in 1u64..100000,
        clearing_house in 0u64..1000, payee_agency in proptest::option::of(0u64..100000),
        payee_name in text(30), your_number in alpha(20), payment_date in date(),
        amount in 0u64..1_000_000_000_000_000, our_number in alpha(20), occurrences in alpha(10),
    ) -> SegmentA {
        SegmentA {
            bank, batch, sequence, clearing_house, payee_agency, payee_name: payee_name.into(),
            your_number: your_number.into(), payment_date, amount, our_number: our_number.into(),
            occurrences: occurrences.into(), currency: "BRL".into(),
            ..Default::default()
        }
    }
}

proptest! {
    #[test]
    fn reader_never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2000), lenient in any::<bool>()) {
        let options = ReadOptions { lenient, ..Default::default() };
        for record in Reader::with_options(bytes.as_slice(), options).take(100) {
            let _ = record;
        }
    }

    #[test]
    fn reader_never_panics_on_lines_of_digits_and_letters(lines in proptest::collection::vec("[0-9A-Z ]{230,245}", 1..6)) {
        let file = lines.join("\r\n");
        for record in Reader::new(file.as_bytes()) {
            let _ = record;
        }
    }

    #[test]
    fn segment_a_reads_what_was_written(a in segment_a()) {
        let line = a.to_line(&WriteOptions::default()).unwrap();
        prop_assert_eq!(SegmentA::parse(&line).unwrap(), a);
    }

    #[test]
    fn segment_b_pix_reads_what_was_written(key in alpha(99), txid in alpha(35), ispb in proptest::option::of(0u64..100_000_000)) {
        let b = SegmentBPix { bank: 341, batch: 1, sequence: 2, initiation: "02".into(), key: key.into(), txid: txid.into(), ispb, ..Default::default() };
        let line = b.to_line(&WriteOptions::default()).unwrap();
        prop_assert_eq!(&SegmentBPix::parse(&line).unwrap(), &b);
        // And through the reader, inside a Pix transfer batch.
        let header = febraban_cnab::cnab240::PaymentBatchHeader { batch: 1, operation: "C".into(), entry_form: 45, ..Default::default() };
        let mut file = header.to_line(&WriteOptions::default()).unwrap().to_vec();
        file.extend_from_slice(b"\r\n");
        file.extend_from_slice(&line);
        let records: Vec<_> = Reader::new(file.as_slice()).collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(&records[1].1, &Record::SegmentBPix(b));
    }
}
