//! Bradesco cobrança, CNAB400 (Manual de Procedimentos 4008.524.0121, versão 11).

use crate::layout::{Alpha, Date6, Date6OrBlank, Digits, Fixed, Money, Num, OptNum, Text};

crate::record! {
    /// Header of a remessa.
    pub struct BradescoRemessaHeader(400) {
        /// Identificação do registro: `0`.
        1-1 record_type: Fixed<0>,
        /// Identificação do arquivo remessa: `1`.
        2-2 direction: Fixed<1>,
        /// Literal `REMESSA`.
        3-9 literal: Alpha,
        /// Código de serviço: `01`.
        10-11 service: Num,
        /// Literal `COBRANCA`.
        12-26 service_name: Alpha,
        /// Código da empresa.
        27-46 company_code: Digits,
        /// Nome da empresa.
        47-76 company_name: Text,
        /// Número do Bradesco na câmara de compensação: `237`.
        77-79 bank: Num,
        /// Nome do banco por extenso.
        80-94 bank_name: Text,
        /// Data da gravação do arquivo.
        95-100 written_on: Date6,
        /// Brancos.
        101-108 reserved_101_108: Alpha,
        /// Identificação do sistema: `MX`.
        109-110 system: Alpha,
        /// Nº sequencial de remessa.
        111-117 file_number: Num,
        /// Brancos.
        118-394 reserved_118_394: Alpha,
        /// Nº sequencial do registro.
        395-400 sequence: Num,
    }
}

crate::record! {
    /// A boleto to register (remessa, type 1).
    pub struct BradescoRemessaDetail(400) {
        /// Identificação do registro: `1`.
        1-1 record_type: Fixed<1>,
        /// Débito automático: agência, razão, conta and digits (optional).
        2-20 debit_account: Alpha,
        /// Identificação da empresa no banco: zero, carteira, agência, conta.
        21-37 company_id: Alpha,
        /// Nº controle do participante.
        38-62 participant_control: Alpha,
        /// Código do banco a ser debitado na câmara de compensação.
        63-65 debit_bank: OptNum,
        /// Campo de multa: 0 sem, 2 com.
        66-66 fine_flag: OptNum,
        /// Percentual de multa.
        67-70 fine_percent: Money<2>,
        /// Identificação do título no banco (nosso número).
        71-81 our_number: Alpha,
        /// Dígito de auto-conferência do nosso número.
        82-82 our_number_digit: Alpha,
        /// Desconto bonificação por dia.
        83-92 daily_bonus: Money<2>,
        /// Condição para emissão da papeleta de cobrança.
        93-93 slip_issuer: OptNum,
        /// Identificação se emite boleto para débito automático.
        94-94 automatic_debit: Alpha,
        /// Identificação da operação do banco (brancos).
        95-104 reserved_95_104: Alpha,
        /// Indicador de rateio de crédito.
        105-105 split: Alpha,
        /// Endereçamento para aviso do débito automático.
        106-106 debit_notice: OptNum,
        /// Quantidade de pagamentos.
        107-108 payments: Alpha,
        /// Identificação da ocorrência (01 remessa, 02 pedido de baixa...).
        109-110 occurrence: Num,
        /// Nº do documento.
        111-120 document_number: Alpha,
        /// Data do vencimento do título.
        121-126 due_date: Date6,
        /// Valor do título, centavos.
        127-139 amount: Money<2>,
        /// Banco encarregado da cobrança (zeros).
        140-142 collecting_bank: OptNum,
        /// Agência depositária (zeros).
        143-147 collecting_agency: OptNum,
        /// Espécie de título.
        148-149 kind: OptNum,
        /// Identificação: `N`.
        150-150 accepted: Alpha,
        /// Data da emissão do título.
        151-156 issued_on: Date6,
        /// 1ª instrução.
        157-158 instruction_1: OptNum,
        /// 2ª instrução.
        159-160 instruction_2: OptNum,
        /// Valor a ser cobrado por dia de atraso.
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
        235-274 payer_name: Text,
        /// Endereço completo.
        275-314 payer_address: Text,
        /// 1ª mensagem.
        315-326 message_1: Text,
        /// CEP.
        327-331 payer_postal_code: OptNum,
        /// Sufixo do CEP.
        332-334 payer_postal_code_suffix: OptNum,
        /// Sacador/avalista ou 2ª mensagem.
        335-394 guarantor_or_message: Text,
        /// Nº sequencial do registro.
        395-400 sequence: Num,
    }
}

