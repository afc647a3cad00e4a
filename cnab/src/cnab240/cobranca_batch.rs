//! Header and trailer of a cobrança batch (operation R remessa, T retorno), FEBRABAN 240 v10.6
//! p.55 and p.63.

use crate::layout::{Alpha, Date8, Fixed, Money, Num, OptNum, Text};

crate::record! {
    /// Opens a cobrança batch.
    pub struct CobrancaBatchHeader(240) {
        /// Banco (G001).
        1-3 bank: Num,
        /// Lote (G002).
        4-7 batch: Num,
        /// Tipo de registro (G003): `1`.
        8-8 record_type: Fixed<1>,
        /// Tipo de operação (G028): `R` remessa, `T` retorno.
        9-9 operation: Alpha,
        /// Tipo de serviço (G025): `01` cobrança.
        10-11 service: Num,
        /// Uso FEBRABAN, blank.
        12-13 reserved_12_13: Alpha,
        /// Versão do layout do lote (G030): `060` in v10.6 (Sicoob writes `040`).
        14-16 layout_version: Num,
        /// Uso FEBRABAN, blank.
        17-17 reserved_17: Alpha,
        /// Tipo de inscrição da empresa (G005).
        18-18 company_document_type: Num,
        /// Número de inscrição da empresa (G006), 15 digits.
        19-33 company_document: Num,
        /// Código do convênio no banco (G007).
        34-53 agreement: Alpha,
        /// Agência (G008).
        54-58 agency: OptNum,
        /// Dígito da agência (G009).
        59-59 agency_digit: Alpha,
        /// Conta corrente (G010).
        60-71 account: OptNum,
        /// Dígito da conta (G011).
        72-72 account_digit: Alpha,
        /// Dígito da agência/conta (G012).
        73-73 agency_account_digit: Alpha,
        /// Nome da empresa (G013).
        74-103 company_name: Text,
        /// Mensagem 1 (C073).
        104-143 message_1: Text,
        /// Mensagem 2 (C073).
        144-183 message_2: Text,
        /// Número remessa/retorno (G079).
        184-191 file_number: Num,
        /// Data de gravação remessa/retorno (G068).
        192-199 written_on: Date8,
        /// Data do crédito (C003).
        200-207 credit_date: Date8,
        /// Uso FEBRABAN, blank.
        208-240 reserved_208_240: Alpha,
    }
}

crate::record! {
    /// Closes a cobrança batch with its counts and sums by kind of collection.
    pub struct CobrancaBatchTrailer(240) {
        /// Banco (G001).
        1-3 bank: Num,
        /// Lote (G002).
        4-7 batch: Num,
        /// Tipo de registro (G003): `5`.
        8-8 record_type: Fixed<5>,
        /// Uso FEBRABAN, blank.
        9-17 reserved_9_17: Alpha,
        /// Quantidade de registros do lote (G057).
        18-23 record_count: Num,
        /// Quantidade de títulos em cobrança simples (C070).
        24-29 simple_count: OptNum,
        /// Valor total dos títulos em carteiras simples (C071), centavos.
        30-46 simple_amount: Money<2>,
        /// Quantidade de títulos em cobrança vinculada (C070).
        47-52 linked_count: OptNum,
        /// Valor total dos títulos em carteiras vinculadas (C071).
        53-69 linked_amount: Money<2>,
        /// Quantidade de títulos em cobrança caucionada (C070).
        70-75 pledged_count: OptNum,
        /// Valor total dos títulos em carteiras caucionadas (C071).
        76-92 pledged_amount: Money<2>,
        /// Quantidade de títulos em cobrança descontada (C070).
        93-98 discounted_count: OptNum,
        /// Valor total dos títulos em carteiras descontadas (C071).
        99-115 discounted_amount: Money<2>,
        /// Número do aviso de lançamento (C072).
        116-123 notice: Alpha,
        /// Uso FEBRABAN, blank.
        124-240 reserved_124_240: Alpha,
    }
}
