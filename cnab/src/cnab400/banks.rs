//! The base CNAB400 cobrança layouts and every bank's profile, as data.
//!
//! The base is Bradesco's (Manual de Procedimentos 4008.524.0121 v11, "B400"): most banks' 400
//! layouts descend from it or from Banco do Brasil's CBR643, and say the same things at the
//! same positions. A profile lists only where its bank departs, with the source of its
//! positions. `retorno.md` in the project's domain notes has the comparison table.

use super::profile::ColumnKind::{Amount, Date6, DateYmd, FreeText, Number, Text};
use super::profile::Field::*;
use super::profile::{BankProfile, Column, Measure, PixLayout, PixRecord, TrailerTotal, absent, col};
use crate::movement::Meaning::{Entered, Other, Rejected, Reversed, Settled, Tariff as Fee, WrittenOff};
use crate::movement::{Movement, movement as occ};

/// Header of a remessa or a retorno (record type `0`).
pub const BASE_HEADER: &[Column] = &[
    col(Direction, 2, 2, Number),
    col(Literal, 3, 9, Text),
    col(Service, 10, 11, Number),
    col(ServiceName, 12, 26, Text),
    col(CompanyCode, 27, 46, Text),
    col(CompanyName, 47, 76, FreeText),
    col(Bank, 77, 79, Number),
    col(BankName, 80, 94, FreeText),
    col(WrittenOn, 95, 100, Date6),
    col(Sequence, 395, 400, Number),
];

/// A boleto to register (remessa, record type `1`).
pub const BASE_REMESSA_DETAIL: &[Column] = &[
    col(CompanyReference, 38, 62, Text),
    col(OurNumber, 71, 82, Text),
    col(Occurrence, 109, 110, Number),
    col(DocumentNumber, 111, 120, Text),
    col(DueDate, 121, 126, Date6),
    col(FaceValue, 127, 139, Amount),
    col(TitleKind, 148, 149, Number),
    col(Accepted, 150, 150, Text),
    col(IssuedOn, 151, 156, Date6),
    col(DailyInterest, 161, 173, Amount),
    col(DiscountUntil, 174, 179, Date6),
    col(Discount, 180, 192, Amount),
    col(Iof, 193, 205, Amount),
    col(Rebate, 206, 218, Amount),
    col(PayerDocumentType, 219, 220, Number),
    col(PayerDocument, 221, 234, Number),
    col(PayerName, 235, 274, FreeText),
    col(PayerAddress, 275, 314, FreeText),
    col(PayerPostalCode, 327, 334, Number),
    col(Sequence, 395, 400, Number),
];

/// What became of a boleto (retorno, record type `1`).
pub const BASE_RETORNO_DETAIL: &[Column] = &[
    col(CompanyDocumentType, 2, 3, Number),
    col(CompanyDocument, 4, 17, Number),
    col(CompanyReference, 38, 62, Text),
    col(OurNumber, 71, 82, Text),
    col(Wallet, 108, 108, Text),
    col(Occurrence, 109, 110, Number),
    col(OccurredOn, 111, 116, Date6),
    col(DocumentNumber, 117, 126, Text),
    col(DueDate, 147, 152, Date6),
    col(FaceValue, 153, 165, Amount),
    col(CollectingBank, 166, 168, Number),
    col(CollectingAgency, 169, 173, Text),
    col(Tariff, 176, 188, Amount),
    col(Iof, 215, 227, Amount),
    col(Rebate, 228, 240, Amount),
    col(Discount, 241, 253, Amount),
    col(PaidAmount, 254, 266, Amount),
    col(Interest, 267, 279, Amount),
    col(OtherCredits, 280, 292, Amount),
    col(CreditedOn, 296, 301, Date6),
    col(Motives, 319, 328, Text),
    col(Sequence, 395, 400, Number),
];

/// Trailer of a retorno (record type `9`): `9`, `2`, service `01`, the bank.
pub const BASE_RETORNO_TRAILER: &[Column] = &[
    col(Direction, 2, 2, Number),
    col(Service, 3, 4, Number),
    col(Bank, 5, 7, Number),
    col(Sequence, 395, 400, Number),
];

/// Trailer of a remessa: `9`, blanks, the sequence number.
pub(super) const BASE_REMESSA_TRAILER: &[Column] = &[col(Sequence, 395, 400, Number)];

