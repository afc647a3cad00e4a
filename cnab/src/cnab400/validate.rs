//! Validation of CNAB400 files: header first, trailer last, every sequence number (395-400) in
//! order, Pix records after a detail, what a Bradesco retorno trailer counts by occurrence, and
//! the number of details an Itaú retorno trailer declares.

use std::io::BufRead;

use super::{Cnab400, Record};
use crate::reader::{ReadOptions, Reader};
use crate::validate::{Problem, ProblemKind, Report, Summary};

/// Reads and validates a whole CNAB400 file, in constant memory.
///
/// ```
/// let report = febraban_cnab::cnab400::validate(&b""[..], Default::default());
/// assert_eq!(report.problems[0].to_string(), "line 0: trailer is missing");
/// ```
pub fn validate<R: BufRead>(input: R, options: ReadOptions) -> Report {
    let mut reader = Reader::with_format(input, options, Cnab400::default());
    let mut check = Check::default();
    for item in reader.by_ref() {
        match item {
            Ok((line, record)) => check.push(line, &record),
            Err(error) => {
                check.line = error.line;
                check.summary.records += 1;
                // An unreadable header or trailer still plays its part in the structure.
                match error.record_type {
                    Some(b'0') => check.header_seen = true,
                    Some(b'9') => check.trailer_seen = true,
                    _ => {}
                }
                check.previous_was_detail = error.record_type == Some(b'1');
                check.problems.push(Problem { line: error.line, kind: ProblemKind::Read(error.kind) });
            }
        }
    }
    let mut report = check.finish();
    report.warnings = reader.warnings().to_vec();
    report
}

/// Per-occurrence counts of a Bradesco retorno: (count, sum of the boletos' amounts).
#[derive(Debug, Default)]
struct Occurrences {
    entries: (u64, u64),
    settled: u64,
    written_off: (u64, u64),
}

#[derive(Debug, Default)]
struct Check {
    summary: Summary,
    problems: Vec<Problem>,
    line: usize,
    header_seen: bool,
    trailer_seen: bool,
    previous_was_detail: bool,
    occurrences: Occurrences,
}

impl Check {
    fn problem(&mut self, kind: ProblemKind) {
        self.problems.push(Problem { line: self.line, kind });
    }

    fn misplaced(&mut self, record: &'static str, reason: &'static str) {
        self.problem(ProblemKind::Misplaced { record, reason });
    }

    fn check(&mut self, field: &'static str, declared: u64, computed: u64) {
        if declared != computed {
            self.problem(ProblemKind::ControlMismatch { field, declared, computed });
        }
    }

    fn push(&mut self, line: usize, record: &Record) {
        self.line = line;
        self.summary.records += 1;
        if self.trailer_seen {
            self.misplaced("record", "follows the trailer");
        }
        if record.sequence() != line as u64 {
            self.problem(ProblemKind::Sequence { expected: line as u64, found: record.sequence() });
        }
        let (is_header, is_detail) = match record {
            Record::BradescoRemessaHeader(r) => (Some(r.bank), false),
            Record::BradescoRetornoHeader(r) => (Some(r.bank), false),
            Record::ItauRemessaHeader(r) => (Some(r.bank), false),
            Record::ItauRetornoHeader(r) => (Some(r.bank), false),
            Record::BradescoRemessaDetail(_)
            | Record::BradescoRetornoDetail(_)
            | Record::ItauRemessaDetail(_)
            | Record::ItauRetornoDetail(_) => (None, true),
            _ => (None, false),
        };
        if let Some(bank) = is_header {
            if self.summary.records > 1 {
                self.misplaced("header", "is not the first record");
            }
            self.header_seen = true;
            self.summary.bank = Some(bank);
        } else if !self.header_seen {
            self.misplaced("record", "comes before the header");
            self.header_seen = true;
        }
        match record {
            Record::BradescoRemessaDetail(r) => self.add_boleto(r.amount),
            Record::ItauRemessaDetail(r) => self.add_boleto(r.amount),
            Record::ItauRetornoDetail(r) => self.add_boleto(r.amount),
            Record::BradescoRetornoDetail(r) => {
                self.add_boleto(r.amount);
                match r.occurrence {
                    2 => {
                        self.occurrences.entries =
                            (self.occurrences.entries.0 + 1, self.occurrences.entries.1 + r.amount)
                    }
                    6 => self.occurrences.settled += 1,
                    9 | 10 => {
                        let (count, amount) = self.occurrences.written_off;
                        self.occurrences.written_off = (count + 1, amount + r.amount);
                    }
                    _ => {}
                }
            }
            Record::ItauPix(_) | Record::ItauPixRetorno(_) | Record::SantanderPix(_) if !self.previous_was_detail => {
                self.misplaced("Pix record", "does not follow a detail");
            }
            Record::BradescoRetornoTrailer(t) => {
                self.trailer_seen = true;
                let o = &self.occurrences;
                let checks = [
                    ("trailer entries count, occurrence 02 (58-62)", t.entries_count, o.entries.0),
                    ("trailer entries amount, occurrence 02 (63-74)", t.entries_amount, o.entries.1),
                    ("trailer settled count, occurrence 06 (87-91)", t.settled_count, o.settled),
                    (
                        "trailer written-off count, occurrences 09 and 10 (104-108)",
                        t.written_off_count,
                        o.written_off.0,
                    ),
                    (
                        "trailer written-off amount, occurrences 09 and 10 (109-120)",
                        t.written_off_amount,
                        o.written_off.1,
                    ),
                ];
                for (field, declared, computed) in checks {
                    self.check(field, declared, computed);
                }
            }
            Record::ItauRetornoTrailer(t) => {
                self.trailer_seen = true;
                // 221-234 is not reconciled: no real file shows which amounts it sums.
                self.check("trailer detail count (213-220)", t.details, self.summary.payments);
            }
            Record::RemessaTrailer(_) => self.trailer_seen = true,
            _ => {}
        }
        self.previous_was_detail =
            is_detail || matches!(record, Record::ItauPix(_) | Record::ItauPixRetorno(_) | Record::SantanderPix(_));
    }

    fn add_boleto(&mut self, amount: u64) {
        self.summary.payments += 1;
        self.summary.total_amount += amount;
    }

    fn finish(mut self) -> Report {
        if !self.trailer_seen {
            self.misplaced("trailer", "is missing");
        }
        Report { summary: self.summary, problems: self.problems, warnings: Vec::new() }
    }
}
