//! For every record layout of the crate: a line built column by column from valid values of each
//! column's kind reads, and writes back to the same bytes. So read(write(x)) == x holds for the
//! values such lines carry, for every record type; and checking a line without typing it agrees
//! with typing it.

use febraban_cnab::cnab240::*;
use febraban_cnab::cnab400::*;
use febraban_cnab::layout::{FieldSpec, Kind};
use proptest::prelude::*;

/// A small deterministic generator, seeded by proptest.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick(&mut self, alphabet: &[u8]) -> u8 {
        alphabet[self.below(alphabet.len() as u64) as usize]
    }
}

const DIGITS: &[u8] = b"0123456789";
const TEXT: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-/";
const ALPHA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 @.+-_/:";

/// Fills a column with a valid value of its kind (fixed columns keep the template's bytes).
fn fill(column: &mut [u8], kind: Kind, random: &mut Random) {
    let date = |random: &mut Random, year_digits: usize| {
        let (day, month) = (1 + random.below(28), 1 + random.below(12));
        let year = if year_digits == 4 { 2000 + random.below(100) } else { random.below(100) };
        format!("{day:02}{month:02}{year:0year_digits$}").into_bytes()
    };
    match kind {
        Kind::Fixed => {}
        Kind::Blank => column.fill(b' '),
        Kind::Num | Kind::PaddedNum | Kind::Money { .. } | Kind::Digits => {
            column.iter_mut().for_each(|b| *b = random.pick(DIGITS))
        }
        Kind::OptionalNum if random.below(3) == 0 => column.fill(b' '),
        Kind::OptionalNum => column.iter_mut().for_each(|b| *b = random.pick(DIGITS)),
        Kind::Text => column.iter_mut().for_each(|b| *b = random.pick(TEXT)),
        Kind::Alpha => column.iter_mut().for_each(|b| *b = random.pick(ALPHA)),
        Kind::Date8 if random.below(4) == 0 => column.fill(b'0'),
        Kind::Date8 => column.copy_from_slice(&date(random, 4)),
        Kind::Date6 if random.below(4) == 0 => column.fill(b'0'),
        Kind::Date6OrBlank if random.below(4) == 0 => column.fill(b' '),
        Kind::Date6 | Kind::Date6OrBlank => column.copy_from_slice(&date(random, 2)),
    }
}

fn random_line(template: &[u8], fields: &[FieldSpec], seed: u64) -> Vec<u8> {
    let mut random = Random(seed | 1);
    let mut line = template.to_vec();
    for field in fields {
        fill(&mut line[field.start - 1..field.end], field.kind, &mut random);
    }
    line
}

macro_rules! every_layout {
    ($($record:ident),+ $(,)?) => {
        proptest! {
            #![proptest_config(ProptestConfig::with_cases(200))]
            $(
                #[test]
                #[allow(non_snake_case)]
                fn $record(seed in any::<u64>()) {
                    let options = Default::default();
                    let template = $record::default().to_line(&options).unwrap();
                    let line = random_line(&template, $record::FIELDS, seed);
                    let record = $record::parse(&line).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&line)));
                    let written = record.to_line(&options).unwrap();
                    prop_assert_eq!(String::from_utf8_lossy(&written), String::from_utf8_lossy(&line));
                    prop_assert_eq!($record::parse(&written).unwrap(), record);
                    // Checking without typing agrees with typing, on the line and on the line
                    // with bytes changed (to a blank, a letter, a digit, a control, Latin-1).
                    prop_assert!($record::check(&line, &[]));
                    let mut random = Random(seed.rotate_left(17) | 1);
                    let mut mutated = line.clone();
                    for _ in 0..4 {
                        let at = random.below(mutated.len() as u64) as usize;
                        mutated[at] = random.pick(b" A5-\x01\xE7/");
                        prop_assert_eq!(
                            $record::check(&mutated, &[]),
                            $record::parse(&mutated).is_ok(),
                            "{}",
                            String::from_utf8_lossy(&mutated)
                        );
                    }
                }
            )+
        }
    };
}

every_layout!(
    FileHeader,
    FileTrailer,
    PaymentBatchHeader,
    PaymentBatchTrailer,
    SegmentA,
    SegmentB,
    SegmentBPix,
    SegmentJ,
    SegmentJ52,
    SegmentJ52Pix,
    SegmentO,
    SegmentN,
    SegmentZ,
    StatementBatchHeader,
    SegmentE,
    StatementBatchTrailer,
    CobrancaBatchHeader,
    CobrancaBatchTrailer,
    SegmentP,
    SegmentQ,
    SegmentR,
    SegmentT,
    SegmentU,
    SegmentY,
    ItauPixDetail,
    ItauPixRetornoDetail,
    SantanderPixDetail,
    SantanderPixRetornoDetail,
);
