//! The `settlement` binary's operator commands, run as a user runs them.

use std::process::Command;

fn settlement(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_settlement")).args(args).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The Central Bank's example static code.
const VALID: &str = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";

#[test]
fn brcode_decode_prints_fields_or_points_at_the_error() {
    let (code, out, _) = settlement(&["brcode", "decode", VALID]);
    assert_eq!(code, 0, "{out}");
    let fields: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(fields["merchant_name"], "Fulano de Tal");

    let damaged = VALID.replace("5802BR", "580XBR");
    let (code, out, _) = settlement(&["brcode", "decode", &damaged]);
    assert_eq!(code, 1);
    // The length of field 58 is not digits: the error and the caret are there.
    let at = damaged.find("580X").unwrap() + 2;
    assert!(out.contains(&format!("at byte {at}")), "{out}");
    let payload_line = out.lines().find(|l| l.contains("580XBR")).unwrap();
    let caret_line = out.lines().find(|l| l.contains('┬')).unwrap();
    let column = |line: &str, what: &str| line.find(what).map(|byte| line[..byte].chars().count()).unwrap();
    assert_eq!(column(caret_line, "┬"), column(payload_line, "0002") + at, "{out}");
}

#[test]
fn cnab_validate_shows_the_columns_at_fault() {
    let dir = tempfile::tempdir().unwrap();
    let mut line = vec![b' '; 240];
    line[..8].copy_from_slice(b"3410000X");
    let path = dir.path().join("bad.rem");
    std::fs::write(&path, [line.as_slice(), b"\r\n"].concat()).unwrap();
    let (code, out, _) = settlement(&["cnab", "validate", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("CNAB240") && out.contains("INVALID"), "{out}");
    assert!(out.contains("line 1"), "{out}");
}

/// A valid Pix payment file of two payments (8 lines), as the crate writes it.
fn payment_file() -> String {
    use febraban_cnab::cnab240::{FileHeader, PaymentBatchHeader, Record, SegmentA, SegmentBPix};
    use febraban_cnab::{PaymentBatch, PaymentFile};
    let payment = |amount, key: &str| {
        [
            Record::SegmentA(SegmentA {
                clearing_house: 9,
                payee_name: "FAVORECIDO".into(),
                amount,
                ..Default::default()
            }),
            Record::SegmentBPix(SegmentBPix { initiation: "02".into(), key: key.into(), ..Default::default() }),
        ]
    };
    let file = PaymentFile {
        header: FileHeader { bank: 237, company_name: "EMPRESA".into(), direction: 1, ..Default::default() },
        batches: vec![PaymentBatch {
            header: PaymentBatchHeader { operation: "C".into(), service: 20, entry_form: 45, ..Default::default() },
            details: [payment(1000, "a@example.com"), payment(2500, "b@example.com")].concat(),
            ..Default::default()
        }],
        ..Default::default()
    };
    String::from_utf8(file.to_bytes(&Default::default()).unwrap()).unwrap()
}

#[test]
fn cnab_validate_reports_the_profile_the_details_and_each_problem_at_its_own_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines: Vec<String> = payment_file().lines().map(str::to_owned).collect();
    // The file trailer (line 8) counts 9 records (24-29).
    lines[7].replace_range(23..29, "000009");
    let path = dir.path().join("pix.rem");
    std::fs::write(&path, lines.join("\r\n")).unwrap();
    let (code, out, _) = settlement(&["cnab", "validate", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("bank 237 (FEBRABAN), remessa: 1 batches, 8 records (A 2, B 2), 2 payments"), "{out}");
    // The snippet is numbered as in the file, with the caret under 24-29.
    let snippet = out.lines().find(|l| l.contains("23799999")).expect(&out);
    assert!(snippet.trim_start().starts_with("8 │"), "{out}");
    let caret = out.lines().find(|l| l.contains('┬')).unwrap();
    let column = |line: &str, what: &str| line.find(what).map(|byte| line[..byte].chars().count()).unwrap();
    assert_eq!(column(caret, "─"), column(snippet, "23799999") + 23, "{out}");

    let (code, out, _) = settlement(&["cnab", "validate", "--json", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (&report["layout"], &report["profile"], &report["direction"], &report["details"]),
        (&"CNAB240".into(), &"FEBRABAN".into(), &"remessa".into(), &serde_json::json!({ "A": 2, "B": 2 }))
    );
    let problem = &report["problems"][0];
    assert_eq!(
        (&problem["line"], &problem["columns"], &problem["declared"], &problem["computed"]),
        (&8.into(), &serde_json::json!([24, 29]), &9.into(), &8.into())
    );
}

#[test]
fn token_signs_for_the_data_directorys_secret() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let (code, token, err) =
        settlement(&["token", "--data-dir", data, "--sub", "ops", "--scope", "payments.read", "--ttl", "5m"]);
    assert_eq!(code, 0, "{err}");
    let secret = std::fs::read_to_string(dir.path().join("jwt-secret")).unwrap();
    let verifier = settlement_server::auth::Verifier::hs256(secret.trim().as_bytes(), None, None);
    let caller = verifier.verify(token.trim()).unwrap();
    assert_eq!((caller.subject.as_str(), caller.scopes.as_slice()), ("ops", ["payments.read".to_owned()].as_slice()));
    // A second token uses the same secret.
    let (_, second, _) = settlement(&["token", "--data-dir", data, "--sub", "ops2", "--scope", "x"]);
    assert!(verifier.verify(second.trim()).is_ok());
    let (code, _, err) = settlement(&["token", "--sub", "ops", "--scope", "x", "--ttl", "soon"]);
    assert_eq!(code, 2, "{err}");
}

/// Without `--public-url`, dynamic codes' locations and the charges' `jku` are under the address
/// the server listens on, whichever port that is.
#[test]
fn the_default_public_url_is_the_listening_address() {
    let data = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_settlement"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("SETTLEMENT_DATA_DIR", data.path())
        .env_remove("SETTLEMENT_PUBLIC_URL")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let dir = data.path().to_str().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let location = runtime.block_on(async {
        let client = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if client.get(format!("{base}/health")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let (_, token, _) = settlement(&["token", "--data-dir", dir, "--sub", "ops", "--scope", "qrcodes.write"]);
        let body = serde_json::json!({
            "type": "DYNAMIC", "merchant_name": "Loja ABC", "merchant_city": "Sao Paulo",
            "merchant_category_code": "5411", "pix_key": "12345678909", "amount": 1500
        });
        let response =
            client.post(format!("{base}/api/v1/qr-codes")).bearer_auth(token.trim()).json(&body).send().await.unwrap();
        assert_eq!(response.status(), 201);
        let code: serde_json::Value = response.json().await.unwrap();
        code["location"].as_str().unwrap().to_owned()
    });
    let _ = server.kill();
    let _ = server.wait();
    assert!(location.starts_with(&format!("127.0.0.1:{port}/pix/qr/v2/")), "{location}");
}
