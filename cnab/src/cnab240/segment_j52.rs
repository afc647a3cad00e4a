//! Segmento J-52 (record type 3, segment J, 18-19 `52`): the parties of a boleto payment
//! (FEBRABAN 240 v10.6 p.31), or of a Pix QR code payment with its key or URL and TXID
//! (Bradesco's Multipag Pix manual p.27; Itaú's files place the TXID at 209, see
//! [`Profile`](crate::Profile)).

use crate::layout::{Alpha, Fixed, Letter, Num, Text};

crate::record! {
    /// The parties of a boleto payment: payer, beneficiary, guarantor.
    pub struct SegmentJ52(240) {
        /// Banco (G001).
        1-3 bank: Num,
        /// Lote (G002).
        4-7 batch: Num,
        /// Tipo de registro (G003): `3`.
        8-8 record_type: Fixed<3>,
        /// Número sequencial do registro no lote (G038).
        9-13 sequence: Num,
        /// Código de segmento (G039): `J`.
        14-14 segment: Letter<'J'>,
        /// Uso FEBRABAN (blank in the manual; Itaú writes the movement type here).
        15-15 movement_type: Alpha,
        /// Código de movimento remessa (C004).
        16-17 movement_code: Num,
        /// Identificação registro opcional (G067): `52`.
        18-19 optional_record: Fixed<52>,
        /// Pagador: tipo de inscrição (G005).
        20-20 payer_document_type: Num,
        /// Pagador: número de inscrição (G006), 15 digits.
        21-35 payer_document: Num,
        /// Pagador: nome (G013).
        36-75 payer_name: Text,
        /// Beneficiário: tipo de inscrição (G005).
        76-76 payee_document_type: Num,
        /// Beneficiário: número de inscrição (G006).
        77-91 payee_document: Num,
        /// Beneficiário: nome (G013).
        92-131 payee_name: Text,
        /// Sacador/avalista: tipo de inscrição (G005).
        132-132 guarantor_document_type: Alpha,
        /// Sacador/avalista: número de inscrição (G006).
        133-147 guarantor_document: Alpha,
        /// Sacador/avalista: nome (G013).
        148-187 guarantor_name: Text,
        /// Uso FEBRABAN, blank.
        188-240 reserved_188_240: Alpha,
    }
}

crate::record! {
    /// The parties of a Pix QR code payment (forma 47) with its key or URL and TXID, as
    /// Bradesco's Multipag Pix manual lays them out (key 132-210, TXID 211-240).
    pub struct SegmentJ52Pix(240) {
        /// Banco (G001).
        1-3 bank: Num,
        /// Lote (G002).
        4-7 batch: Num,
        /// Tipo de registro (G003): `3`.
        8-8 record_type: Fixed<3>,
        /// Número sequencial do registro no lote (G038).
        9-13 sequence: Num,
        /// Código de segmento (G039): `J`.
        14-14 segment: Letter<'J'>,
        /// Uso FEBRABAN (blank in the manual; Itaú writes the movement type here).
        15-15 movement_type: Alpha,
        /// Código de movimento remessa (C004).
        16-17 movement_code: Num,
        /// Identificação registro opcional (G067): `52`.
        18-19 optional_record: Fixed<52>,
        /// Devedor: tipo de inscrição (G005).
        20-20 payer_document_type: Num,
        /// Devedor: número de inscrição (G006), 15 digits.
        21-35 payer_document: Num,
        /// Devedor: nome (G013).
        36-75 payer_name: Text,
        /// Favorecido: tipo de inscrição (G005).
        76-76 payee_document_type: Num,
        /// Favorecido: número de inscrição (G006).
        77-91 payee_document: Num,
        /// Favorecido: nome (G013).
        92-131 payee_name: Text,
        /// URL (dynamic QR code) or Pix key (static), G102.
        132-210 key_or_url: Alpha,
        /// TXID, at most 30 characters here.
        211-240 txid: Alpha,
    }
}
