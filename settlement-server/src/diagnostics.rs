//! Offline diagnostics for operators, printed the way a compiler prints them: the offending
//! line, and a caret under the columns at fault.

use std::ops::Range;

use ariadne::{Config, Label, Report, ReportKind, Source};
use febraban_cnab::{Problem, ProblemKind, ReadErrorKind, ReadOptions};

/// Renders one diagnostic: `message` about `source` (named `name`), the label under `span`.
fn render(name: &str, source: &str, span: Range<usize>, message: &str, label: &str, color: bool) -> String {
    let mut out = Vec::new();
    let report = Report::build(ReportKind::Error, (name, span.clone()))
        .with_config(Config::default().with_color(color))
        .with_message(message)
        .with_label(Label::new((name, span)).with_message(label))
        .finish();
    if report.write((name, Source::from(source)), &mut out).is_err() {
        return format!("error: {message}\n");
    }
    String::from_utf8_lossy(&out).into_owned()
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
                render("payload", payload, start..end, &error.to_string(), &format!("field {}", error.path()), color),
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

fn problem(path: &str, bytes: &[u8], problem: &Problem, color: bool) -> String {
    let message = problem.kind.to_string();
    let columns = match &problem.kind {
        ProblemKind::Read(ReadErrorKind::Field(field)) => Some((field.start, field.end, field.field)),
        _ => None,
    };
    match (columns, line_of(bytes, problem.line)) {
        (Some((start, end, field)), Some(line)) if end <= line.chars().count() => {
            let name = format!("{path}:{}", problem.line);
            render(
                &name,
                &line,
                start - 1..end,
                &format!("line {}: {message}", problem.line),
                &format!("{field} ({start}-{end})"),
                color,
            )
        }
        _ => format!("error: {problem}\n"),
    }
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
    for p in &report.problems {
        out.push_str(&problem(path, bytes, p, color));
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
