//! The Central Bank's participants a CNAB file names by COMPE code, and their ISPBs (the first
//! eight digits of each institution's CNPJ). CNAB files carry COMPE codes; the SPI addresses
//! ISPBs. The main banks, payment institutions and cooperatives' banks are here; an importer can
//! name the debtor's ISPB itself for any other.

/// (COMPE code, ISPB, short name), by COMPE code.
pub const PARTICIPANTS: &[(u16, &str, &str)] = &[
    (1, "00000000", "Banco do Brasil"),
    (4, "07237373", "Banco do Nordeste"),
    (33, "90400888", "Santander"),
    (41, "92702067", "Banrisul"),
    (77, "00416968", "Banco Inter"),
    (104, "00360305", "Caixa Econômica Federal"),
    (208, "30306294", "BTG Pactual"),
    (212, "92894922", "Banco Original"),
    (237, "60746948", "Bradesco"),
    (260, "18236120", "Nu Pagamentos (Nubank)"),
    (290, "08561701", "PagSeguro"),
    (323, "10573521", "Mercado Pago"),
    (336, "31872495", "Banco C6"),
    (341, "60701190", "Itaú Unibanco"),
    (422, "58160789", "Banco Safra"),
    (623, "59285411", "Banco Pan"),
    (655, "59588111", "Banco Votorantim (BV)"),
    (745, "33479023", "Citibank"),
    (748, "01181521", "Banco Cooperativo Sicredi"),
    (756, "02038232", "Banco Cooperativo do Brasil (Sicoob)"),
];

/// The ISPB of the participant with this COMPE code.
///
/// ```
/// use settlement_core::files::participants::ispb_of;
/// assert_eq!(ispb_of(341), Some("60701190"));
/// assert_eq!(ispb_of(999), None);
/// ```
pub fn ispb_of(compe: u64) -> Option<&'static str> {
    let compe = u16::try_from(compe).ok()?;
    PARTICIPANTS.binary_search_by_key(&compe, |&(code, _, _)| code).ok().map(|index| PARTICIPANTS[index].1)
}

/// The COMPE code of the participant with this ISPB.
///
/// ```
/// use settlement_core::files::participants::compe_of;
/// assert_eq!(compe_of("60746948"), Some(237));
/// ```
pub fn compe_of(ispb: &str) -> Option<u64> {
    PARTICIPANTS.iter().find(|(_, known, _)| *known == ispb).map(|(code, _, _)| u64::from(*code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_its_ispbs_are_eight_digits() {
        assert!(PARTICIPANTS.windows(2).all(|pair| pair[0].0 < pair[1].0));
        assert!(PARTICIPANTS.iter().all(|(_, ispb, _)| ispb.len() == 8 && ispb.bytes().all(|b| b.is_ascii_digit())));
        assert_eq!(ispb_of(1), Some("00000000"));
    }
}
