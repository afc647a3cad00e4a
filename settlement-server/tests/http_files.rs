//! Payment files over real HTTP: multipart upload, refusals, processing to the end, records,
//! lists and scopes.

mod common;

use std::time::Duration;

use common::{Server, error_of};
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

const DOCUMENT_CSV: &str = "debtor_ispb,creditor_ispb,amount,description\n12345678,87654321,15000,Payment 1\n12345678,87654321,25000,Payment 2\n";

async fn upload(server: &Server, name: &str, file_type: &str, bytes: Vec<u8>) -> reqwest::Response {
    let form =
        Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned())).text("file_type", file_type.to_owned());
    server
        .request(Method::POST, "/api/v1/files/import")
        .header("X-User-ID", "mallory")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn wait_until_done(server: &Server, id: i64) -> Value {
    for _ in 0..200 {
        let import: Value = server
            .request(Method::GET, &format!("/api/v1/files/imports/{id}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if import["status"] != "PROCESSING" {
            return import;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("import {id} still processing");
}

#[tokio::test]
async fn the_documents_csv_imports_and_becomes_payments() {
    let server = Server::start().await;
    let response = upload(&server, "payments.csv", "CSV", DOCUMENT_CSV.into()).await;
    assert_eq!(response.status(), 201);
    let import: Value = response.json().await.unwrap();
    assert_eq!(import["filename"], "payments.csv");
    assert_eq!(import["file_type"], "CSV");
    assert_eq!(import["file_size"], DOCUMENT_CSV.len());
    assert_eq!(import["status"], "UPLOADED");
    assert_eq!((import["total_records"].as_i64(), import["processed_records"].as_i64()), (Some(2), Some(0)));
    assert_eq!((import["failed_records"].as_i64(), import["skipped_records"].as_i64()), (Some(0), Some(0)));
    assert_eq!(import["success_rate"], 0.0);
    assert_eq!(import["created_by"], "ops@bank.example", "the token's subject, never X-User-ID");
    assert_eq!(import["file_hash"].as_str().unwrap().len(), 64);
    let id = import["id"].as_i64().unwrap();

    let started = server.request(Method::POST, &format!("/api/v1/files/imports/{id}/process")).send().await.unwrap();
    assert_eq!(started.status(), 202);
    let started: Value = started.json().await.unwrap();
    assert_eq!((started["id"].as_i64(), started["status"].as_str()), (Some(id), Some("PROCESSING")));
    assert!(started["started_at"].is_string());
    let done = wait_until_done(&server, id).await;
    assert_eq!(done["status"], "COMPLETED");
    assert_eq!((done["processed_records"].as_i64(), done["success_rate"].as_f64()), (Some(2), Some(100.0)));
    assert!(done["completed_at"].is_string());
    let again = server.request(Method::POST, &format!("/api/v1/files/imports/{id}/process")).send().await.unwrap();
    assert_eq!(error_of(again).await.0, 409);
    // An import of payments has no reconciliation: a conflict with what the import is.
    let report =
        server.request(Method::GET, &format!("/api/v1/files/imports/{id}/reconciliation")).send().await.unwrap();
    let (status, code, _) = error_of(report).await;
    assert_eq!((status, code.as_str()), (409, "NOT_A_RETORNO"));

    let page: Value = server
        .request(Method::GET, &format!("/api/v1/files/imports/{id}/records"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (page["count"].as_i64(), page["limit"].as_i64(), page["offset"].as_i64()),
        (Some(2), Some(100), Some(0))
    );
    let record = &page["records"][0];
    assert_eq!((record["file_import_id"].as_i64(), record["line_number"].as_i64()), (Some(id), Some(2)));
    assert_eq!(
        (record["raw_data"].as_str(), record["status"].as_str()),
        (Some("12345678,87654321,15000,Payment 1"), Some("SUCCESS"))
    );
    let payment_id = record["payment_request_id"].as_i64().unwrap();
    let payment: Value = server
        .request(Method::GET, &format!("/api/v1/payments/{payment_id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((payment["amount"].as_i64(), payment["description"].as_str()), (Some(15000), Some("Payment 1")));

    // The same bytes again: 409 naming the first import.
    let (status, code, message) = error_of(upload(&server, "again.csv", "CSV", DOCUMENT_CSV.into()).await).await;
    assert_eq!((status, code.as_str()), (409, "DUPLICATE_FILE"));
    assert!(message.contains(&format!("import {id}")), "{message}");
    server.stop().await;
}

#[tokio::test]
async fn refusals_name_what_is_wrong() {
    let server = Server::start().await;
    let (status, code, message) = error_of(upload(&server, "p.csv", "CSV", br#"[{"amount": 1}]"#.to_vec()).await).await;
    assert_eq!((status, code.as_str()), (400, "VALIDATION_ERROR"));
    assert_eq!(message, "file_type CSV does not match the file's content, which looks like JSON");
    let (status, code, message) =
        error_of(upload(&server, "p.csv", "CSV", b"debtor_ispb,amount\n1,2\n".to_vec()).await).await;
    assert_eq!((status, code.as_str()), (422, "FILE_UNREADABLE"));
    assert!(message.contains("line 1: the header row has no creditor_ispb column"), "{message}");
    let (status, _, message) = error_of(upload(&server, "p.csv", "XLS", DOCUMENT_CSV.into()).await).await;
    assert_eq!(status, 400, "{message}");
    let form = Form::new().part("file", Part::bytes(DOCUMENT_CSV.as_bytes().to_vec()).file_name("p.csv"));
    let response = server.request(Method::POST, "/api/v1/files/import").multipart(form).send().await.unwrap();
    assert_eq!(error_of(response).await, (400, "VALIDATION_ERROR".into(), "file_type is required".into()));
    let (status, code, _) = error_of(upload(&server, "p.json", "JSON", b"[1, 2".to_vec()).await).await;
    assert_eq!((status, code.as_str()), (422, "FILE_UNREADABLE"));
    // Nothing was stored, and nothing is left in the spool.
    let list: Value = server.request(Method::GET, "/api/v1/files/imports").send().await.unwrap().json().await.unwrap();
    assert_eq!(list["pagination"]["total"], 0);
    assert_eq!(std::fs::read_dir(server.dir.path().join("uploads")).unwrap().count(), 0);
    server.stop().await;
}

#[tokio::test]
async fn a_file_over_100_mib_is_refused_as_it_arrives() {
    let server = Server::start().await;
    let chunk = vec![b'x'; 1024 * 1024];
    let chunks = (0..101).map(move |_| Ok::<_, std::io::Error>(chunk.clone()));
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let form = Form::new().text("file_type", "CSV").part("file", Part::stream(body).file_name("huge.csv"));
    match server.request(Method::POST, "/api/v1/files/import").multipart(form).send().await {
        Ok(response) => {
            let (status, code, message) = error_of(response).await;
            assert_eq!(
                (status, code.as_str(), message.as_str()),
                (413, "FILE_TOO_LARGE", "file exceeds maximum size of 100MB")
            );
        }
        // The server may close the connection before the client has sent everything.
        Err(error) => assert!(error.is_request() || error.is_body(), "{error}"),
    }
    assert_eq!(std::fs::read_dir(server.dir.path().join("uploads")).unwrap().count(), 0, "the spool is removed");
    server.stop().await;
}

#[tokio::test]
async fn lists_filter_and_scopes_guard() {
    let server = Server::start().await;
    let first: Value = upload(&server, "a.csv", "CSV", DOCUMENT_CSV.into()).await.json().await.unwrap();
    let json = br#"[{"amount": 100, "debtor_ispb": "12345678", "creditor_ispb": "87654321"}]"#.to_vec();
    let second: Value = upload(&server, "b.json", "JSON", json).await.json().await.unwrap();
    server.request(Method::POST, &format!("/api/v1/files/imports/{}/process", first["id"])).send().await.unwrap();
    wait_until_done(&server, first["id"].as_i64().unwrap()).await;
    let list = |query: &'static str| {
        let request = server.request(Method::GET, &format!("/api/v1/files/imports{query}"));
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    assert_eq!(list("").await["pagination"]["total"], 2);
    assert_eq!(list("?status=COMPLETED").await["data"][0]["id"], first["id"]);
    assert_eq!(list("?file_type=JSON").await["data"][0]["id"], second["id"]);
    assert_eq!(list("?created_by=ops@bank.example&limit=1").await["pagination"]["total_pages"], 2);
    for bad in ["?limit=101", "?status=DONE", "?file_type=XLS", "?colour=red"] {
        let response = server.request(Method::GET, &format!("/api/v1/files/imports{bad}")).send().await.unwrap();
        assert_eq!(error_of(response).await.0, 400, "{bad}");
    }
    let records = server
        .request(Method::GET, &format!("/api/v1/files/imports/{}/records?limit=1001", first["id"]))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(records).await.0, 400);
    let success: Value = server
        .request(Method::GET, &format!("/api/v1/files/imports/{}/records?status=SUCCESS&limit=1", first["id"]))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((success["count"].as_i64(), success["records"].as_array().unwrap().len()), (Some(2), 1));
    let missing = server.request(Method::GET, "/api/v1/files/imports/999/records").send().await.unwrap();
    assert_eq!(error_of(missing).await.0, 404);

    let read_only = Server::token("files.read");
    let form = Form::new().part("file", Part::bytes(b"x".to_vec()).file_name("x.csv")).text("file_type", "CSV");
    let response = server
        .client
        .post(server.url("/api/v1/files/import"))
        .bearer_auth(&read_only)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["www-authenticate"], r#"Bearer error="insufficient_scope", scope="files.write""#);
    let response = server
        .client
        .get(server.url("/api/v1/files/imports"))
        .bearer_auth(Server::token("payments.read"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(response).await.0, 403);
    server.stop().await;
}

async fn export(server: &Server, query: &str) -> reqwest::Response {
    server.request(Method::GET, &format!("/api/v1/files/export{query}")).send().await.unwrap()
}

/// A payment's debtor and creditor ISPBs, debtor document, creditor name, amount and external id.
type Entry = (String, String, Option<String>, Option<String>, i64, Option<String>);

/// Parties, amounts and external ids of every payment of `server`, in creation order.
async fn ledger(server: &Server) -> Vec<Entry> {
    let page: Value =
        server.request(Method::GET, "/api/v1/payments?limit=100").send().await.unwrap().json().await.unwrap();
    let mut rows = Vec::new();
    for summary in page["data"].as_array().unwrap().iter().rev() {
        let payment: Value = server
            .request(Method::GET, &format!("/api/v1/payments/{}", summary["id"]))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let text = |field: &str| payment[field].as_str().map(str::to_owned);
        rows.push((
            text("debtor_ispb").unwrap(),
            text("creditor_ispb").unwrap(),
            text("debtor_document"),
            text("creditor_name"),
            payment["amount"].as_i64().unwrap(),
            text("external_id"),
        ));
    }
    rows
}

#[tokio::test]
async fn exports_import_back_with_the_same_parties_amounts_and_ids() {
    let source = Server::start().await;
    for n in 0..5 {
        let mut body = common::payment_body();
        body["external_id"] = serde_json::json!(format!("EXP-{n}"));
        body["amount"] = serde_json::json!(1000 + n);
        body["creditor_name"] = serde_json::json!(format!("Maria, \"filha\" {n}"));
        source.created_id(&body).await;
    }
    let expected = ledger(&source).await;
    for (format, file_type, extension) in [("csv", "CSV", "csv"), ("json", "JSON", "json")] {
        let response = export(&source, &format!("?format={format}")).await;
        assert_eq!(response.status(), 200);
        let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
        assert!(
            disposition.starts_with("attachment; filename=\"export_")
                && disposition.ends_with(&format!(".{extension}\"")),
            "{disposition}"
        );
        let bytes = response.bytes().await.unwrap().to_vec();
        let target = Server::start().await;
        let import: Value =
            upload(&target, &format!("export.{extension}"), file_type, bytes).await.json().await.unwrap();
        assert_eq!(import["total_records"], 5, "{format}: {import}");
        target.request(Method::POST, &format!("/api/v1/files/imports/{}/process", import["id"])).send().await.unwrap();
        let done = wait_until_done(&target, import["id"].as_i64().unwrap()).await;
        assert_eq!(done["success_rate"], 100.0, "{format}: {done}");
        assert_eq!(ledger(&target).await, expected, "{format}");
        target.stop().await;
    }
    let text = export(&source, "?max_records=2&min_amount=1001").await.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("debtor_ispb,creditor_ispb,amount,status,end_to_end_id"), "{}", lines[0]);
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[1].starts_with("12345678,87654321,1001,PENDING,"), "{}", lines[1]);
    let json: Value = export(&source, "?format=json&status=COMPLETED").await.json().await.unwrap();
    assert_eq!(json, serde_json::json!([]));
    for bad in
        ["?format=xml", "?max_records=100001", "?from=yesterday", "?status=DONE", "?colour=red", "?format=cnab240"]
    {
        assert_eq!(error_of(export(&source, bad).await).await.0, 400, "{bad}");
    }
    let today = time::OffsetDateTime::now_utc().date();
    let text = export(&source, &format!("?from={today}&to={today}")).await.text().await.unwrap();
    assert_eq!(text.lines().count(), 6);
    let tomorrow = today.next_day().unwrap();
    assert_eq!(export(&source, &format!("?from={tomorrow}")).await.text().await.unwrap().lines().count(), 1);
    source.stop().await;
}

#[tokio::test]
async fn a_cnab240_export_is_a_valid_pix_file_that_imports_back() {
    let source = Server::start().await;
    for n in 0..3 {
        let mut body = common::payment_body();
        body["external_id"] = serde_json::json!(format!("CNAB-{n}"));
        body["debtor_ispb"] = serde_json::json!("60746948");
        body["amount"] = serde_json::json!(2000 + n);
        source.created_id(&body).await;
    }
    let response = export(&source, "?format=cnab240&debtor_ispb=60746948").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-disposition"].to_str().unwrap().ends_with(".rem\""));
    let bytes = response.bytes().await.unwrap().to_vec();
    let report = febraban_cnab::validate(bytes.as_slice(), febraban_cnab::ReadOptions::default());
    assert!(report.is_valid(), "{:?}", report.problems.iter().map(ToString::to_string).collect::<Vec<_>>());
    assert_eq!((report.summary.payments, report.summary.total_amount), (3, 2000 + 2001 + 2002));

    let target = Server::start().await;
    let import: Value = upload(&target, "export.rem", "CNAB240", bytes).await.json().await.unwrap();
    target.request(Method::POST, &format!("/api/v1/files/imports/{}/process", import["id"])).send().await.unwrap();
    let done = wait_until_done(&target, import["id"].as_i64().unwrap()).await;
    assert_eq!(done["success_rate"], 100.0, "{done}");
    // CNAB writes names upper case: everything but the name comes back as it left.
    let key = |rows: Vec<Entry>| {
        rows.into_iter().map(|(d, c, doc, _, amount, id)| (d, c, doc, amount, id)).collect::<Vec<_>>()
    };
    assert_eq!(key(ledger(&target).await), key(ledger(&source).await));

    for bad in ["?format=cnab240", "?format=cnab240&debtor_ispb=12345678", "?format=cnab400"] {
        assert_eq!(error_of(export(&source, bad).await).await.0, 400, "{bad}");
    }
    target.stop().await;
    source.stop().await;
}

#[tokio::test]
async fn a_cnab400_export_is_a_bradesco_remessa_that_imports_back() {
    let source = Server::start().await;
    for n in 0..3 {
        let mut body = common::payment_body();
        body["external_id"] = serde_json::json!(format!("BOL-{n}"));
        body["creditor_ispb"] = serde_json::json!("60746948");
        body["amount"] = serde_json::json!(3000 + n);
        source.created_id(&body).await;
    }
    let response = export(&source, "?format=cnab400&creditor_ispb=60746948").await;
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap().to_vec();
    let report = febraban_cnab::cnab400::validate(bytes.as_slice(), febraban_cnab::ReadOptions::default());
    assert!(report.is_valid(), "{:?}", report.problems.iter().map(ToString::to_string).collect::<Vec<_>>());
    assert_eq!((report.summary.bank, report.summary.payments, report.summary.total_amount), (Some(237), 3, 9003));

    let target = Server::start().await;
    // The pagador's institution is not in a remessa: the upload says it.
    let form = Form::new()
        .part("file", Part::bytes(bytes).file_name("cobranca.rem"))
        .text("file_type", "CNAB400")
        .text("debtor_ispb", "12345678");
    let import: Value = target
        .request(Method::POST, "/api/v1/files/import")
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    target.request(Method::POST, &format!("/api/v1/files/imports/{}/process", import["id"])).send().await.unwrap();
    let done = wait_until_done(&target, import["id"].as_i64().unwrap()).await;
    assert_eq!(done["success_rate"], 100.0, "{done}");
    let key = |rows: Vec<Entry>| {
        rows.into_iter().map(|(d, c, doc, _, amount, id)| (d, c, doc, amount, id)).collect::<Vec<_>>()
    };
    assert_eq!(key(ledger(&target).await), key(ledger(&source).await));
    assert_eq!(error_of(export(&source, "?format=cnab400").await).await.0, 400);
    target.stop().await;
    source.stop().await;
}

#[tokio::test]
async fn spools_a_killed_server_left_are_removed_at_start() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("uploads")).unwrap();
    std::fs::write(dir.path().join("uploads/0123.upload"), b"half a file").unwrap();
    std::fs::write(dir.path().join("uploads/keep.txt"), b"not ours").unwrap();
    let server = Server::start_with(common::settings(dir.path()), dir).await;
    let left: Vec<String> = std::fs::read_dir(server.dir.path().join("uploads"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["keep.txt"]);
    server.stop().await;
}

#[tokio::test]
async fn a_body_that_is_not_multipart_is_refused_in_the_envelope() {
    let server = Server::start().await;
    for request in [
        server.request(Method::POST, "/api/v1/files/import").json(&serde_json::json!({"file": "x"})),
        server.request(Method::POST, "/api/v1/files/import"),
        server.request(Method::POST, "/api/v1/files/import").header("content-type", "multipart/form-data"),
    ] {
        let (status, code, message) = error_of(request.send().await.unwrap()).await;
        assert_eq!((status, code.as_str()), (400, "VALIDATION_ERROR"), "{message}");
        assert!(message.starts_with("the body must be multipart/form-data"), "{message}");
    }
    server.stop().await;
}
