//! Header de lote de pagamentos (record type 1), FEBRABAN 240 v10.6 p.24 (segments A/B) and
//! p.29 (segments J/J-52, identical but for the version and 223-230); forma de lançamento 45
//! (Pix transfer) and 47 (Pix QR code) from Bradesco's Multipag Pix manual.

use crate::layout::{Alpha, Fixed, Num, OptNum, Text};

crate::record! {
    /// Opens a batch of payments.
    pub struct PaymentBatchHeader(240) {
        /// Banco (G001).
        1-3 bank: Num,
        /// Lote (G002): the batch number, from 0001.
        4-7 batch: Num,
        /// Tipo de registro (G003): `1`.
        8-8 record_type: Fixed<1>,
        /// Tipo da operação (G028): `C` credit.
        9-9 operation: Alpha,
        /// Tipo do serviço (G025): 20 fornecedores, 30 salários, 98 diversos...
        10-11 service: Num,
        /// Forma de lançamento (G029): 01 crédito em conta, 03 DOC/TED, 41 TED, 45 Pix
        /// transferência, 47 Pix QR code...
        12-13 entry_form: Num,
        /// Versão do layout do lote (G030): `046` for A/B, `040` for J.
        14-16 layout_version: Num,
        /// Uso FEBRABAN, blank.
        17-17 reserved_17: Alpha,
        /// Tipo de inscrição da empresa (G005).
        18-18 company_document_type: Num,
        /// Número de inscrição da empresa (G006).
        19-32 company_document: Num,
        /// Código do convênio no banco (G007).
        33-52 agreement: Alpha,
        /// Agência (G008).
        53-57 agency: OptNum,
        /// Dígito da agência (G009).
        58-58 agency_digit: Alpha,
        /// Conta corrente (G010).
        59-70 account: OptNum,
        /// Dígito da conta (G011).
        71-71 account_digit: Alpha,
        /// Dígito da agência/conta (G012).
        72-72 agency_account_digit: Alpha,
        /// Nome da empresa (G013).
        73-102 company_name: Text,
        /// Mensagem (G031).
        103-142 message: Text,
        /// Logradouro (G032).
        143-172 street: Text,
        /// Número (G032): kept as written, since banks and companies write `S/N` or pad it
        /// with blanks (`556  `) as often as zeros.
        173-177 number: Alpha,
        /// Complemento (G032).
        178-192 complement: Text,
        /// Cidade (G033).
        193-212 city: Text,
        /// CEP (G034).
        213-217 postal_code: OptNum,
        /// Complemento do CEP (G035).
        218-220 postal_code_suffix: OptNum,
        /// Estado (G036).
        221-222 state: Alpha,
        /// Indicativo da forma de pagamento do serviço (P014); blank on J batches.
        223-224 payment_form: Alpha,
        /// Uso FEBRABAN, blank.
        225-230 reserved_225_230: Alpha,
        /// Ocorrências (G059), retorno.
        231-240 occurrences: Alpha,
    }
}
