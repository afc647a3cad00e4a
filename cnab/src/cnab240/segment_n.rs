//! Segmento N (record type 3): payment of a tax without a barcode (GPS, DARF, GARE, IPVA...),
//! FEBRABAN 240 v10.6 p.35-37.

use crate::layout::{Alpha, Date8, Fixed, Letter, Money, Num, Text};

crate::record! {
    /// A tax paid without a barcode: the references, the taxpayer, the date and the total; the
    /// tax's own fields (111-230) are kept as written (N1 GPS, N2 DARF, ... lay them out apart).
    pub struct SegmentN(240) {
        /// Banco (G001).
        1-3 bank: Num,
        /// Lote (G002).
        4-7 batch: Num,
        /// Tipo de registro (G003): `3`.
        8-8 record_type: Fixed<3>,
        /// Número sequencial do registro no lote (G038).
        9-13 sequence: Num,
        /// Código de segmento (G039): `N`.
        14-14 segment: Letter<'N'>,
        /// Tipo de movimento (G060).
        15-15 movement_type: Num,
        /// Código da instrução para movimento (G061).
        16-17 movement_code: Num,
        /// Seu número (G064): the company's reference.
        18-37 your_number: Alpha,
        /// Nosso número (G043): the bank's reference.
        38-57 our_number: Alpha,
        /// Nome do contribuinte (N005).
        58-87 taxpayer_name: Text,
        /// Data do pagamento (P009).
        88-95 payment_date: Date8,
        /// Valor total do pagamento (N006), centavos.
        96-110 amount: Money<2>,
        /// Informações complementares do tributo (N007).
        111-230 tax_details: Alpha,
        /// Ocorrências para o retorno (G059): up to five codes.
        231-240 occurrences: Alpha,
    }
}