/// The occurrence codes most banks share (B400 p.45-49); a profile overrides or adds codes.
pub const BASE_OCCURRENCES: &[Movement] = &[
    occ(2, "Entrada confirmada", Entered),
    occ(3, "Entrada rejeitada", Rejected),
    occ(6, "Liquidação normal", Settled),
    occ(9, "Baixado automaticamente via arquivo", WrittenOff),
    occ(10, "Baixado conforme instruções da agência", WrittenOff),
    occ(11, "Em ser", Other),
    occ(12, "Abatimento concedido", Other),
    occ(13, "Abatimento cancelado", Other),
    occ(14, "Vencimento alterado", Other),
    occ(15, "Liquidação em cartório", Settled),
    occ(17, "Liquidação após baixa ou título não registrado", Settled),
    occ(19, "Confirmação de recebimento de instrução de protesto", Other),
    occ(23, "Entrada do título em cartório", Other),
    occ(24, "Entrada rejeitada por CEP irregular", Rejected),
    occ(27, "Baixa rejeitada", Rejected),
    occ(28, "Débito de tarifas/custas", Fee),
    occ(30, "Alteração de outros dados rejeitada", Rejected),
    occ(32, "Instrução rejeitada", Rejected),
];

const TRAILER_WITHOUT_SERVICE: &[Column] = &[absent(Direction), absent(Service)];

/// Bradesco: the base itself; its retorno trailer counts by occurrence.
pub(super) static BRADESCO: BankProfile = BankProfile {
    bank: 237,
    name: "Bradesco",
    source: "Bradesco, Manual de Procedimentos 4008.524.0121 v11 (B400), p.39-49",
    remessa_header: &[col(System, 109, 110, Text), col(FileNumber, 111, 117, Number)],
    retorno_header: &[col(FileNumber, 109, 113, Number), col(CreditedOn, 380, 385, Date6)],
    retorno_trailer: &[col(Count, 18, 25, Number), col(Total, 26, 39, Amount)],
    occurrences: &[
        occ(16, "Título pago em cheque - vinculado", Other),
        occ(22, "Título com pagamento cancelado", Reversed),
        occ(40, "Estorno de pagamento", Reversed),
    ],
    retorno_totals: &[
        TrailerTotal {
            name: "trailer entries count, occurrence 02 (58-62)",
            start: 58,
            end: 62,
            measure: Measure::Count,
            occurrences: &[2],
        },
        TrailerTotal {
            name: "trailer entries amount, occurrence 02 (63-74)",
            start: 63,
            end: 74,
            measure: Measure::FaceValue,
            occurrences: &[2],
        },
        TrailerTotal {
            name: "trailer settled count, occurrence 06 (87-91)",
            start: 87,
            end: 91,
            measure: Measure::Count,
            occurrences: &[6],
        },
        TrailerTotal {
            name: "trailer written-off count, occurrences 09 and 10 (104-108)",
            start: 104,
            end: 108,
            measure: Measure::Count,
            occurrences: &[9, 10],
        },
        TrailerTotal {
            name: "trailer written-off amount, occurrences 09 and 10 (109-120)",
            start: 109,
            end: 120,
            measure: Measure::FaceValue,
            occurrences: &[9, 10],
        },
    ],
    ..BankProfile::BASE
};

