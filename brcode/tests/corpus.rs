//! Every real payload of the shared corpus (`corpus/brcode/vectors.json`) gets the verdict its
//! entry states and the fields it states, or the deviation listed below, with its reason.
//!
//! The vectors are the repository's copy (`corpus/brcode/vectors.json`), and with the shared
//! corpus beside the checkout (in CI, always) those the copy leaves out for their licence.

use brcode_pix::{DecodeOptions, ErrorKind, Relaxation, decode, emv};
use serde_json::Value;

/// Entries the crate judges differently from their source, and why. Each is still tested: a
/// vector refused here is accepted under the named relaxation, a vector accepted here is accepted
/// strictly.
const DEVIATIONS: &[(&str, Deviation)] = &[
    // The source library does not enforce the manual's 25-character name limit.
    ("issue-maceio-e5fb", Deviation::NeedsRelaxation(Relaxation::LongMerchantName)),
    // The BR Code manual's generic example (BR.COM.OUTRO, card field 04) predates the Pix txid
    // charset: its reference label `RP12345678-2019` has a hyphen, outside [A-Za-z0-9].
    ("brcode-manual-ad38", Deviation::NeedsRelaxation(Relaxation::NonstandardTxid)),
    ("naomijub-hello-9059", Deviation::NeedsRelaxation(Relaxation::NonstandardTxid)),
    // brazilian-utils enforces neither the 15-character city nor the txid charset.
    (
        "brutils-community-d475",
        Deviation::NeedsRelaxations(&[Relaxation::LongMerchantCity, Relaxation::NonstandardTxid]),
    ),
    // No template 62: mandatory in the BR Code manual, optional in EMV.
    ("issue-pixae-2275", Deviation::NeedsRelaxation(Relaxation::MissingTxid)),
    // Stone refuses it only because its ANS regex refuses `í`; the Central Bank accepts UTF-8
    // and its CRC and character-counted lengths are consistent, so it decodes.
    ("stone-brasilia-lower-accent-b243", Deviation::Accepted),
];

#[derive(Debug, Clone, Copy)]
enum Deviation {
    NeedsRelaxation(Relaxation),
    NeedsRelaxations(&'static [Relaxation]),
    Accepted,
}

#[path = "../../corpus/lookup.rs"]
mod corpus;

/// The vectors: the repository's copy, and with the shared corpus the ones the copy leaves out.
fn vectors() -> Vec<Value> {
    corpus::vectors()
}

fn deviation(id: &str) -> Option<Deviation> {
    DEVIATIONS.iter().find(|(name, _)| *name == id).map(|(_, d)| *d)
}

fn stated<'v>(entry: &'v Value, field: &str) -> Option<&'v str> {
    entry["expect"][field].as_str()
}

/// Compares the fields the entry states with the decoded code.
fn check_fields(entry: &Value, code: &brcode_pix::BrCode<'_>) {
    let id = entry["id"].as_str().unwrap();
    let expect = &entry["expect"];
    let same = |field: &str, found: Option<String>| {
        if let Some(want) = expect.get(field) {
            assert_eq!(found.as_deref(), want.as_str(), "{id}: {field}");
        }
    };
    same("pix_key", code.key().map(str::to_owned));
    same("merchant_name", Some(code.merchant_name().to_owned()));
    same("merchant_city", Some(code.merchant_city().to_owned()));
    same("amount", code.amount_text().map(str::to_owned));
    if let (Some(text), Some(value)) = (code.amount_text(), code.amount()) {
        assert_eq!(value, text.trim_end_matches('.').parse().unwrap(), "{id}: amount value");
    }
    same("txid", code.txid().map(str::to_owned));
    same("url", code.url().map(str::to_owned));
    same("point_of_initiation", code.point_of_initiation().map(|p| p.as_str().to_owned()));
    if let Some(crc) = stated(entry, "crc") {
        let found = code.crc().unwrap();
        assert_eq!(format!("{:04X}", found.found), crc.to_uppercase(), "{id}: crc");
        assert_eq!(found.found, found.computed, "{id}: crc found and computed");
    }
}

