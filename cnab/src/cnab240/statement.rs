//! The bank statement for reconciliation (Extrato para Conciliação Bancária, FEBRABAN 240 v10.6
//! §3.3 p.80-85): a batch of operation `E`, service `04`, forma `40`; one segment E per entry,
//! the opening balance in the batch header and the closing one in its trailer.

use crate::layout::{Alpha, Date8, Fixed, Letter, Money, Num, OptNum, Text};

crate::record! {
    /// Header of a statement batch: the account and its opening balance.
    pub struct StatementBatchHeader(240) {
        /// Banco (G001).
        1-3 bank: Num,
        /// Lote (G002).
        4-7 batch: Num,
        /// Tipo de registro (G003): `1`.
        8-8 record_type: Fixed<1>,
        /// Tipo de operação (G028): `E`.
        9-9 operation: Letter<'E'>,
        /// Tipo de serviço (G025): `04`, conciliação bancária.
        10-11 service: Num,
        /// Forma de lançamento (G029): `40`.
        12-13 entry_form: Num,
        /// Versão do layout do lote (G030).
        14-16 layout_version: Num,
        /// Uso FEBRABAN.
        17-17 reserved_17: Alpha,
        /// Tipo de inscrição da empresa (G005).
        18-18 company_document_type: Num,
        /// CPF or CNPJ (G006).
        19-32 company_document: Num,
        /// Código do convênio no banco (G007).
        33-52 agreement: Alpha,
        /// Agência (G008).
        53-57 agency: OptNum,
        /// Dígito da agência (G009).
        58-58 agency_digit: Alpha,
        /// Conta (G010).
        59-70 account: OptNum,
        /// Dígito da conta (G011).
        71-71 account_digit: Alpha,
        /// Dígito da agência/conta (G012).
        72-72 agency_account_digit: Alpha,
        /// Nome da empresa (G013).
        73-102 company_name: Text,
        /// Uso FEBRABAN.
        103-142 reserved_103_142: Alpha,
        /// Data do saldo inicial (G079).
        143-150 opening_date: Date8,
        /// Valor do saldo inicial (G080), centavos.
        151-168 opening_balance: Money<2>,
        /// Situação do saldo inicial (G081): `D` or `C`.
        169-169 opening_sign: Alpha,
        /// Posição do saldo inicial (G082): `P` parcial, `F` final, `I` intradia.
        170-170 opening_status: Alpha,
        /// Moeda (G065), `BRL`.
        171-173 currency: Alpha,
        /// Número de sequência do extrato (G083).
        174-178 statement_number: OptNum,
        /// Uso FEBRABAN.
        179-240 reserved_179_240: Alpha,
    }
}

crate::record! {
    /// An entry of the statement: its date, amount, nature, category and the bank's history.
    pub struct SegmentE(240) {
        /// Banco (G001).
        1-3 bank: Num,
        /// Lote (G002).
        4-7 batch: Num,
        /// Tipo de registro (G003): `3`.
        8-8 record_type: Fixed<3>,
        /// Número sequencial do registro no lote (G038).
        9-13 sequence: Num,
        /// Código de segmento (G039): `E`.
        14-14 segment: Letter<'E'>,
        /// Uso FEBRABAN (Itaú writes `1`, Bradesco `O`).
        15-17 reserved_15_17: Alpha,
        /// Tipo de inscrição da empresa (G005).
        18-18 company_document_type: Num,
        /// CPF or CNPJ (G006).
        19-32 company_document: Num,
        /// Código do convênio no banco (G007).
        33-52 agreement: Alpha,
        /// Agência (G008).
        53-57 agency: OptNum,
        /// Dígito da agência (G009).
        58-58 agency_digit: Alpha,
        /// Conta (G010).
        59-70 account: OptNum,
        /// Dígito da conta (G011).
        71-71 account_digit: Alpha,
        /// Dígito da agência/conta (G012).
        72-72 agency_account_digit: Alpha,
        /// Nome da empresa (G013).
        73-102 company_name: Text,
        /// Uso FEBRABAN.
        103-108 reserved_103_108: Alpha,
        /// Natureza do lançamento (G084): `DPV` disponível, `SCR` vinculado, `SSR` bloqueado, `CDS` diversos.
        109-111 nature: Alpha,
        /// Tipo do complemento (G085).
        112-113 complement_type: Alpha,
        /// Complemento do lançamento (G086); type `01`: origin bank and agency.
        114-133 complement: Alpha,
        /// Identificação de isenção da CPMF (G087).
        134-134 cpmf: Alpha,
        /// Data contábil (G088): when the entry took effect.
        135-142 booked_on: Date8,
        /// Data do lançamento (G089).
        143-150 entry_date: Date8,
        /// Valor do lançamento (G090), centavos.
        151-168 amount: Money<2>,
        /// Tipo do lançamento (G091): `D` débito, `C` crédito.
        169-169 sign: Alpha,
        /// Categoria do lançamento (G092): 101-127 débitos, 201-222 créditos (202 crédito de cobrança).
        170-172 category: OptNum,
        /// Código do histórico no banco (G093).
        173-176 history_code: Alpha,
        /// Descrição do histórico no banco (G094).
        177-201 history: Alpha,
        /// Número do documento / complemento (G095).
        202-240 document: Alpha,
    }
}

crate::record! {
    /// Trailer of a statement batch: blocked balances, the closing balance, the record count at
    /// 171-176 (18-23 begin the company's inscription here) and the sums of debits and credits.
    pub struct StatementBatchTrailer(240) {
        /// Banco (G001).
        1-3 bank: Num,
        /// Lote (G002).
        4-7 batch: Num,
        /// Tipo de registro (G003): `5`.
        8-8 record_type: Fixed<5>,
        /// Uso FEBRABAN.
        9-17 reserved_9_17: Alpha,
        /// Tipo de inscrição da empresa (G005).
        18-18 company_document_type: Num,
        /// CPF or CNPJ (G006).
        19-32 company_document: Num,
        /// Código do convênio no banco (G007).
        33-52 agreement: Alpha,
        /// Agência (G008).
        53-57 agency: OptNum,
        /// Dígito da agência (G009).
        58-58 agency_digit: Alpha,
        /// Conta (G010).
        59-70 account: OptNum,
        /// Dígito da conta (G011).
        71-71 account_digit: Alpha,
        /// Dígito da agência/conta (G012).
        72-72 agency_account_digit: Alpha,
        /// Uso FEBRABAN.
        73-88 reserved_73_88: Alpha,
        /// Saldo bloqueado acima de 24 horas (G097), centavos.
        89-106 blocked_over_24h: Money<2>,
        /// Limite da conta (G098), centavos.
        107-124 limit: Money<2>,
        /// Saldo bloqueado até 24 horas (G099), centavos.
        125-142 blocked_within_24h: Money<2>,
        /// Data do saldo final (G100).
        143-150 closing_date: Date8,
        /// Valor do saldo final (G101), centavos.
        151-168 closing_balance: Money<2>,
        /// Situação do saldo final (G081): `D` or `C`.
        169-169 closing_sign: Alpha,
        /// Posição do saldo final (G082): `P`, `F` or `I`.
        170-170 closing_status: Alpha,
        /// Quantidade de registros do lote (G057).
        171-176 record_count: Num,
        /// Somatória dos valores a débito (G102), centavos.
        177-194 debits: Money<2>,
        /// Somatória dos valores a crédito (G103), centavos.
        195-212 credits: Money<2>,
        /// Uso FEBRABAN.
        213-240 reserved_213_240: Alpha,
    }
}
