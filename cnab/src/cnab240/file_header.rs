//! Header de arquivo (record type 0), FEBRABAN 240 v10.6 p.17.

use crate::layout::{Alpha, Blank, Date8, Fixed, Num, OptNum, PaddedNum, Text};

crate::record! {
    /// The first record of a CNAB240 file.
    pub struct FileHeader(240) {
        /// Banco (G001): the bank's COMPE code.
        1-3 bank: Num,
        /// Lote (G002): `0000`.
        4-7 batch: Fixed<0>,
        /// Tipo de registro (G003): `0`.
        8-8 record_type: Fixed<0>,
        /// Uso FEBRABAN, blank; Itaú SISPAG writes its layout version (`080`) at 15-17.
        9-17 reserved_9_17: Alpha,
        /// Tipo de inscrição da empresa (G005): 1 CPF, 2 CNPJ.
        18-18 company_document_type: Num,
        /// Número de inscrição da empresa (G006).
        19-32 company_document: Num,
        /// Código do convênio no banco (G007).
        33-52 agreement: Alpha,
        /// Agência mantenedora da conta (G008).
        53-57 agency: OptNum,
        /// Dígito verificador da agência (G009).
        58-58 agency_digit: Alpha,
        /// Número da conta corrente (G010).
        59-70 account: OptNum,
        /// Dígito verificador da conta (G011).
        71-71 account_digit: Alpha,
        /// Dígito verificador da agência/conta (G012).
        72-72 agency_account_digit: Alpha,
        /// Nome da empresa (G013).
        73-102 company_name: Text,
        /// Nome do banco (G014).
        103-132 bank_name: Text,
        /// Uso FEBRABAN, blank.
        133-142 reserved_133_142: Blank,
        /// Código remessa/retorno (G015): 1 remessa, 2 retorno.
        143-143 direction: Num,
        /// Data de geração do arquivo (G016).
        144-151 generated_on: Date8,
        /// Hora de geração do arquivo (G017), HHMMSS; some banks leave it blank (read as 0).
        152-157 generated_at: PaddedNum,
        /// Número sequencial do arquivo, NSA (G018).
        158-163 file_number: Num,
        /// Versão do layout do arquivo (G019).
        164-166 layout_version: Num,
        /// Densidade de gravação (G020).
        167-171 density: OptNum,
        /// Para uso reservado do banco (G021); Bradesco writes `PIX` at 172-174 on Pix files.
        172-191 bank_reserved: Alpha,
        /// Para uso reservado da empresa (G022).
        192-211 company_reserved: Alpha,
        /// Uso FEBRABAN, blank.
        212-240 reserved_212_240: Alpha,
    }
}
