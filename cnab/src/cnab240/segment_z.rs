//! Segmento Z (record type 3, retorno): the bank's authentication of a payment, FEBRABAN 240
//! v10.6 p.46; for Pix (Bradesco's Multipag Pix manual, from Feb/2021) 15-78 carry the
//! end-to-end id of the transfer.

use crate::layout::{Alpha, Fixed, Letter, Num};

crate::record! {
    /// The authentication of the payment before it: the bank's authentication (or the Pix
    /// end-to-end id) and its protocol.
    pub struct SegmentZ(240) {
        /// Banco (G001).
        1-3 bank: Num,
        /// Lote (G002).
        4-7 batch: Num,
        /// Tipo de registro (G003): `3`.
        8-8 record_type: Fixed<3>,
        /// Número sequencial do registro no lote (G038).
        9-13 sequence: Num,
        /// Código de segmento (G039): `Z`.
        14-14 segment: Letter<'Z'>,
        /// Autenticação (Z001); for Pix, the end-to-end id.
        15-78 authentication: Alpha,
        /// Protocolo / controle do banco (Z002).
        79-103 protocol: Alpha,
        /// Uso FEBRABAN (Bradesco: 104-106 Z003).
        104-230 reserved_104_230: Alpha,
        /// Ocorrências para o retorno (G059).
        231-240 occurrences: Alpha,
    }
}
