//! The service at bank-file scale, through its HTTP API, on its SQLite store:
//!
//! ```sh
//! cargo run --release -p pix-settlement-benches --bin import_scale [-- PAYMENTS]
//! ```
//!
//! Generates a CNAB240 file of PAYMENTS Pix transfers (default 200,000, about 97 MB) and a CSV
//! file of as many, starts the server in a child process, uploads and processes each file, exports
//! 100,000 payments, and prints the times and the server's peak resident memory (VmHWM).
//!
//! Then the settlement loop at scale: it sends 100,000 of the payments in a remessa
//! (`mark_sent`), writes the bank's retorno for it (every payment paid), and imports and
//! processes it; and again with the next 100,000, killing the server with SIGKILL while the
//! retorno is processed and starting it again. Its checker reads the database: every
//! occurrence applied once (one completion and one confirmation a payment), or the run fails.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pix_settlement_benches::child_settings;

#[path = "../../../settlement-core/tests/support/bank.rs"]
mod bank;
use serde_json::Value;
use settlement_server::{App, auth};

const SECRET: &str = "import-scale-secret";

/// The child: serves until killed, after printing its port.
fn serve(dir: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let app = App::build(&child_settings(dir, None, SECRET)).await.expect("the app starts");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
        println!("{}", listener.local_addr().expect("an address").port());
        std::io::stdout().flush().expect("stdout");
        app.serve(listener, std::future::pending()).await.expect("serving");
    });
}

/// The child's peak resident memory, in MiB.
fn peak_mib(child: &Child) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

/// Starts the server on `data` in a child process; returns it and its base URL.
fn spawn(data: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--serve", data.to_str().unwrap()])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let mut port = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut port).unwrap();
    (child, format!("http://127.0.0.1:{}", port.trim()))
}

struct Run {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl Run {
    /// Uploads a file; its import.
    async fn upload(&self, path: &std::path::Path, file_type: &str) -> Value {
        let file = tokio::fs::File::open(path).await.expect("the generated file");
        let part =
            reqwest::multipart::Part::stream(file).file_name(path.file_name().unwrap().to_string_lossy().into_owned());
        let form = reqwest::multipart::Form::new().text("file_type", file_type.to_owned()).part("file", part);
        let url = format!("{}/api/v1/files/import", self.base);
        let response = self.client.post(url).bearer_auth(&self.token).multipart(form).send().await.unwrap();
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
        response.json().await.unwrap()
    }

    async fn import_state(&self, id: i64) -> Value {
        let url = format!("{}/api/v1/files/imports/{id}", self.base);
        self.client.get(&url).bearer_auth(&self.token).send().await.unwrap().json().await.unwrap()
    }

    /// Sends `count` PENDING payments in a CNAB240 remessa: its bytes.
    async fn send(&self, count: u64) -> Vec<u8> {
        let url = format!(
            "{}/api/v1/files/export?format=cnab240&debtor_ispb=60746948&mark_sent=true&max_records={count}",
            self.base
        );
        let response = self.client.get(url).bearer_auth(&self.token).send().await.unwrap();
        assert_eq!(response.status(), 200);
        response.bytes().await.unwrap().to_vec()
    }

