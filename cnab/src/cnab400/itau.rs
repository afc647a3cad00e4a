//! Itaú cobrança, CNAB400 (Cobrança 400 bytes CNAB, JUL2021 v3).

use crate::layout::{Alpha, Date6, Fixed, Money, Num, OptNum, Text};

crate::record! {
    /// Header of a remessa.
    pub struct ItauRemessaHeader(400) {
        /// Tipo de registro: `0`.
        1-1 record_type: Fixed<0>,
        /// Operação: `1` remessa.
        2-2 direction: Fixed<1>,
        /// Literal `REMESSA`.
        3-9 literal: Alpha,
        /// Código do serviço: `01`.
        10-11 service: Num,
        /// Literal `COBRANCA`.
        12-26 service_name: Alpha,
        /// Agência mantenedora da conta.
        27-30 agency: Num,
        /// Zeros.
        31-32 reserved_31_32: Alpha,
        /// Conta corrente da empresa.
        33-37 account: Num,
        /// Dígito de auto-conferência agência/conta (DAC).
        38-38 account_digit: Alpha,
        /// Brancos.
        39-46 reserved_39_46: Alpha,
        /// Nome da empresa.
        47-76 company_name: Text,
        /// Código do banco: `341`.
        77-79 bank: Num,
        /// Nome do banco: `BANCO ITAU SA`.
        80-94 bank_name: Text,
        /// Data de geração do arquivo.
        95-100 written_on: Date6,
        /// Brancos.
        101-394 reserved_101_394: Alpha,
        /// Número sequencial do registro.
        395-400 sequence: Num,
    }
}

crate::record! {
    /// A boleto to register (remessa, type 1).
    pub struct ItauRemessaDetail(400) {
        /// Tipo de registro: `1`.
        1-1 record_type: Fixed<1>,
        /// Tipo de inscrição da empresa: 01 CPF, 02 CNPJ.
        2-3 company_document_type: Num,
        /// Número de inscrição da empresa.
        4-17 company_document: Num,
        /// Agência mantenedora da conta.
        18-21 agency: Num,
        /// Zeros.
        22-23 reserved_22_23: Alpha,
        /// Conta corrente da empresa.
        24-28 account: Num,
        /// DAC agência/conta.
        29-29 account_digit: Alpha,
        /// Brancos.
        30-33 reserved_30_33: Alpha,
        /// Código da instrução/alegação a ser cancelada.
        34-37 cancelled_instruction: OptNum,
        /// Identificação do título na empresa.
        38-62 company_reference: Alpha,
        /// Nosso número.
        63-70 our_number: OptNum,
        /// Quantidade de moeda variável, 5 decimals.
        71-83 currency_quantity: Money<5>,
        /// Número da carteira no banco.
        84-86 wallet: OptNum,
        /// Uso do banco.
        87-107 bank_use: Alpha,
        /// Código da carteira.
        108-108 wallet_code: Alpha,
        /// Código de ocorrência (01 remessa, 02 pedido de baixa...).
        109-110 occurrence: Num,
        /// Número do documento de cobrança.
        111-120 document_number: Alpha,
        /// Data de vencimento do título.
        121-126 due_date: Date6,
        /// Valor nominal do título, centavos.
        127-139 amount: Money<2>,
        /// Código do banco: `341`.
        140-142 bank: Num,
        /// Agência onde o título será cobrado.
        143-147 collecting_agency: OptNum,
        /// Espécie do título.
        148-149 kind: OptNum,
        /// Aceite: `A` or `N`.
        150-150 accepted: Alpha,
        /// Data da emissão do título.
        151-156 issued_on: Date6,
        /// 1ª instrução de cobrança.
        157-158 instruction_1: Alpha,
        /// 2ª instrução de cobrança.
        159-160 instruction_2: Alpha,
        /// Juros de 1 dia, centavos.
        161-173 daily_interest: Money<2>,
        /// Data limite para concessão de desconto.
        174-179 discount_until: Date6,
        /// Valor do desconto.
        180-192 discount: Money<2>,
        /// Valor do IOF.
        193-205 iof: Money<2>,
        /// Valor do abatimento.
        206-218 rebate: Money<2>,
        /// Tipo de inscrição do pagador: 01 CPF, 02 CNPJ.
        219-220 payer_document_type: OptNum,
        /// CPF/CNPJ do pagador.
        221-234 payer_document: OptNum,
        /// Nome do pagador.
        235-264 payer_name: Text,
        /// Brancos.
        265-274 reserved_265_274: Alpha,
        /// Logradouro do pagador.
        275-314 payer_street: Text,
        /// Bairro do pagador.
        315-326 payer_district: Text,
        /// CEP do pagador.
        327-334 payer_postal_code: OptNum,
        /// Cidade do pagador.
        335-349 payer_city: Text,
        /// UF do pagador.
        350-351 payer_state: Alpha,
        /// Nome do sacador/avalista.
        352-381 guarantor_name: Text,
        /// Brancos.
        382-385 reserved_382_385: Alpha,
        /// Data de mora.
        386-391 interest_date: Date6,
        /// Prazo (dias).
        392-393 days: OptNum,
        /// Brancos.
        394-394 reserved_394: Alpha,
        /// Número sequencial do registro.
        395-400 sequence: Num,
    }
}
