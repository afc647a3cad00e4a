//! Segmento J (record type 3): payment of a boleto or of a Pix QR code (forma 47), FEBRABAN 240
//! v10.6 p.30.

use crate::layout::{Alpha, Date8, Digits, Fixed, Letter, Money, Num, OptNum, Text};

crate::record! {
    /// A boleto (or Pix QR code) payment.
    pub struct SegmentJ(240) {
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
        /// Tipo de movimento (G060).
        15-15 movement_type: Num,
        /// Código da instrução para movimento (G061).
        16-17 movement_code: Num,
        /// Código de barras (G063), 44 digits; zeros for a Pix QR code.
        18-61 barcode: Digits,
        /// Nome do beneficiário (G013).
        62-91 payee_name: Text,
        /// Data do vencimento (G044).
        92-99 due_date: Date8,
        /// Valor do título (G042), centavos.
        100-114 face_amount: Money<2>,
        /// Valor do desconto + abatimento (L002), centavos.
        115-129 discount: Money<2>,
        /// Valor da mora + multa (L003), centavos.
        130-144 interest: Money<2>,
        /// Data do pagamento (P009).
        145-152 payment_date: Date8,
        /// Valor do pagamento (P010), centavos: what the batch trailer sums.
        153-167 amount: Money<2>,
        /// Quantidade da moeda (G041), 5 implied decimals.
        168-182 currency_quantity: Money<5>,
        /// Seu número (G064).
        183-202 your_number: Alpha,
        /// Nosso número (G043).
        203-222 our_number: Alpha,
        /// Código da moeda (G065).
        223-224 currency_code: OptNum,
        /// Uso FEBRABAN, blank.
        225-230 reserved_225_230: Alpha,
        /// Ocorrências (G059), retorno.
        231-240 occurrences: Alpha,
    }
}