    async fn import(&self, path: &std::path::Path, file_type: &str) -> (Duration, Duration, Value) {
        let started = Instant::now();
        let file = tokio::fs::File::open(path).await.expect("the generated file");
        let part =
            reqwest::multipart::Part::stream(file).file_name(path.file_name().unwrap().to_string_lossy().into_owned());
        let form = reqwest::multipart::Form::new().text("file_type", file_type.to_owned()).part("file", part);
        let response = self
            .client
            .post(format!("{}/api/v1/files/import", self.base))
            .bearer_auth(&self.token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
        let import: Value = response.json().await.unwrap();
        let uploaded = started.elapsed();
        let id = import["id"].as_i64().unwrap();
        let started = Instant::now();
        let url = format!("{}/api/v1/files/imports/{id}", self.base);
        self.client.post(format!("{url}/process")).bearer_auth(&self.token).send().await.unwrap();
        loop {
            let import: Value =
                self.client.get(&url).bearer_auth(&self.token).send().await.unwrap().json().await.unwrap();
            if import["status"] != "PROCESSING" {
                return (uploaded, started.elapsed(), import);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--serve") {
        return serve(&args[2]);
    }
    let payments: u64 = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(200_000);
    let work = tempfile::tempdir().expect("a temporary directory");
    let cnab_path = work.path().join("pix.rem");
    let csv_path = work.path().join("pix.csv");
    std::fs::write(&cnab_path, pix_settlement_benches::pix_transfers_cnab240(payments)).unwrap();
    std::fs::write(&csv_path, pix_settlement_benches::pix_transfers_csv(payments)).unwrap();
    let data = work.path().join("data");
    let (mut child, base) = spawn(&data);
    let scopes = "files.read files.write payments.read";
    let token = auth::mint(SECRET.as_bytes(), "scale", scopes, Duration::from_secs(3600), None, None).unwrap();
    let run = Run { client: reqwest::Client::new(), base, token };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let mib = |path: &std::path::Path| std::fs::metadata(path).unwrap().len() as f64 / 1_048_576.0;
    println!("| file | size | upload | processing | payments per second (processing) | succeeded |");
    println!("|---|---|---|---|---|---|");
    for (path, kind) in [(&cnab_path, "CNAB240"), (&csv_path, "CSV")] {
        let (upload, processing, import) = runtime.block_on(run.import(path, kind));
        let processed = import["processed_records"].as_f64().unwrap();
        println!(
            "| {kind}, {payments} payments | {:.1} MiB | {:.2} s | {:.2} s | {:.0} | {} of {} |",
            mib(path),
            upload.as_secs_f64(),
            processing.as_secs_f64(),
            processed / processing.as_secs_f64(),
            (import["processed_records"].as_i64().unwrap()
                - import["failed_records"].as_i64().unwrap()
                - import["skipped_records"].as_i64().unwrap()),
            import["total_records"]
        );
    }
    let started = Instant::now();
    let exported = runtime.block_on(async {
        let url = format!("{}/api/v1/files/export?format=csv&max_records=100000", run.base);
        run.client.get(url).bearer_auth(&run.token).send().await.unwrap().bytes().await.unwrap().len()
    });
    println!(
        "\nexport of 100,000 payments (CSV): {:.2} s, {:.1} MiB",
        started.elapsed().as_secs_f64(),
        exported as f64 / 1_048_576.0
    );
    println!("server peak resident memory (VmHWM), imports and export: {:.0} MiB", peak_mib(&child));

    // The loop: a remessa of 100,000 sent, its retorno read back.
    let sent = SENT.min(payments);
    let retorno_path = work.path().join("pix.ret");
    let started = Instant::now();
    let remessa = runtime.block_on(run.send(sent));
    let sending = started.elapsed();
    std::fs::write(&retorno_path, bank::cnab240_retorno(&remessa, &vec![bank::Answer::Codes("00"); sent as usize]))
        .unwrap();
    let (upload, processing, import) = runtime.block_on(run.import(&retorno_path, "CNAB240"));
    println!(
        "\nremessa of {sent} payments sent (mark_sent): {:.2} s, {:.1} MiB\n\
         | retorno | size | upload | processing | details per second | matched |\n|---|---|---|---|---|---|\n\
         | CNAB240, {sent} payments paid | {:.1} MiB | {:.2} s | {:.2} s | {:.0} | {} of {} |",
        sending.as_secs_f64(),
        remessa.len() as f64 / 1_048_576.0,
        mib(&retorno_path),
        upload.as_secs_f64(),
        processing.as_secs_f64(),
        import["processed_records"].as_f64().unwrap() / processing.as_secs_f64(),
        import["processed_records"].as_i64().unwrap() - import["skipped_records"].as_i64().unwrap(),
        import["total_records"]
    );

    println!("server peak resident memory (VmHWM), with the remessa and the retorno: {:.0} MiB", peak_mib(&child));

    // Again, killed while the retorno is processed.
    let remessa = runtime.block_on(run.send(sent));
    let killed_path = work.path().join("pix-killed.ret");
    std::fs::write(&killed_path, bank::cnab240_retorno(&remessa, &vec![bank::Answer::Codes("00"); sent as usize]))
        .unwrap();
    let import = runtime.block_on(run.upload(&killed_path, "CNAB240"));
    let id = import["id"].as_i64().unwrap();
    let url = format!("{}/api/v1/files/imports/{id}/process", run.base);
    runtime.block_on(run.client.post(url).bearer_auth(&run.token).send()).unwrap();
    let processed_when_killed = runtime.block_on(async {
        loop {
            let processed = run.import_state(id).await["processed_records"].as_i64().unwrap();
            if processed > 0 {
                return processed;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let (mut child, base) = spawn(&data);
    let run = Run { base, ..run };
    let done = runtime.block_on(async {
        loop {
            let import = run.import_state(id).await;
            if import["status"] != "PROCESSING" {
                return import;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    let _ = child.kill();
    let _ = child.wait();
    let counts = runtime.block_on(check_once(&data, id));
    println!(
        "\nSIGKILL with {processed_when_killed} of {} records processed, then a restart: import {}, {} records matched, \
         {} payments completed by it, {} confirmations by it, {} payments completed twice, {} confirmed twice",
        done["total_records"], done["status"], counts[0], counts[1], counts[2], counts[3], counts[4]
    );
    assert_eq!(done["status"], "COMPLETED");
    assert_eq!(counts, [sent as i64, sent as i64, sent as i64, 0, 0], "every occurrence applied exactly once");
}

/// Payments in each remessa of the loop.
const SENT: u64 = 100_000;

/// What the killed retorno did, read from the database: records matched, payments it
/// completed, confirmations it recorded, payments completed more than once, payments
/// confirmed more than once.
async fn check_once(data: &std::path::Path, import: i64) -> [i64; 5] {
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}", data.join("settlement.db").display());
    let pool = sqlx::AnyPool::connect(&url).await.expect("the database");
    let actor = format!("retorno:{import}");
    let count = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql);
    let matched =
        count("SELECT COUNT(*) FROM file_import_records WHERE file_import_id = $1 AND status = 'MATCHED'").bind(import);
    let completed = count(
        "SELECT COUNT(*) FROM state_changes WHERE resource = 'payment' AND to_status = 'COMPLETED' AND actor = $1",
    )
    .bind(&actor);
    let confirmed = count("SELECT COUNT(*) FROM credit_confirmations WHERE confirmed_by = $1").bind(&actor);
    let completed_twice = count(
        "SELECT COUNT(*) FROM (SELECT resource_id FROM state_changes WHERE resource = 'payment' \
         AND to_status = 'COMPLETED' GROUP BY resource_id HAVING COUNT(*) > 1) AS twice",
    );
    let confirmed_twice = count(
        "SELECT COUNT(*) FROM (SELECT payment_request_id FROM credit_confirmations \
         GROUP BY payment_request_id HAVING COUNT(*) > 1) AS twice",
    );
    let mut counts = [0; 5];
    for (slot, query) in counts.iter_mut().zip([matched, completed, confirmed, completed_twice, confirmed_twice]) {
        *slot = query.fetch_one(&pool).await.expect("the count");
    }
    counts
}
