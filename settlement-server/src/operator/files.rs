//! `settlement files import|export`: an upload followed through the import's counters, and an
//! export streamed to disk, each with a progress bar on a terminal and plain lines otherwise.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{Client, Connection, Failure};

/// How often an import's counters are read while it is processed.
const POLL: Duration = Duration::from_millis(250);
/// How often a plain progress line is printed when stderr is not a terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(2);
/// How many failed records the summary lists.
const FIRST_FAILURES: u32 = 5;

/// `settlement files import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file.
    pub file: PathBuf,
    /// `CSV`, `JSON`, `CNAB240` or `CNAB400`.
    #[arg(long = "type", value_name = "T")]
    pub file_type: String,
    /// For a CNAB file: the payer's institution (8 digits), when the bank is not in the
    /// participants table.
    #[arg(long)]
    pub debtor_ispb: Option<String>,
    /// Have the server process it once uploaded.
    #[arg(long)]
    pub process: bool,
    /// Follow the processing to its end and print a summary (processes it if need be).
    #[arg(long)]
    pub wait: bool,
}

/// `settlement files export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// `csv`, `json`, `cnab240` or `cnab400`.
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// Where to write the file.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Only this status.
    #[arg(long)]
    pub status: Option<String>,
    /// Created on or after this day (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<String>,
    /// Created on or before this day (YYYY-MM-DD).
    #[arg(long)]
    pub to: Option<String>,
    /// Only this payer institution.
    #[arg(long)]
    pub debtor_ispb: Option<String>,
    /// Only this payee institution.
    #[arg(long)]
    pub creditor_ispb: Option<String>,
    /// At least this many centavos.
    #[arg(long)]
    pub min_amount: Option<i64>,
    /// At most this many centavos.
    #[arg(long)]
    pub max_amount: Option<i64>,
    /// At most this many payments (the server's default 1000, at most 100000).
    #[arg(long)]
    pub max_records: Option<u32>,
    /// With a CNAB format: send it as a remessa (its PENDING payments become PROCESSING).
    #[arg(long)]
    pub mark_sent: bool,
}

/// A bar on a terminal; otherwise nothing is drawn and `plain` lines are printed instead.
struct Progress {
    bar: ProgressBar,
    terminal: bool,
    last_line: Option<Instant>,
}

impl Progress {
    fn new(length: Option<u64>, template: &str) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let bar = match length {
            Some(length) => ProgressBar::new(length),
            None => ProgressBar::new_spinner(),
        };
        bar.set_draw_target(if terminal { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() });
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        Progress { bar, terminal, last_line: None }
    }

    /// Without a terminal, `line` every [`PLAIN_EVERY`] (and `force`d ones).
    fn plain(&mut self, line: impl FnOnce() -> String, force: bool) {
        if self.terminal {
            return;
        }
        if force || self.last_line.is_none_or(|at| at.elapsed() >= PLAIN_EVERY) {
            eprintln!("{}", line());
            self.last_line = Some(Instant::now());
        }
    }
}

/// Uploads, then processes and follows, as asked; returns the summary and whether every
/// record went through.
pub async fn import(connection: &Connection, args: ImportArgs) -> Result<(String, bool), Failure> {
    let client = Client::new(connection)?;
    let import = upload(&client, &args).await?;
    let id = import["id"].as_i64().ok_or_else(|| Failure(format!("the server's answer has no id: {import}")))?;
    let total = import["total_records"].as_u64().unwrap_or_default();
    let mut out = format!("import {id}: {} ({total} records), {}\n", args.file.display(), text(&import["status"]));
    if !(args.process || args.wait) {
        return Ok((out, true));
    }
    if import["status"] == "UPLOADED" {
        client.send(client.request(Method::POST, &format!("/files/imports/{id}/process"))).await?;
    }
    if !args.wait {
        out.push_str(&format!("import {id}: processing; follow it with GET /api/v1/files/imports/{id}\n"));
        return Ok((out, true));
    }
    let done = follow(&client, id, total).await?;
    let (summary, clean) = summary(&client, &done).await?;
    out.push_str(&summary);
    Ok((out, clean))
}

/// The multipart upload, its bytes counted on the bar as they leave.
async fn upload(client: &Client, args: &ImportArgs) -> Result<Value, Failure> {
    let path = &args.file;
    let file = tokio::fs::File::open(path).await.map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    let size = file.metadata().await.map_err(|e| Failure(format!("{}: {e}", path.display())))?.len();
    let progress = Progress::new(Some(size), "uploading [{bar:40}] {bytes}/{total_bytes} {binary_bytes_per_sec}");
    let bar = progress.bar.clone();
    let chunks = futures_util::stream::try_unfold(file, move |mut file| {
        let bar = bar.clone();
        async move {
            let mut chunk = vec![0; 256 * 1024];
            let read = file.read(&mut chunk).await?;
            if read == 0 {
                return Ok::<_, std::io::Error>(None);
            }
            chunk.truncate(read);
            bar.inc(read as u64);
            Ok(Some((chunk, file)))
        }
    });
    let name = path.file_name().and_then(|name| name.to_str()).unwrap_or("upload").to_owned();
    let part = Part::stream_with_length(reqwest::Body::wrap_stream(chunks), size).file_name(name);
    let mut form = Form::new().part("file", part).text("file_type", args.file_type.to_ascii_uppercase());
    if let Some(ispb) = &args.debtor_ispb {
        form = form.text("debtor_ispb", ispb.clone());
    }
    let answer = client.json(client.request(Method::POST, "/files/import").multipart(form)).await;
    progress.bar.finish_and_clear();
    answer
}

