//! Segmento B for Pix transfers (forma de lançamento 45), from Bradesco's Multipag Pix manual
//! (v6, 2023) p.19: the forma de iniciação at 15-17 and the key at 128-226 replace the classic
//! address fields.

use crate::layout::{Alpha, Fixed, Letter, Num, OptNum};

crate::record! {
    /// The Pix details of the segment A before it.
    pub struct SegmentBPix(240) {
        /// Banco (G001).
        1-3 bank: Num,
        /// Lote (G002).
        4-7 batch: Num,
        /// Tipo de registro (G003): `3`.
        8-8 record_type: Fixed<3>,
        /// Número sequencial do registro no lote (G038).
        9-13 sequence: Num,
        /// Código de segmento (G039): `B`.
        14-14 segment: Letter<'B'>,
        /// Forma de iniciação (G100): `01` phone, `02` e-mail, `03` CPF/CNPJ, `04` random key,
        /// `05` bank details.
        15-17 initiation: Alpha,
        /// Tipo de inscrição do favorecido (G005).
        18-18 payee_document_type: Num,
        /// Número de inscrição do favorecido (G006).
        19-32 payee_document: Num,
        /// Informação 10 (G101): the TXID, optional.
        33-67 txid: Alpha,
        /// Informação 11: a message between users, optional.
        68-127 message: Alpha,
        /// Informação 12: the Pix key (initiation 01-04), or the account type at 128-129 (05).
        128-226 key: Alpha,
        /// Código UG centralizadora (SIAPE).
        227-232 siape: OptNum,
        /// Código ISPB of the payee's institution.
        233-240 ispb: OptNum,
    }
}
