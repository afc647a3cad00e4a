//! Segmento Q (record type 3): the payer of a boleto, cobrança remessa, FEBRABAN 240 v10.6 p.58.

use crate::layout::{Alpha, Fixed, Letter, Num, OptNum, Text};

crate::record! {
    /// Who pays the boleto of the segment P before it, and the guarantor.
    pub struct SegmentQ(240) {
        /// Banco (G001).
        1-3 bank: Num,
        /// Lote (G002).
        4-7 batch: Num,
        /// Tipo de registro (G003): `3`.
        8-8 record_type: Fixed<3>,
        /// Número sequencial do registro no lote (G038).
        9-13 sequence: Num,
        /// Código de segmento (G039): `Q`.
        14-14 segment: Letter<'Q'>,
        /// Uso FEBRABAN, blank.
        15-15 reserved_15: Alpha,
        /// Código de movimento remessa (C004).
        16-17 movement_code: Num,
        /// Pagador: tipo de inscrição (G005).
        18-18 payer_document_type: Num,
        /// Pagador: número de inscrição (G006), 15 digits.
        19-33 payer_document: Num,
        /// Pagador: nome (G013).
        34-73 payer_name: Text,
        /// Pagador: endereço (G032).
        74-113 payer_address: Text,
        /// Pagador: bairro (G032).
        114-128 payer_district: Text,
        /// Pagador: CEP (G034).
        129-133 payer_postal_code: OptNum,
        /// Pagador: sufixo do CEP (G035).
        134-136 payer_postal_code_suffix: OptNum,
        /// Pagador: cidade (G033).
        137-151 payer_city: Text,
        /// Pagador: UF (G036).
        152-153 payer_state: Alpha,
        /// Sacador/avalista: tipo de inscrição (G005).
        154-154 guarantor_document_type: OptNum,
        /// Sacador/avalista: número de inscrição (G006).
        155-169 guarantor_document: OptNum,
        /// Sacador/avalista: nome (G013).
        170-209 guarantor_name: Text,
        /// Código do banco correspondente na compensação (C031).
        210-212 correspondent_bank: OptNum,
        /// Nosso número no banco correspondente (C032).
        213-232 correspondent_our_number: Alpha,
        /// Uso FEBRABAN, blank.
        233-240 reserved_233_240: Alpha,
    }
}