/// Itaú: nosso número with its DAC at 86-94, errors at 378-385; its trailer counts the details.
pub(super) static ITAU: BankProfile = BankProfile {
    bank: 341,
    name: "Itaú",
    source: "Itaú, Cobrança CNAB 400 (I400), p.20-37",
    retorno_header: &[col(FileNumber, 109, 113, Number), col(CreditedOn, 114, 119, Date6)],
    remessa_detail: &[
        col(CompanyDocumentType, 2, 3, Number),
        col(CompanyDocument, 4, 17, Number),
        col(OurNumber, 63, 70, Text),
        col(Wallet, 108, 108, Text),
        // The bank's own code again, 341.
        col(CollectingBank, 140, 142, Number),
        col(PayerName, 235, 264, FreeText),
    ],
    retorno_detail: &[
        col(OurNumber, 86, 94, Text),
        col(CollectingAgency, 169, 172, Text),
        col(Motives, 378, 385, Text),
        col(PayerName, 325, 354, Text),
    ],
    retorno_trailer: &[col(Count, 213, 220, Number), col(Total, 221, 234, Amount)],
    occurrences: &[
        occ(7, "Liquidação parcial", Settled),
        occ(8, "Liquidação em cartório", Settled),
        occ(10, "Baixa com transferência para desconto (também Pix)", Settled),
        occ(5, "Liquidação sem registro", WrittenOff),
        occ(15, "Entrada rejeitada", Rejected),
        occ(16, "Instrução rejeitada", Rejected),
        occ(17, "Alteração rejeitada", Rejected),
        occ(18, "Cobrança contratual", Rejected),
        occ(47, "Baixa com transferência para protesto", WrittenOff),
        occ(59, "Baixa por crédito em conta", Settled),
        occ(60, "Entrada rejeitada carnê", Rejected),
        occ(65, "Cheque pendente de compensação", Other),
        occ(69, "Cheque devolvido", Reversed),
        occ(72, "Crédito sem título correspondente", Other),
        occ(95, "Baixa operacional: não corresponde à liquidação", WrittenOff),
    ],
    retorno_totals: &[TrailerTotal {
        name: "trailer detail count (213-220)",
        start: 213,
        end: 220,
        measure: Measure::Count,
        occurrences: &[],
    }],
    // Its Pix record, type 3, after the boleto it belongs to (see pix.rs for the sources).
    pix_records: &[
        PixRecord { record_type: b'3', retorno: false, layout: PixLayout::ItauRemessa },
        PixRecord { record_type: b'3', retorno: true, layout: PixLayout::ItauRetorno },
    ],
    ..BankProfile::BASE
};

/// Santander: nosso número at 63-70, motivos at 137-145; a Pix record of type 2 in retornos.
pub(super) static SANTANDER: BankProfile = BankProfile {
    bank: 33,
    name: "Santander",
    source: "Santander, Layout de cobrança 400 v2.17 (H7800), p.13-15; remessa as brcobranca's santander.rb",
    remessa_detail: &[col(OurNumber, 63, 70, Text)],
    retorno_detail: &[col(OurNumber, 63, 70, Text), col(Motives, 137, 145, Text)],
    occurrences: &[
        occ(1, "Título não existe", Rejected),
        occ(7, "Liquidação por conta", Settled),
        occ(8, "Liquidação por saldo", Settled),
        occ(16, "Título pago em cheque", Settled),
        occ(93, "Baixa operacional", WrittenOff),
        occ(94, "Cancelamento de baixa operacional", Other),
    ],
    // Type 8 in remessas (brcobranca's santander_pix.rb), type 2 in retornos (brcobranca, LB).
    pix_records: &[
        PixRecord { record_type: b'8', retorno: false, layout: PixLayout::SantanderRemessa },
        PixRecord { record_type: b'2', retorno: true, layout: PixLayout::SantanderRetorno },
    ],
    ..BankProfile::BASE
};

/// Banco do Brasil: convênios of 7 digits write details of type 7 (CBR643).
pub(super) static BANCO_DO_BRASIL: BankProfile = BankProfile {
    bank: 1,
    name: "Banco do Brasil",
    source: "Banco do Brasil, CNAB400/CBR643 retorno, convênios de 7 posições (Jan/2014), p.4-5, 22",
    retorno_detail: &[
        col(CompanyReference, 39, 63, Text),
        col(OurNumber, 64, 80, Text),
        col(Motives, 87, 88, Text),
        col(CreditedOn, 176, 181, Date6),
        // The tariff beside the credit date, as in Sicoob's layout that descends from CBR643.
        col(Tariff, 182, 188, Amount),
    ],
    detail_types: b"17",
    occurrences: &[
        occ(5, "Liquidado sem registro", Settled),
        occ(7, "Liquidação parcial", Settled),
        occ(8, "Liquidação por saldo", Settled),
        occ(44, "Cheque devolvido", Reversed),
        occ(46, "Título pago com cheque, aguardando compensação", Other),
    ],
    ..BankProfile::BASE
};

