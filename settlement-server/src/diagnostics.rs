//! Offline diagnostics for operators, printed the way a compiler prints them: the offending
//! line, and a caret under the columns at fault.

use std::ops::Range;

use ariadne::{Config, Label, Report, ReportKind, Source};
use febraban_cnab::{Problem, ProblemKind, ReadErrorKind, ReadOptions};

/// Renders one diagnostic: `message` about `source` (named `name`, whose first line is line
/// `first_line` of its file), the label under `span`.
fn render(
    name: &str,
    (source, first_line): (&str, usize),
    span: Range<usize>,
    message: &str,
    label: &str,
    color: bool,
) -> String {
    let mut out = Vec::new();
    // ariadne numbers the gutter from the source's first line whatever its display offset, so
    // the line is preceded by empty ones: it is then shown as the file's line `first_line`.
    let mut text = "\n".repeat(first_line.saturating_sub(1));
    text.push_str(source);
    let offset = text.chars().count() - source.chars().count();
    let span = span.start + offset..span.end + offset;
    let report = report_with(name, span, message, label, color);
    if report.write((name, Source::from(text)), &mut out).is_err() {
        return format!("error: {message}\n");
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn report_with<'a>(
    name: &'a str,
    span: Range<usize>,
    message: &str,
    label: &str,
    color: bool,
) -> Report<'a, (&'a str, Range<usize>)> {
    Report::build(ReportKind::Error, (name, span.clone()))
        .with_config(Config::default().with_color(color))
        .with_message(message)
        .with_label(Label::new((name, span)).with_message(label))
        .finish()
}

/// Decodes a BR Code: its fields as JSON when valid, else the error under the offending
/// characters. Returns the text and whether the payload is valid.
pub fn brcode(payload: &str, color: bool) -> (String, bool) {
    match brcode_pix::decode(payload) {
        Ok(code) => (serde_json::to_string_pretty(&code).unwrap_or_default() + "\n", true),
        Err(error) => {
            // The offset is in bytes; ariadne counts characters.
            let start = payload.get(..error.offset()).map_or(0, |head| head.chars().count());
            let end = (start + 1).min(payload.chars().count().max(1));
            (
                render(
                    "payload",
                    (payload, 1),
                    start..end,
                    &error.to_string(),
                    &format!("field {}", error.path()),
                    color,
                ),
                false,
            )
        }
    }
}

/// The text of line `number` (1-based) of a Latin-1 file.
fn line_of(bytes: &[u8], number: usize) -> Option<String> {
    let line = bytes.split(|&b| b == b'\n').nth(number.checked_sub(1)?)?;
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    Some(line.iter().map(|&b| char::from(b)).collect())
}

/// How many problems are shown under their line.
const SNIPPETS: usize = 100;

/// The first `start-end` of a name like `batch trailer boleto counts (24-29, 47-52)`.
fn first_columns(name: &str) -> Option<(usize, usize)> {
    let inside = name.rsplit_once('(')?.1;
    let (start, rest) = inside.split_once('-')?;
    let end: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((start.parse().ok()?, end.parse().ok()?))
}

fn problem(path: &str, bytes: &[u8], problem: &Problem, color: bool) -> String {
    let message = problem.kind.to_string();
    let columns = match &problem.kind {
        ProblemKind::Read(ReadErrorKind::Field(field)) => Some((field.start, field.end, field.field)),
        // A trailer's count or sum names its first columns, "... (18-23)".
        ProblemKind::ControlMismatch { field, .. } => first_columns(field).map(|(start, end)| (start, end, *field)),
        _ => None,
    };
    match (columns, line_of(bytes, problem.line)) {
        (Some((start, end, field)), Some(line)) if start >= 1 && end <= line.chars().count() => {
            // ariadne adds the line and column to the name.
            let name = path.to_string();
            let label = if field.ends_with(')') { field.to_string() } else { format!("{field} ({start}-{end})") };
            render(
                &name,
                (&line, problem.line),
                start - 1..end,
                &format!("line {}: {message}", problem.line),
                &label,
                color,
            )
        }
        _ => format!("error: {problem}\n"),
    }
}

