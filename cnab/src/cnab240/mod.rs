//! CNAB240: FEBRABAN's 240-position layout.
//!
//! ```text
//! 0  file header        lote 0000
//!   1  batch header     lote 0001..: operation C/D payments, R/T cobrança, E statement
//!   3  details          segments A, B | J, J-52 | O | N, and Z in retornos | P, Q, R | T, U | E
//!   5  batch trailer
//! 9  file trailer       lote 9999
//! ```

mod batch_header;
mod batch_trailer;
mod cobranca_batch;
mod file_header;
mod file_trailer;
mod segment_a;
mod segment_b;
mod segment_j;
mod segment_j52;
mod segment_n;
mod segment_o;
mod segment_p;
mod segment_q;
mod segment_r;
mod segment_t;
mod segment_u;
mod segment_z;
mod statement;

pub use batch_header::PaymentBatchHeader;
pub use batch_trailer::PaymentBatchTrailer;
pub use cobranca_batch::{CobrancaBatchHeader, CobrancaBatchTrailer};
pub use file_header::FileHeader;
pub use file_trailer::FileTrailer;
pub use segment_a::SegmentA;
pub use segment_b::{SegmentB, SegmentBPix};
pub use segment_j::SegmentJ;
pub use segment_j52::{SegmentJ52, SegmentJ52Pix, SegmentJ52PixItau};
pub use segment_n::SegmentN;
pub use segment_o::SegmentO;
pub use segment_p::SegmentP;
pub use segment_q::SegmentQ;
pub use segment_r::SegmentR;
pub use segment_t::SegmentT;
pub use segment_u::SegmentU;
pub use segment_z::SegmentZ;
pub use statement::{SegmentE, StatementBatchHeader, StatementBatchTrailer};

use crate::layout::{FieldError, WriteOptions};
use crate::profile::Profile;

/// Forma de lançamento (G029) of a Pix transfer batch: segments A and B with a key.
pub const FORM_PIX_TRANSFER: u64 = 45;
/// Forma de lançamento (G029) of a Pix QR code batch: segments J and J-52 Pix.
pub const FORM_PIX_QR_CODE: u64 = 47;

/// One CNAB240 record, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Record {
    /// Record type 0.
    FileHeader(FileHeader),
    /// Record type 1, a batch of payments.
    PaymentBatchHeader(PaymentBatchHeader),
    /// Segment A.
    SegmentA(SegmentA),
    /// Segment B of a Pix transfer batch (forma 45).
    SegmentBPix(SegmentBPix),
    /// Segment B of another credit batch: the payee's address.
    SegmentB(SegmentB),
    /// Segment J.
    SegmentJ(SegmentJ),
    /// Segment J-52 of a boleto batch.
    SegmentJ52(SegmentJ52),
    /// Segment J-52 of a Pix QR code batch (forma 47).
    SegmentJ52Pix(SegmentJ52Pix),
    /// Segment O: a bill paid by its barcode.
    SegmentO(SegmentO),
    /// Segment N: a tax paid without a barcode.
    SegmentN(SegmentN),
    /// Segment Z (retorno): the authentication, or the Pix end-to-end id, of the payment before it.
    SegmentZ(SegmentZ),
    /// Record type 5 of a batch of payments.
    PaymentBatchTrailer(PaymentBatchTrailer),
    /// Record type 1, a cobrança batch (operation R remessa, T retorno).
    CobrancaBatchHeader(CobrancaBatchHeader),
    /// Segment P: a boleto to register (remessa).
    SegmentP(SegmentP),
    /// Segment Q: its payer (remessa).
    SegmentQ(SegmentQ),
    /// Segment R: more instructions (remessa, optional).
    SegmentR(SegmentR),
    /// Segment T: a boleto's occurrence (retorno).
    SegmentT(SegmentT),
    /// Segment U: its amounts and dates (retorno).
    SegmentU(SegmentU),
    /// Record type 5 of a cobrança batch.
    CobrancaBatchTrailer(CobrancaBatchTrailer),
    /// Record type 1, a statement batch (operation E).
    StatementBatchHeader(StatementBatchHeader),
    /// Segment E: an entry of the statement.
    SegmentE(SegmentE),
    /// Record type 5 of a statement batch.
    StatementBatchTrailer(StatementBatchTrailer),
    /// Record type 9.
    FileTrailer(FileTrailer),
}

