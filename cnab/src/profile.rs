//! Known bank deviations from the FEBRABAN layouts, by name.

/// A bank's way of writing CNAB240 where it departs from FEBRABAN's manual.
///
/// | profile | deviation |
/// |---|---|
/// | [`Profile::Febraban`] | none: FEBRABAN 240 v10.6, with the Pix fields of Bradesco's Multipag Pix manual |
/// | [`Profile::ItauSispag`] | J-52 Pix: key or URL at 132-208 and TXID at 209-240 (not 132-210 / 211-240); the file trailer's batch count (18-23) holds the last batch number |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Profile {
    /// FEBRABAN's layout.
    #[default]
    Febraban,
    /// Itaú SISPAG (bank 341).
    ItauSispag,
}

impl Profile {
    /// The profile's name, as a report prints it.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Febraban => "FEBRABAN",
            Profile::ItauSispag => "Itaú SISPAG",
        }
    }

    /// The profile a bank's files follow, from its COMPE code.
    pub fn for_bank(bank: u64) -> Self {
        match bank {
            341 => Profile::ItauSispag,
            _ => Profile::Febraban,
        }
    }
}

/// Banks whose CNAB240 cobrança batch trailers leave the boleto counts and amounts (24-115) at
/// zero: a validator warns instead of reconciling them, as the bank's readers do. The record
/// count (18-23) is still reconciled.
const COBRANCA_TOTALS_LEFT_AT_ZERO: &[(u64, &str)] = &[
    // Banco do Brasil's cobrança retorno (batch layout 020), as the corpus's retorno shows it.
    (1, "Banco do Brasil"),
    // SIGCB's retorno layout fills only the record count; the corpus's retorno shows it.
    (104, "Caixa"),
    // Cresol's 240 layout (file 084, batch 042), as laravel-boleto's fixture writes it.
    (133, "Cresol"),
    // Unicred's 240 layout (file 082, batch 041), as br_boleto's fixture writes it.
    (136, "Unicred"),
    // Sicoob's and Ailos's retornos (brcobranca's and br_boleto's fixtures).
    (756, "Sicoob"),
    (85, "Ailos"),
];

/// Whether `bank` leaves its cobrança batch trailer's totals at zero.
pub(crate) fn leaves_cobranca_totals_at_zero(bank: u64) -> bool {
    COBRANCA_TOTALS_LEFT_AT_ZERO.iter().any(|&(code, _)| code == bank)
}
