//! The Pix records banks add to CNAB400 cobrança for "boletos híbridos" (boleto and Pix QR code).

use crate::layout::{Alpha, Fixed, Money, Num, OptNum};

crate::record! {
    /// Itaú's optional type 3 record: the Pix key and the location ID of the boleto before it
    /// (Itaú, Cobrança 400 bytes, JUL2021 v3).
    pub struct ItauPixDetail(400) {
        /// Identificação do registro: `3`.
        1-1 record_type: Fixed<3>,
        /// Chave Pix.
        2-78 key: Alpha,
        /// ID location.
        79-142 location_id: Alpha,
        /// Brancos.
        143-394 reserved_143_394: Alpha,
        /// Nº sequencial do registro.
        395-400 sequence: Num,
    }
}

crate::record! {
    /// Itaú's type 3 record in a retorno: the Pix QR code the bank registered for the boleto
    /// before it, or why it could not.
    pub struct ItauPixRetornoDetail(400) {
        /// Identificação do registro: `3`.
        1-1 record_type: Fixed<3>,
        /// QR code Pix (the BR Code payload, "copia e cola").
        2-391 qr_code: Alpha,
        /// Código de erro do Pix, blank when the QR code was registered.
        392-394 pix_error: Alpha,
        /// Nº sequencial do registro.
        395-400 sequence: Num,
    }
}

crate::record! {
    /// Santander's type 8 record: the Pix key, TXID and amounts of the boleto before it
    /// (Santander H7800, 2023, as kivanio/brcobranca writes it).
    pub struct SantanderPixDetail(400) {
        /// Identificação do registro: `8`.
        1-1 record_type: Fixed<8>,
        /// Tipo de pagamento.
        2-3 payment_type: OptNum,
        /// Quantidade de pagamentos possíveis.
        4-5 payments: OptNum,
        /// Tipo do valor informado.
        6-6 value_type: OptNum,
        /// Valor máximo, centavos.
        7-19 max_amount: Money<2>,
        /// Percentual máximo.
        20-24 max_percent: Money<2>,
        /// Valor mínimo, centavos.
        25-37 min_amount: Money<2>,
        /// Percentual mínimo.
        38-42 min_percent: Money<2>,
        /// Tipo da chave DICT.
        43-43 key_type: OptNum,
        /// Chave DICT.
        44-120 key: Alpha,
        /// TXID.
        121-155 txid: Alpha,
        /// Reservado.
        156-394 reserved_156_394: Alpha,
        /// Nº sequencial do registro.
        395-400 sequence: Num,
    }
}

crate::record! {
    /// Santander's type 2 record in a retorno: the Pix key or location and the TXID of the
    /// boleto before it (as brcobranca and laravel-boleto read it; no manual was read).
    pub struct SantanderPixRetornoDetail(400) {
        /// Identificação do registro: `2`.
        1-1 record_type: Fixed<2>,
        /// Tipo da chave DICT (blank for a location).
        2-2 key_type: OptNum,
        /// Chave DICT or location.
        3-79 key_or_location: Alpha,
        /// TXID.
        80-114 txid: Alpha,
        /// Reservado.
        115-394 reserved_115_394: Alpha,
        /// Nº sequencial do registro.
        395-400 sequence: Num,
    }
}
