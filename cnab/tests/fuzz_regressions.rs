//! Inputs the fuzzer once found to break a property, replayed: each reads and validates without
//! panicking, and gets the verdict noted here.

use febraban_cnab::{ProblemKind, ReadErrorKind, ReadOptions, validate};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions").join(name)).unwrap()
}

#[test]
fn control_character_in_reserved_column() {
    // A 0x1E in a reserved text column read fine but could not be written back.
    let report = validate(fixture("control-character-in-reserved-column.txt").as_slice(), ReadOptions::default());
    let control = report.problems.iter().find(|p| matches!(&p.kind, ProblemKind::Read(ReadErrorKind::Field(f)) if f.problem == febraban_cnab::layout::FieldProblem::Control('\u{1e}')));
    assert!(control.is_some(), "{:?}", report.problems.iter().map(ToString::to_string).collect::<Vec<_>>());
}

#[test]
fn symbol_without_ascii_form_in_name() {
    // A '¨' (Latin-1 0xA8) in the company name read fine but could not be written as ASCII.
    let report = validate(fixture("symbol-without-ascii-form-in-name.txt").as_slice(), ReadOptions::default());
    let found = report.problems.iter().find(|p| matches!(&p.kind, ProblemKind::Read(ReadErrorKind::Field(f)) if f.field == "company_name" && f.problem == febraban_cnab::layout::FieldProblem::Character('¨')));
    assert!(found.is_some(), "{:?}", report.problems.iter().map(ToString::to_string).collect::<Vec<_>>());
}

#[test]
fn detail_of_another_bank() {
    // A detail with bank 431 in a file of bank 341 validated, and the writer rewrote its bank.
    let report = validate(fixture("detail-of-another-bank.txt").as_slice(), ReadOptions::default());
    let found = report.problems.iter().find(|p| matches!(p.kind, ProblemKind::Bank { expected: 341, found: 431 }));
    assert!(found.is_some(), "{:?}", report.problems.iter().map(ToString::to_string).collect::<Vec<_>>());
}
