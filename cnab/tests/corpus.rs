//! The real CNAB240 payment files of the shared corpus (`corpus/cnab/`): each reads strictly,
//! its values are what the file holds, and every record writes back to the same bytes.
//!
//! The files are the repository's copy (`corpus/`), else the shared corpus (see
//! `corpus/lookup.rs`). Outside CI a missing file is reported and skipped; in CI it fails.

mod common;

use common::corpus_file;
use febraban_cnab::cnab240::Record;
use febraban_cnab::{Profile, Reader, WriteOptions};

const PIX_TRANSFER: &str = "itau-341_cnab240_sispag_remessa_pix-A-B_pix70284_anonymized.txt";
const PIX_QR_AND_TRANSFER: &str =
    "itau-341_cnab240_sispag_remessa_pix-qrcode-J-J52_and_pix-A-B_pix59964_ok_anonymized.txt";
const RETORNO_A: &str = "itau-341_cnab240_sispag_retorno_segA_eduardordm-cnab240_SB22112AIT.RET";

fn read_all(bytes: &[u8]) -> (Vec<(usize, Record)>, Profile) {
    let mut reader = Reader::new(bytes);
    let records = reader.by_ref().collect::<Result<Vec<_>, _>>().unwrap_or_else(|e| panic!("{e}"));
    assert!(reader.warnings().is_empty());
    (records, reader.profile())
}

/// Every record writes back to its line, byte for byte.
fn assert_round_trip(bytes: &[u8], records: &[(usize, Record)], profile: Profile) {
    let lines: Vec<&[u8]> =
        bytes.split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l)).filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), records.len());
    for ((number, record), line) in records.iter().zip(lines) {
        let written = record.to_line(profile, &WriteOptions::default()).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&written),
            String::from_utf8_lossy(line),
            "line {number} does not write back"
        );
    }
}

#[test]
fn itau_pix_transfer_batch() {
    let Some(bytes) = corpus_file(PIX_TRANSFER) else { return };
    let (records, profile) = read_all(&bytes);
    assert_eq!(profile, Profile::ITAU_SISPAG);
    let a: Vec<_> =
        records.iter().filter_map(|(_, r)| if let Record::SegmentA(a) = r { Some(a) } else { None }).collect();
    let b: Vec<_> =
        records.iter().filter_map(|(_, r)| if let Record::SegmentBPix(b) = r { Some(b) } else { None }).collect();
    assert_eq!((a.len(), b.len()), (9, 9));
    assert!(a.iter().all(|a| a.clearing_house == 9), "câmara 009 (Pix)");
    assert!(
        b.iter().all(|b| ["03", "04", ""].contains(&b.initiation.trim())),
        "{:?}",
        b.iter().map(|b| &b.initiation).collect::<Vec<_>>()
    );
    let Some((_, Record::PaymentBatchTrailer(trailer))) = records.iter().rev().nth(1) else {
        panic!("no batch trailer")
    };
    assert_eq!(trailer.total_amount, a.iter().map(|a| a.amount).sum::<u64>(), "batch trailer sum");
    assert_eq!(trailer.record_count as usize, records.len() - 2, "batch trailer count");
    let Some((_, Record::FileTrailer(file_trailer))) = records.last() else { panic!("no file trailer") };
    assert_eq!(file_trailer.record_count as usize, records.len());
    assert_round_trip(&bytes, &records, profile);
}

#[test]
fn itau_pix_qr_code_and_transfer_batches() {
    let Some(bytes) = corpus_file(PIX_QR_AND_TRANSFER) else { return };
    let (records, profile) = read_all(&bytes);
    let pix_j52: Vec<_> =
        records.iter().filter_map(|(_, r)| if let Record::SegmentJ52Pix(j) = r { Some(j) } else { None }).collect();
    assert_eq!(pix_j52.len(), 4);
    // Itaú's TXID starts at 209: read whole, not cut in two.
    assert_eq!(pix_j52[0].key_or_url, "10A3D6B2-AA05-411A-B271-5945795E8229");
    assert_eq!(pix_j52[0].txid, "IH9JXNLIWJDLBFKB1HR4WQ");
    let keys: Vec<_> = records
        .iter()
        .filter_map(|(_, r)| if let Record::SegmentBPix(b) = r { Some(b.key.as_str()) } else { None })
        .collect();
    assert_eq!(keys, ["+5511900000000", "91186252000102", "contato03@example.com"]);
    let j_sum: u64 =
        records.iter().filter_map(|(_, r)| if let Record::SegmentJ(j) = r { Some(j.amount) } else { None }).sum();
    let trailers: Vec<_> = records
        .iter()
        .filter_map(|(_, r)| if let Record::PaymentBatchTrailer(t) = r { Some(t) } else { None })
        .collect();
    assert_eq!(trailers[0].total_amount, j_sum);
    assert_round_trip(&bytes, &records, profile);
}

