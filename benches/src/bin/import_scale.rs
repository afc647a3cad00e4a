//! The service at bank-file scale, through its HTTP API, on its SQLite store:
//!
//! ```sh
//! cargo run --release -p pix-settlement-benches --bin import_scale [-- PAYMENTS]
//! ```
//!
//! Generates a CNAB240 file of PAYMENTS Pix transfers (default 200,000, about 97 MB) and a CSV
//! file of as many, starts the server in a child process, uploads and processes each file, exports
//! 100,000 payments, and prints the times and the server's peak resident memory (VmHWM).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pix_settlement_benches::child_settings;
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

struct Run {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl Run {
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
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--serve", data.to_str().unwrap()])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let mut port = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut port).unwrap();
    let base = format!("http://127.0.0.1:{}", port.trim());
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
    println!("server peak resident memory (VmHWM): {:.0} MiB", peak_mib(&child));
    let _ = child.kill();
    let _ = child.wait();
}
