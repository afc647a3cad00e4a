//! The operator's commands: `settlement files|payments|qr …` talking to a running server over
//! HTTP, as any client of the API does, with the token the operator holds.

pub mod files;

use std::time::Duration;

use clap::{Args, Subcommand};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;

/// Where the server is and who is asking.
#[derive(Debug, Clone, Args)]
pub struct Connection {
    /// The server's base URL.
    #[arg(long, env = "SETTLEMENT_URL", default_value = "http://127.0.0.1:8080", global = true)]
    pub url: String,
    /// A bearer token with the scopes the command needs (`settlement token` mints one).
    #[arg(long, env = "SETTLEMENT_TOKEN", global = true, hide_env_values = true)]
    pub token: Option<String>,
}

/// `settlement files …`.
#[derive(Debug, Subcommand)]
pub enum FilesCommand {
    /// Upload a payment file or a retorno; with --process or --wait, have the server process it
    /// and follow its counters.
    Import(files::ImportArgs),
    /// Download payments as CSV, JSON or a CNAB file.
    Export(files::ExportArgs),
}

/// `settlement payments …`.
#[derive(Debug, Subcommand)]
pub enum PaymentsCommand {
    /// A page of payments, newest first, as a table (or `--json`).
    List {
        /// Only this status.
        #[arg(long)]
        status: Option<String>,
        /// Page size, 1 to 100.
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// Payments to skip.
        #[arg(long, default_value_t = 0)]
        offset: u64,
        /// Print the API's answer as it is.
        #[arg(long)]
        json: bool,
    },
    /// One payment, as JSON.
    Get {
        /// The payment's id.
        id: i64,
    },
}

/// `settlement qr …`.
#[derive(Debug, Subcommand)]
pub enum QrCommand {
    /// Read a payload as the server reads it: fields, errors and warnings, as JSON. Exits 1 when
    /// a wallet cannot pay it.
    Decode {
        /// The BR Code ("copia e cola") text.
        payload: String,
    },
    /// Save a stored code's picture.
    Image {
        /// The QR code's id.
        id: i64,
        /// Where to write it.
        #[arg(short, long)]
        output: std::path::PathBuf,
        /// `png` or `svg`; by default the output's extension, else png.
        #[arg(long)]
        format: Option<String>,
        /// Side in pixels, 64 to 2048.
        #[arg(long)]
        size: Option<u32>,
    },
}

/// A failed command: what to print, and the exit code.
#[derive(Debug)]
pub struct Failure(pub String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(error: E) -> Self {
        Failure(error.to_string())
    }
}

/// The API, as one operator sees it.
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Client {
    /// A client of the server at `connection.url`, with its token.
    pub fn new(connection: &Connection) -> Result<Self, Failure> {
        let token = connection.token.clone().filter(|token| !token.is_empty()).ok_or_else(|| {
            Failure(
                "no token: pass --token or set SETTLEMENT_TOKEN (`settlement token --sub … --scope …` mints one)"
                    .into(),
            )
        })?;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("settlement-cli/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Client { http, base: connection.url.trim_end_matches('/').to_owned(), token })
    }

    /// A request to `path` (under `/api/v1`), authorised.
    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, format!("{}/api/v1{path}", self.base)).bearer_auth(&self.token)
    }

    /// Sends `request`; an answer that is not 2xx becomes the API error's code, message and
    /// every violation.
    async fn send(&self, request: RequestBuilder) -> Result<Response, Failure> {
        let response = request.send().await.map_err(|error| Failure(format!("cannot reach {}: {error}", self.base)))?;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        Err(Failure(describe_error(status.as_u16(), &body)))
    }

    /// The JSON answer to `request`.
    async fn json(&self, request: RequestBuilder) -> Result<Value, Failure> {
        Ok(self.send(request).await?.json().await?)
    }
}

/// `HTTP 400 VALIDATION_ERROR: amount must be …`, then one line per further violation.
fn describe_error(status: u16, body: &str) -> String {
    let parsed: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let error = &parsed["error"];
    let (Some(code), Some(message)) = (error["code"].as_str(), error["message"].as_str()) else {
        return format!("HTTP {status}: {}", body.trim());
    };
    let mut text = format!("HTTP {status} {code}: {message}");
    for detail in error["details"].as_array().into_iter().flatten().skip(1) {
        if let Some(message) = detail["message"].as_str() {
            text.push_str(&format!("\n  {message}"));
        }
    }
    text
}

