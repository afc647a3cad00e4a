//! The operator commands (`settlement files|payments|qr`) run as a user runs them, against a
//! real server on 127.0.0.1: an import followed to its summary, an export streamed to disk,
//! payments listed and read, a QR code decoded and its picture saved, and the refusals.

mod common;

use common::{ALL_SCOPES, Server};
use reqwest::Method;
use serde_json::Value;

/// Runs `settlement ARGS --url … --token …` off the runtime's threads; stderr is a pipe, so no
/// bar is drawn and progress comes as plain lines.
async fn settlement(server: &Server, args: &[&str]) -> (i32, String, String) {
    let url = format!("http://{}", server.addr);
    let token = Server::token(ALL_SCOPES);
    let mut args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    args.extend(["--url".into(), url, "--token".into(), token]);
    tokio::task::spawn_blocking(move || {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_settlement"))
            .args(&args)
            .env_remove("SETTLEMENT_TOKEN")
            .output()
            .unwrap();
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    })
    .await
    .unwrap()
}

/// 40 good payments, and two that fail: lines 12 (two wrong fields) and 31 (the header is
/// line 1).
fn csv() -> String {
    let mut csv = String::from("debtor_ispb,creditor_ispb,amount,external_id\n");
    for n in 1..=42 {
        let (debtor, amount) = match n {
            11 => ("1234567", 0),
            30 => ("12345678", 0),
            _ => ("12345678", 100 * n),
        };
        csv.push_str(&format!("{debtor},87654321,{amount},CLI-{n}\n"));
    }
    csv
}

#[tokio::test]
async fn import_follows_the_processing_to_a_summary_and_export_streams_to_disk() {
    let server = Server::start().await;
    let path = server.dir.path().join("payments.csv");
    std::fs::write(&path, csv()).unwrap();
    let (code, out, err) =
        settlement(&server, &["files", "import", path.to_str().unwrap(), "--type", "csv", "--wait"]).await;
    // Two records failed: the summary says so, lists them, and the exit code is 1.
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("(42 records), UPLOADED"), "{out}");
    assert!(out.contains("COMPLETED: 40 succeeded, 2 failed, 0 skipped, of 42"), "{out}");
    let failures: Vec<&str> = out.lines().filter(|line| line.starts_with("  line ")).collect();
    assert_eq!(failures.len(), 2, "{out}");
    // Every violation of a record is in its error.
    assert!(
        failures[0].starts_with("  line 12: amount must be an integer of at least 1 (centavos); debtor_ispb must be"),
        "{out}"
    );
    assert!(failures[1].starts_with("  line 31: ") && failures[1].contains("amount"), "{out}");
    // Not a terminal: plain lines, no bar's escape codes.
    assert!(err.lines().any(|line| line.contains(": COMPLETED, 42/42 records, 2 failed")), "{err}");
    assert!(!err.contains('\u{1b}'), "{err:?}");

    let export = server.dir.path().join("out.csv");
    let (code, out, err) = settlement(
        &server,
        &["files", "export", "--format", "csv", "--max-records", "100", "-o", export.to_str().unwrap()],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    let written = std::fs::read_to_string(&export).unwrap();
    assert_eq!(written.lines().count(), 41, "a header and 40 payments");
    assert_eq!(out, format!("wrote {} bytes to {}\n", written.len(), export.display()));
    assert!(!server.dir.path().join("out.csv.partial").exists(), "the partial file is renamed over the output");
    // A refused export writes nothing.
    let refused = server.dir.path().join("refused.csv");
    let (code, _, err) =
        settlement(&server, &["files", "export", "--format", "xls", "-o", refused.to_str().unwrap()]).await;
    assert_eq!(code, 2, "{err}");
    assert!(!refused.exists() && !server.dir.path().join("refused.csv.partial").exists());

    let (code, out, err) = settlement(&server, &["payments", "list", "--limit", "5"]).await;
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("ID") && lines[0].contains("EXTERNAL ID"), "{out}");
    assert_eq!((lines.len(), lines[6]), (7, "5 of 40, page 1 of 8"), "{out}");
    let id = lines[1].split_whitespace().next().unwrap();
    let (code, out, _) = settlement(&server, &["payments", "get", id]).await;
    assert_eq!(code, 0);
    let payment: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(payment["id"].to_string(), id);

    // The same file again: the server's refusal, word for word.
    let (code, _, err) = settlement(&server, &["files", "import", path.to_str().unwrap(), "--type", "CSV"]).await;
    assert_eq!(code, 2);
    assert!(err.contains("HTTP 409 DUPLICATE_FILE"), "{err}");
    let (code, _, err) = settlement(&server, &["files", "import", path.to_str().unwrap(), "--type", "XLS"]).await;
    assert_eq!(code, 2);
    assert!(err.contains("HTTP 400 VALIDATION_ERROR: file_type"), "{err}");
    server.stop().await;
}

#[tokio::test]
async fn qr_decode_reads_as_the_server_does_and_image_saves_the_picture() {
    let server = Server::start().await;
    let valid = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
    let (code, out, _) = settlement(&server, &["qr", "decode", valid]).await;
    assert_eq!(code, 0, "{out}");
    let decoded: Value = serde_json::from_str(&out).unwrap();
    assert_eq!((&decoded["valid"], &decoded["conformant"]), (&Value::Bool(true), &Value::Bool(true)));
    let broken = valid.replace("63041D3D", "63040000");
    let (code, out, _) = settlement(&server, &["qr", "decode", &broken]).await;
    assert_eq!(code, 1, "{out}");

    let body = serde_json::json!({
        "type": "STATIC", "merchant_name": "Loja ABC", "merchant_city": "São Paulo",
        "merchant_category_code": "5411", "pix_key": "12345678909", "amount": 15000, "currency": "BRL"
    });
    let code: Value =
        server.request(Method::POST, "/api/v1/qr-codes").json(&body).send().await.unwrap().json().await.unwrap();
    let id = code["id"].to_string();
    for (name, magic) in [("code.png", &b"\x89PNG"[..]), ("code.svg", &b"<svg"[..])] {
        let path = server.dir.path().join(name);
        let (status, out, err) = settlement(&server, &["qr", "image", &id, "-o", path.to_str().unwrap()]).await;
        assert_eq!(status, 0, "{out}{err}");
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.windows(magic.len()).take(64).any(|w| w == magic), "{name}: {:?}", &bytes[..16]);
    }
    let (status, _, err) =
        settlement(&server, &["qr", "image", "999999", "-o", server.dir.path().join("x.png").to_str().unwrap()]).await;
    assert_eq!(status, 2);
    assert!(err.contains("HTTP 404 NOT_FOUND"), "{err}");
    server.stop().await;
}

#[tokio::test]
async fn without_a_token_or_a_server_the_command_says_what_is_missing() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_settlement"))
        .args(["payments", "list"])
        .env_remove("SETTLEMENT_TOKEN")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no token: pass --token or set SETTLEMENT_TOKEN"));
    // Port 9 on loopback: nothing listens.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_settlement"))
        .args(["payments", "list", "--url", "http://127.0.0.1:9", "--token", "t"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot reach http://127.0.0.1:9"));
}
