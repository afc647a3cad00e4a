//! Segmento U (record type 3): the amounts and dates of a boleto's occurrence, cobrança retorno,
//! FEBRABAN 240 v10.6 p.66.

use crate::layout::{Alpha, Date8, Fixed, Letter, Money, Num, OptNum, Text};

crate::record! {
    /// What was paid for the boleto of the segment T before it, and when.
    pub struct SegmentU(240) {
        /// Banco (G001).
        1-3 bank: Num,
        /// Lote (G002).
        4-7 batch: Num,
        /// Tipo de registro (G003): `3`.
        8-8 record_type: Fixed<3>,
        /// Número sequencial do registro no lote (G038).
        9-13 sequence: Num,
        /// Código de segmento (G039): `U`.
        14-14 segment: Letter<'U'>,
        /// Uso FEBRABAN, blank.
        15-15 reserved_15: Alpha,
        /// Código de movimento retorno (C044).
        16-17 movement_code: Num,
        /// Juros/multa/encargos (C048), centavos.
        18-32 interest: Money<2>,
        /// Valor do desconto concedido (C049).
        33-47 discount: Money<2>,
        /// Valor do abatimento concedido/cancelado (C050).
        48-62 rebate: Money<2>,
        /// Valor do IOF recolhido (C051).
        63-77 iof: Money<2>,
        /// Valor pago pelo pagador (C052).
        78-92 paid: Money<2>,
        /// Valor líquido a ser creditado (C053).
        93-107 net: Money<2>,
        /// Valor de outras despesas (C054).
        108-122 other_expenses: Money<2>,
        /// Valor de outros créditos (C055).
        123-137 other_credits: Money<2>,
        /// Data da ocorrência (C056).
        138-145 occurred_on: Date8,
        /// Data da efetivação do crédito (C057).
        146-153 credited_on: Date8,
        /// Código da ocorrência do pagador (C058).
        154-157 payer_occurrence: Alpha,
        /// Data da ocorrência do pagador (C059).
        158-165 payer_occurrence_date: Date8,
        /// Valor da ocorrência do pagador (C060).
        166-180 payer_occurrence_amount: Money<2>,
        /// Complemento da ocorrência do pagador (C061).
        181-210 payer_occurrence_complement: Text,
        /// Código do banco correspondente na compensação (C031).
        211-213 correspondent_bank: OptNum,
        /// Nosso número no banco correspondente (C032).
        214-233 correspondent_our_number: Alpha,
        /// Uso FEBRABAN, blank.
        234-240 reserved_234_240: Alpha,
    }
}
