//! Stopping the real binary. SIGTERM while requests are in flight: the process stops taking
//! connections, answers what it accepted, and exits 0; after a restart the database holds
//! exactly the payments it answered 201 for. SIGKILL in the middle of processing an imported
//! file: after a restart processing resumes where it stopped, and no record makes two payments.

#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

fn body(n: usize) -> Value {
    json!({
        "external_id": format!("SHUTDOWN-{n}"),
        "amount": 100 + n as i64,
        "debtor_ispb": "12345678", "debtor_document": "12345678909",
        "debtor_account_no": "1", "debtor_account_type": "CACC",
        "creditor_ispb": "87654321", "creditor_document": "98765432100",
        "creditor_account_no": "2", "creditor_account_type": "SVGS"
    })
}

/// Starts `settlement serve` on a free port; returns the child and its address.
fn start(data: &str) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_settlement"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir", data, "--log-format", "json"])
        .env("SETTLEMENT_JWT_SECRET", "shutdown-test")
        .env("SETTLEMENT_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut lines = stderr.lines();
    let address = loop {
        let line = lines.next().expect("the server logs its address").unwrap();
        let entry: Value = serde_json::from_str(&line).unwrap_or_default();
        if let Some(address) = entry["fields"]["address"].as_str() {
            break address.to_owned();
        }
    };
    // Keep draining the log so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, address)
}

#[tokio::test]
async fn sigterm_finishes_in_flight_requests_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let (mut child, address) = start(&data);
    let token = settlement_server::auth::mint(
        b"shutdown-test",
        "ops",
        "payments.read payments.write",
        Duration::from_secs(600),
        None,
        None,
    )
    .unwrap();
    let client = reqwest::Client::new();
    let url = format!("http://{address}/api/v1/payments");
    let answered = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let requests: Vec<_> = (0..40)
        .map(|n| {
            let request = client.post(&url).bearer_auth(&token).json(&body(n)).send();
            let answered = answered.clone();
            tokio::spawn(async move {
                let response = request.await;
                answered.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                response
            })
        })
        .collect();
    // Signal once the server is demonstrably answering, with the rest still on their way.
    for _ in 0..1000 {
        if answered.load(std::sync::atomic::Ordering::SeqCst) > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let mut created = 0;
    for request in requests {
        match request.await.unwrap() {
            Ok(response) => {
                assert_eq!(response.status(), 201);
                created += 1;
            }
            // Refused once the listener closed: never half-answered.
            Err(error) => assert!(error.is_connect() || error.is_request(), "{error}"),
        }
    }
    eprintln!("{created} of 40 requests answered 201 before the process stopped");
    let exit = tokio::task::spawn_blocking(move || child.wait()).await.unwrap().unwrap();
    assert!(exit.success(), "{exit:?}");

    let (mut child, address) = start(&data);
    let page: Value = client
        .get(format!("http://{address}/api/v1/payments?limit=100"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["pagination"]["total"], created, "answered 201 for {created}");
    assert!(created > 0, "no request was in flight");
    child.kill().unwrap();
    let _ = child.wait();
}

#[tokio::test]
async fn kill_9_mid_import_resumes_and_pays_each_record_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let (mut child, address) = start(&data);
    let scopes = "files.read files.write payments.read";
    let token =
        settlement_server::auth::mint(b"shutdown-test", "ops", scopes, Duration::from_secs(600), None, None).unwrap();
    let client = reqwest::Client::new();
    let records = 40_000;
    let mut csv = String::from("external_id,debtor_ispb,creditor_ispb,amount\n");
    for n in 0..records {
        csv.push_str(&format!("CRASH{n},12345678,87654321,{}\n", n + 1));
    }
    let form = reqwest::multipart::Form::new()
        .text("file_type", "CSV")
        .part("file", reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("big.csv"));
    let import: Value = client
        .post(format!("http://{address}/api/v1/files/import"))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = |address: &str| format!("http://{address}/api/v1/files/imports/{}", import["id"]);
    client.post(format!("{}/process", url(&address))).bearer_auth(&token).send().await.unwrap();
    let read = |address: String| {
        let (client, token) = (client.clone(), token.clone());
        async move { client.get(url(&address)).bearer_auth(&token).send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let mut progress = 0;
    for _ in 0..2000 {
        progress = read(address.clone()).await["processed_records"].as_i64().unwrap();
        if progress > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap();
    let _ = child.wait();
    assert!(progress > 0 && progress < records, "killed at {progress} of {records}");

    let (mut child, address) = start(&data);
    let mut import = read(address.clone()).await;
    for _ in 0..600 {
        if import["status"] == "COMPLETED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        import = read(address.clone()).await;
    }
    assert_eq!(import["status"], "COMPLETED", "{import}");
    assert_eq!(
        (import["processed_records"].as_i64(), import["failed_records"].as_i64()),
        (Some(records), Some(0)),
        "{import}"
    );
    let payments: Value = client
        .get(format!("http://{address}/api/v1/payments?limit=1"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(payments["pagination"]["total"], records, "one payment per record, none twice");
    child.kill().unwrap();
    let _ = child.wait();
}
