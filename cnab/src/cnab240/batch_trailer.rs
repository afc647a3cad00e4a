//! Trailer de lote de pagamentos (record type 5), FEBRABAN 240 v10.6 p.28 and p.33.

use crate::layout::{Alpha, Fixed, Money, Num, OptNum, PaddedNum};

crate::record! {
    /// Closes a batch of payments with its counts and sums.
    pub struct PaymentBatchTrailer(240) {
        /// Banco (G001).
        1-3 bank: Num,
        /// Lote (G002).
        4-7 batch: Num,
        /// Tipo de registro (G003): `5`.
        8-8 record_type: Fixed<5>,
        /// Uso FEBRABAN, blank.
        9-17 reserved_9_17: Alpha,
        /// Quantidade de registros do lote (G057): header, details and trailer.
        18-23 record_count: Num,
        /// Somatória dos valores (P007): the sum of segment A (or J) amounts, in centavos.
        24-41 total_amount: Money<2>,
        /// Somatória de quantidade de moedas (G058), 5 implied decimals; payments in reais
        /// have none, and some writers leave it blank (read as 0).
        42-59 total_currency_quantity: PaddedNum,
        /// Número aviso de débito (G066).
        60-65 debit_notice: OptNum,
        /// Uso FEBRABAN, blank.
        66-230 reserved_66_230: Alpha,
        /// Ocorrências (G059), retorno.
        231-240 occurrences: Alpha,
    }
}
