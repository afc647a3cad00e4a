//! BR Code decoding and encoding, brcode-pix against the crates.io crates `brcode` (1.4.2) and
//! `pix-brcode` (0.1.0), on the same inputs in the same run.
//!
//! Decoding: ours checks structure, CRC and every field; neither peer checks the CRC, so each
//! peer's decode is followed by its own CRC check (`brcode::crc16_ccitt`,
//! `emv_qrcps::helpers::validate`) to compare like with like. `pix-brcode` only models dynamic
//! codes and slices by bytes, so it runs on the dynamic payload only.
//!
//! Encoding: ours starts from plain values and goes through the builder's validation; `brcode`
//! starts from its prepared struct (cloned outside the timing); `pix-brcode` from its
//! `standard(...)` constructor. Their output is not checked (ours is): `brcode` writes byte
//! lengths (`6010São Paulo` for 9 characters) and `pix-brcode` cannot leave the amount out (it
//! writes an empty `5400`), so both produce payloads that strict decoders refuse.

use std::hint::black_box;

use brcode_pix::BrCode;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

/// The Central Bank's static example: key, no amount.
const STATIC_KEY: &str = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
/// The Central Bank's dynamic example: location URL.
const DYNAMIC_URL: &str = "00020101021226700014br.gov.bcb.pix2548pix.example.com/8b3da2f39a4140d1a91abd93113bd4415204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***630464E4";

/// A static code with an amount, a txid and a UTF-8 city, as our builder writes it.
fn static_amount_utf8() -> String {
    amount_utf8_builder().build().expect("valid").encode()
}

fn amount_utf8_builder() -> brcode_pix::BrCodeBuilder<'static> {
    BrCode::builder()
        .key("fulano@example.com")
        .merchant_name("Fulano de Tal")
        .merchant_city("São Paulo")
        .allow_utf8(true)
        .amount_centavos(15000)
        .txid("PEDIDO42")
}

fn peer_brcode_decode(payload: &str) -> Option<peer_brcode::BrCode> {
    let (body, crc) = payload.split_at(payload.len() - 4);
    let code = peer_brcode::str_to_brcode(payload);
    (peer_brcode::crc16_ccitt(body) == crc).then_some(code)
}

fn peer_pix_brcode_decode(payload: &str) -> Option<peer_pix_brcode::qr_dinamico::PixDinamicoSchema<'_>> {
    let code = peer_pix_brcode::qr_dinamico::PixDinamicoSchema::from_str(payload);
    peer_emv_qrcps::helpers::validate(payload).then_some(code)
}

fn decode(c: &mut Criterion) {
    let amount_utf8 = static_amount_utf8();
    let inputs =
        [("static_key", STATIC_KEY), ("static_amount_utf8", amount_utf8.as_str()), ("dynamic_url", DYNAMIC_URL)];
    for (name, payload) in inputs {
        // Every contender really decodes the input: no error path is measured.
        let ours = brcode_pix::decode(payload).expect("brcode-pix decodes it");
        let theirs = peer_brcode_decode(payload).expect("brcode decodes it");
        assert_eq!(theirs.merchant_city, ours.merchant_city());

        let mut group = c.benchmark_group(format!("decode/{name}"));
        group.throughput(Throughput::Bytes(payload.len() as u64));
        group.bench_function("brcode-pix", |b| b.iter(|| brcode_pix::decode(black_box(payload))));
        // What any decoder with a CRC check pays at least: the CRC alone, then the EMV structure
        // walk with the CRC (no Pix rules, no typed view).
        group.bench_function("floor-crc-only", |b| b.iter(|| brcode_pix::crc16(black_box(payload).as_bytes())));
        group.bench_function("floor-emv-structure", |b| b.iter(|| brcode_pix::emv::Payload::parse(black_box(payload))));
        group.bench_function("brcode", |b| b.iter(|| peer_brcode_decode(black_box(payload))));
        if name == "dynamic_url" {
            let theirs = peer_pix_brcode_decode(payload).expect("pix-brcode decodes it");
            assert_eq!(theirs.merchant_account_information.merchant_location_url, ours.url().unwrap_or_default());
            group.bench_function("pix-brcode", |b| b.iter(|| peer_pix_brcode_decode(black_box(payload))));
        }
        group.finish();
    }
}

/// Starts a builder with one case's values.
type Builder = fn() -> brcode_pix::BrCodeBuilder<'static>;

fn encode(c: &mut Criterion) {
    let amount_utf8 = static_amount_utf8();
    let cases: [(&str, &str, Builder); 3] = [
        ("static_key", STATIC_KEY, || {
            BrCode::builder()
                .key("123e4567-e12b-12d1-a456-426655440000")
                .merchant_name("Fulano de Tal")
                .merchant_city("BRASILIA")
        }),
        ("static_amount_utf8", amount_utf8.as_str(), amount_utf8_builder),
        ("dynamic_url", DYNAMIC_URL, || {
            BrCode::builder()
                .location("pix.example.com/8b3da2f39a4140d1a91abd93113bd441")
                .merchant_name("Fulano de Tal")
                .merchant_city("BRASILIA")
        }),
    ];
    for (name, payload, builder) in cases {
        assert_eq!(builder().build().expect("valid").encode(), payload);
        let theirs = peer_brcode::str_to_brcode(payload);

        let mut group = c.benchmark_group(format!("encode/{name}"));
        group.throughput(Throughput::Bytes(payload.len() as u64));
        group.bench_function("brcode-pix", |b| b.iter(|| black_box(builder()).build().map(|code| code.encode())));
        group.bench_function("brcode", |b| {
            b.iter_batched(|| theirs.clone(), peer_brcode::brcode_to_string, BatchSize::SmallInput)
        });
        if name == "dynamic_url" {
            let standard = || {
                peer_pix_brcode::qr_dinamico::PixDinamicoSchema::standard(
                    black_box("Fulano de Tal"),
                    "BRASILIA",
                    "",
                    "pix.example.com/8b3da2f39a4140d1a91abd93113bd441",
                )
            };
            group.bench_function("pix-brcode", |b| b.iter(|| standard().serialize_with_src()));
        }
        group.finish();
    }
}

criterion_group!(benches, decode, encode);
criterion_main!(benches);