crate::record! {
    /// Header of a retorno.
    pub struct BradescoRetornoHeader(400) {
        /// Identificação do registro: `0`.
        1-1 record_type: Fixed<0>,
        /// Identificação do arquivo retorno: `2`.
        2-2 direction: Fixed<2>,
        /// Literal `RETORNO`.
        3-9 literal: Alpha,
        /// Código do serviço: `01`.
        10-11 service: Num,
        /// Literal `COBRANCA`.
        12-26 service_name: Alpha,
        /// Código da empresa.
        27-46 company_code: Digits,
        /// Nome da empresa.
        47-76 company_name: Text,
        /// Nº do Bradesco na câmara de compensação: `237`.
        77-79 bank: Num,
        /// Nome do banco por extenso.
        80-94 bank_name: Text,
        /// Data da gravação do arquivo.
        95-100 written_on: Date6,
        /// Densidade de gravação.
        101-108 density: OptNum,
        /// Nº aviso bancário.
        109-113 notice: OptNum,
        /// Brancos.
        114-379 reserved_114_379: Alpha,
        /// Data do crédito.
        380-385 credit_date: Date6,
        /// Brancos.
        386-394 reserved_386_394: Alpha,
        /// Nº sequencial do registro.
        395-400 sequence: Num,
    }
}

crate::record! {
    /// What happened to a boleto (retorno, type 1).
    pub struct BradescoRetornoDetail(400) {
        /// Identificação do registro: `1`.
        1-1 record_type: Fixed<1>,
        /// Tipo de inscrição da empresa: 01 CPF, 02 CNPJ.
        2-3 company_document_type: Num,
        /// Nº de inscrição da empresa.
        4-17 company_document: Num,
        /// Zeros.
        18-20 reserved_18_20: Alpha,
        /// Identificação da empresa no banco.
        21-37 company_id: Alpha,
        /// Nº controle do participante.
        38-62 participant_control: Alpha,
        /// Zeros.
        63-70 reserved_63_70: Alpha,
        /// Identificação do título no banco (nosso número).
        71-82 our_number: Alpha,
        /// Uso do banco.
        83-104 bank_use: Alpha,
        /// Indicador de rateio de crédito.
        105-105 split: Alpha,
        /// Pagamento parcial.
        106-107 partial_payment: Alpha,
        /// Carteira.
        108-108 wallet: Alpha,
        /// Identificação de ocorrência: 02 entrada confirmada, 06 liquidação normal...
        109-110 occurrence: Num,
        /// Data da ocorrência no banco.
        111-116 occurred_on: Date6,
        /// Número do documento.
        117-126 document_number: Alpha,
        /// Identificação do título no banco.
        127-146 our_number_long: Alpha,
        /// Data do vencimento do título.
        147-152 due_date: Date6,
        /// Valor do título, centavos.
        153-165 amount: Money<2>,
        /// Banco cobrador.
        166-168 collecting_bank: OptNum,
        /// Agência cobradora.
        169-173 collecting_agency: OptNum,
        /// Espécie do título.
        174-175 kind: Alpha,
        /// Despesas de cobrança.
        176-188 expenses: Money<2>,
        /// Outras despesas/custas de protesto.
        189-201 other_expenses: Money<2>,
        /// Juros operação em atraso.
        202-214 late_interest: Money<2>,
        /// IOF devido.
        215-227 iof: Money<2>,
        /// Abatimento concedido.
        228-240 rebate: Money<2>,
        /// Desconto concedido.
        241-253 discount: Money<2>,
        /// Valor pago.
        254-266 paid: Money<2>,
        /// Juros de mora.
        267-279 interest: Money<2>,
        /// Outros créditos.
        280-292 other_credits: Money<2>,
        /// Brancos.
        293-294 reserved_293_294: Alpha,
        /// Motivo do código de ocorrência.
        295-295 occurrence_reason: Alpha,
        /// Data do crédito.
        296-301 credited_on: Date6OrBlank,
        /// Origem do pagamento.
        302-304 payment_origin: Alpha,
        /// Brancos.
        305-314 reserved_305_314: Alpha,
        /// Quando cheque Bradesco, informe 0237.
        315-318 cheque_bank: Alpha,
        /// Motivos das rejeições para os códigos de ocorrência.
        319-328 rejection_reasons: Alpha,
        /// Brancos.
        329-368 reserved_329_368: Alpha,
        /// Número do cartório.
        369-370 registry_office: Alpha,
        /// Número do protocolo.
        371-380 protocol: Alpha,
        /// Brancos.
        381-394 reserved_381_394: Alpha,
        /// Nº sequencial do registro.
        395-400 sequence: Num,
    }
}

