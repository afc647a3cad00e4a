//! Validation of CNAB400 files: header first, trailer last, every sequence number (395-400) in
//! order, Pix records after a detail, a cobrança header's service, a retorno trailer's service
//! and bank, and the counts and sums the bank's profile says its retorno trailer fills.

use std::io::BufRead;

use super::profile::{Field, Measure};
use super::{Cnab400, Detail, Header, Record, Trailer};
use crate::layout::{FieldError, FieldProblem};
use crate::reader::{ReadErrorKind, ReadOptions, Reader};
use crate::validate::{Counts, Direction, Problem, ProblemKind, Report, Summary};

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
            Ok((line, record)) => check.push(line, &record, record.record_type()),
            Err(error) => {
                check.line = error.line;
                check.summary.records += 1;
                if let Some(kind) = error.record_type {
                    check.counts.add(record_type_name(kind));
                }
                // An unreadable header or trailer still plays its part in the structure.
                match error.record_type {
                    Some(b'0') => check.header_seen = true,
                    Some(b'9') => check.trailer_seen = true,
                    _ => {}
                }
                check.previous_was_detail = matches!(error.record_type, Some(b'1' | b'7'));
                crate::validate::push_read_error(&mut check.problems, error.line, error.kind);
            }
        }
    }
    let mut report = check.finish();
    report.warnings = reader.warnings().to_vec();
    report
}

#[derive(Debug, Default)]
struct Check {
    summary: Summary,
    problems: Vec<Problem>,
    line: usize,
    header_seen: bool,
    trailer_seen: bool,
    previous_was_detail: bool,
    /// What each of the profile's retorno trailer totals sums so far.
    totals: Vec<u64>,
    counts: Counts,
}

/// A record type as the report counts it.
fn record_type_name(record_type: u8) -> &'static str {
    const DIGITS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    DIGITS.get(usize::from(record_type.wrapping_sub(b'0'))).copied().unwrap_or("other")
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

    fn push(&mut self, line: usize, record: &Record, record_type: u8) {
        self.line = line;
        self.summary.records += 1;
        self.counts.add(record_type_name(record_type));
        if self.trailer_seen {
            self.misplaced("record", "follows the trailer");
        }
        if record.sequence() != line as u64 {
            self.problem(ProblemKind::Sequence { expected: line as u64, found: record.sequence() });
        }
        let (is_header, is_detail) = match record {
            Record::Header(r) => (Some(r.bank.unwrap_or(0)), false),
            Record::Detail(_) => (None, true),
            _ => (None, false),
        };
        if let Some(bank) = is_header {
            if self.summary.records > 1 {
                self.misplaced("header", "is not the first record");
            }
            self.header_seen = true;
            self.summary.bank = Some(bank);
            if let Record::Header(header) = record {
                // The profile that read it: the caller's, or the bank's.
                self.summary.profile = Some(header.profile().name);
                let retorno = header.is_retorno();
                self.summary.direction = Some(if retorno { Direction::Retorno } else { Direction::Remessa });
            }
        } else if !self.header_seen {
            self.misplaced("record", "comes before the header");
            self.header_seen = true;
        }
        match record {
            Record::Header(r) => self.header(r),
            Record::Detail(r) => self.detail(r),
            Record::Trailer(r) => self.trailer(r),
            Record::ItauPix(_)
            | Record::ItauPixRetorno(_)
            | Record::SantanderPix(_)
            | Record::SantanderPixRetorno(_)
                if !self.previous_was_detail =>
            {
                self.misplaced("Pix record", "does not follow a detail");
            }
            _ => {}
        }
        self.previous_was_detail = is_detail
            || matches!(
                record,
                Record::ItauPix(_)
                    | Record::ItauPixRetorno(_)
                    | Record::SantanderPix(_)
                    | Record::SantanderPixRetorno(_)
            );
    }

    /// A column that holds another value than the layout fixes.
    fn fixed(&mut self, field: &'static str, (start, end): (usize, usize), found: String, problem: FieldProblem) {
        let error = FieldError { field, start, end, found, problem };
        self.problem(ProblemKind::Read(ReadErrorKind::Field(error)));
    }

    fn header(&mut self, header: &Header) {
        let profile = header.profile();
        self.totals = vec![0; profile.retorno_totals.len()];
        if header.has(Field::Service) && header.service != Some(1) {
            let found = header.service.map(|s| format!("{s:02}")).unwrap_or_default();
            self.fixed("service", (10, 11), found, FieldProblem::Fixed { expected: 1 });
        }
        // COBRANCA, or COBRANÇA as Latin-1 files write it.
        let name = header.service_name.trim();
        if header.has(Field::ServiceName) && !(name.starts_with("COBRAN") && name.len() >= 8) {
            self.fixed("service_name", (12, 26), name.to_string(), FieldProblem::Expected("COBRANCA"));
        }
        let literal = if header.is_retorno() { "RETORNO" } else { "REMESSA" };
        if header.has(Field::Literal) && header.literal != literal {
            self.fixed("literal", (3, 9), header.literal.to_string(), FieldProblem::Expected(literal));
        }
    }

    fn detail(&mut self, detail: &Detail) {
        let face_value = detail.face_value.unwrap_or(0);
        self.add_boleto(face_value);
        let occurrence = detail.occurrence_code.and_then(|code| u8::try_from(code).ok());
        for (total, sum) in detail.profile().retorno_totals.iter().zip(&mut self.totals) {
            if total.occurrences.is_empty() || occurrence.is_some_and(|code| total.occurrences.contains(&code)) {
                *sum += match total.measure {
                    Measure::Count => 1,
                    Measure::FaceValue => face_value,
                };
            }
        }
    }

    fn trailer(&mut self, trailer: &Trailer) {
        self.trailer_seen = true;
        if !trailer.is_retorno() {
            return;
        }
        if trailer.has(Field::Direction) && trailer.direction != Some(2) {
            let found = trailer.direction.map(|d| d.to_string()).unwrap_or_default();
            self.fixed("direction", (2, 2), found, FieldProblem::Fixed { expected: 2 });
        }
        if trailer.has(Field::Service) && trailer.service != Some(1) {
            let found = trailer.service.map(|s| format!("{s:02}")).unwrap_or_default();
            self.fixed("service", (3, 4), found, FieldProblem::Fixed { expected: 1 });
        }
        if let (true, Some(expected)) = (trailer.has(Field::Bank), self.summary.bank) {
            let found = trailer.bank.unwrap_or(0);
            if found != expected {
                self.problem(ProblemKind::Bank { expected, found });
            }
        }
        let totals = std::mem::take(&mut self.totals);
        for (total, computed) in trailer.profile().retorno_totals.iter().zip(totals) {
            let declared = trailer.number_at(total.start, total.end).unwrap_or(0);
            self.check(total.name, declared, computed);
        }
    }

    fn add_boleto(&mut self, amount: u64) {
        self.summary.payments += 1;
        self.summary.total_amount += amount;
    }

    fn finish(mut self) -> Report {
        self.summary.details = std::mem::take(&mut self.counts).into_map();
        if !self.trailer_seen {
            self.misplaced("trailer", "is missing");
        }
        Report { summary: self.summary, problems: self.problems, warnings: Vec::new() }
    }
}
