//! Segmento R (record type 3, optional): more discounts, the fine, messages and debit account,
//! cobrança remessa, FEBRABAN 240 v10.6 p.59.

use crate::layout::{Alpha, Date8, Fixed, Letter, Money, Num, OptNum, Text};

crate::record! {
    /// More instructions for the boleto of the segment P before it.
    pub struct SegmentR(240) {
        /// Banco (G001).
        1-3 bank: Num,
        /// Lote (G002).
        4-7 batch: Num,
        /// Tipo de registro (G003): `3`.
        8-8 record_type: Fixed<3>,
        /// Número sequencial do registro no lote (G038).
        9-13 sequence: Num,
        /// Código de segmento (G039): `R`.
        14-14 segment: Letter<'R'>,
        /// Uso FEBRABAN, blank.
        15-15 reserved_15: Alpha,
        /// Código de movimento remessa (C004).
        16-17 movement_code: Num,
        /// Código do desconto 2 (C021).
        18-18 discount_2_code: OptNum,
        /// Data do desconto 2 (C022).
        19-26 discount_2_date: Date8,
        /// Valor/percentual do desconto 2 (C023).
        27-41 discount_2: Money<2>,
        /// Código do desconto 3 (C021).
        42-42 discount_3_code: OptNum,
        /// Data do desconto 3 (C022).
        43-50 discount_3_date: Date8,
        /// Valor/percentual do desconto 3 (C023).
        51-65 discount_3: Money<2>,
        /// Código da multa (G073).
        66-66 fine_code: OptNum,
        /// Data da multa (G074).
        67-74 fine_date: Date8,
        /// Valor/percentual da multa (G075).
        75-89 fine: Money<2>,
        /// Informação ao pagador (C036).
        90-99 payer_information: Text,
        /// Mensagem 3 (C037).
        100-139 message_3: Text,
        /// Mensagem 4 (C037).
        140-179 message_4: Text,
        /// Uso FEBRABAN, blank.
        180-199 reserved_180_199: Alpha,
        /// Código de ocorrência do pagador (C038).
        200-207 payer_occurrence: OptNum,
        /// Código do banco na conta do débito (G001).
        208-210 debit_bank: OptNum,
        /// Agência da conta do débito (G008).
        211-215 debit_agency: OptNum,
        /// Dígito da agência do débito (G009).
        216-216 debit_agency_digit: Alpha,
        /// Conta corrente do débito (G010).
        217-228 debit_account: OptNum,
        /// Dígito da conta do débito (G011).
        229-229 debit_account_digit: Alpha,
        /// Dígito da agência/conta do débito (G012).
        230-230 debit_agency_account_digit: Alpha,
        /// Aviso para débito automático (C039).
        231-231 debit_notice: OptNum,
        /// Uso FEBRABAN, blank.
        232-240 reserved_232_240: Alpha,
    }
}