/// Caixa (SIGCB): its own id and nosso número positions, interest and fine apart.
pub(super) static CAIXA: BankProfile = BankProfile {
    bank: 104,
    name: "Caixa Econômica Federal",
    source: "Caixa, Leiaute CNAB 400 SIGCB (67.126 v01, 2020), p.28-29, 41-42",
    retorno_detail: &[
        col(CompanyReference, 32, 56, Text),
        col(OurNumber, 57, 73, Text),
        col(Motives, 80, 82, Text),
        col(Fine, 280, 292, Amount),
        absent(OtherCredits),
        col(CreditedOn, 294, 299, Date6),
    ],
    occurrences: &[
        occ(1, "Entrada confirmada", Entered),
        occ(2, "Baixa confirmada", WrittenOff),
        occ(21, "Liquidação", Settled),
        occ(22, "Liquidação em cartório", Settled),
        occ(23, "Baixa por devolução", WrittenOff),
        occ(25, "Baixa por protesto", WrittenOff),
        occ(33, "Estorno de liquidação", Reversed),
        occ(35, "Liquidação on-line", Settled),
        occ(36, "Estorno de liquidação on-line", Reversed),
        occ(99, "Rejeição do título", Rejected),
    ],
    ..BankProfile::BASE
};

/// Sicoob: BB's CBR643 lineage: credit date at 176-181, tariff at 182-188.
pub(super) static SICOOB: BankProfile = BankProfile {
    bank: 756,
    name: "Sicoob",
    source: "laravel-boleto's Bancoob retorno 400 and br_boleto's Sicoob fixture (no manual read)",
    retorno_detail: &[
        col(OurNumber, 63, 74, Text),
        col(CreditedOn, 176, 181, Date6),
        col(Tariff, 182, 188, Amount),
        // 319-328 holds other data in Sicoob's files; no source places its motivos.
        absent(Motives),
    ],
    // 2-3 `02`, the bank at 4-6, then the cooperative's name and address.
    retorno_trailer: &[absent(Direction), absent(Service), col(Bank, 4, 6, Number)],
    occurrences: &[occ(5, "Liquidação sem registro", Settled)],
    ..BankProfile::BASE
};

/// Sicredi: no company reference, nosso número at 48-62, the expected credit date AAAAMMDD.
pub(super) static SICREDI: BankProfile = BankProfile {
    bank: 748,
    name: "Sicredi",
    source: "Sicredi, manual CNAB 400 (ago/2019), p.11-12, 52-54",
    retorno_header: &[col(WrittenOn, 95, 102, DateYmd)],
    retorno_detail: &[
        absent(CompanyDocumentType),
        absent(CompanyDocument),
        absent(CompanyReference),
        // The tipo de cobrança (`C`, com registro), which br_boleto reads as the carteira.
        col(Wallet, 14, 14, Text),
        col(OurNumber, 48, 62, Text),
        col(CreditedOn, 329, 336, DateYmd),
    ],
    // `9`, `2`, the bank at 3-5, the beneficiary's code at 6-10.
    retorno_trailer: &[absent(Service), col(Bank, 3, 5, Number)],
    ..BankProfile::BASE
};

/// Inter: its retorno detail is its own (occurrence at 90-91, amounts from 160).
pub(super) static INTER: BankProfile = BankProfile {
    bank: 77,
    name: "Inter",
    source: "Conta Digital PJ Inter, Manual CNAB400 (2021), p.14-15",
    retorno_detail: &[
        col(OurNumber, 71, 81, Text),
        col(Occurrence, 90, 91, Number),
        col(OccurredOn, 92, 97, Date6),
        col(DocumentNumber, 98, 107, Text),
        col(PaidAmount, 160, 172, Amount),
        col(CreditedOn, 173, 178, Date6),
        col(Motives, 241, 380, Text),
        absent(Wallet),
        absent(DueDate),
        absent(FaceValue),
        absent(CollectingBank),
        absent(CollectingAgency),
        absent(Tariff),
        absent(Iof),
        absent(Rebate),
        absent(Discount),
        absent(Interest),
        absent(OtherCredits),
    ],
    occurrences: &[occ(2, "Título em aberto", Entered), occ(3, "Erro", Rejected), occ(7, "Baixado", WrittenOff)],
    ..BankProfile::BASE
};

/// Banco do Nordeste: Bradesco's layout with a nosso número of 7 digits and DV at 63-70.
pub(super) static BNB: BankProfile = BankProfile {
    bank: 4,
    name: "Banco do Nordeste",
    source: "laravel-boleto's Bnb retorno 400 (no manual read)",
    retorno_detail: &[col(OurNumber, 63, 70, Text)],
    ..BankProfile::BASE
};

