//! Segmento T (record type 3): what happened to a boleto, cobrança retorno, FEBRABAN 240 v10.6
//! p.65.

use crate::layout::{Alpha, Date8, Fixed, Letter, Money, Num, OptNum, Text};

crate::record! {
    /// The boleto a retorno reports on.
    pub struct SegmentT(240) {
        /// Banco (G001).
        1-3 bank: Num,
        /// Lote (G002).
        4-7 batch: Num,
        /// Tipo de registro (G003): `3`.
        8-8 record_type: Fixed<3>,
        /// Número sequencial do registro no lote (G038).
        9-13 sequence: Num,
        /// Código de segmento (G039): `T`.
        14-14 segment: Letter<'T'>,
        /// Uso FEBRABAN, blank.
        15-15 reserved_15: Alpha,
        /// Código de movimento retorno (C044): 02 entrada confirmada, 06 liquidação...
        16-17 movement_code: Num,
        /// Agência mantenedora da conta (G008).
        18-22 agency: OptNum,
        /// Dígito da agência (G009).
        23-23 agency_digit: Alpha,
        /// Conta corrente (G010).
        24-35 account: OptNum,
        /// Dígito da conta (G011).
        36-36 account_digit: Alpha,
        /// Dígito da agência/conta (G012).
        37-37 agency_account_digit: Alpha,
        /// Nosso número (G069).
        38-57 our_number: Alpha,
        /// Código da carteira (C006).
        58-58 wallet: OptNum,
        /// Número do documento de cobrança (C011).
        59-73 document_number: Alpha,
        /// Data do vencimento do título (C012).
        74-81 due_date: Date8,
        /// Valor nominal do título (G070), centavos.
        82-96 amount: Money<2>,
        /// Banco cobrador/recebedor (C045).
        97-99 collecting_bank: OptNum,
        /// Agência cobradora/recebedora (C086).
        100-104 collecting_agency: OptNum,
        /// Dígito da agência cobradora (G009).
        105-105 collecting_agency_digit: Alpha,
        /// Identificação do título na empresa (G072).
        106-130 company_reference: Alpha,
        /// Código da moeda (G065).
        131-132 currency_code: OptNum,
        /// Pagador: tipo de inscrição (G005).
        133-133 payer_document_type: OptNum,
        /// Pagador: número de inscrição (G006).
        134-148 payer_document: OptNum,
        /// Pagador: nome (G013).
        149-188 payer_name: Text,
        /// Número do contrato da operação de crédito (C030).
        189-198 contract: OptNum,
        /// Valor da tarifa/custas (G076), centavos.
        199-213 fee: Money<2>,
        /// Motivo da ocorrência (C047).
        214-223 reasons: Alpha,
        /// Uso FEBRABAN, blank.
        224-240 reserved_224_240: Alpha,
    }
}

impl SegmentT {
    /// What its código de movimento (16-17) means, by FEBRABAN's C044.
    ///
    /// ```
    /// use febraban_cnab::cnab240::SegmentT;
    /// let t = SegmentT { movement_code: 6, ..Default::default() };
    /// assert_eq!(t.movement().unwrap().meaning, febraban_cnab::Meaning::Settled);
    /// ```
    pub fn movement(&self) -> Option<crate::Movement> {
        crate::cobranca_movement(self.movement_code)
    }
}