/// Conversions both ways between two layouts of the same record (the same fields, placed
/// differently): a field missing from either side does not compile.
macro_rules! same_fields {
    ($a:ident <=> $b:ident { $($field:ident),+ $(,)? }) => {
        impl From<$a> for $b {
            fn from(record: $a) -> Self {
                $b { $($field: record.$field),+ }
            }
        }

        impl From<$b> for $a {
            fn from(record: $b) -> Self {
                $a { $($field: record.$field),+ }
            }
        }
    };
}

same_fields!(SegmentJ52Pix <=> SegmentJ52PixItau {
    bank,
    batch,
    record_type,
    sequence,
    segment,
    movement_type,
    movement_code,
    optional_record,
    payer_document_type,
    payer_document,
    payer_name,
    payee_document_type,
    payee_document,
    payee_name,
    key_or_url,
    txid,
});

impl Record {
    /// Writes the record as a 240-byte line, in `profile`'s layout.
    pub fn to_line(&self, profile: Profile, options: &WriteOptions) -> Result<[u8; 240], FieldError> {
        match self {
            Record::FileHeader(r) => r.to_line(options),
            Record::PaymentBatchHeader(r) => r.to_line(options),
            Record::SegmentA(r) => r.to_line(options),
            Record::SegmentBPix(r) => r.to_line(options),
            Record::SegmentB(r) => r.to_line(options),
            Record::SegmentJ(r) => r.to_line(options),
            Record::SegmentJ52(r) => r.to_line(options),
            Record::SegmentJ52Pix(r) => match profile {
                Profile::Febraban => r.to_line(options),
                Profile::ItauSispag => SegmentJ52PixItau::from(r.clone()).to_line(options),
            },
            Record::SegmentO(r) => r.to_line(options),
            Record::SegmentN(r) => r.to_line(options),
            Record::SegmentZ(r) => r.to_line(options),
            Record::StatementBatchHeader(r) => r.to_line(options),
            Record::SegmentE(r) => r.to_line(options),
            Record::StatementBatchTrailer(r) => r.to_line(options),
            Record::PaymentBatchTrailer(r) => r.to_line(options),
            Record::CobrancaBatchHeader(r) => r.to_line(options),
            Record::SegmentP(r) => r.to_line(options),
            Record::SegmentQ(r) => r.to_line(options),
            Record::SegmentR(r) => r.to_line(options),
            Record::SegmentT(r) => r.to_line(options),
            Record::SegmentU(r) => r.to_line(options),
            Record::CobrancaBatchTrailer(r) => r.to_line(options),
            Record::FileTrailer(r) => r.to_line(options),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::FieldSpec;

    /// Every layout's columns follow each other from 1 to 240 with no gap and no overlap.
    #[test]
    fn every_layout_tiles_240_positions() {
        let layouts: &[(&str, &[FieldSpec])] = &[
            ("SegmentB", SegmentB::FIELDS),
            ("CobrancaBatchHeader", CobrancaBatchHeader::FIELDS),
            ("CobrancaBatchTrailer", CobrancaBatchTrailer::FIELDS),
            ("SegmentP", SegmentP::FIELDS),
            ("SegmentQ", SegmentQ::FIELDS),
            ("SegmentR", SegmentR::FIELDS),
            ("SegmentT", SegmentT::FIELDS),
            ("SegmentU", SegmentU::FIELDS),
            ("FileHeader", FileHeader::FIELDS),
            ("PaymentBatchHeader", PaymentBatchHeader::FIELDS),
            ("PaymentBatchTrailer", PaymentBatchTrailer::FIELDS),
            ("FileTrailer", FileTrailer::FIELDS),
            ("SegmentA", SegmentA::FIELDS),
            ("SegmentBPix", SegmentBPix::FIELDS),
            ("SegmentJ", SegmentJ::FIELDS),
            ("SegmentJ52", SegmentJ52::FIELDS),
            ("SegmentJ52Pix", SegmentJ52Pix::FIELDS),
            ("SegmentJ52PixItau", SegmentJ52PixItau::FIELDS),
            ("SegmentO", SegmentO::FIELDS),
            ("SegmentN", SegmentN::FIELDS),
            ("SegmentZ", SegmentZ::FIELDS),
            ("StatementBatchHeader", StatementBatchHeader::FIELDS),
            ("SegmentE", SegmentE::FIELDS),
            ("StatementBatchTrailer", StatementBatchTrailer::FIELDS),
        ];
        for &(name, fields) in layouts {
            let mut next = 1;
            for field in fields {
                assert_eq!(field.start, next, "{name}.{}: gap or overlap", field.name);
                assert!(!field.is_empty(), "{name}.{}", field.name);
                next = field.end + 1;
            }
            assert_eq!(next, 241, "{name} ends at {}", next - 1);
        }
    }
}
