//! Reading payment files into records, streaming: a record at a time reaches the sink, so a
//! 100 MB file costs no more memory than a small one.

use std::fmt;
use std::io::{BufRead, BufReader, Read};

use serde::de::{Deserializer as _, Error as _, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{FileType, ParsedRecord, participants};

/// Why a file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The line (or JSON element), when known.
    pub line: Option<u64>,
    /// What is wrong, naming the column or field.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl ParseError {
    pub(crate) fn at(line: u64, message: impl Into<String>) -> Self {
        ParseError { line: Some(line), message: message.into() }
    }

    pub(crate) fn file(message: impl Into<String>) -> Self {
        ParseError { line: None, message: message.into() }
    }

    /// A CNAB reader's error, at its line.
    pub(crate) fn of_read(error: febraban_cnab::ReadError) -> Self {
        ParseError::at(error.line as u64, error.kind.to_string())
    }
}

/// A line as text: CNAB files are single-byte (Latin-1), each byte one character.
pub(crate) fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// What the consumer of records answers: go on, or stop (it failed; its own error says why).
pub type Sink<'a> = dyn FnMut(ParsedRecord) -> Result<(), ()> + 'a;

/// What a file's first bytes look like.
pub fn sniff(head: &[u8]) -> Option<FileType> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    if matches!(head[start], b'[' | b'{') {
        return Some(FileType::Json);
    }
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    match line.len() {
        240 if line[..3].iter().all(u8::is_ascii_digit) => Some(FileType::Cnab240),
        400 if line[0] == b'0' => Some(FileType::Cnab400),
        _ if line.contains(&b',') => Some(FileType::Csv),
        _ => None,
    }
}

/// The payment fields a CSV column may carry, by header name.
const CSV_COLUMNS: [&str; 19] = [
    "external_id",
    "amount",
    "currency",
    "debtor_ispb",
    "debtor_document",
    "debtor_name",
    "debtor_account_no",
    "debtor_account_type",
    "debtor_branch",
    "creditor_ispb",
    "creditor_document",
    "creditor_name",
    "creditor_account_no",
    "creditor_account_type",
    "creditor_branch",
    "description",
    "qr_code_data",
    "tx_id",
    "scheduled_date",
];

/// The columns every CSV file must have.
const CSV_REQUIRED: [&str; 3] = ["debtor_ispb", "creditor_ispb", "amount"];

/// A reader without a leading UTF-8 byte order mark.
fn without_bom<R: Read>(input: R) -> Result<impl BufRead, ParseError> {
    let mut reader = BufReader::with_capacity(64 * 1024, input);
    let head = reader.fill_buf().map_err(|e| ParseError::file(format!("cannot read the file: {e}")))?;
    if head.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    Ok(reader)
}

