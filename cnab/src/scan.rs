//! Validation without typing: a detail's every column is checked where it lies, and only what
//! the validator reconciles (batch, sequence, amount) is read. Headers and trailers, a few per
//! file, are typed as the reader types them. A line that does not check is typed after all, so
//! that its error names every column that is wrong.

use crate::cnab240::{
    Record, SegmentA, SegmentB, SegmentBPix, SegmentE, SegmentJ, SegmentJ52, SegmentJ52Pix, SegmentN, SegmentO,
    SegmentP, SegmentQ, SegmentR, SegmentT, SegmentU, SegmentY, SegmentZ,
};
use crate::layout::{Column, FieldSpec, Layout, Moved, Num, moved_column};
use crate::profile::Profile;
use crate::reader::{Cnab240, Detail, Format, ReadErrorKind, ReadOptions, WarningKind, typed_detail};

/// What the validator keeps of a detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DetailFacts {
    /// The segment, as a summary counts it (`A`, `J-52`, `Y-03`).
    pub segment: &'static str,
    pub bank: u64,
    pub batch: u64,
    pub sequence: u64,
    /// The amount of a payment or boleto (A, J, O, N, P, T), in centavos.
    pub amount: Option<u64>,
    /// A statement entry's amount and whether it is a debit.
    pub entry: Option<(u64, bool)>,
}

/// A line as a validating reader gives it.
#[derive(Debug)]
pub(crate) enum Scanned {
    /// A header or trailer, typed (boxed: a detail's facts are small, a record is not).
    Record(Box<Record>),
    /// A detail whose every column reads.
    Detail(DetailFacts),
}

/// How a detail layout is checked and what of it the validator keeps.
struct DetailLayout {
    record: &'static str,
    fields: &'static [FieldSpec],
    check: fn(&[u8], &[Moved]) -> bool,
    /// Its segment name, as a summary counts it.
    segment: &'static str,
    /// Whether its `amount` is a payment's (or a boleto's) and counts in the batch's sum.
    paid: bool,
}

impl DetailLayout {
    fn of<T: Layout>(segment: &'static str, paid: bool) -> Self {
        DetailLayout { record: T::NAME, fields: T::FIELDS, check: T::check, segment, paid }
    }

    fn for_detail(detail: Detail) -> Self {
        match detail {
            Detail::A => Self::of::<SegmentA>("A", true),
            Detail::BPix => Self::of::<SegmentBPix>("B", false),
            Detail::B => Self::of::<SegmentB>("B", false),
            Detail::J52Pix => Self::of::<SegmentJ52Pix>("J-52", false),
            Detail::J52 => Self::of::<SegmentJ52>("J-52", false),
            Detail::J => Self::of::<SegmentJ>("J", true),
            Detail::O => Self::of::<SegmentO>("O", true),
            Detail::N => Self::of::<SegmentN>("N", true),
            Detail::Z => Self::of::<SegmentZ>("Z", false),
            Detail::E => Self::of::<SegmentE>("E", false),
            Detail::P => Self::of::<SegmentP>("P", true),
            Detail::Q => Self::of::<SegmentQ>("Q", false),
            Detail::R => Self::of::<SegmentR>("R", false),
            Detail::T => Self::of::<SegmentT>("T", true),
            Detail::U => Self::of::<SegmentU>("U", false),
            Detail::Y => Self::of::<SegmentY>("Y", false),
        }
    }

    /// Where the profile puts the layout's column `name`.
    fn column(&self, profile: Profile, name: &str) -> Option<(usize, usize)> {
        let spec = self.fields.iter().find(|f| f.name == name)?;
        moved_column(profile.columns, self.record, name, spec.start, spec.end)
    }
}

/// Where a detail layout's values lie under the file's profile, worked out once per layout.
/// How many detail layouts there are.
const DETAILS: usize = Detail::Y as usize + 1;

#[derive(Clone, Copy)]
struct Positions {
    bank: Option<(usize, usize)>,
    batch: Option<(usize, usize)>,
    sequence: Option<(usize, usize)>,
    amount: Option<(usize, usize)>,
    sign: Option<(usize, usize)>,
    /// A segment Y's kind.
    kind: Option<(usize, usize)>,
    /// Whether the profile moves any of the layout's columns.
    moved: bool,
}

/// The CNAB240 format for a validator: [`Cnab240`]'s reading of headers and trailers, and
/// details checked, not typed.
pub(crate) struct Cnab240Scan {
    inner: Cnab240,
    /// Per detail layout, its value positions under the file's profile (cleared when a file
    /// header chooses another).
    positions: [Option<Positions>; DETAILS],
}

impl Cnab240Scan {
    pub(crate) fn new(profile: Profile) -> Self {
        Cnab240Scan { inner: Cnab240::new(profile), positions: [None; DETAILS] }
    }

    pub(crate) fn profile(&self) -> Profile {
        self.inner.profile
    }

    fn positions(&mut self, detail: Detail, layout: &DetailLayout, profile: Profile) -> Positions {
        if let Some(positions) = self.positions[detail as usize] {
            return positions;
        }
        let positions = Positions {
            bank: layout.column(profile, "bank"),
            batch: layout.column(profile, "batch"),
            sequence: layout.column(profile, "sequence"),
            amount: layout.column(profile, "amount"),
            sign: layout.column(profile, "sign"),
            kind: layout.column(profile, "optional_record"),
            moved: profile.moves(layout.record),
        };
        self.positions[detail as usize] = Some(positions);
        positions
    }
}

