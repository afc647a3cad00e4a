//! BR Code: the payload of Pix QR codes ("Pix Copia e Cola"), an EMV QRCPS merchant-presented
//! payload. Decode and validate it without copying, build one that any bank's app reads, and
//! validate Pix keys.
//!
//! # Decoding
//!
//! ```
//! let payload = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
//! let code = brcode_pix::decode(payload)?;
//! assert_eq!(code.key(), Some("123e4567-e12b-12d1-a456-426655440000"));
//! assert_eq!(code.merchant_name(), "Fulano de Tal");
//! assert_eq!(code.amount(), None);
//!
//! // Errors say where (byte offset, tag path) and why.
//! let damaged = payload.replace("Fulano", "Fulana");
//! let err = brcode_pix::decode(&damaged).unwrap_err();
//! assert_eq!(err.path().to_string(), "63");
//! assert_eq!(err.to_string(), "CRC 63 at byte 133: CRC mismatch: the payload says 1D3D, its content gives 5669");
//! # Ok::<(), brcode_pix::DecodeError>(())
//! ```
//!
//! [`decode`] returns a [`BrCode`] that borrows from the payload: a code without unusual
//! templates is decoded without a single heap allocation. [`BrCode::into_owned`] detaches it.
//! With the `serde` feature, every type serializes.
//!
//! # Encoding
//!
//! ```
//! use brcode_pix::BrCode;
//!
//! let code = BrCode::builder()
//!     .key("+5561912345678")
//!     .merchant_name("Padaria Pao Quente")
//!     .merchant_city("Brasília")
//!     .transliterate(true)
//!     .amount_centavos(2590)
//!     .txid("COMANDA17")
//!     .build()?;
//! let payload = code.encode();
//! assert_eq!(payload, "00020126360014br.gov.bcb.pix0114+5561912345678520400005303986540525.905802BR5918Padaria Pao Quente6008Brasilia62130509COMANDA17630445C6");
//! assert_eq!(brcode_pix::decode(&payload)?, code);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What is checked, and what real payloads do
//!
//! Decoding checks, reporting the first problem with its byte offset and tag path:
//!
//! - structure: every data object is a two-digit ID, a two-digit length from 01 to 99, and a
//!   value of exactly that many characters, at every level, with nothing left over; no ID twice
//!   in one template;
//! - the CRC: field 63, last, four hexadecimal digits (either case), equal to the
//!   CRC-16/CCITT-FALSE of everything before its value, `6304` included;
//! - mandatory fields: `000201` first, a merchant account template (26-51) whose GUI is
//!   `br.gov.bcb.pix` in any case, 52, 53 = `986`, 58 = `BR`, 59, 60, 62 with 05, 63;
//! - formats: point of initiation `11` or `12`; merchant category code four digits; amount
//!   digits with at most two decimals, at most 13 characters; merchant name at most 25 and
//!   city at most 15 characters, without control characters; key at most 77 characters;
//!   location URL without scheme, without white space, with a dotted host, at most 77
//!   characters; either a key or a location URL, not both (a Pix Automático code may have
//!   neither when an unreserved template carries its recurrence location); the FSS an ISPB;
//! - the txid of a static code: `***`, or 1 to 25 letters and digits. A dynamic code's 62-05
//!   is ignored by payers (the charge, txid included, is served at the location), so any value
//!   up to 25 characters is accepted there;
//! - the payload at most 512 bytes.
//!
//! **Lengths count characters.** EMV speaks of characters, EMVCo's own sample declares
//! `0104最佳运输` (4 characters, 12 bytes), and real Pix payloads write `6008BRASÍLIA`
//! (8 characters, 9 bytes) with the CRC computed over the UTF-8 bytes. So lengths here are
//! counts of Unicode scalar values (what Go's runes and Python's code points count; JavaScript's
//! UTF-16 units differ only outside the Basic Multilingual Plane, where real payloads have
//! an emoji at most), and the CRC is computed over UTF-8. Decoding accepts UTF-8 text, as the
//! Central Bank does since the BR Code manual v2. The builder writes ASCII unless told
//! otherwise, because some payer apps still refuse accents.
//!
//! **Codes in circulation break some rules.** Each such rule is a [`Relaxation`] that
//! [`DecodeOptions`] can allow by name; a code decoded thanks to one says so
//! ([`BrCode::relaxations`]), so an application can pay it and still warn. Strict [`decode`]
//! allows none:
//!
//! | found in real payloads | strict | relaxation |
//! |---|---|---|
//! | merchant name over 25 characters (DICT names are longer) | refused | [`Relaxation::LongMerchantName`] |
//! | merchant city over 15 characters | refused | [`Relaxation::LongMerchantCity`] |
//! | no template 62 or no 62-05 (optional in EMV) | refused | [`Relaxation::MissingTxid`] |
//! | static txid with `-` or spaces (the BR Code manual's own `RP12345678-2019`) | refused | [`Relaxation::NonstandardTxid`] |
//! | payload over 512 bytes | refused | [`Relaxation::OversizedPayload`] |
//! | upper-case GUI `BR.GOV.BCB.PIX`, lower-case CRC hex | accepted | |
//! | UTF-8 names and cities (`Maceió`) | accepted | |
//! | amount `100`, `10.`, `0.9` | accepted, decimals kept | |
//! | no field 01 on a dynamic code | accepted | |
//! | a txid in a dynamic code's 62-05 | accepted (ignored by payers) | |
//! | an upper-case e-mail key | accepted ([`PixAccount::parsed_key`] refuses it) | |
//!
//! Never accepted: a broken structure, a wrong or missing CRC (the Central Bank: "CRC inválido
//! deve ser recusado"), a CRC of three digits, a code without the Pix GUI (another scheme's EMV
//! code; [`emv::Payload`] reads those), a currency other than 986 or a country other than BR,
//! both a key and a URL, a URL with `https://`.
//!
//! # Pix keys
//!
//! [`PixKey::parse`] classifies and validates the five kinds of key; see [`key`](PixKey).

#![forbid(unsafe_code)]
#![warn(missing_docs)]
// Nothing reachable from input may panic; tests may unwrap (clippy.toml).
#![warn(clippy::unwrap_used)]

mod amount;
mod builder;
mod code;
mod crc;
mod decode;
pub mod emv;
mod encode;
mod error;
mod key;
mod text;
mod tlv;

pub use amount::amount_centavos;
pub use builder::BrCodeBuilder;
pub use code::{AdditionalData, BrCode, Crc, Field, PIX_GUI, PixAccount, PointOfInitiation, Template};
pub use crc::crc16;
pub use decode::{
    DecodeOptions, Deviation, Examination, MAX_MERCHANT_CITY, MAX_MERCHANT_NAME, MAX_PAYLOAD_BYTES, MAX_TXID, MAX_URL,
    Relaxation, Relaxations, decode, diagnose,
};
pub use error::{AmountError, DecodeError, EncodeError, ErrorKind, TagPath, UrlError};
pub use key::{MAX_KEY_LEN, PixKey, PixKeyError, PixKeyKind};
