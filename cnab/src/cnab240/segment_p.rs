//! Segmento P (record type 3): a boleto to register, cobrança remessa, FEBRABAN 240 v10.6 p.57.

use crate::layout::{Alpha, Date8, Fixed, Letter, Money, Num, OptNum};

crate::record! {
    /// The boleto: who collects, its number, due date and amount, interest and discounts.
    pub struct SegmentP(240) {
        /// Banco (G001).
        1-3 bank: Num,
        /// Lote (G002).
        4-7 batch: Num,
        /// Tipo de registro (G003): `3`.
        8-8 record_type: Fixed<3>,
        /// Número sequencial do registro no lote (G038).
        9-13 sequence: Num,
        /// Código de segmento (G039): `P`.
        14-14 segment: Letter<'P'>,
        /// Uso FEBRABAN, blank.
        15-15 reserved_15: Alpha,
        /// Código de movimento remessa (C004): 01 entrada de títulos, 02 pedido de baixa...
        16-17 movement_code: Num,
        /// Agência mantenedora da conta (G008).
        18-22 agency: OptNum,
        /// Dígito da agência (G009).
        23-23 agency_digit: Alpha,
        /// Conta corrente (G010).
        24-35 account: OptNum,
        /// Dígito da conta (G011).
        36-36 account_digit: Alpha,
        /// Dígito da agência/conta (G012).
        37-37 agency_account_digit: Alpha,
        /// Nosso número (G069).
        38-57 our_number: Alpha,
        /// Código da carteira (C006): 1 simples, 2 vinculada, 3 caucionada, 4 descontada...
        58-58 wallet: Num,
        /// Forma de cadastramento do título (C007).
        59-59 registration: OptNum,
        /// Tipo de documento (C008).
        60-60 document_type: Alpha,
        /// Identificação da emissão do boleto (C009).
        61-61 issuer: OptNum,
        /// Identificação da distribuição (C010).
        62-62 distribution: Alpha,
        /// Número do documento de cobrança (C011).
        63-77 document_number: Alpha,
        /// Data de vencimento do título (C012).
        78-85 due_date: Date8,
        /// Valor nominal do título (G070), centavos.
        86-100 amount: Money<2>,
        /// Agência encarregada da cobrança (C014).
        101-105 collecting_agency: OptNum,
        /// Dígito da agência encarregada (G009).
        106-106 collecting_agency_digit: Alpha,
        /// Espécie do título (C015).
        107-108 kind: OptNum,
        /// Identificação de título aceito/não aceito (C016): `A` or `N`.
        109-109 accepted: Alpha,
        /// Data da emissão do título (G071).
        110-117 issued_on: Date8,
        /// Código do juros de mora (C018).
        118-118 interest_code: OptNum,
        /// Data do juros de mora (C019).
        119-126 interest_date: Date8,
        /// Juros de mora por dia/taxa (C020), centavos or rate.
        127-141 interest: Money<2>,
        /// Código do desconto 1 (C021).
        142-142 discount_code: OptNum,
        /// Data do desconto 1 (C022).
        143-150 discount_date: Date8,
        /// Valor/percentual a ser concedido (C023).
        151-165 discount: Money<2>,
        /// Valor do IOF a ser recolhido (C024).
        166-180 iof: Money<2>,
        /// Valor do abatimento (G045).
        181-195 rebate: Money<2>,
        /// Identificação do título na empresa (G072).
        196-220 company_reference: Alpha,
        /// Código para protesto (C026).
        221-221 protest_code: OptNum,
        /// Número de dias para protesto (C027).
        222-223 protest_days: OptNum,
        /// Código para baixa/devolução (C028).
        224-224 write_off_code: OptNum,
        /// Número de dias para baixa/devolução (C029).
        225-227 write_off_days: Alpha,
        /// Código da moeda (G065).
        228-229 currency_code: OptNum,
        /// Número do contrato da operação de crédito (C030).
        230-239 contract: OptNum,
        /// Uso livre banco/empresa.
        240-240 free_use: Alpha,
    }
}