fn number(line: &[u8], at: Option<(usize, usize)>) -> u64 {
    at.and_then(|(start, end)| Num::read(line.get(start - 1..end)?).ok()).unwrap_or(0)
}

/// A segment Y by its kind (G067), as a summary counts it.
fn optional_record_name(kind: u64) -> &'static str {
    match kind {
        1 => "Y-01",
        3 => "Y-03",
        4 => "Y-04",
        8 => "Y-08",
        50 => "Y-50",
        51 => "Y-51",
        53 => "Y-53",
        _ => "Y",
    }
}

/// What the validator keeps of a typed detail: the same facts a scanned one gives.
pub(crate) fn facts_of(record: &Record) -> Option<DetailFacts> {
    let facts =
        |segment, (bank, batch, sequence), amount| DetailFacts { segment, bank, batch, sequence, amount, entry: None };
    Some(match record {
        Record::SegmentA(r) => facts("A", (r.bank, r.batch, r.sequence), Some(r.amount)),
        Record::SegmentBPix(r) => facts("B", (r.bank, r.batch, r.sequence), None),
        Record::SegmentB(r) => facts("B", (r.bank, r.batch, r.sequence), None),
        Record::SegmentJ(r) => facts("J", (r.bank, r.batch, r.sequence), Some(r.amount)),
        Record::SegmentJ52(r) => facts("J-52", (r.bank, r.batch, r.sequence), None),
        Record::SegmentJ52Pix(r) => facts("J-52", (r.bank, r.batch, r.sequence), None),
        Record::SegmentO(r) => facts("O", (r.bank, r.batch, r.sequence), Some(r.amount)),
        Record::SegmentN(r) => facts("N", (r.bank, r.batch, r.sequence), Some(r.amount)),
        Record::SegmentZ(r) => facts("Z", (r.bank, r.batch, r.sequence), None),
        Record::SegmentE(r) => {
            DetailFacts { entry: Some((r.amount, r.sign == "D")), ..facts("E", (r.bank, r.batch, r.sequence), None) }
        }
        Record::SegmentP(r) => facts("P", (r.bank, r.batch, r.sequence), Some(r.amount)),
        Record::SegmentQ(r) => facts("Q", (r.bank, r.batch, r.sequence), None),
        Record::SegmentR(r) => facts("R", (r.bank, r.batch, r.sequence), None),
        Record::SegmentT(r) => facts("T", (r.bank, r.batch, r.sequence), Some(r.amount)),
        Record::SegmentU(r) => facts("U", (r.bank, r.batch, r.sequence), None),
        Record::SegmentY(r) => facts(optional_record_name(r.optional_record), (r.bank, r.batch, r.sequence), None),
        _ => return None,
    })
}

impl Default for Cnab240Scan {
    fn default() -> Self {
        Cnab240Scan::new(Profile::FEBRABAN)
    }
}

impl Format for Cnab240Scan {
    const WIDTH: usize = 240;
    const RECORD_TYPE_AT: usize = 7;
    type Record = Scanned;

    fn record(
        &mut self,
        line: &[u8],
        options: &ReadOptions,
        warnings: &mut Vec<WarningKind>,
    ) -> Result<Scanned, ReadErrorKind> {
        if line[7] == b'0' {
            self.positions = [None; DETAILS];
        }
        if line[7] != b'3' {
            return self.inner.record(line, options, warnings).map(|record| Scanned::Record(Box::new(record)));
        }
        let detail = self.inner.detail(line)?;
        let layout = DetailLayout::for_detail(detail);
        let profile = self.inner.profile;
        let at = self.positions(detail, &layout, profile);
        let moved = if at.moved { profile.columns } else { &[] };
        if !(layout.check)(line, moved) {
            // Typed, it says which columns are wrong (and were the check ever stricter than the
            // typing, the typed record is what the validator gets).
            return typed_detail(detail, line, profile).map(|record| Scanned::Record(Box::new(record)));
        }
        let amount = number(line, at.amount);
        let segment = if detail == Detail::Y { optional_record_name(number(line, at.kind)) } else { layout.segment };
        let entry = at.sign.map(|(start, _)| (amount, line.get(start - 1) == Some(&b'D')));
        Ok(Scanned::Detail(DetailFacts {
            segment,
            bank: number(line, at.bank),
            batch: number(line, at.batch),
            sequence: number(line, at.sequence),
            amount: layout.paid.then_some(amount),
            entry,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every detail layout has the columns the scan reads, and a segment E its sign.
    #[test]
    fn every_detail_layout_has_batch_sequence_and_its_amount() {
        use Detail::*;
        for detail in [A, BPix, B, J52Pix, J52, J, O, N, Z, E, P, Q, R, T, U, Y] {
            let layout = DetailLayout::for_detail(detail);
            for &(_, _, profile) in Profile::ALL {
                assert!(layout.column(profile, "batch").is_some() && layout.column(profile, "sequence").is_some());
                assert_eq!(layout.column(profile, "amount").is_some(), layout.paid || detail == E, "{detail:?}");
            }
        }
    }
}