/// Reads a CSV file: a header row naming the columns (any order; `debtor_ispb`,
/// `creditor_ispb` and `amount` required; columns that are not payment fields are ignored),
/// quoted fields, embedded commas and line breaks, CRLF or LF, a UTF-8 BOM.
pub fn csv<R: Read>(input: R, sink: &mut Sink<'_>) -> Result<u64, ParseError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(without_bom(input)?);
    let headers = reader.headers().map_err(|e| csv_error(&e))?.clone();
    let names: Vec<String> = headers.iter().map(|name| name.trim().to_ascii_lowercase()).collect();
    if let Some(missing) = CSV_REQUIRED.iter().find(|required| !names.iter().any(|name| name == *required)) {
        return Err(ParseError::at(1, format!("the header row has no {missing} column (found: {})", names.join(", "))));
    }
    if let Some(twice) = names.iter().enumerate().find(|(i, name)| names[..*i].contains(name)).map(|(_, name)| name) {
        return Err(ParseError::at(1, format!("the header row names {twice} twice")));
    }
    let mut record = csv::StringRecord::new();
    let mut count = 0;
    // The reader counts line feeds; line breaks inside quoted fields come on top. A lone CR also
    // ends a record (old Mac files) without a line feed: such a record is the line after the last.
    let mut embedded_breaks = 0;
    let mut last_line = 1;
    while reader.read_record(&mut record).map_err(|e| csv_error(&e))? {
        let line = (record.position().map_or(0, |p| p.line()) + embedded_breaks).max(last_line + 1);
        last_line = line;
        embedded_breaks += record.iter().map(|field| field.matches('\n').count() as u64).sum::<u64>();
        let mut fields = Map::new();
        for (name, value) in names.iter().zip(record.iter()) {
            let value = value.trim();
            if value.is_empty() || !CSV_COLUMNS.contains(&name.as_str()) {
                continue;
            }
            let value = match (name.as_str(), value.parse::<i64>()) {
                // A number where one belongs; anything else stays text and fails, naming the
                // field, when the record is processed.
                ("amount", Ok(number)) => Value::from(number),
                _ => Value::from(value),
            };
            fields.insert(name.clone(), value);
        }
        let raw_data = csv_line(&record);
        count += 1;
        sink(ParsedRecord::payment(line, raw_data, Value::Object(fields)))
            .map_err(|()| ParseError::at(line, "stopped"))?;
    }
    if count == 0 {
        return Err(ParseError::file("the file has a header row but no records"));
    }
    Ok(count)
}

/// The record written back as one CSV row, quoting only the fields that need it.
fn csv_line(record: &csv::StringRecord) -> String {
    let mut line = String::new();
    for (index, field) in record.iter().enumerate() {
        if index > 0 {
            line.push(',');
        }
        if field.contains([',', '"', '\n', '\r']) {
            line.push('"');
            line.push_str(&field.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(field);
        }
    }
    line
}

fn csv_error(error: &csv::Error) -> ParseError {
    let line = error.position().map(|p| p.line());
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("this row has {len} fields where the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "the row is not UTF-8 text".to_owned(),
        _ => error.to_string(),
    };
    ParseError { line, message }
}

/// Reads a JSON array of payment objects, an element at a time.
pub fn json<R: Read>(input: R, sink: &mut Sink<'_>) -> Result<u64, ParseError> {
    struct Elements<'s, 'a> {
        sink: &'s mut Sink<'a>,
    }

    impl<'de> Visitor<'de> for Elements<'_, '_> {
        type Value = u64;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON array of payment objects")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
            let mut count = 0;
            while let Some(raw) = seq.next_element::<Box<RawValue>>()? {
                count += 1;
                let fields: Value = serde_json::from_str(raw.get()).map_err(A::Error::custom)?;
                let record = ParsedRecord::payment(count, raw.get().to_owned(), fields);
                (self.sink)(record).map_err(|()| A::Error::custom("stopped"))?;
            }
            Ok(count)
        }
    }

    let mut deserializer = serde_json::Deserializer::from_reader(without_bom(input)?);
    let count = deserializer.deserialize_seq(Elements { sink }).map_err(|e| json_error(&e))?;
    deserializer.end().map_err(|e| json_error(&e))?;
    if count == 0 {
        return Err(ParseError::file("the JSON array is empty"));
    }
    Ok(count)
}

