//! Trailer de arquivo (record type 9), FEBRABAN 240 v10.6 p.18.

use crate::layout::{Alpha, Fixed, Num, OptNum};

crate::record! {
    /// The last record of a CNAB240 file, with its counts.
    pub struct FileTrailer(240) {
        /// Banco (G001).
        1-3 bank: Num,
        /// Lote (G002): `9999`.
        4-7 batch: Fixed<9999>,
        /// Tipo de registro (G003): `9`.
        8-8 record_type: Fixed<9>,
        /// Uso FEBRABAN, blank.
        9-17 reserved_9_17: Alpha,
        /// Quantidade de lotes do arquivo (G049). Itaú SISPAG writes the last batch number.
        18-23 batch_count: Num,
        /// Quantidade de registros do arquivo (G056).
        24-29 record_count: Num,
        /// Quantidade de contas para conciliação (G037), extrato only.
        30-35 account_count: OptNum,
        /// Uso FEBRABAN, blank.
        36-240 reserved_36_240: Alpha,
    }
}
