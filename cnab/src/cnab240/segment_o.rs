//! Segmento O (record type 3): payment of a bill with a barcode (contas de consumo, tributos
//! com código de barras), FEBRABAN 240 v10.6 p.34.

use crate::layout::{Alpha, Date8, Fixed, Letter, Money, Num, Text};

crate::record! {
    /// A bill paid by its barcode: the barcode, the payee, the dates and the amount.
    pub struct SegmentO(240) {
        /// Banco (G001).
        1-3 bank: Num,
        /// Lote (G002).
        4-7 batch: Num,
        /// Tipo de registro (G003): `3`.
        8-8 record_type: Fixed<3>,
        /// Número sequencial do registro no lote (G038).
        9-13 sequence: Num,
        /// Código de segmento (G039): `O`.
        14-14 segment: Letter<'O'>,
        /// Tipo de movimento (G060).
        15-15 movement_type: Num,
        /// Código da instrução para movimento (G061).
        16-17 movement_code: Num,
        /// Código de barras (N001), 44 digits.
        18-61 barcode: Alpha,
        /// Nome da concessionária / órgão público (N002).
        62-91 payee_name: Text,
        /// Data do vencimento (N003).
        92-99 due_date: Date8,
        /// Data do pagamento (P009).
        100-107 payment_date: Date8,
        /// Valor do pagamento (P010), centavos.
        108-122 amount: Money<2>,
        /// Seu número (G064): the company's reference.
        123-142 your_number: Alpha,
        /// Nosso número (G043): the bank's reference.
        143-162 our_number: Alpha,
        /// Uso FEBRABAN.
        163-230 reserved_163_230: Alpha,
        /// Ocorrências para o retorno (G059): up to five codes.
        231-240 occurrences: Alpha,
    }
}
