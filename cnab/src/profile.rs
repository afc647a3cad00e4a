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
    /// The profile a bank's files follow, from its COMPE code.
    pub fn for_bank(bank: u64) -> Self {
        match bank {
            341 => Profile::ItauSispag,
            _ => Profile::Febraban,
        }
    }
}