/// Runs `settlement payments …`; returns what to print.
pub async fn payments(connection: &Connection, command: PaymentsCommand) -> Result<String, Failure> {
    let client = Client::new(connection)?;
    match command {
        PaymentsCommand::Get { id } => {
            let payment = client.json(client.request(Method::GET, &format!("/payments/{id}"))).await?;
            Ok(serde_json::to_string_pretty(&payment)? + "\n")
        }
        PaymentsCommand::List { status, limit, offset, json } => {
            let mut query = vec![("limit", limit.to_string()), ("offset", offset.to_string())];
            query.extend(status.map(|status| ("status", status)));
            let page = client.json(client.request(Method::GET, "/payments").query(&query)).await?;
            if json {
                return Ok(serde_json::to_string_pretty(&page)? + "\n");
            }
            Ok(payment_table(&page))
        }
    }
}

/// A page of payments as aligned columns, and the page's place in the total.
fn payment_table(page: &Value) -> String {
    let rows: Vec<[String; 5]> = page["data"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|payment| {
            let text = |key: &str| match &payment[key] {
                Value::String(text) => text.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            let amount = payment["amount"].as_i64().map(settlement_core::service::format_brl).unwrap_or_default();
            [text("id"), text("status"), amount, text("external_id"), text("created_at")]
        })
        .collect();
    let header = ["ID", "STATUS", "AMOUNT", "EXTERNAL ID", "CREATED"].map(str::to_owned);
    let mut widths = header.clone().map(|title| title.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row.iter().zip(widths).map(|(cell, width)| format!("{cell:<width$}")).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    let pagination = &page["pagination"];
    out.push_str(&format!(
        "{} of {}, page {} of {}\n",
        rows.len(),
        pagination["total"].as_u64().unwrap_or_default(),
        pagination["page"].as_u64().unwrap_or_default() + 1,
        pagination["total_pages"].as_u64().unwrap_or_default().max(1)
    ));
    out
}

/// Runs `settlement qr …`; returns what to print and whether it went well.
pub async fn qr(connection: &Connection, command: QrCommand) -> Result<(String, bool), Failure> {
    let client = Client::new(connection)?;
    match command {
        QrCommand::Decode { payload } => {
            let body = serde_json::json!({ "payload": payload });
            let decoded = client.json(client.request(Method::POST, "/qr-codes/decode").json(&body)).await?;
            let valid = decoded["valid"].as_bool().unwrap_or(false);
            Ok((serde_json::to_string_pretty(&decoded)? + "\n", valid))
        }
        QrCommand::Image { id, output, format, size } => {
            let format = format
                .or_else(|| output.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase))
                .filter(|format| format == "svg")
                .unwrap_or_else(|| "png".to_owned());
            let mut query = vec![("format", format)];
            query.extend(size.map(|size| ("size", size.to_string())));
            let request = client.request(Method::GET, &format!("/qr-codes/{id}/image")).query(&query);
            let bytes = client.send(request).await?.bytes().await?;
            tokio::fs::write(&output, &bytes).await.map_err(|e| Failure(format!("{}: {e}", output.display())))?;
            Ok((format!("wrote {} bytes to {}\n", bytes.len(), output.display()), true))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_error_reads_as_its_code_message_and_every_violation() {
        let body = r#"{"error":{"code":"VALIDATION_ERROR","message":"amount must be","details":[
            {"field":"amount","message":"amount must be"},{"field":"currency","message":"currency must be BRL"}]}}"#;
        assert_eq!(describe_error(400, body), "HTTP 400 VALIDATION_ERROR: amount must be\n  currency must be BRL");
        assert_eq!(describe_error(502, "Bad Gateway\n"), "HTTP 502: Bad Gateway");
    }

    #[test]
    fn a_page_of_payments_is_a_table() {
        let page = serde_json::json!({
            "data": [{"id": 7, "status": "PENDING", "amount": 150000, "external_id": "A-1", "created_at": "2026-01-24T10:30:00Z"}],
            "pagination": {"total": 31, "page": 0, "page_size": 1, "total_pages": 31}
        });
        let table = payment_table(&page);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[0], "ID  STATUS   AMOUNT       EXTERNAL ID  CREATED");
        assert_eq!(lines[1], "7   PENDING  R$ 1.500,00  A-1          2026-01-24T10:30:00Z");
        assert_eq!(lines[2], "1 of 31, page 1 of 31");
    }
}