#[test]
fn every_vector_gets_its_verdict() {
    let vectors = vectors();
    let mut counted = 0;
    for entry in &vectors {
        let id = entry["id"].as_str().unwrap();
        let payload = entry["payload"].as_str().unwrap();
        let valid = entry["expect"]["valid"].as_bool().unwrap();
        let is_pix = entry["expect"]["is_pix"].as_bool();
        let strict = decode(payload);
        match (valid, is_pix, deviation(id)) {
            (true, Some(false), None) => {
                // Another scheme's EMV code: it parses at the EMV layer and Pix refuses it by name.
                emv::Payload::parse(payload).unwrap_or_else(|e| panic!("{id}: EMV layer refused it: {e}"));
                assert_eq!(strict.unwrap_err().kind(), &ErrorKind::NotPix, "{id}");
            }
            (true, _, None) | (false, _, Some(Deviation::Accepted)) => {
                let code = strict.unwrap_or_else(|e| panic!("{id}: refused: {e}"));
                assert!(code.relaxations().is_empty(), "{id}");
                check_fields(entry, &code);
            }
            (true, _, Some(Deviation::NeedsRelaxation(relaxation))) => {
                check_relaxed(entry, &[relaxation]);
            }
            (true, _, Some(Deviation::NeedsRelaxations(relaxations))) => {
                check_relaxed(entry, relaxations);
            }
            (false, _, None) => {
                assert!(strict.is_err(), "{id}: accepted an invalid payload");
                // A lenient decoder may accept it only through a named relaxation (a name of 26
                // characters, a payload of 513 bytes), and says so.
                if let Ok(code) = DecodeOptions::lenient().decode(payload) {
                    assert!(!code.relaxations().is_empty(), "{id}: lenient accepted it without a relaxation");
                }
            }
            (valid, is_pix, deviation) => panic!("{id}: no rule for {valid} {is_pix:?} {deviation:?}"),
        }
        counted += 1;
    }
    assert_eq!(counted, vectors.len());
    let least = if corpus::whole() { 85 } else { 34 };
    assert!(counted >= least, "the corpus has shrunk to {counted} vectors");
}

/// A deviation: refused strictly for exactly these reasons, accepted with them, and reported.
fn check_relaxed(entry: &Value, relaxations: &[Relaxation]) {
    let id = entry["id"].as_str().unwrap();
    let payload = entry["payload"].as_str().unwrap();
    assert!(decode(payload).is_err(), "{id}: strict decoding accepted it; remove the deviation");
    let options = relaxations.iter().fold(DecodeOptions::strict(), |o, r| o.allow(*r));
    let code = options.decode(payload).unwrap_or_else(|e| panic!("{id}: refused even with {relaxations:?}: {e}"));
    assert_eq!(code.relaxations().iter().collect::<Vec<_>>(), relaxations, "{id}");
    check_fields(entry, &code);
}

#[test]
fn every_deviation_names_a_vector_of_the_corpus() {
    // Some deviations are of vectors the repository's copy leaves out for their licence.
    if !corpus::whole() {
        return;
    }
    let vectors = vectors();
    for (id, _) in DEVIATIONS {
        assert!(vectors.iter().any(|v| v["id"] == *id), "deviation for unknown vector {id}");
    }
}

#[test]
fn every_decodable_vector_re_encodes_byte_for_byte() {
    // Field order, GUI case, amount decimals and character-counted lengths are all kept.
    let mut decoded = 0;
    for entry in &vectors() {
        let payload = entry["payload"].as_str().unwrap();
        let Ok(code) = DecodeOptions::lenient().decode(payload) else { continue };
        assert_eq!(code.encode(), payload, "{}", entry["id"]);
        decoded += 1;
    }
    let least = if corpus::whole() { 60 } else { 20 };
    assert!(decoded >= least, "only {decoded} vectors decode");
}