fn json_error(error: &serde_json::Error) -> ParseError {
    ParseError { line: Some(error.line() as u64), message: format!("{error}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(kind: FileType, text: &str) -> Result<Vec<ParsedRecord>, ParseError> {
        let mut records = Vec::new();
        let mut sink = |record| {
            records.push(record);
            Ok(())
        };
        match kind {
            FileType::Csv => csv(text.as_bytes(), &mut sink)?,
            FileType::Json => json(text.as_bytes(), &mut sink)?,
            _ => unreachable!(),
        };
        Ok(records)
    }

    #[test]
    fn the_documents_csv_imports() {
        let text = "debtor_ispb,creditor_ispb,amount,description\n12345678,87654321,15000,Payment 1\n12345678,87654321,25000,Payment 2\n";
        let records = read(FileType::Csv, text).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].line_number, 2);
        assert_eq!(records[0].raw_data, "12345678,87654321,15000,Payment 1");
        assert_eq!(records[1].fields["amount"], 25000);
        assert_eq!(records[1].fields["description"], "Payment 2");
    }

    #[test]
    fn csv_quotes_crlf_bom_any_order() {
        let text = "\u{FEFF}amount,Description,creditor_ispb,debtor_ispb,colour\r\n150,\"Rent, March\r\nand April\",87654321,12345678,red\r\nabc,x,87654321,12345678,\r\n";
        let records = read(FileType::Csv, text).unwrap();
        assert_eq!(records[0].fields["description"], "Rent, March\r\nand April");
        assert_eq!(records[0].fields.get("colour"), None);
        assert_eq!(records[1].line_number, 4);
        assert_eq!(records[1].fields["amount"], "abc");
        let missing = read(FileType::Csv, "debtor_ispb,amount\n1,2\n").unwrap_err();
        assert_eq!(
            missing.to_string(),
            "line 1: the header row has no creditor_ispb column (found: debtor_ispb, amount)"
        );
        let ragged = read(FileType::Csv, "debtor_ispb,creditor_ispb,amount\n1,2\n").unwrap_err();
        assert_eq!(ragged.to_string(), "line 2: this row has 2 fields where the header has 3");
    }

    #[test]
    fn lines_ended_by_a_lone_cr_count_as_lines() {
        // Found by the import_parse fuzz target: records ended by CR alone shared one line number.
        let text = "debtor_ispb,creditor_ispb,amount\r12345678,87654321,1\r12345678,87654321,2\r12345678,87654321,3\n";
        let lines: Vec<u64> = read(FileType::Csv, text).unwrap().iter().map(|r| r.line_number).collect();
        assert_eq!(lines, [2, 3, 4]);
    }

    #[test]
    fn json_arrays_stream_their_elements() {
        let records = read(FileType::Json, r#" [ {"amount": 1, "debtor_ispb": "1"}, {"amount": 2} ] "#).unwrap();
        assert_eq!((records.len(), records[1].line_number), (2, 2));
        assert_eq!(records[0].raw_data, r#"{"amount": 1, "debtor_ispb": "1"}"#);
        assert!(read(FileType::Json, r#"{"amount": 1}"#).is_err());
        assert!(read(FileType::Json, r#"[{"amount": 1}"#).is_err());
        assert!(read(FileType::Json, r#"[] x"#).is_err());
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff(b"\xEF\xBB\xBF [{}]"), Some(FileType::Json));
        assert_eq!(sniff(b"a,b\n"), Some(FileType::Csv));
        assert_eq!(sniff(format!("{}\r\n", "3".repeat(240)).as_bytes()), Some(FileType::Cnab240));
        assert_eq!(sniff(format!("0{}\r\n", " ".repeat(399)).as_bytes()), Some(FileType::Cnab400));
        assert_eq!(sniff(b""), None);
    }
}

/// What a CNAB file does not say that its payments need.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CnabContext {
    /// The debtor's ISPB, when the file's bank is not in the participants table (or to
    /// override it).
    pub debtor_ispb: Option<String>,
}

/// The company (batch header) a CNAB240 payment batch pays from.
#[derive(Debug, Clone, Default)]
struct Payer {
    ispb: Option<String>,
    document: Option<String>,
    name: Option<String>,
    branch: Option<String>,
    account: Option<String>,
}

/// A payment being read from a CNAB file: its first line, its lines, its fields.
type Pending = (u64, String, Map<String, Value>);

/// Sends the payment being read, if any, to the sink.
fn emit_pending(pending: &mut Option<Pending>, count: &mut u64, sink: &mut Sink<'_>) -> Result<(), ParseError> {
    if let Some((line, raw, fields)) = pending.take() {
        *count += 1;
        sink(ParsedRecord::payment(line, raw, Value::Object(fields))).map_err(|()| ParseError::at(line, "stopped"))?;
    }
    Ok(())
}

/// A CNAB file, buffered for a pass.
pub(crate) fn open_cnab(path: &std::path::Path) -> Result<BufReader<std::fs::File>, ParseError> {
    std::fs::File::open(path)
        .map(|file| BufReader::with_capacity(256 * 1024, file))
        .map_err(|e| ParseError::file(format!("cannot read the file: {e}")))
}

/// The first problem of a CNAB file that does not validate strictly, and how many more.
pub(crate) fn refuse_invalid(report: &febraban_cnab::Report) -> Result<(), ParseError> {
    let Some(first) = report.problems.first() else { return Ok(()) };
    let more = report.problems.len() - 1;
    let message = if more > 0 { format!("{} (and {more} more problems)", first.kind) } else { first.kind.to_string() };
    Err(ParseError::at(first.line as u64, message))
}

/// Whether a CNAB file is a retorno; an error when it is one that does not validate leniently
/// (a retorno is what a bank sends, read with the deviations real files have). `strict` is the
/// file's strict verdict; `lenient` validates it leniently, only when the strict verdict does
/// not settle it: a header that does not read strictly (a right-trimmed retorno) may read
/// leniently, and a strictly valid file is valid leniently too.
fn is_retorno(
    strict: &febraban_cnab::Report,
    lenient: impl FnOnce() -> Result<febraban_cnab::Report, ParseError>,
) -> Result<bool, ParseError> {
    use febraban_cnab::Direction::{Remessa, Retorno};
    match strict.summary.direction {
        Some(Retorno) if strict.is_valid() => Ok(true),
        Some(Remessa) => Ok(false),
        None if strict.is_valid() => Ok(false),
        _ => {
            let lenient = lenient()?;
            if lenient.summary.direction != Some(Retorno) {
                return Ok(false);
            }
            refuse_invalid(&lenient)?;
            Ok(true)
        }
    }
}

/// The debtor fields of a payment the batch's company makes.
fn payer_fields(payer: &Payer) -> Map<String, Value> {
    let mut fields = Map::new();
    for (name, value) in [
        ("debtor_ispb", payer.ispb.clone()),
        ("debtor_document", payer.document.clone()),
        ("debtor_name", payer.name.clone()),
        ("debtor_branch", payer.branch.clone()),
        ("debtor_account_type", payer.account.as_ref().map(|_| "CACC".to_owned())),
        ("debtor_account_no", payer.account.clone()),
    ] {
        if let Some(value) = value {
            fields.insert(name.to_owned(), Value::from(value));
        }
    }
    fields
}

/// A CPF (type 1) or CNPJ (type 2) written as CNAB writes numbers: zero-padded to 14 digits.
pub(crate) fn document(kind: u64, number: u64) -> Option<String> {
    match (kind, number) {
        (_, 0) => None,
        (1, number) => Some(format!("{number:011}")),
        (_, number) => Some(format!("{number:014}")),
    }
}

fn account(number: Option<u64>, digit: &str) -> Option<String> {
    let number = number.filter(|n| *n > 0)?;
    let digit = digit.trim();
    Some(if digit.is_empty() { number.to_string() } else { format!("{number}-{digit}") })
}

/// The external id of a seu número: what follows the service's reference when this service
/// wrote the file, else the whole field.
fn external_id(field: &str) -> Option<String> {
    match super::reference::split(field) {
        Some((_, beside)) => beside.map(str::to_owned),
        None => text(field),
    }
}

/// The external id of a boleto this service wrote: its uso da empresa holds the service's
/// reference, the external id beside it, else the seu número carries it (unless it holds the
/// reference too). `None` when the boleto was written elsewhere.
fn written_here(company_reference: &str, document_number: Option<&str>) -> Option<Option<String>> {
    let (_, beside) = super::reference::split(company_reference)?;
    let document = document_number.filter(|number| super::reference::split(number).is_none());
    Some(beside.or(document).map(str::to_owned))
}

pub(crate) fn text(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// Reads a CNAB240 remessa: the file must validate strictly (structure and every trailer),
/// then each payment becomes a record. A segment A with its B (a transfer, Pix included) and a
/// segment J with its J-52 (a boleto or Pix QR code paid) are payments from the batch's company;
/// a segment P with its Q and R (cobrança) is a payment to collect from the pagador to the
/// company. A retorno (the file header says so) is read as one, by `retorno`.
pub fn cnab240(path: &std::path::Path, context: &CnabContext, sink: &mut Sink<'_>) -> Result<u64, ParseError> {
    use febraban_cnab::cnab240::Record;
    let open = || open_cnab(path);
    // Two passes, each in constant memory: the whole file validates first, so that a file
    // whose trailers do not reconcile stores nothing.
    let report = febraban_cnab::validate(open()?, febraban_cnab::ReadOptions::default());
    if is_retorno(&report, || Ok(febraban_cnab::validate(open()?, super::retorno::LENIENT)))? {
        return super::retorno::cnab240(path, sink);
    }
    refuse_invalid(&report)?;
    let mut payer = Payer::default();
    // The file's bank: where the company's account is.
    let mut file_bank_ispb: Option<String> = None;
    // A payment spans records (A and B, J and J-52, P and Q, a detail and its Pix record):
    // it is complete, and goes to the sink, when the next one starts.
    let mut pending: Option<Pending> = None;
    let mut count = 0;
    let mut emit = |pending: &mut Option<Pending>, count: &mut u64| emit_pending(pending, count, sink);
    let write_options = febraban_cnab::WriteOptions::default();
    // How the bank lays out what the FEBRABAN layout leaves open (Itaú's J-52 TXID).
    let mut profile = febraban_cnab::Profile::FEBRABAN;
    for item in febraban_cnab::Reader::new(open()?) {
        let (line, record) = item.map_err(ParseError::of_read)?;
        let line = line as u64;
        // A strictly valid line writes back to the same bytes (the codec's round-trip tests).
        if let Record::FileHeader(header) = &record {
            profile = febraban_cnab::Profile::for_header(header.bank, header.layout_version);
        }
        let raw_line =
            || record.to_line(profile, &write_options).map_or_else(|_| String::new(), |bytes| latin1(&bytes));
        match &record {
            Record::FileHeader(header) => {
                file_bank_ispb = participants::ispb_of(header.bank).map(str::to_owned);
            }
            Record::PaymentBatchHeader(header) => {
                emit(&mut pending, &mut count)?;
                payer = Payer {
                    ispb: context.debtor_ispb.clone().or_else(|| file_bank_ispb.clone()),
                    document: document(header.company_document_type, header.company_document),
                    name: text(&header.company_name),
                    branch: header.agency.filter(|a| *a > 0).map(|a| a.to_string()),
                    account: account(header.account, &header.account_digit),
                };
            }
            Record::SegmentA(a) => {
                emit(&mut pending, &mut count)?;
                let mut fields = payer_fields(&payer);
                let mut put = |name: &str, value: Option<String>| {
                    if let Some(value) = value {
                        fields.insert(name.to_owned(), Value::from(value));
                    }
                };
                put("creditor_ispb", participants::ispb_of(a.payee_bank).map(str::to_owned));
                put("creditor_name", text(&a.payee_name));
                put("creditor_branch", a.payee_agency.filter(|n| *n > 0).map(|n| n.to_string()));
                let payee_account = account(a.payee_account, &a.payee_account_digit);
                put("creditor_account_type", payee_account.as_ref().map(|_| "CACC".to_owned()));
                put("creditor_account_no", payee_account);
                put("external_id", external_id(&a.your_number));
                put("description", text(&a.information));
                if let Some(date) = a.payment_date {
                    put("scheduled_date", Some(format!("{date}T00:00:00Z")));
                }
                fields.insert("amount".to_owned(), Value::from(i64::try_from(a.amount).unwrap_or(i64::MAX)));
                pending = Some((line, raw_line(), fields));
            }
            Record::SegmentBPix(b) => {
                if let Some((_, raw, fields)) = pending.as_mut() {
                    let mut put = |name: &str, value: Option<String>| {
                        if let Some(value) = value {
                            fields.insert(name.to_owned(), Value::from(value));
                        }
                    };
                    put("creditor_document", document(b.payee_document_type, b.payee_document));
                    put("tx_id", text(&b.txid));
                    if let Some(message) = text(&b.message) {
                        put("description", Some(message));
                    }
                    if let Some(ispb) = b.ispb.filter(|i| *i > 0) {
                        put("creditor_ispb", Some(format!("{ispb:08}")));
                    }
                    raw.push('\n');
                    raw.push_str(&raw_line());
                }
            }
            Record::SegmentB(b) => {
                if let Some((_, raw, fields)) = pending.as_mut() {
                    if let Some(document) = document(b.payee_document_type, b.payee_document) {
                        fields.insert("creditor_document".to_owned(), Value::from(document));
                    }
                    raw.push('\n');
                    raw.push_str(&raw_line());
                }
            }
            Record::SegmentJ(j) => {
                // A boleto or Pix QR code paid by the company: the issuer's bank is the
                // barcode's first three digits.
                emit(&mut pending, &mut count)?;
                let mut fields = payer_fields(&payer);
                let issuer = j.barcode.get(..3).and_then(|code| code.parse::<u64>().ok()).filter(|code| *code > 0);
                let mut put = |name: &str, value: Option<String>| {
                    if let Some(value) = value {
                        fields.insert(name.to_owned(), Value::from(value));
                    }
                };
                put("creditor_ispb", issuer.and_then(participants::ispb_of).map(str::to_owned));
                put("creditor_name", text(&j.payee_name));
                put("external_id", text(&j.your_number));
                if let Some(date) = j.payment_date {
                    put("scheduled_date", Some(format!("{date}T00:00:00Z")));
                }
                let amount = if j.amount > 0 { j.amount } else { j.face_amount };
                fields.insert("amount".to_owned(), Value::from(i64::try_from(amount).unwrap_or(i64::MAX)));
                let barcode: String = j.barcode.chars().filter(|c| *c != '0').collect();
                if !barcode.is_empty() {
                    fields.insert(
                        "additional_info".to_owned(),
                        serde_json::json!([{ "key": "barcode", "value": j.barcode.as_str() }]),
                    );
                }
                pending = Some((line, raw_line(), fields));
            }
            Record::SegmentJ52(j52) => {
                if let Some((_, raw, fields)) = pending.as_mut() {
                    if let Some(document) = document(j52.payee_document_type, j52.payee_document) {
                        fields.insert("creditor_document".to_owned(), Value::from(document));
                    }
                    raw.push('\n');
                    raw.push_str(&raw_line());
                }
            }
            Record::SegmentJ52Pix(j52) => {
                if let Some((_, raw, fields)) = pending.as_mut() {
                    if let Some(document) = document(j52.payee_document_type, j52.payee_document) {
                        fields.insert("creditor_document".to_owned(), Value::from(document));
                    }
                    if let Some(txid) = text(&j52.txid) {
                        fields.insert("tx_id".to_owned(), Value::from(txid));
                    }
                    if let Some(key) = text(&j52.key_or_url) {
                        let info = fields.entry("additional_info").or_insert_with(|| Value::Array(Vec::new()));
                        if let Some(items) = info.as_array_mut() {
                            items.push(serde_json::json!({ "key": "pix_key_or_url", "value": key }));
                        }
                    }
                    raw.push('\n');
                    raw.push_str(&raw_line());
                }
            }
            Record::CobrancaBatchHeader(header) => {
                emit(&mut pending, &mut count)?;
                // The company collects: it is the creditor, at the file's bank.
                payer = Payer {
                    ispb: file_bank_ispb.clone(),
                    document: document(header.company_document_type, header.company_document),
                    name: text(&header.company_name),
                    branch: None,
                    account: None,
                };
            }
            Record::SegmentP(p) => {
                emit(&mut pending, &mut count)?;
                let mut fields = Map::new();
                let mut put = |name: &str, value: Option<String>| {
                    if let Some(value) = value {
                        fields.insert(name.to_owned(), Value::from(value));
                    }
                };
                put("creditor_ispb", payer.ispb.clone());
                put("creditor_document", payer.document.clone());
                put("creditor_name", payer.name.clone());
                // A remessa does not say where the pagador banks.
                put("debtor_ispb", context.debtor_ispb.clone().or_else(|| file_bank_ispb.clone()));
                let external = written_here(&p.company_reference, text(&p.document_number).as_deref())
                    .unwrap_or_else(|| text(&p.document_number).or_else(|| text(&p.our_number)));
                put("external_id", external);
                put("description", text(&p.document_number).map(|number| format!("Boleto {number}")));
                if let Some(date) = p.due_date {
                    put("scheduled_date", Some(format!("{date}T00:00:00Z")));
                }
                fields.insert("amount".to_owned(), Value::from(i64::try_from(p.amount).unwrap_or(i64::MAX)));
                pending = Some((line, raw_line(), fields));
            }
            Record::SegmentQ(q) => {
                if let Some((_, raw, fields)) = pending.as_mut() {
                    if let Some(document) = document(q.payer_document_type, q.payer_document) {
                        fields.insert("debtor_document".to_owned(), Value::from(document));
                    }
                    if let Some(name) = text(&q.payer_name) {
                        fields.insert("debtor_name".to_owned(), Value::from(name));
                    }
                    raw.push('\n');
                    raw.push_str(&raw_line());
                }
            }
            Record::SegmentR(_) => {
                if let Some((_, raw, _)) = pending.as_mut() {
                    raw.push('\n');
                    raw.push_str(&raw_line());
                }
            }
            Record::SegmentT(_) | Record::SegmentU(_) => {
                return Err(ParseError::at(
                    line,
                    "this is a cobrança retorno (segments T and U): it reports what became of boletos; only a remessa creates payments",
                ));
            }
            _ => emit(&mut pending, &mut count)?,
        }
    }
    emit(&mut pending, &mut count)?;
    if count == 0 {
        return Err(ParseError::file("the file holds no payment (segments A, J or P)"));
    }
    Ok(count)
}

/// Reads a CNAB400 cobrança remessa (of any bank with a profile): the file must validate strictly; then
/// each detail (type 1) becomes a payment to collect, from its pagador to the company, with the
/// Pix key and TXID of the Pix record that follows it (Itaú type 3, Santander type 8) when there
/// is one. The pagador's institution is not in a remessa: the record carries the upload's
/// `debtor_ispb` when given, else the collecting bank's. A retorno is read as one
/// by `retorno`.
pub fn cnab400(path: &std::path::Path, context: &CnabContext, sink: &mut Sink<'_>) -> Result<u64, ParseError> {
    use febraban_cnab::cnab400::{Cnab400, Record};
    let open = || open_cnab(path);
    let report = febraban_cnab::cnab400::validate(open()?, febraban_cnab::ReadOptions::default());
    if is_retorno(&report, || Ok(febraban_cnab::cnab400::validate(open()?, super::retorno::LENIENT)))? {
        return super::retorno::cnab400(path, sink);
    }
    refuse_invalid(&report)?;
    let write_options = febraban_cnab::WriteOptions::default();
    let mut company: (Option<String>, Option<String>) = (None, None); // ISPB, name
    // A payment spans records (A and B, J and J-52, P and Q, a detail and its Pix record):
    // it is complete, and goes to the sink, when the next one starts.
    let mut pending: Option<Pending> = None;
    let mut count = 0;
    let mut emit = |pending: &mut Option<Pending>, count: &mut u64| emit_pending(pending, count, sink);
    let reader = febraban_cnab::Reader::with_format(open()?, febraban_cnab::ReadOptions::default(), Cnab400::default());
    for item in reader {
        let (line, record) = item.map_err(ParseError::of_read)?;
        let line = line as u64;
        let raw_line = || record.to_line(&write_options).map_or_else(|_| String::new(), |bytes| latin1(&bytes));
        // (amount, due date, document number, company reference, payer document type, payer document, payer name)
        let detail = match &record {
            Record::Header(header) => {
                let bank = header.bank.unwrap_or(0);
                company = (participants::ispb_of(bank).map(str::to_owned), text(&header.company_name));
                None
            }
            Record::Detail(d) => Some((
                d.face_value.unwrap_or(0),
                d.due_date,
                text(&d.document_number),
                text(&d.company_reference),
                d.payer_document_type,
                d.payer_document,
                text(&d.payer_name),
            )),
            Record::ItauPix(pix) => {
                if let Some((_, raw, fields)) = pending.as_mut() {
                    // A payment has no key field: the key and location travel as additional info.
                    let info: Vec<Value> = [("pix_key", text(&pix.key)), ("pix_location_id", text(&pix.location_id))]
                        .into_iter()
                        .filter_map(|(key, value)| value.map(|value| serde_json::json!({ "key": key, "value": value })))
                        .collect();
                    if !info.is_empty() {
                        fields.insert("additional_info".to_owned(), Value::Array(info));
                    }
                    raw.push('\n');
                    raw.push_str(&raw_line());
                }
                None
            }
            Record::SantanderPix(pix) => {
                if let Some((_, raw, fields)) = pending.as_mut() {
                    if let Some(txid) = text(&pix.txid) {
                        fields.insert("tx_id".to_owned(), Value::from(txid));
                    }
                    raw.push('\n');
                    raw.push_str(&raw_line());
                }
                None
            }
            _ => {
                emit(&mut pending, &mut count)?;
                None
            }
        };
        let Some((amount, due_date, document_number, reference, payer_kind, payer_document, payer_name)) = detail
        else {
            continue;
        };
        emit(&mut pending, &mut count)?;
        let mut fields = Map::new();
        let mut put = |name: &str, value: Option<String>| {
            if let Some(value) = value {
                fields.insert(name.to_owned(), Value::from(value));
            }
        };
        put("creditor_ispb", company.0.clone());
        put("creditor_name", company.1.clone());
        put("debtor_ispb", context.debtor_ispb.clone().or_else(|| company.0.clone()));
        put("debtor_document", payer_document.and_then(|number| document(payer_kind.unwrap_or(0), number)));
        put("debtor_name", payer_name);
        let external = written_here(reference.as_deref().unwrap_or_default(), document_number.as_deref())
            .unwrap_or_else(|| reference.or(document_number.clone()));
        put("external_id", external);
        put("description", document_number.map(|number| format!("Boleto {number}")));
        if let Some(date) = due_date {
            put("scheduled_date", Some(format!("{date}T00:00:00Z")));
        }
        fields.insert("amount".to_owned(), Value::from(i64::try_from(amount).unwrap_or(i64::MAX)));
        pending = Some((line, raw_line(), fields));
    }
    emit(&mut pending, &mut count)?;
    if count == 0 {
        return Err(ParseError::file("the file holds no boleto (detail type 1)"));
    }
    Ok(count)
}
