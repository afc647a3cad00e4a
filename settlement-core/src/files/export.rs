//! Writing payments out as files: CSV and JSON, a page at a time.

use serde_json::{Value, json};

use crate::payment::Payment;
use crate::time_format;

/// The CSV columns of an export, the document's first: an exported file imports back with the
/// same parties, amounts and external ids (the import ignores the columns that are not
/// payment fields).
pub const CSV_COLUMNS: [&str; 22] = [
    "debtor_ispb",
    "creditor_ispb",
    "amount",
    "status",
    "end_to_end_id",
    "id",
    "external_id",
    "currency",
    "debtor_document",
    "debtor_name",
    "debtor_account_no",
    "debtor_account_type",
    "debtor_branch",
    "creditor_document",
    "creditor_name",
    "creditor_account_no",
    "creditor_account_type",
    "creditor_branch",
    "description",
    "tx_id",
    "created_at",
    "processed_at",
];

/// The fields an export carries that are not payment request fields: an import skips them.
pub const EXPORT_ONLY_FIELDS: [&str; 8] =
    ["id", "unique_id", "status", "end_to_end_id", "created_at", "updated_at", "processed_at", "created_by"];

/// The CSV header row, with its line break.
pub fn csv_header() -> String {
    format!("{}\n", CSV_COLUMNS.join(","))
}

/// Payments as CSV rows.
pub fn csv_rows(payments: &[Payment]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    for p in payments {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        writer.write_record([
            p.debtor_ispb.clone(),
            p.creditor_ispb.clone(),
            p.amount.to_string(),
            p.status.as_str().to_owned(),
            text(&p.end_to_end_id),
            p.id.to_string(),
            text(&p.external_id),
            p.currency.clone(),
            text(&p.debtor_document),
            text(&p.debtor_name),
            text(&p.debtor_account_no),
            p.debtor_account_type.map(|kind| kind.as_str().to_owned()).unwrap_or_default(),
            text(&p.debtor_branch),
            text(&p.creditor_document),
            text(&p.creditor_name),
            text(&p.creditor_account_no),
            p.creditor_account_type.map(|kind| kind.as_str().to_owned()).unwrap_or_default(),
            text(&p.creditor_branch),
            text(&p.description),
            text(&p.tx_id),
            time_format::format(p.created_at),
            p.processed_at.map(time_format::format).unwrap_or_default(),
        ])?;
    }
    writer.into_inner().map_err(|error| csv::Error::from(error.into_error()))
}

/// A payment as a JSON export element: the document's fields and every request field.
pub fn json_element(payment: &Payment) -> Value {
    let mut value = serde_json::to_value(payment).unwrap_or_else(|_| json!({}));
    if let Some(object) = value.as_object_mut() {
        // Who created it belongs to this service, not to the file.
        object.remove("created_by");
        object.remove("unique_id");
    }
    value
}