/// Reads the import until it is `COMPLETED` or `FAILED`, the bar following its counters.
async fn follow(client: &Client, id: i64, total: u64) -> Result<Value, Failure> {
    let mut progress =
        Progress::new(Some(total), "processing [{bar:40}] {human_pos}/{human_len} records, eta {eta}, {msg}");
    loop {
        let import = client.json(client.request(Method::GET, &format!("/files/imports/{id}"))).await?;
        let processed = import["processed_records"].as_u64().unwrap_or_default();
        let failed = import["failed_records"].as_u64().unwrap_or_default();
        let skipped = import["skipped_records"].as_u64().unwrap_or_default();
        let status = text(&import["status"]);
        progress.bar.set_position(processed);
        progress.bar.set_message(format!("{failed} failed, {skipped} skipped"));
        let finished = matches!(status.as_str(), "COMPLETED" | "FAILED");
        progress.plain(
            || format!("import {id}: {status}, {processed}/{total} records, {failed} failed, {skipped} skipped"),
            finished,
        );
        if finished {
            progress.bar.finish_and_clear();
            return Ok(import);
        }
        tokio::time::sleep(POLL).await;
    }
}

/// What the import came to, with its first failed records.
async fn summary(client: &Client, import: &Value) -> Result<(String, bool), Failure> {
    let id = import["id"].as_i64().unwrap_or_default();
    let count = |key: &str| import[key].as_u64().unwrap_or_default();
    let (processed, failed, skipped) = (count("processed_records"), count("failed_records"), count("skipped_records"));
    let status = text(&import["status"]);
    let mut out = format!(
        "import {id}: {status}: {} succeeded, {failed} failed, {skipped} skipped, of {}\n",
        processed.saturating_sub(failed + skipped),
        count("total_records")
    );
    if failed > 0 {
        let query = [("status", "FAILED".to_owned()), ("limit", FIRST_FAILURES.to_string())];
        let request = client.request(Method::GET, &format!("/files/imports/{id}/records")).query(&query);
        let page = client.json(request).await?;
        for record in page["records"].as_array().into_iter().flatten() {
            out.push_str(&format!("  line {}: {}\n", record["line_number"], text(&record["error"])));
        }
        if failed > u64::from(FIRST_FAILURES) {
            out.push_str(&format!(
                "  … and {} more: GET /api/v1/files/imports/{id}/records?status=FAILED\n",
                failed - u64::from(FIRST_FAILURES)
            ));
        }
    }
    Ok((out, status == "COMPLETED" && failed == 0))
}

/// Streams the export to `args.output`; returns what was written.
pub async fn export(connection: &Connection, args: ExportArgs) -> Result<String, Failure> {
    let client = Client::new(connection)?;
    let mut query = vec![("format", args.format.to_ascii_lowercase())];
    let filters = [
        ("status", args.status.clone()),
        ("from", args.from.clone()),
        ("to", args.to.clone()),
        ("debtor_ispb", args.debtor_ispb.clone()),
        ("creditor_ispb", args.creditor_ispb.clone()),
        ("min_amount", args.min_amount.map(|n| n.to_string())),
        ("max_amount", args.max_amount.map(|n| n.to_string())),
        ("max_records", args.max_records.map(|n| n.to_string())),
        ("mark_sent", args.mark_sent.then(|| "true".to_owned())),
    ];
    query.extend(filters.into_iter().filter_map(|(key, value)| value.map(|value| (key, value))));
    let response = client.send(client.request(Method::GET, "/files/export").query(&query)).await?;
    // Written beside the output and renamed over it once whole: an export the server cuts
    // short (its way of saying it failed part-way) never stands at the output's name.
    let path = &args.output;
    let mut partial = path.clone().into_os_string();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let progress = Progress::new(response.content_length(), "exporting {spinner} {bytes} {binary_bytes_per_sec} {msg}");
    let streamed = stream_to(&partial, response, progress).await;
    let renamed = match streamed {
        Ok(written) => tokio::fs::rename(&partial, path)
            .await
            .map(|()| written)
            .map_err(|e| Failure(format!("{}: {e}", path.display()))),
        Err(failure) => Err(failure),
    };
    if renamed.is_err() {
        let _ = tokio::fs::remove_file(&partial).await;
    }
    Ok(format!("wrote {} bytes to {}\n", renamed?, path.display()))
}

/// Writes the answer's body to `path`, durably; returns its length.
async fn stream_to(path: &Path, response: reqwest::Response, mut progress: Progress) -> Result<u64, Failure> {
    let io = |e: std::io::Error| Failure(format!("{}: {e}", path.display()));
    let mut file = tokio::fs::File::create(path).await.map_err(io)?;
    let mut written = 0u64;
    let mut body = response.bytes_stream();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| Failure(format!("the export stopped after {written} bytes: {e}")))?;
        file.write_all(&chunk).await.map_err(io)?;
        written += chunk.len() as u64;
        progress.bar.set_position(written);
        progress.plain(|| format!("export: {written} bytes"), false);
    }
    file.sync_all().await.map_err(io)?;
    progress.bar.finish_and_clear();
    Ok(written)
}

/// A JSON string's text, or the value as JSON.
fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
