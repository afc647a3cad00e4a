//! CNAB240 bank profiles: where a bank's files depart from FEBRABAN's manual, as data.
//!
//! A [`Profile`] is [`Profile::FEBRABAN`] but for what the bank does differently: columns it
//! writes elsewhere (or not at all), the occurrence codes it adds, how its file trailer counts
//! batches, and whether its cobrança batch trailer fills the boleto totals. Adding a bank is adding
//! one constant here and its codes to [`Profile::for_bank`].

use crate::layout::Moved;

/// A bank's way of writing CNAB240 where it departs from FEBRABAN 240 v10.6.
///
/// | profile | banks | deviation |
/// |---|---|---|
/// | [`Profile::FEBRABAN`] | every other | none: FEBRABAN 240 v10.6, with the Pix fields of Bradesco's Multipag Pix manual |
/// | [`Profile::ITAU_SISPAG`] | 341 | J-52 Pix key or URL at 132-208 and TXID at 209-240; the file trailer's batch count holds the last batch number; SISPAG's own occurrence codes |
/// | [`Profile::SANTANDER`] | 033 | the retorno's file header, cobrança batch header and segment T laid out by Santander's H7815 (nosso número 41-53, seu número 55-69...) |
/// | [`Profile::SICOOB`] | 756 | T nosso número at 38-47 (parcela, modalidade and form follow); cobrança totals left at zero |
/// | [`Profile::AILOS`] | 085 | cobrança totals left at zero |
/// | [`Profile::BANCO_DO_BRASIL`], [`Profile::CAIXA`], [`Profile::CRESOL`], [`Profile::UNICRED`] | 001, 104, 133, 136 | cobrança totals left at zero |
/// | [`Profile::BTG`] | 208 | none: its manual is FEBRABAN's |
///
/// A caller can write a profile for a bank this crate lacks and name it in
/// [`ReadOptions::profile`](crate::ReadOptions::profile):
///
/// ```
/// use febraban_cnab::Profile;
/// use febraban_cnab::layout::Moved;
///
/// // A bank that writes segment T's nosso número at 38-49 and has no carteira.
/// const MY_BANK: Profile = Profile {
///     name: "My bank",
///     columns: &[Moved::to("SegmentT", "our_number", 38, 49), Moved::absent("SegmentT", "wallet")],
///     ..Profile::FEBRABAN
/// };
/// assert_eq!(MY_BANK.name(), "My bank");
/// assert!(MY_BANK.moves("SegmentT"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// The profile's name, as a report prints it.
    pub name: &'static str,
    /// Where its positions come from (the bank's manual, or the public library whose layout it
    /// follows).
    pub source: &'static str,
    /// Columns the bank writes elsewhere than FEBRABAN, or not at all.
    pub columns: &'static [Moved],
    /// Which occurrence list (G059) reads its payment retornos.
    pub occurrences: OccurrenceList,
    /// What its file trailer's batch count (18-23) counts.
    pub batch_count: BatchCount,
    /// Whether its cobrança batch trailers leave the boleto counts and amounts (24-115) at zero:
    /// a validator then warns instead of reconciling them, as the bank's readers do (the record
    /// count, 18-23, is still reconciled).
    pub cobranca_totals_left_at_zero: bool,
}

/// Which list of payment occurrence codes (G059) a bank uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OccurrenceList {
    /// FEBRABAN's G059.
    Febraban,
    /// Itaú SISPAG's, over FEBRABAN's (`CP` an OP paid, `DV` a DOC/TED returned...).
    ItauSispag,
}

/// What a file trailer's batch count (G049, 18-23) counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BatchCount {
    /// The batches in the file (FEBRABAN).
    Batches,
    /// The last batch's number (Itaú SISPAG, whose Pix files number batches from 3).
    LastBatchNumber,
}

impl Default for Profile {
    fn default() -> Self {
        Profile::FEBRABAN
    }
}

impl Profile {
    /// FEBRABAN's layout, with no deviation.
    pub const FEBRABAN: Profile = Profile {
        name: "FEBRABAN",
        source: "FEBRABAN 240 v10.6; Bradesco Multipag Pix for the Pix fields",
        columns: &[],
        occurrences: OccurrenceList::Febraban,
        batch_count: BatchCount::Batches,
        cobranca_totals_left_at_zero: false,
    };

    /// Itaú SISPAG (341).
    pub const ITAU_SISPAG: Profile = Profile {
        name: "Itaú SISPAG",
        source: "Itaú SISPAG CNAB240 v085 (J-52 Pix, occurrence codes); felipebarte/cnab Pix files (batch count)",
        columns: &[Moved::to("SegmentJ52Pix", "key_or_url", 132, 208), Moved::to("SegmentJ52Pix", "txid", 209, 240)],
        occurrences: OccurrenceList::ItauSispag,
        batch_count: BatchCount::LastBatchNumber,
        ..Profile::FEBRABAN
    };