#[test]
fn itau_retorno_segment_a_with_occurrence() {
    let Some(bytes) = corpus_file(RETORNO_A) else { return };
    let (records, profile) = read_all(&bytes);
    let Some((line, Record::SegmentA(a))) = records.iter().find(|(_, r)| matches!(r, Record::SegmentA(_))) else {
        panic!()
    };
    assert_eq!(*line, 3);
    assert_eq!(a.occurrences.trim(), "BD");
    let found: Vec<_> = febraban_cnab::occurrences(&a.occurrences).collect();
    assert_eq!(found, [febraban_cnab::Occurrence::IncludedSuccessfully]);
    assert_round_trip(&bytes, &records, profile);
}

const IRREGULAR_BTG: &str = "IRREGULAR_btg-208_cnab240_cobranca_retorno_T-U_laravel-boleto_btg.ret";
const IRREGULAR_SICOOB: &str =
    "IRREGULAR_sicoob-756_cnab240_cobranca_retorno_T-U_right-trimmed_brcobranca_CNAB240SICOOB.RET";

#[test]
fn irregular_btg_is_refused_at_its_first_line() {
    let Some(bytes) = corpus_file(IRREGULAR_BTG) else { return };
    let error = Reader::new(bytes.as_slice()).next().unwrap().unwrap_err();
    assert_eq!(error.line, 1);
    assert!(matches!(error.kind, febraban_cnab::ReadErrorKind::ByteOrderMark), "{error}");
    // Lenient: the mark is dropped with a warning, and the line of 308 characters after it is still refused.
    let options = febraban_cnab::ReadOptions { lenient: true, ..Default::default() };
    let mut reader = Reader::with_options(bytes.as_slice(), options);
    let error = reader.next().unwrap().unwrap_err();
    assert!(matches!(error.kind, febraban_cnab::ReadErrorKind::Length { found: 308, expected: 240 }), "{error}");
    assert_eq!(reader.warnings()[0].kind, febraban_cnab::WarningKind::ByteOrderMark);
}

#[test]
fn irregular_sicoob_right_trimmed_header() {
    let Some(bytes) = corpus_file(IRREGULAR_SICOOB) else { return };
    let error = Reader::new(bytes.as_slice()).next().unwrap().unwrap_err();
    assert!(matches!(error.kind, febraban_cnab::ReadErrorKind::Length { found: 154, expected: 240 }), "{error}");
    // Lenient: the line is padded back with a warning. Its header's fields from 126 on sit 17
    // positions early; none carries money, so each that does not read is absent, with a warning.
    let options = febraban_cnab::ReadOptions { lenient: true, ..Default::default() };
    let mut reader = Reader::with_options(bytes.as_slice(), options);
    let (_, Record::FileHeader(header)) = reader.next().unwrap().unwrap() else { panic!("not a header") };
    assert_eq!((header.bank, header.company_document, header.account), (756, 82_991_308_000_100, Some(48981)));
    assert_eq!(reader.profile(), Profile::SICOOB);
    let warnings: Vec<String> = reader.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "line 1: 154 characters, padded with blanks",
            "line 1: reserved_133_142 (133-142) \"1509361900\": reserved positions must be blank; read as absent",
            "line 1: generated_on (144-151) \"00108500\": not a date DDMMAAAA; read as absent",
            "line 1: file_number (158-163) \"\": expected digits; read as absent",
            "line 1: layout_version (164-166) \"\": expected digits; read as absent",
        ]
    );
}