crate::record! {
    /// Trailer of a retorno, with counts and totals by occurrence.
    pub struct BradescoRetornoTrailer(400) {
        /// Identificação do registro: `9`.
        1-1 record_type: Fixed<9>,
        /// Identificação do retorno: `2`.
        2-2 direction: Fixed<2>,
        /// Identificação tipo de registro: `01`.
        3-4 service: Num,
        /// Código do banco: `237`.
        5-7 bank: Num,
        /// Brancos.
        8-17 reserved_8_17: Alpha,
        /// Quantidade de títulos em cobrança.
        18-25 titles: Num,
        /// Valor total em cobrança, centavos.
        26-39 titles_amount: Money<2>,
        /// Nº do aviso bancário.
        40-47 notice: OptNum,
        /// Brancos.
        48-57 reserved_48_57: Alpha,
        /// Quantidade de registros, ocorrência 02 (confirmação de entradas).
        58-62 entries_count: Num,
        /// Valor dos registros, ocorrência 02.
        63-74 entries_amount: Money<2>,
        /// Valor dos registros, ocorrência 06 (liquidação).
        75-86 settled_value: Money<2>,
        /// Quantidade dos registros, ocorrência 06.
        87-91 settled_count: Num,
        /// Valor dos registros, ocorrência 06.
        92-103 settled_amount: Money<2>,
        /// Quantidade dos registros, ocorrências 09 e 10 (baixas).
        104-108 written_off_count: Num,
        /// Valor dos registros, ocorrências 09 e 10.
        109-120 written_off_amount: Money<2>,
        /// Quantidade dos registros, ocorrência 13 (abatimento cancelado).
        121-125 rebate_cancelled_count: Num,
        /// Valor dos registros, ocorrência 13.
        126-137 rebate_cancelled_amount: Money<2>,
        /// Quantidade dos registros, ocorrência 14 (vencimento alterado).
        138-142 due_date_changed_count: Num,
        /// Valor dos registros, ocorrência 14.
        143-154 due_date_changed_amount: Money<2>,
        /// Quantidade dos registros, ocorrência 12 (abatimento concedido).
        155-159 rebate_granted_count: Num,
        /// Valor dos registros, ocorrência 12.
        160-171 rebate_granted_amount: Money<2>,
        /// Quantidade dos registros, ocorrência 19 (confirmação da instrução de protesto).
        172-176 protest_count: Num,
        /// Valor dos registros, ocorrência 19.
        177-188 protest_amount: Money<2>,
        /// Brancos.
        189-362 reserved_189_362: Alpha,
        /// Valor total dos rateios efetuados.
        363-377 split_amount: Money<2>,
        /// Quantidade total dos rateios efetuados.
        378-385 split_count: Num,
        /// Brancos.
        386-394 reserved_386_394: Alpha,
        /// Nº sequencial do registro.
        395-400 sequence: Num,
    }
}
