//! Occurrence codes (FEBRABAN G059): what the bank says of each record of a retorno file, up to
//! five two-character codes in positions 231-240. Descriptions as FEBRABAN 240 v10.6 prints
//! them; PA-PN from Bradesco's Multipag Pix manual.

use std::fmt;

use crate::movement::Meaning;
use crate::profile::{OccurrenceList, Profile};

macro_rules! occurrences {
    ($( $(#[$meta:meta])* $variant:ident = $code:literal => $description:literal, )+) => {
        /// An occurrence code (G059).
        ///
        /// ```
        /// use febraban_cnab::Occurrence;
        /// let codes: Vec<_> = febraban_cnab::occurrences("BDPJ      ").collect();
        /// assert_eq!(codes, [Occurrence::IncludedSuccessfully, Occurrence::PixKeyNotInDict]);
        /// assert_eq!(codes[1].code(), "PJ");
        /// assert_eq!(codes[1].description(), "Chave não cadastrada no DICT");
        /// assert!(codes[0].is_success() && !codes[1].is_success());
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Occurrence {
            $( $(#[$meta])* #[doc = $description] $variant, )+
            /// A code outside FEBRABAN's list (banks add their own).
            Bank([u8; 2]),
        }

        impl Occurrence {
            /// The occurrence for a two-character code.
            pub fn from_code(code: [u8; 2]) -> Self {
                match &code {
                    $( $code => Occurrence::$variant, )+
                    _ => Occurrence::Bank(code),
                }
            }

            /// The two-character code.
            pub fn code(&self) -> &str {
                match self {
                    $( Occurrence::$variant => std::str::from_utf8($code).unwrap_or("??"), )+
                    Occurrence::Bank(code) => std::str::from_utf8(code).unwrap_or("??"),
                }
            }

            /// FEBRABAN's description, in Portuguese as the manual prints it.
            pub fn description(&self) -> &'static str {
                match self {
                    $( Occurrence::$variant => $description, )+
                    Occurrence::Bank(_) => "Código próprio do banco",
                }
            }
        }
    };
}

occurrences! {
    CreditOrDebitMade = b"00" => "Crédito ou débito efetivado",
    InsufficientFunds = b"01" => "Insuficiência de fundos - débito não efetuado",
    CancelledByPayer = b"02" => "Crédito ou débito cancelado pelo pagador/credor",
    DebitAuthorizedByAgency = b"03" => "Débito autorizado pela agência - efetuado",
    InvalidControl = b"AA" => "Controle inválido",
    InvalidOperationType = b"AB" => "Tipo de operação inválido",
    InvalidServiceType = b"AC" => "Tipo de serviço inválido",
    InvalidEntryForm = b"AD" => "Forma de lançamento inválida",
    InvalidDocument = b"AE" => "Tipo/número de inscrição inválido",
    InvalidAgreement = b"AF" => "Código de convênio inválido",
    InvalidAccount = b"AG" => "Agência/conta corrente/DV inválido",
    InvalidSequence = b"AH" => "Nº sequencial do registro no lote inválido",
    InvalidSegment = b"AI" => "Código de segmento de detalhe inválido",
    InvalidMovementType = b"AJ" => "Tipo de movimento inválido",
    InvalidClearingHouse = b"AK" => "Código da câmara de compensação do banco favorecido/depositário inválido",
    InvalidPayeeBank = b"AL" => "Código do banco favorecido, instituição de pagamento ou depositário inválido",
    InvalidPayeeAgency = b"AM" => "Agência mantenedora da conta corrente do favorecido inválida",
    InvalidPayeeAccount = b"AN" => "Conta corrente/DV/conta de pagamento do favorecido inválido",
    PayeeNameMissing = b"AO" => "Nome do favorecido não informado",
    InvalidEntryDate = b"AP" => "Data lançamento inválida",
    InvalidCurrency = b"AQ" => "Tipo/quantidade da moeda inválido",
    InvalidAmount = b"AR" => "Valor do lançamento inválido",
    InvalidPayeeNotice = b"AS" => "Aviso ao favorecido - identificação inválida",
    InvalidPayeeDocument = b"AT" => "Tipo/número de inscrição do favorecido inválido",
    PayeeStreetMissing = b"AU" => "Logradouro do favorecido não informado",
    PayeeNumberMissing = b"AV" => "Nº do local do favorecido não informado",
    PayeeCityMissing = b"AW" => "Cidade do favorecido não informada",
    InvalidPayeePostalCode = b"AX" => "CEP/complemento do favorecido inválido",
    InvalidPayeeState = b"AY" => "Sigla do estado do favorecido inválida",
    InvalidDepositaryBank = b"AZ" => "Código/nome do banco depositário inválido",
    DepositaryAgencyMissing = b"BA" => "Código/nome da agência depositária não informado",
    InvalidYourNumber = b"BB" => "Seu número inválido",
    InvalidOurNumber = b"BC" => "Nosso número inválido",
    IncludedSuccessfully = b"BD" => "Inclusão efetuada com sucesso",
    ChangedSuccessfully = b"BE" => "Alteração efetuada com sucesso",
    ExcludedSuccessfully = b"BF" => "Exclusão efetuada com sucesso",
    AccountLegallyBlocked = b"BG" => "Agência/conta impedida legalmente",
    InvalidBarcodeBank = b"CA" => "Código de barras - código do banco inválido",
    InvalidBarcodeCurrency = b"CB" => "Código de barras - código da moeda inválido",
    InvalidBarcodeCheckDigit = b"CC" => "Código de barras - dígito verificador geral inválido",
    InvalidBarcodeAmount = b"CD" => "Código de barras - valor do título inválido",
    InvalidBarcodeFreeField = b"CE" => "Código de barras - campo livre inválido",
    InvalidDocumentAmount = b"CF" => "Valor do documento inválido",
    InvalidRebate = b"CG" => "Valor do abatimento inválido",
    InvalidDiscount = b"CH" => "Valor do desconto inválido",
    InvalidInterest = b"CI" => "Valor de mora inválido",
    InvalidFine = b"CJ" => "Valor da multa inválido",
    BatchNotAccepted = b"HA" => "Lote não aceito",
    InvalidCompanyForContract = b"HB" => "Inscrição da empresa inválida para o contrato",
    InvalidAgreementForContract = b"HC" => "Convênio com a empresa inexistente/inválido para o contrato",
    InvalidCompanyAccountForContract = b"HD" => "Agência/conta corrente da empresa inexistente/inválida para o contrato",
    InvalidServiceForContract = b"HE" => "Tipo de serviço inválido para o contrato",
    CompanyInsufficientFunds = b"HF" => "Conta corrente da empresa com saldo insuficiente",
    BatchOutOfSequence = b"HG" => "Lote de serviço fora de sequência",
    InvalidBatch = b"HH" => "Lote de serviço inválido",
    FileNotAccepted = b"HI" => "Arquivo não aceito",
    InvalidRecordType = b"HJ" => "Tipo de registro inválido",
    BatchTotalsDiffer = b"TA" => "Lote não aceito - totais do lote com diferença",
    BoletoNotFound = b"YA" => "Título não encontrado",
    InvalidOptionalRecord = b"YB" => "Identificação registro opcional inválido",
    InvalidStandardCode = b"YC" => "Código padrão inválido",
    InvalidOccurrenceCode = b"YD" => "Código de ocorrência inválido",
    InvalidOccurrenceComplement = b"YE" => "Complemento de ocorrência inválido",
    TransferReturned = b"ZA" => "Transferência devolvida",
    PixNotMade = b"PA" => "Pix não efetivado - tente mais tarde",
    PixPayeePspError = b"PB" => "Erro no PSP do recebedor",
    PixAccountClosed = b"PC" => "Conta transacional encerrada",
    PixWrongAccountType = b"PD" => "Tipo incorreto para a conta transacional",
    PixUnsupportedTransaction = b"PE" => "Tipo de transação não suportado",
    PixDocumentMismatch = b"PF" => "CPF/CNPJ do usuário recebedor inconsistente com o titular da conta",
    PixWrongDocument = b"PG" => "CPF/CNPJ do usuário recebedor incorreto",
    PixRejectedByPsp = b"PH" => "Ordem rejeitada pelo PSP do recebedor",
    PixInvalidPayerIspb = b"PI" => "ISPB do PSP do pagador inválido",
    PixKeyNotInDict = b"PJ" => "Chave não cadastrada no DICT",
    PixInvalidQrCode = b"PK" => "QR code inválido/vencido",
    PixInvalidInitiation = b"PL" => "Forma de iniciação inválida",
    PixInvalidKey = b"PM" => "Chave de pagamento inválida",
    PixKeyMissing = b"PN" => "Chave de pagamento não informada",
}

impl Occurrence {
    /// Whether the code reports success (the payment made, the instruction accepted).
    pub fn is_success(&self) -> bool {
        matches!(
            self,
            Occurrence::CreditOrDebitMade
                | Occurrence::DebitAuthorizedByAgency
                | Occurrence::IncludedSuccessfully
                | Occurrence::ChangedSuccessfully
                | Occurrence::ExcludedSuccessfully
        )
    }
}

/// Itaú SISPAG's own codes and the FEBRABAN codes it reuses with another meaning (SISPAG v80
/// nota 8, p.38-41; SISPAG v086 as wlrsilveira/cnab-sispag maps it).
const ITAU_SISPAG: &[([u8; 2], Meaning)] = &[
    (*b"AE", Meaning::Entered),  // data de pagamento alterada
    (*b"AG", Meaning::Rejected), // número do lote inválido
    (*b"CP", Meaning::Settled),  // confirmação de OP cumprida
    (*b"FC", Meaning::Settled),
    (*b"FD", Meaning::Settled),
    (*b"DV", Meaning::Reversed), // DOC/TED devolvido
    (*b"CE", Meaning::WrittenOff),
    (*b"SS", Meaning::WrittenOff),
    (*b"NA", Meaning::WrittenOff),
    (*b"LC", Meaning::WrittenOff),
    (*b"RJ", Meaning::Rejected),
    (*b"NR", Meaning::Rejected),
    (*b"TI", Meaning::Rejected),
    (*b"IR", Meaning::Entered), // pagamento alterado
    (*b"PD", Meaning::Other),   // disponível para antecipação
    (*b"RS", Meaning::Entered),
    (*b"EM", Meaning::Entered),
];

impl Occurrence {
    /// What the code means for a payment, by FEBRABAN's G059 (F106 p.175-177) as `profile`'s
    /// bank uses it: paid (`00`, `03`) is [`Meaning::Settled`]; accepted and scheduled (`BD`,
    /// `BE`) [`Meaning::Entered`]; cancelled (`02`, `BF`) [`Meaning::WrittenOff`]; returned
    /// (`H4`) [`Meaning::Reversed`]; a field, barcode, batch or Pix refusal, or no funds,
    /// [`Meaning::Rejected`]; `Z*` information [`Meaning::Other`]. `None` for a code neither
    /// FEBRABAN nor the bank lists: an unknown code is never taken as paid.
    ///
    /// ```
    /// use febraban_cnab::{Meaning, Occurrence, Profile};
    /// let cp = Occurrence::from_code(*b"CP");
    /// assert_eq!(cp.meaning(Profile::FEBRABAN), Some(Meaning::Rejected)); // valor do INSS inválido
    /// assert_eq!(cp.meaning(Profile::ITAU_SISPAG), Some(Meaning::Settled)); // OP cumprida
    /// assert_eq!(Occurrence::from_code(*b"X9").meaning(Profile::FEBRABAN), None);
    /// ```
    pub fn meaning(&self, profile: Profile) -> Option<Meaning> {
        let code = self.code().as_bytes();
        let code = [*code.first()?, *code.get(1)?];
        if profile.occurrences == OccurrenceList::ItauSispag {
            if let Some(&(_, meaning)) = ITAU_SISPAG.iter().find(|(c, _)| *c == code) {
                return Some(meaning);
            }
        }
        if matches!(self, Occurrence::Bank(_)) {
            // Codes FEBRABAN lists whose families this crate does not name one by one.
            return match code {
                [b'H', b'4'] => Some(Meaning::Reversed),
                // Amounts (CK-CP), batch and file (HK, HL, H1), payroll loans (BH-BS, HM-HZ,
                // H2-H9, IA-IR), optional records (Y*), Pix (P*).
                [b'C', b'K'..=b'P']
                | [b'H', b'K' | b'L' | b'M'..=b'Z' | b'1'..=b'9']
                | [b'B', b'H'..=b'S']
                | [b'I', b'A'..=b'R']
                | [b'Y' | b'P', _] => Some(Meaning::Rejected),
                [b'Z', _] => Some(Meaning::Other),
                _ => None,
            };
        }
        Some(match code {
            [b'0', b'0' | b'3'] => Meaning::Settled,
            [b'B', b'D' | b'E'] => Meaning::Entered,
            [b'0', b'2'] | [b'B', b'F'] => Meaning::WrittenOff,
            [b'Z', _] => Meaning::Other,
            _ => Meaning::Rejected,
        })
    }
}

impl fmt::Display for Occurrence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code(), self.description())
    }
}