/// The regular files validate, and writing what was read gives the file back byte for byte.
#[test]
fn regular_files_validate_and_write_back_whole() {
    use febraban_cnab::{LineEnding, PaymentFile, ReadOptions, WriterOptions};
    for (name, payments, total) in
        [(PIX_TRANSFER, 9, None), (PIX_QR_AND_TRANSFER, 7, None), (RETORNO_A, 1, None::<u64>)]
    {
        let Some(bytes) = corpus_file(name) else { continue };
        let report = febraban_cnab::validate(bytes.as_slice(), ReadOptions::default());
        assert!(report.is_valid(), "{name}: {:?}", report.problems.iter().map(ToString::to_string).collect::<Vec<_>>());
        assert_eq!(report.summary.payments, payments, "{name}");
        assert_eq!(report.summary.bank, Some(341));
        if let Some(total) = total {
            assert_eq!(report.summary.total_amount, total);
        }

        let file = PaymentFile::read(bytes.as_slice(), ReadOptions::default()).unwrap();
        let line_ending = if bytes.windows(2).any(|w| w == b"\r\n") { LineEnding::CrLf } else { LineEnding::Lf };
        let options = WriterOptions { line_ending, profile: Profile::ITAU_SISPAG, ..Default::default() };
        let written = file.to_bytes(&options).unwrap();
        assert!(written == bytes, "{name}: written file differs:\n{}", String::from_utf8_lossy(&written));
    }
}

/// Lines are typed in place when whole in the input's buffer and assembled when they straddle
/// it: every buffer size gives the same records.
#[test]
fn any_input_buffer_size_reads_the_same() {
    let Some(bytes) = corpus_file(PIX_QR_AND_TRANSFER) else { return };
    let (expected, _) = read_all(&bytes);
    for capacity in [1, 7, 239, 240, 241, 242, 243, 500, 4096] {
        let input = std::io::BufReader::with_capacity(capacity, bytes.as_slice());
        let records: Vec<_> = Reader::new(input).collect::<Result<_, _>>().unwrap();
        assert_eq!(records, expected, "capacity {capacity}");
    }
    // Without a final line ending and with an end-of-file mark.
    let mut variant = bytes.strip_suffix(b"\r\n").unwrap().to_vec();
    let (expected_last, _) = read_all(&variant);
    assert_eq!(expected_last, expected);
    variant.extend_from_slice(b"\r\n\x1A");
    for capacity in [1, 241, 4096] {
        let input = std::io::BufReader::with_capacity(capacity, variant.as_slice());
        let records: Vec<_> = Reader::new(input).collect::<Result<_, _>>().unwrap();
        assert_eq!(records, expected, "capacity {capacity}, with 0x1A");
    }
}

const SICOOB_COBRANCA: &str = "sicoob-756_cnab240_cobranca_remessa_P-Q-R_brcobranca.rem";

#[test]
fn sicoob_cobranca_remessa() {
    let Some(bytes) = corpus_file(SICOOB_COBRANCA) else { return };
    let (records, profile) = read_all(&bytes);
    assert_eq!(profile, Profile::SICOOB);
    let Some((_, Record::SegmentP(p))) = records.iter().find(|(_, r)| matches!(r, Record::SegmentP(_))) else {
        panic!()
    };
    assert_eq!((p.amount, p.wallet, p.due_date.map(|d| d.to_string())), (5000, 1, Some("2015-07-14".into())));
    let Some((_, Record::SegmentQ(q))) = records.iter().find(|(_, r)| matches!(r, Record::SegmentQ(_))) else {
        panic!()
    };
    assert_eq!(q.payer_name, "PABLO DIEGO JOSE FRANCISCO DE PAULA JUAN");
    assert_eq!((q.payer_city.as_str(), q.payer_state.as_str()), ("SANTA RITA DE C", "RJ"));
    assert!(records.iter().any(|(_, r)| matches!(r, Record::SegmentR(_))));
    assert_round_trip(&bytes, &records, profile);

    // The batch trailer reconciles (5 records, 1 boleto of R$ 50,00); the file trailer counts 6
    // records where the file holds 7.
    let report = febraban_cnab::validate(bytes.as_slice(), febraban_cnab::ReadOptions::default());
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems, ["line 7: file trailer record count (24-29): the trailer says 6, the file holds 7"]);
    assert_eq!((report.summary.payments, report.summary.total_amount), (1, 5000));
}