/// Banrisul: nosso número at 63-72.
pub(super) static BANRISUL: BankProfile = BankProfile {
    bank: 41,
    name: "Banrisul",
    source: "brcobranca's banrisul retorno 400 (no manual read)",
    retorno_detail: &[col(OurNumber, 63, 72, Text)],
    ..BankProfile::BASE
};

/// C6: nosso número at 63-73, carteira at 107-108; its trailer carries no service or bank.
pub(super) static C6: BankProfile = BankProfile {
    bank: 336,
    name: "C6 Bank",
    source: "laravel-boleto's C6 retorno 400, built from C6's manual v2.7",
    retorno_detail: &[col(OurNumber, 63, 73, Text), col(Wallet, 107, 108, Text)],
    retorno_trailer: &[absent(Direction), absent(Service), absent(Bank)],
    ..BankProfile::BASE
};

/// Cresol: Bradesco's layout as it is.
pub(super) static CRESOL: BankProfile = BankProfile {
    bank: 133,
    name: "Cresol",
    source: "laravel-boleto's Cresol retorno 400 (Bradesco's positions)",
    ..BankProfile::BASE
};

/// Unicred: Bradesco's remessa layout.
pub(super) static UNICRED: BankProfile = BankProfile {
    bank: 136,
    name: "Unicred",
    source: "brcobranca's unicred remessa 400 (Bradesco's positions)",
    retorno_trailer: TRAILER_WITHOUT_SERVICE,
    ..BankProfile::BASE
};

/// Citibank: its remessa's nosso número at 63-74.
pub(super) static CITIBANK: BankProfile = BankProfile {
    bank: 745,
    name: "Citibank",
    source: "brcobranca's citibank remessa 400",
    remessa_detail: &[col(OurNumber, 63, 74, Text)],
    ..BankProfile::BASE
};

/// Every profile, looked up by bank code.
pub(super) static PROFILES: &[&BankProfile] = &[
    &BANCO_DO_BRASIL,
    &BNB,
    &SANTANDER,
    &BANRISUL,
    &INTER,
    &CAIXA,
    &CRESOL,
    &UNICRED,
    &BRADESCO,
    &C6,
    &ITAU,
    &CITIBANK,
    &SICREDI,
    &SICOOB,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of every profile: its columns lie in 2-400 (1 is the record type) and no two
    /// overlap, so a profile can be neither out of bounds nor ambiguous.
    #[test]
    fn every_profiles_columns_fit_and_do_not_overlap() {
        for profile in PROFILES {
            let records = [
                ("remessa header", BankProfile::columns(BASE_HEADER, profile.remessa_header)),
                ("retorno header", BankProfile::columns(BASE_HEADER, profile.retorno_header)),
                ("remessa detail", BankProfile::columns(BASE_REMESSA_DETAIL, profile.remessa_detail)),
                ("retorno detail", BankProfile::columns(BASE_RETORNO_DETAIL, profile.retorno_detail)),
                ("retorno trailer", BankProfile::columns(BASE_RETORNO_TRAILER, profile.retorno_trailer)),
                ("remessa trailer", BankProfile::columns(BASE_REMESSA_TRAILER, profile.remessa_trailer)),
            ];
            for (record, columns) in records {
                let mut columns: Vec<Column> = columns.collect();
                columns.sort_by_key(|c| c.start);
                for column in &columns {
                    assert!(
                        (2..=column.end).contains(&column.start) && column.end <= 400,
                        "{} {record}: {column:?}",
                        profile.name
                    );
                }
                for pair in columns.windows(2) {
                    assert!(
                        pair[0].end < pair[1].start,
                        "{} {record}: {:?} overlaps {:?}",
                        profile.name,
                        pair[0],
                        pair[1]
                    );
                }
            }
            for total in profile.retorno_totals {
                assert!((2..=total.end).contains(&total.start) && total.end <= 400, "{}: {total:?}", profile.name);
            }
        }
    }

    #[test]
    fn one_profile_per_bank() {
        let mut banks: Vec<u16> = PROFILES.iter().map(|p| p.bank).collect();
        banks.sort_unstable();
        banks.dedup();
        assert_eq!(banks.len(), PROFILES.len());
    }
}