/// The same report as data: the layout, the profile, remessa or retorno, the details by segment
/// or record type, the totals, every warning and every problem with its line, field and columns.
pub fn cnab_json(path: &str, bytes: &[u8], lenient: bool) -> (String, bool) {
    let options = ReadOptions { lenient, ..Default::default() };
    let (layout, report) = febraban_cnab::validate_file(bytes, options);
    let summary = &report.summary;
    let problems: Vec<serde_json::Value> = report
        .problems
        .iter()
        .map(|problem| {
            let mut value = serde_json::json!({ "line": problem.line, "message": problem.kind.to_string() });
            match &problem.kind {
                ProblemKind::Read(ReadErrorKind::Field(field)) => {
                    value["field"] = field.field.into();
                    value["columns"] = serde_json::json!([field.start, field.end]);
                    value["found"] = field.found.clone().into();
                }
                ProblemKind::ControlMismatch { field, declared, computed } => {
                    value["field"] = (*field).into();
                    if let Some((start, end)) = first_columns(field) {
                        value["columns"] = serde_json::json!([start, end]);
                    }
                    value["declared"] = (*declared).into();
                    value["computed"] = (*computed).into();
                }
                _ => {}
            }
            value
        })
        .collect();
    let value = serde_json::json!({
        "file": path,
        "layout": layout.name(),
        "valid": report.is_valid(),
        "bank": summary.bank,
        "profile": summary.profile,
        "direction": summary.direction.map(|d| d.to_string()),
        "batches": summary.batches,
        "records": summary.records,
        "details": summary.details,
        "payments": summary.payments,
        "total_amount_centavos": summary.total_amount,
        "warnings": report.warnings.iter().map(|w| serde_json::json!({ "line": w.line, "message": w.to_string() })).collect::<Vec<_>>(),
        "problems": problems,
    });
    (serde_json::to_string_pretty(&value).unwrap_or_default() + "\n", report.is_valid())
}

/// Validates a CNAB240 or CNAB400 file (told apart by its first line's length): a summary, then
/// each problem with its line and columns. Returns the text and whether the file is valid.
pub fn cnab(path: &str, bytes: &[u8], lenient: bool, color: bool) -> (String, bool) {
    let options = ReadOptions { lenient, ..Default::default() };
    let (layout, report) = febraban_cnab::validate_file(bytes, options);
    let mut out = format!("{path}: {}, {}\n", layout.name(), report.summary);
    for warning in &report.warnings {
        out.push_str(&format!("warning: {warning}\n"));
    }
    // Each snippet costs a pass over the file up to its line: past the first hundred, problems
    // are listed plainly.
    for (n, p) in report.problems.iter().enumerate() {
        match n < SNIPPETS {
            true => out.push_str(&problem(path, bytes, p, color)),
            false => out.push_str(&format!("error: {p}\n")),
        }
    }
    out.push_str(if report.is_valid() { "valid\n" } else { "INVALID\n" });
    (out, report.is_valid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_crc_is_shown_under_its_characters() {
        let (text, valid) = brcode(
            "00020126330014br.gov.bcb.pix0111123456789095204000053039865802BR5913FULANO DE TAL6008BRASILIA62070503***63041D3E",
            false,
        );
        assert!(!valid);
        assert!(text.contains("CRC") || text.contains("crc"), "{text}");
        assert!(text.contains('^') || text.contains('─'), "{text}");
    }

    #[test]
    fn a_cnab_field_error_points_at_its_columns() {
        let mut line = vec![b'0'; 240];
        line[7] = b'0';
        let (text, valid) = cnab("f.rem", &line, false, false);
        assert!(!valid);
        assert!(text.contains("INVALID"), "{text}");
    }
}