#[test]
fn sicoob_cobranca_remessa_writes_back_whole_with_its_count_corrected() {
    use febraban_cnab::{CobrancaFile, LineEnding, ReadOptions, WriterOptions};
    let Some(bytes) = corpus_file(SICOOB_COBRANCA) else { return };
    let file = CobrancaFile::read(bytes.as_slice(), ReadOptions::default()).unwrap();
    assert_eq!(file.batches.len(), 1);
    assert_eq!(file.batches[0].details.len(), 3);
    let written = file.to_bytes(&WriterOptions { line_ending: LineEnding::Lf, ..Default::default() }).unwrap();
    // Byte for byte, but for the file trailer's record count (24-29): the file says 6 of its 7.
    let mut expected = bytes;
    let trailer = expected.len() - 241;
    expected[trailer + 23..trailer + 29].copy_from_slice(b"000007");
    assert!(written == expected, "{}", String::from_utf8_lossy(&written));
    let report = febraban_cnab::validate(written.as_slice(), ReadOptions::default());
    assert!(report.is_valid(), "{:?}", report.problems.iter().map(ToString::to_string).collect::<Vec<_>>());
    // A payment file is not a cobrança file.
    let Some(payments) = corpus_file(PIX_TRANSFER) else { return };
    assert!(CobrancaFile::read(payments.as_slice(), ReadOptions::default()).is_err());
}

/// An unreadable header or batch header still opens what it opens: later records are judged on
/// their own, not reported as misplaced. In strict mode, every column of a header that does not
/// read is reported, not only the first.
#[test]
fn irregular_sicoob_retorno_problems_do_not_cascade() {
    let Some(bytes) = corpus_file(IRREGULAR_SICOOB) else { return };
    // The lines padded back to 240, so that strict mode reads them.
    let padded: Vec<u8> = bytes
        .split(|&b| b == b'\n')
        .filter(|line| !line.is_empty())
        .flat_map(|line| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let mut line = line.to_vec();
            line.resize(240, b' ');
            line.extend_from_slice(b"\r\n");
            line
        })
        .collect();
    let report = febraban_cnab::validate(padded.as_slice(), febraban_cnab::ReadOptions::default());
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            "line 1: reserved_133_142 (133-142) \"1509361900\": reserved positions must be blank",
            "line 1: generated_on (144-151) \"00108500\": not a date DDMMAAAA",
            "line 1: file_number (158-163) \"\": expected digits",
            "line 1: layout_version (164-166) \"\": expected digits",
            "line 2: file_number (184-191) \"0000000\": expected digits",
        ]
    );
    // Sicoob's profile says its batch trailer leaves the boleto totals at zero.
    let warnings: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["line 9: the batch trailer's boleto counts and amounts are zero, as bank 756 leaves them: not reconciled"]
    );
}