/// The occurrences of a retorno record's occurrence field (231-240): up to five codes, blanks
/// ending the list.
pub fn occurrences(field: &str) -> impl Iterator<Item = Occurrence> + '_ {
    field
        .as_bytes()
        .chunks_exact(2)
        .take(5)
        .take_while(|pair| pair != b"  ")
        .map(|pair| Occurrence::from_code([pair[0], pair[1]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_are_kept() {
        for code in [*b"00", *b"BD", *b"PN", *b"TA"] {
            assert_eq!(Occurrence::from_code(code).code().as_bytes(), code);
        }
        let other = Occurrence::from_code(*b"X9");
        assert_eq!((other, other.code()), (Occurrence::Bank(*b"X9"), "X9"));
    }

    #[test]
    fn every_code_has_its_meaning_and_unknown_codes_none() {
        let meaning = |code: &[u8; 2], profile| Occurrence::from_code(*code).meaning(profile);
        for (code, expected) in [
            (b"00", Meaning::Settled),
            (b"BD", Meaning::Entered),
            (b"BF", Meaning::WrittenOff),
            (b"H4", Meaning::Reversed),
            (b"AG", Meaning::Rejected),
            (b"PJ", Meaning::Rejected),
            (b"CK", Meaning::Rejected),
            (b"HM", Meaning::Rejected),
            (b"ZA", Meaning::Other),
        ] {
            assert_eq!(meaning(code, Profile::FEBRABAN), Some(expected), "{code:?}");
        }
        assert_eq!(meaning(b"DV", Profile::FEBRABAN), None);
        assert_eq!(meaning(b"DV", Profile::ITAU_SISPAG), Some(Meaning::Reversed));
        assert_eq!(meaning(b"AE", Profile::ITAU_SISPAG), Some(Meaning::Entered));
    }

    #[test]
    fn the_field_holds_up_to_five_codes() {
        assert_eq!(occurrences("").count(), 0);
        assert_eq!(occurrences("          ").count(), 0);
        assert_eq!(occurrences("00AEAGPJBD").count(), 5);
        assert_eq!(occurrences("BD").collect::<Vec<_>>(), [Occurrence::IncludedSuccessfully]);
        assert_eq!(Occurrence::PixKeyNotInDict.to_string(), "PJ Chave não cadastrada no DICT");
    }
}
