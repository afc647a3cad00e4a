//! Segmento A (record type 3): payment by credit, FEBRABAN 240 v10.6 p.25; câmara `009` (Pix,
//! SPI) from Bradesco's Multipag Pix manual.

use crate::layout::{Alpha, Date8, Fixed, Letter, Money, Num, OptMoney, OptNum, PaddedNum, Text};

crate::record! {
    /// A payment: who receives, when, how much.
    pub struct SegmentA(240) {
        /// Banco (G001).
        1-3 bank: Num,
        /// Lote (G002).
        4-7 batch: Num,
        /// Tipo de registro (G003): `3`.
        8-8 record_type: Fixed<3>,
        /// Número sequencial do registro no lote (G038).
        9-13 sequence: Num,
        /// Código de segmento (G039): `A`.
        14-14 segment: Letter<'A'>,
        /// Tipo de movimento (G060).
        15-15 movement_type: Num,
        /// Código da instrução para movimento (G061); blank, as some retornos leave it, reads as
        /// 00 (inclusão).
        16-17 movement_code: PaddedNum,
        /// Código da câmara centralizadora (P001): 018 TED, 700 DOC, 988 TED via ISPB, 009 Pix.
        18-20 clearing_house: Num,
        /// Banco do favorecido (P002); `000` in Itaú's Pix-by-key records.
        21-23 payee_bank: Num,
        /// Agência do favorecido (G008); blank for Pix by key.
        24-28 payee_agency: OptNum,
        /// Dígito da agência (G009).
        29-29 payee_agency_digit: Alpha,
        /// Conta do favorecido (G010); blank for Pix by key.
        30-41 payee_account: OptNum,
        /// Dígito da conta (G011).
        42-42 payee_account_digit: Alpha,
        /// Dígito da agência/conta (G012).
        43-43 payee_agency_account_digit: Alpha,
        /// Nome do favorecido (G013).
        44-73 payee_name: Text,
        /// Seu número (G064): the company's reference.
        74-93 your_number: Alpha,
        /// Data do pagamento (P009).
        94-101 payment_date: Date8,
        /// Tipo da moeda (G040): `BRL`; Itaú writes `REA`.
        102-104 currency: Alpha,
        /// Quantidade da moeda (G041), 5 implied decimals.
        105-119 currency_quantity: Money<5>,
        /// Valor do pagamento (P010), centavos.
        120-134 amount: Money<2>,
        /// Nosso número (G043): the bank's reference.
        135-154 our_number: Alpha,
        /// Data real da efetivação do pagamento (P003), retorno.
        155-162 effective_date: Date8,
        /// Valor real da efetivação do pagamento (P004), retorno, centavos; blank (as some
        /// retornos leave it) reads as 0.
        163-177 effective_amount: OptMoney<2>,
        /// Outras informações (G031).
        178-217 information: Alpha,
        /// Finalidade do DOC (P005).
        218-219 doc_purpose: Alpha,
        /// Finalidade da TED (P011).
        220-224 ted_purpose: Alpha,
        /// Finalidade complementar (P013).
        225-226 complementary_purpose: Alpha,
        /// Uso FEBRABAN, blank.
        227-229 reserved_227_229: Alpha,
        /// Aviso ao favorecido (P006).
        230-230 payee_notice: OptNum,
        /// Ocorrências (G059), retorno.
        231-240 occurrences: Alpha,
    }
}