/// Santander's payment retornos (bills O, taxes N, each with its authentication Z) read as a
/// payment file and write back whole, every count and sum computed again.
#[test]
fn santander_payment_retornos_with_o_n_and_z_write_back_whole() {
    use febraban_cnab::{LineEnding, PaymentFile, ReadOptions, WriterOptions};
    for name in [
        "santander-033_cnab240_pagamentos_retorno_O-Z_autogeral-CNAB_FORN_TCVJ_05_110313P_MOV.TXT",
        "santander-033_cnab240_pagamentos_retorno_N-Z_autogeral-CNAB_FORN_TCVJ_05_310113P_MOV.TXT",
    ] {
        let Some(bytes) = corpus_file(name) else { continue };
        let file =
            PaymentFile::read(bytes.as_slice(), ReadOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let z = file.batches.iter().flat_map(|b| &b.details).filter(|d| matches!(d, Record::SegmentZ(_))).count();
        assert_eq!(z, 2, "{name}");
        let options = WriterOptions { line_ending: LineEnding::CrLf, ..Default::default() };
        let written = file.to_bytes(&options).unwrap();
        assert!(written == bytes, "{name}:\n{}", String::from_utf8_lossy(&written));
    }
}

/// Santander's segment T is read at its own positions (H7815) and written back at them, byte for
/// byte; its Y-03 gives the Pix TXID of a boleto paid by Pix.
#[test]
fn santander_cobranca_retorno_reads_and_writes_its_own_t() {
    let name = "IRREGULAR_santander-033_cnab240_cobranca_retorno_T-U-Y03_pix_file-trailer-lote7031_laravel-boleto_santander_pix_liquidacao_chave.ret";
    let Some(bytes) = corpus_file(name) else { return };
    let options = febraban_cnab::ReadOptions { lenient: true, ..Default::default() };
    let mut reader = Reader::with_options(bytes.as_slice(), options);
    let records: Vec<_> = reader.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(reader.profile(), Profile::SANTANDER);
    let Some((_, Record::SegmentT(t))) = records.iter().find(|(_, r)| matches!(r, Record::SegmentT(_))) else {
        panic!("no T")
    };
    assert_eq!((t.our_number.as_str(), t.wallet, t.amount, t.fee), ("0000000001040", Some(1), 1000, 324));
    assert_eq!(t.due_date.map(|d| d.to_string()).as_deref(), Some("2014-06-04"));
    assert_eq!((t.agency, t.account), (Some(4567), Some(11_111_111)));
    let Some((_, Record::SegmentY(y))) = records.iter().find(|(_, r)| matches!(r, Record::SegmentY(_))) else {
        panic!("no Y")
    };
    assert_eq!((y.optional_record, y.txid.as_str()), (3, "YKP000550547000000000003509062026"));
    let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    for (number, record) in &records {
        if matches!(record, Record::FileTrailer(_)) {
            continue; // its lote, 7031, is written as FEBRABAN's 9999
        }
        let written = record.to_line(Profile::SANTANDER, &Default::default()).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&written),
            String::from_utf8_lossy(lines[number - 1]),
            "line {number} writes back otherwise"
        );
    }
}

/// The caller may name the profile: Sicoob's retorno read by FEBRABAN's positions takes the
/// parcela, modalidade and form (48-52) into the nosso número; by Sicoob's, it does not.
#[test]
fn a_named_profile_overrides_the_headers_choice() {
    let Some(bytes) = corpus_file(IRREGULAR_SICOOB) else { return };
    let our_number = |profile: Option<Profile>| {
        let options = febraban_cnab::ReadOptions { lenient: true, profile, ..Default::default() };
        let records: Vec<_> = Reader::with_options(bytes.as_slice(), options).filter_map(Result::ok).collect();
        records.iter().find_map(|(_, r)| match r {
            Record::SegmentT(t) => Some(t.our_number.to_string()),
            _ => None,
        })
    };
    assert_eq!(our_number(None).as_deref(), Some("0000000083"));
    assert_eq!(our_number(Some(Profile::FEBRABAN)).as_deref(), Some("000000008301011"));
}

/// A caller's profile whose column runs past the line, or ends before it starts, is an error on
/// that column, reading and writing, never a panic.
#[test]
fn a_profile_with_impossible_positions_is_an_error_not_a_panic() {
    use febraban_cnab::layout::Moved;
    const BROKEN: Profile = Profile {
        name: "broken",
        columns: &[Moved::to("SegmentT", "our_number", 230, 300), Moved::to("SegmentT", "wallet", 60, 58)],
        ..Profile::FEBRABAN
    };
    let Some(bytes) = corpus_file(IRREGULAR_SICOOB) else { return };
    let options = febraban_cnab::ReadOptions { lenient: true, profile: Some(BROKEN), ..Default::default() };
    let errors: Vec<String> =
        Reader::with_options(bytes.as_slice(), options).filter_map(Result::err).map(|e| e.to_string()).collect();
    assert!(errors.iter().any(|e| e.contains("our_number (230-300)")), "{errors:?}");
    let report = febraban_cnab::validate(bytes.as_slice(), options);
    assert!(!report.is_valid());
    let t = febraban_cnab::cnab240::SegmentT::default();
    assert!(Record::SegmentT(t).to_line(BROKEN, &Default::default()).is_err());
}