    /// Santander (033): the cobrança retorno's file header and segment T as its manual lays them
    /// out. Its remessa header, with the transmission code at 33-47, is not modelled: read by
    /// this profile, that code reads as the agency and account.
    pub const SANTANDER: Profile = Profile {
        name: "Santander",
        source: "Santander H7815 (cobrança CNAB240 v2.9) p.10, as laravel-boleto and br_boleto read it",
        columns: &[
            // The retorno's file header (H7815 p.7): the company's inscription one position
            // early, its agency and account at 33-47, its beneficiary code at 53-61, no time.
            Moved::to("FileHeader", "reserved_9_17", 9, 16),
            Moved::to("FileHeader", "company_document_type", 17, 17),
            Moved::to("FileHeader", "company_document", 18, 32),
            Moved::to("FileHeader", "agency", 33, 36),
            Moved::to("FileHeader", "agency_digit", 37, 37),
            Moved::to("FileHeader", "account", 38, 46),
            Moved::to("FileHeader", "account_digit", 47, 47),
            Moved::absent("FileHeader", "agency_account_digit"),
            Moved::to("FileHeader", "agreement", 53, 61),
            Moved::absent("FileHeader", "generated_at"),
            // The cobrança batch header (H7815 p.8): agency and account at 54-68, no credit date.
            Moved::to("CobrancaBatchHeader", "agency", 54, 57),
            Moved::to("CobrancaBatchHeader", "agency_digit", 58, 58),
            Moved::to("CobrancaBatchHeader", "account", 59, 67),
            Moved::to("CobrancaBatchHeader", "account_digit", 68, 68),
            Moved::absent("CobrancaBatchHeader", "agency_account_digit"),
            Moved::absent("CobrancaBatchHeader", "credit_date"),
            Moved::to("SegmentT", "agency", 18, 21),
            Moved::to("SegmentT", "agency_digit", 22, 22),
            Moved::to("SegmentT", "account", 23, 31),
            Moved::to("SegmentT", "account_digit", 32, 32),
            Moved::absent("SegmentT", "agency_account_digit"),
            Moved::to("SegmentT", "our_number", 41, 53),
            Moved::to("SegmentT", "wallet", 54, 54),
            Moved::to("SegmentT", "document_number", 55, 69),
            Moved::to("SegmentT", "due_date", 70, 77),
            Moved::to("SegmentT", "amount", 78, 92),
            Moved::to("SegmentT", "collecting_bank", 93, 95),
            Moved::to("SegmentT", "collecting_agency", 96, 99),
            Moved::to("SegmentT", "collecting_agency_digit", 100, 100),
            Moved::to("SegmentT", "company_reference", 101, 125),
            Moved::to("SegmentT", "currency_code", 126, 127),
            Moved::to("SegmentT", "payer_document_type", 128, 128),
            Moved::to("SegmentT", "payer_document", 129, 143),
            Moved::to("SegmentT", "payer_name", 144, 183),
            Moved::to("SegmentT", "contract", 184, 193),
            Moved::to("SegmentT", "fee", 194, 208),
            Moved::to("SegmentT", "reasons", 209, 218),
            Moved::to("SegmentT", "reserved_224_240", 219, 240),
        ],
        ..Profile::FEBRABAN
    };

    /// Sicoob (756).
    pub const SICOOB: Profile = Profile {
        name: "Sicoob",
        source: "Sicoob CNAB240 cobrança as laravel-boleto reads it (nosso número 38-47); brcobranca's and br_boleto's retornos (totals)",
        // 48-49 parcela, 50-51 modalidade, 52 tipo de formulário follow the nosso número.
        columns: &[Moved::to("SegmentT", "our_number", 38, 47)],
        cobranca_totals_left_at_zero: true,
        ..Profile::FEBRABAN
    };

    /// Ailos (085), which writes Sicoob's cobrança retorno.
    pub const AILOS: Profile = Profile {
        name: "Ailos",
        source: "brcobranca's Ailos retorno (CNAB240AILOS.RET)",
        cobranca_totals_left_at_zero: true,
        ..Profile::FEBRABAN
    };

    /// Banco do Brasil (001).
    pub const BANCO_DO_BRASIL: Profile = Profile {
        name: "Banco do Brasil",
        source: "Banco do Brasil's cobrança retorno (batch layout 020), as the corpus's retorno shows it",
        cobranca_totals_left_at_zero: true,
        ..Profile::FEBRABAN
    };

    /// Caixa (104), SIGCB.
    pub const CAIXA: Profile = Profile {
        name: "Caixa SIGCB",
        source: "SIGCB's retorno fills only the record count; the corpus's retorno shows it",
        cobranca_totals_left_at_zero: true,
        ..Profile::FEBRABAN
    };

    /// Cresol (133).
    pub const CRESOL: Profile = Profile {
        name: "Cresol",
        source: "Cresol's 240 layout (file 084, batch 042), as laravel-boleto's fixture writes it",
        cobranca_totals_left_at_zero: true,
        ..Profile::FEBRABAN
    };

