//! Segmento Y (record type 3): an optional record of a cobrança batch (FEBRABAN 240 v10.6 G067
//! names its kinds); Santander's Y-03 retorno carries the Pix TXID of a boleto paid by Pix.

use crate::layout::{Alpha, Fixed, Letter, Num};

crate::record! {
    /// An optional cobrança record; its kind (18-19) says what it holds.
    pub struct SegmentY(240) {
        /// Banco (G001).
        1-3 bank: Num,
        /// Lote (G002).
        4-7 batch: Num,
        /// Tipo de registro (G003): `3`.
        8-8 record_type: Fixed<3>,
        /// Número sequencial do registro no lote (G038).
        9-13 sequence: Num,
        /// Código de segmento (G039): `Y`.
        14-14 segment: Letter<'Y'>,
        /// Uso FEBRABAN, blank.
        15-15 reserved_15: Alpha,
        /// Código de movimento (C004 remessa, C044 retorno), as the T or P before it.
        16-17 movement_code: Num,
        /// Identificação do registro opcional (G067): `01` sacador, `03` Pix (Santander), `53`...
        18-19 optional_record: Num,
        /// What the kind holds, kept as written.
        20-158 content: Alpha,
        /// The Pix TXID of Santander's Y-03 (H7815 Jul/2022, 159-193); part of the content of
        /// other kinds.
        159-193 txid: Alpha,
        /// The rest of the content.
        194-240 content_end: Alpha,
    }
}
