//! Segmento B (record type 3). For Pix transfers (forma de lançamento 45), Bradesco's Multipag
//! Pix manual (v6, 2023) p.19: the forma de iniciação at 15-17 and the key at 128-226 replace the
//! classic address fields of FEBRABAN 240 v10.6 p.26, which other credit batches keep.

use crate::layout::{Alpha, Date8, Fixed, Letter, Money, Num, OptNum, PaddedNum, Text};

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
        19-32 payee_document: PaddedNum,
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

crate::record! {
    /// Segment B of a credit batch other than Pix: the payee's address and document amounts,
    /// FEBRABAN 240 v10.6 p.26.
    pub struct SegmentB(240) {
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
        /// Uso FEBRABAN, blank.
        15-17 reserved_15_17: Alpha,
        /// Tipo de inscrição do favorecido (G005).
        18-18 payee_document_type: Num,
        /// Número de inscrição do favorecido (G006).
        19-32 payee_document: PaddedNum,
        /// Logradouro (G032).
        33-62 street: Text,
        /// Número (G032): kept as written, since banks and companies write `S/N` or pad it
        /// with blanks (`556  `) as often as zeros.
        63-67 number: Alpha,
        /// Complemento (G032).
        68-82 complement: Text,
        /// Bairro (G032).
        83-97 district: Text,
        /// Cidade (G033).
        98-117 city: Text,
        /// CEP (G034).
        118-122 postal_code: OptNum,
        /// Complemento do CEP (G035).
        123-125 postal_code_suffix: OptNum,
        /// Estado (G036).
        126-127 state: Alpha,
        /// Data do vencimento (G044).
        128-135 due_date: Date8,
        /// Valor do documento (G042), centavos.
        136-150 document_amount: Money<2>,
        /// Valor do abatimento (L001).
        151-165 rebate: Money<2>,
        /// Valor do desconto (L002).
        166-180 discount: Money<2>,
        /// Valor da mora (L003).
        181-195 interest: Money<2>,
        /// Valor da multa (L004).
        196-210 fine: Money<2>,
        /// Código/documento do favorecido (P008).
        211-225 payee_code: Alpha,
        /// Aviso ao favorecido (P006).
        226-226 payee_notice: OptNum,
        /// Código UG centralizadora (SIAPE).
        227-232 siape: OptNum,
        /// Código ISPB.
        233-240 ispb: OptNum,
    }
}