    /// Unicred (136).
    pub const UNICRED: Profile = Profile {
        name: "Unicred",
        source: "Unicred's 240 layout (file 082, batch 041), as br_boleto's fixture writes it",
        cobranca_totals_left_at_zero: true,
        ..Profile::FEBRABAN
    };

    /// BTG Pactual (208), whose published CNAB240 layout is FEBRABAN's own.
    pub const BTG: Profile = Profile {
        name: "BTG Pactual",
        source: "BTG's CNAB240 manual is FEBRABAN 240 v10.6 (laravel-boleto manuais/BTG)",
        ..Profile::FEBRABAN
    };

    /// Every profile this crate has, with the COMPE codes of the banks that write it and the
    /// file layout versions (G019, 164-166) it is chosen for (none: any).
    pub const ALL: &'static [(&'static [u64], &'static [u64], Profile)] = &[
        (&[], &[], Profile::FEBRABAN),
        (&[341], &[], Profile::ITAU_SISPAG),
        // Santander's cobrança files are version 040; its payment files (060) are FEBRABAN's.
        (&[33], &[40], Profile::SANTANDER),
        (&[756], &[], Profile::SICOOB),
        (&[85], &[], Profile::AILOS),
        (&[1], &[], Profile::BANCO_DO_BRASIL),
        (&[104], &[], Profile::CAIXA),
        (&[133], &[], Profile::CRESOL),
        (&[136], &[], Profile::UNICRED),
        (&[208], &[], Profile::BTG),
    ];

    /// The profile's name, as a report prints it.
    pub fn name(self) -> &'static str {
        self.name
    }

    /// The profile of a file, from its header's bank (1-3) and file layout version (164-166):
    /// FEBRABAN's for a bank with no known deviation.
    ///
    /// ```
    /// use febraban_cnab::Profile;
    /// assert_eq!(Profile::for_header(33, 40).name(), "Santander"); // cobrança
    /// assert_eq!(Profile::for_header(33, 60), Profile::FEBRABAN); // payments
    /// assert_eq!(Profile::for_header(237, 89), Profile::FEBRABAN);
    /// ```
    pub fn for_header(bank: u64, layout_version: u64) -> Self {
        let chosen = Profile::ALL.iter().find(|(banks, versions, _)| {
            banks.contains(&bank) && (versions.is_empty() || versions.contains(&layout_version))
        });
        chosen.map_or(Profile::FEBRABAN, |&(_, _, profile)| profile)
    }

    /// The profile of a bank's files whatever their layout version: FEBRABAN's for a bank with
    /// no known deviation, or whose deviations depend on the version.
    ///
    /// ```
    /// use febraban_cnab::Profile;
    /// assert_eq!(Profile::for_bank(341).name(), "Itaú SISPAG");
    /// assert_eq!(Profile::for_bank(237), Profile::FEBRABAN);
    /// ```
    pub fn for_bank(bank: u64) -> Self {
        let chosen = Profile::ALL.iter().find(|(banks, versions, _)| banks.contains(&bank) && versions.is_empty());
        chosen.map_or(Profile::FEBRABAN, |&(_, _, profile)| profile)
    }

    /// Whether the profile moves any column of the record named `record` (`"SegmentT"`).
    pub fn moves(self, record: &str) -> bool {
        self.columns.iter().any(|moved| moved.record == record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cnab240::{CobrancaBatchHeader, FileHeader, SegmentJ52Pix, SegmentT};
    use crate::layout::FieldSpec;

    fn fields(record: &str) -> &'static [FieldSpec] {
        match record {
            "SegmentT" => SegmentT::FIELDS,
            "FileHeader" => FileHeader::FIELDS,
            "CobrancaBatchHeader" => CobrancaBatchHeader::FIELDS,
            "SegmentJ52Pix" => SegmentJ52Pix::FIELDS,
            other => panic!("a profile moves a column of {other}, which this test does not know"),
        }
    }

    /// Every moved column names a real field and fits in 240 positions, and no two columns of a
    /// record overlap once moved.
    #[test]
    fn moved_columns_name_real_fields_and_do_not_overlap() {
        for &(_, _, profile) in Profile::ALL {
            let records: std::collections::BTreeSet<_> = profile.columns.iter().map(|m| m.record).collect();
            for record in records {
                let mut taken = [None; 241];
                for field in fields(record) {
                    let moved = profile.columns.iter().find(|m| m.record == record && m.field == field.name);
                    let (start, end) = match moved {
                        Some(m) if m.start == 0 => continue,
                        Some(m) => (m.start, m.end),
                        None => (field.start, field.end),
                    };
                    assert!(start >= 1 && start <= end && end <= 240, "{}: {record}.{}", profile.name, field.name);
                    for slot in &mut taken[start..=end] {
                        if let Some(other) = slot.replace(field.name) {
                            panic!("{}: {record}.{} overlaps {other}", profile.name, field.name);
                        }
                    }
                }
                for m in profile.columns.iter().filter(|m| m.record == record) {
                    assert!(fields(record).iter().any(|f| f.name == m.field), "{}: {record}.{}", profile.name, m.field);
                }
            }
        }
    }
}
