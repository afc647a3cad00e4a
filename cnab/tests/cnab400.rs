//! The CNAB400 files of the shared corpus.

use std::path::PathBuf;

use febraban_cnab::cnab400::{Cnab400, Record};
use febraban_cnab::{ReadErrorKind, ReadOptions, Reader, WriteOptions};

fn corpus_file(name: &str) -> Option<Vec<u8>> {
    let dir = match std::env::var_os("PIX_CORPUS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
    };
    let path = dir.join("cnab").join(name);
    if path.is_file() {
        return Some(std::fs::read(path).unwrap());
    }
    assert!(std::env::var_os("CI").is_none(), "corpus file not found: {}", path.display());
    None
}

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
