//! Itaú cobrança, CNAB400 (Cobrança 400 bytes CNAB, JUL2021 v3).

use crate::layout::{Alpha, Date6, Date6OrBlank, Fixed, Money, Num, OptNum, Text};

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

crate::record! {
    /// Header of a retorno.
    pub struct ItauRetornoHeader(400) {
        /// Tipo de registro: `0`.
        1-1 record_type: Fixed<0>,
        /// Código de retorno: `2`.
        2-2 direction: Fixed<2>,
        /// Literal `RETORNO`.
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
        /// DAC agência/conta.
        38-38 account_digit: Alpha,
        /// Brancos.
        39-46 reserved_39_46: Alpha,
        /// Nome da empresa, as the bank wrote it.
        47-76 company_name: Alpha,
        /// Código do banco: `341`.
        77-79 bank: Num,
        /// Nome do banco: `BANCO ITAU SA`.
        80-94 bank_name: Alpha,
        /// Data de geração do arquivo.
        95-100 written_on: Date6,
        /// Densidade de gravação.
        101-105 density: OptNum,
        /// Unidade de densidade: `BPI`.
        106-108 density_unit: Alpha,
        /// Número sequencial do arquivo retorno.
        109-113 file_sequence: OptNum,
        /// Data do crédito dos lançamentos.
        114-119 credited_on: Date6OrBlank,
        /// Brancos.
        120-394 reserved_120_394: Alpha,
        /// Número sequencial do registro.
        395-400 sequence: Num,
    }
}

crate::record! {
    /// What happened to a boleto (retorno, type 1).
    pub struct ItauRetornoDetail(400) {
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
        30-37 reserved_30_37: Alpha,
        /// Identificação do título na empresa (uso da empresa).
        38-62 company_reference: Alpha,
        /// Nosso número.
        63-70 our_number: OptNum,
        /// Brancos.
        71-82 reserved_71_82: Alpha,
        /// Número da carteira.
        83-85 wallet: OptNum,
        /// Nosso número, as the carteira prints it.
        86-93 wallet_our_number: OptNum,
        /// DAC do nosso número.
        94-94 our_number_digit: Alpha,
        /// Brancos.
        95-107 reserved_95_107: Alpha,
        /// Código da carteira.
        108-108 wallet_code: Alpha,
        /// Código de ocorrência: 02 entrada confirmada, 06 liquidação normal, 09 baixa simples...
        109-110 occurrence: Num,
        /// Data da ocorrência no banco.
        111-116 occurred_on: Date6,
        /// Número do documento de cobrança.
        117-126 document_number: Alpha,
        /// Confirmação do nosso número.
        127-134 our_number_confirmation: Alpha,
        /// Brancos.
        135-146 reserved_135_146: Alpha,
        /// Data de vencimento do título.
        147-152 due_date: Date6,
        /// Valor nominal do título, centavos.
        153-165 amount: Money<2>,
        /// Código do banco cobrador.
        166-168 collecting_bank: OptNum,
        /// Agência cobradora.
        169-172 collecting_agency: OptNum,
        /// DAC da agência cobradora.
        173-173 collecting_agency_digit: Alpha,
        /// Espécie do título.
        174-175 kind: Alpha,
        /// Tarifa de cobrança, centavos.
        176-188 fee: Money<2>,
        /// Brancos.
        189-214 reserved_189_214: Alpha,
        /// Valor do IOF.
        215-227 iof: Money<2>,
        /// Valor do abatimento.
        228-240 rebate: Money<2>,
        /// Valor do desconto concedido.
        241-253 discount: Money<2>,
        /// Valor principal (what was paid, net of interest).
        254-266 principal: Money<2>,
        /// Juros de mora e multa.
        267-279 interest: Money<2>,
        /// Outros créditos.
        280-292 other_credits: Money<2>,
        /// Indicador de boleto DDA.
        293-293 dda: Alpha,
        /// Brancos.
        294-295 reserved_294_295: Alpha,
        /// Data do crédito.
        296-301 credited_on: Date6OrBlank,
        /// Código da instrução cancelada.
        302-305 cancelled_instruction: Alpha,
        /// Brancos.
        306-311 reserved_306_311: Alpha,
        /// Zeros.
        312-324 reserved_312_324: Alpha,
        /// Nome do pagador.
        325-354 payer_name: Alpha,
        /// Brancos.
        355-377 reserved_355_377: Alpha,
        /// Registros rejeitados ou alegação do pagador (four two-digit codes).
        378-385 errors: Alpha,
        /// Brancos.
        386-392 reserved_386_392: Alpha,
        /// Meio pelo qual o título foi liquidado.
        393-394 settlement_channel: Alpha,
        /// Número sequencial do registro.
        395-400 sequence: Num,
    }
}

crate::record! {
    /// Trailer of a retorno: what the account holds by kind of cobrança, and what the file holds.
    pub struct ItauRetornoTrailer(400) {
        /// Tipo de registro: `9`.
        1-1 record_type: Fixed<9>,
        /// Código de retorno: `2`.
        2-2 direction: Fixed<2>,
        /// Código do serviço: `01`.
        3-4 service: Num,
        /// Código do banco: `341`.
        5-7 bank: Num,
        /// Brancos.
        8-17 reserved_8_17: Alpha,
        /// Quantidade de títulos em cobrança simples.
        18-25 simple_count: Num,
        /// Valor total dos títulos em cobrança simples, centavos.
        26-39 simple_amount: Money<2>,
        /// Referência do aviso bancário, cobrança simples.
        40-47 simple_notice: Alpha,
        /// Brancos.
        48-57 reserved_48_57: Alpha,
        /// Quantidade de títulos em cobrança vinculada.
        58-65 linked_count: Num,
        /// Valor total dos títulos em cobrança vinculada.
        66-79 linked_amount: Money<2>,
        /// Referência do aviso bancário, cobrança vinculada.
        80-87 linked_notice: Alpha,
        /// Brancos.
        88-177 reserved_88_177: Alpha,
        /// Quantidade de títulos em cobrança direta/escritural.
        178-185 direct_count: Num,
        /// Valor total dos títulos em cobrança direta/escritural.
        186-199 direct_amount: Money<2>,
        /// Referência do aviso bancário, cobrança direta/escritural.
        200-207 direct_notice: Alpha,
        /// Número sequencial do arquivo retorno.
        208-212 file_sequence: OptNum,
        /// Quantidade de registros de detalhe (type 1) in this file.
        213-220 details: Num,
        /// Valor total informado, centavos.
        221-234 total_amount: Money<2>,
        /// Brancos.
        235-394 reserved_235_394: Alpha,
        /// Número sequencial do registro.
        395-400 sequence: Num,
    }
}
