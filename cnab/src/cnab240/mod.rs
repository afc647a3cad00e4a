//! CNAB240: FEBRABAN's 240-position layout.
//!
//! ```text
//! 0  file header        lote 0000
//!   1  batch header     lote 0001..: operation C/D payments, R/T cobrança, E statement
//!   3  details          segments A, B | J, J-52 | O | N, and Z in retornos | P, Q, R | T, U | Y | E
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
mod segment_y;
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
pub use segment_j52::{SegmentJ52, SegmentJ52Pix};
pub use segment_n::SegmentN;
pub use segment_o::SegmentO;
pub use segment_p::SegmentP;
pub use segment_q::SegmentQ;
pub use segment_r::SegmentR;
pub use segment_t::SegmentT;
pub use segment_u::SegmentU;
pub use segment_y::SegmentY;
pub use segment_z::SegmentZ;
pub use statement::{SegmentE, StatementBatchHeader, StatementBatchTrailer};

use crate::layout::{FieldError, Layout, WriteOptions};
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
    /// Segment Y: an optional cobrança record (Santander's Y-03 carries a Pix TXID).
    SegmentY(SegmentY),
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

impl Record {
    /// Writes the record as a 240-byte line, in `profile`'s layout.
    pub fn to_line(&self, profile: Profile, options: &WriteOptions) -> Result<[u8; 240], FieldError> {
        /// The bank's positions when its profile moves a column of the record, FEBRABAN's
        /// otherwise.
        fn line<T: Layout<Line = [u8; 240]>>(
            record: &T,
            profile: Profile,
            options: &WriteOptions,
        ) -> Result<[u8; 240], FieldError> {
            if profile.moves(T::NAME) {
                record.to_line_moved(options, profile.columns)
            } else {
                record.to_line(options)
            }
        }
        match self {
            Record::FileHeader(r) => line(r, profile, options),
            Record::PaymentBatchHeader(r) => line(r, profile, options),
            Record::SegmentA(r) => line(r, profile, options),
            Record::SegmentBPix(r) => line(r, profile, options),
            Record::SegmentB(r) => line(r, profile, options),
            Record::SegmentJ(r) => line(r, profile, options),
            Record::SegmentJ52(r) => line(r, profile, options),
            Record::SegmentJ52Pix(r) => line(r, profile, options),
            Record::SegmentO(r) => line(r, profile, options),
            Record::SegmentN(r) => line(r, profile, options),
            Record::SegmentZ(r) => line(r, profile, options),
            Record::StatementBatchHeader(r) => line(r, profile, options),
            Record::SegmentE(r) => line(r, profile, options),
            Record::StatementBatchTrailer(r) => line(r, profile, options),
            Record::PaymentBatchTrailer(r) => line(r, profile, options),
            Record::CobrancaBatchHeader(r) => line(r, profile, options),
            Record::SegmentP(r) => line(r, profile, options),
            Record::SegmentQ(r) => line(r, profile, options),
            Record::SegmentR(r) => line(r, profile, options),
            Record::SegmentT(r) => line(r, profile, options),
            Record::SegmentU(r) => line(r, profile, options),
            Record::SegmentY(r) => line(r, profile, options),
            Record::CobrancaBatchTrailer(r) => line(r, profile, options),
            Record::FileTrailer(r) => line(r, profile, options),
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
            ("SegmentO", SegmentO::FIELDS),
            ("SegmentN", SegmentN::FIELDS),
            ("SegmentZ", SegmentZ::FIELDS),
            ("SegmentY", SegmentY::FIELDS),
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
