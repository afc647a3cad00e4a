//! Reads and validates a CNAB240 or CNAB400 file (told apart by the first line's length): a
//! summary (the bank and the profile it was read by, remessa or retorno, the details by segment
//! or record type, the totals), then every problem and warning with its line, columns and field. Exit status 0 when
//! valid, 1 when not, 2 on bad usage.
//!
//! ```sh
//! cargo run -p febraban-cnab --example validate -- [--lenient] [--json] FILE
//! ```

use std::fs::File;
use std::io::BufReader;
use std::process::exit;

use febraban_cnab::{Problem, ProblemKind, ReadErrorKind, ReadOptions, Report, validate_file};
use serde_json::{Value, json};

fn problem_json(problem: &Problem) -> Value {
    let mut value = json!({ "line": problem.line, "message": problem.kind.to_string() });
    if let ProblemKind::Read(ReadErrorKind::Field(field)) = &problem.kind {
        value["field"] = json!(field.field);
        value["columns"] = json!([field.start, field.end]);
        value["found"] = json!(field.found);
    }
    if let ProblemKind::ControlMismatch { field, declared, computed } = &problem.kind {
        value["field"] = json!(field);
        value["declared"] = json!(declared);
        value["computed"] = json!(computed);
    }
    value
}

fn print_json(path: &str, format: &str, report: &Report) {
    let summary = &report.summary;
    let value = json!({
        "file": path,
        "format": format,
        "valid": report.is_valid(),
        "bank": summary.bank,
        "profile": summary.profile,
        "direction": summary.direction.map(|d| d.to_string()),
        "details": summary.details,
        "batches": summary.batches,
        "records": summary.records,
        "payments": summary.payments,
        "total_amount_centavos": summary.total_amount,
        "problems": report.problems.iter().map(problem_json).collect::<Vec<_>>(),
        "warnings": report.warnings.iter().map(|w| json!({ "line": w.line, "message": w.to_string() })).collect::<Vec<_>>(),
    });
    println!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
}

fn print_text(path: &str, format: &str, report: &Report) {
    println!("{path}: {format}, {}", report.summary);
    for warning in &report.warnings {
        println!("warning: {warning}");
    }
    for problem in &report.problems {
        println!("error: {problem}");
    }
    println!("{}", if report.is_valid() { "valid" } else { "INVALID" });
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let lenient = args.iter().any(|a| a == "--lenient");
    let as_json = args.iter().any(|a| a == "--json");
    args.retain(|a| a != "--lenient" && a != "--json");
    let [path] = args.as_slice() else {
        eprintln!("usage: validate [--lenient] [--json] FILE");
        exit(2);
    };
    let file = match File::open(path) {
        Ok(file) => file,
        Err(error) => {
            eprintln!("{path}: {error}");
            exit(2);
        }
    };
    let input = BufReader::with_capacity(64 * 1024, file);
    let options = ReadOptions { lenient, ..Default::default() };
    let (layout, report) = validate_file(input, options);
    let format = layout.name();
    if as_json {
        print_json(path, format, &report)
    } else {
        print_text(path, format, &report)
    }
    exit(if report.is_valid() { 0 } else { 1 });
}
