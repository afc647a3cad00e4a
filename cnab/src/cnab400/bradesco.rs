//! Bradesco cobrança, CNAB400 (Manual de Procedimentos 4008.524.0121, versão 11).

use crate::layout::{Alpha, Date6, Digits, Fixed, Money, Num, OptNum, Text};

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
