//! The settlement loop over HTTP: payments sent in a remessa (`mark_sent`), the bank's retorno
//! for that remessa written with `febraban-cnab`'s writer, imported and processed, and every
//! payment, confirmation, failure reason, record and report checked.

mod common;

use std::time::Duration;

#[path = "../../settlement-core/tests/support/bank.rs"]
mod bank;

use bank::{Answer, Boleto, boleto, cnab240_retorno, cnab400_retorno};
use common::{Server, error_of};
use febraban_cnab::ReadOptions;
use febraban_cnab::cnab400::Cnab400;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

async fn get(server: &Server, path: &str) -> Value {
    let response = server.request(Method::GET, &format!("/api/v1{path}")).send().await.unwrap();
    assert_eq!(response.status(), 200, "GET {path}");
    response.json().await.unwrap()
}

/// Checks that a retorno the test wrote validates strictly, uploads it, processes it, and waits
/// until it is done.
async fn import_and_process(server: &Server, name: &str, file_type: &str, bytes: Vec<u8>) -> Value {
    let report = match file_type {
        "CNAB400" => febraban_cnab::cnab400::validate(bytes.as_slice(), ReadOptions::default()),
        _ => febraban_cnab::validate(bytes.as_slice(), ReadOptions::default()),
    };
    assert!(report.is_valid(), "{:?}", report.problems.iter().map(ToString::to_string).collect::<Vec<_>>());
    let form =
        Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned())).text("file_type", file_type.to_owned());
    let response = server.request(Method::POST, "/api/v1/files/import").multipart(form).send().await.unwrap();
    let status = response.status();
    let import: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "{import}");
    assert_eq!(import["kind"], "RETORNO", "{import}");
    let id = import["id"].as_i64().unwrap();
    let started = server.request(Method::POST, &format!("/api/v1/files/imports/{id}/process")).send().await.unwrap();
    assert_eq!(started.status(), 202);
    for _ in 0..400 {
        let import = get(server, &format!("/files/imports/{id}")).await;
        if import["status"] != "PROCESSING" {
            return import;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("import {id} still processing");
}

/// The records of an import by line: status, note and payment.
async fn outcomes(server: &Server, id: i64) -> Vec<(String, String, Option<i64>)> {
    let page = get(server, &format!("/files/imports/{id}/records?limit=1000")).await;
    page["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["status"].as_str().unwrap().to_owned(),
                r["error"].as_str().unwrap_or("").to_owned(),
                r["payment_request_id"].as_i64(),
            )
        })
        .collect()
}

/// The records' statuses, in file order.
fn statuses(records: &[(String, String, Option<i64>)]) -> Vec<&str> {
    records.iter().map(|(status, _, _)| status.as_str()).collect()
}

/// Sends a remessa: the response's bytes and the export's id.
async fn send(server: &Server, query: &str) -> (Vec<u8>, i64) {
    let response =
        server.request(Method::GET, &format!("/api/v1/files/export?mark_sent=true&{query}")).send().await.unwrap();
    assert_eq!(response.status(), 200, "{query}");
    let id: i64 = response.headers()["x-export-id"].to_str().unwrap().parse().unwrap();
    assert_eq!(response.headers()["location"].to_str().unwrap(), format!("/api/v1/files/exports/{id}"));
    (response.bytes().await.unwrap().to_vec(), id)
}

const E2E: &str = "E6074694820261201120000000000001";

/// The document's payment number `n`, `external_id` `{prefix}-{n}`, of `base + n` centavos,
/// with Bradesco on the side `bank_side` names.
fn payment(prefix: &str, bank_side: &str, base: i64, n: i64) -> Value {
    let mut body = common::payment_body();
    body["external_id"] = json!(format!("{prefix}-{n}"));
    body[bank_side] = json!("60746948");
    body["amount"] = json!(base + n);
    body
}

/// A payment to send from Bradesco's customer, by Pix.
fn transfer(n: i64) -> Value {
    payment("LOOP", "debtor_ispb", 10_000, n)
}

#[tokio::test]
async fn a_cnab240_remessa_sent_and_its_retorno_close_the_loop() {
    let server = Server::start().await;
    let mut ids = Vec::new();
    for n in 0..6 {
        ids.push(server.created_id(&transfer(n)).await);
    }
    // Only those who may write send: reading an export changes nothing.
    let reader = server
        .client
        .get(server.url("/api/v1/files/export?format=cnab240&debtor_ispb=60746948&mark_sent=true"))
        .bearer_auth(Server::token("files.read"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(reader).await.0, 403);
    for bad in ["format=csv", "format=cnab240&debtor_ispb=60746948&status=COMPLETED"] {
        let response =
            server.request(Method::GET, &format!("/api/v1/files/export?mark_sent=true&{bad}")).send().await.unwrap();
        assert_eq!(error_of(response).await.0, 400, "{bad}");
    }
    let (remessa, export_id) = send(&server, "format=cnab240&debtor_ispb=60746948").await;
    for id in &ids {
        assert_eq!(get(&server, &format!("/payments/{id}")).await["status"], "PROCESSING");
    }
    let history = get(&server, &format!("/payments/{}/history", ids[0])).await;
    assert_eq!(history["data"][1]["actor"], format!("export:{export_id}"), "{history}");
    // Sent once: nothing is left to send.
    let again = server
        .request(Method::GET, "/api/v1/files/export?format=cnab240&debtor_ispb=60746948&mark_sent=true")
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(again).await.1, "NOTHING_TO_SEND");
    // The seu número carries the service's reference, then the external id.
    let text = String::from_utf8_lossy(&remessa);
    let first_a = text.lines().find(|line| &line[13..14] == "A").unwrap();
    assert_eq!(first_a[73..93].trim_end(), format!("{} LOOP-0", settlement_core::files::reference::of(ids[0])));

    let export = get(&server, &format!("/files/exports/{export_id}")).await;
    assert_eq!(
        (
            &export["format"],
            &export["bank"],
            &export["payment_count"],
            &export["total_amount"],
            &export["answered_count"]
        ),
        (&json!("CNAB240"), &json!(237), &json!(6), &json!(60_015), &json!(0)),
        "{export}"
    );
    assert_eq!(export["payment_ids"], json!(ids));
    // The bank's first remessa of this layout: NSA 1, in the file header (158-163).
    assert_eq!((export["file_number"].as_i64(), &text[157..163]), (Some(1), "000001"));
    let list = get(&server, "/files/exports?format=CNAB240").await;
    assert_eq!(list["pagination"]["total"], 1);
    // The file can be fetched again, the same bytes.
    let again = server.request(Method::GET, &format!("/api/v1/files/exports/{export_id}/file")).send().await.unwrap();
    assert_eq!(again.bytes().await.unwrap().to_vec(), remessa);

    let answers = [
        Answer::Paid(E2E),
        Answer::Codes("BD"),
        Answer::Codes("ARAM"),
        Answer::Codes("BF"),
        Answer::Codes("H4"),
        Answer::WrongAmount,
    ];
    let retorno = cnab240_retorno(&remessa, &answers);
    let import = import_and_process(&server, "retorno.ret", "CNAB240", retorno.clone()).await;
    let import_id = import["id"].as_i64().unwrap();
    assert_eq!((import["status"].as_str(), import["total_records"].as_i64()), (Some("COMPLETED"), Some(7)), "{import}");
    let records = outcomes(&server, import_id).await;
    assert_eq!(
        statuses(&records),
        ["MATCHED", "MATCHED", "MATCHED", "FAILED", "FAILED", "MISMATCHED", "UNMATCHED"],
        "{records:?}"
    );
    assert_eq!(
        records.iter().take(6).map(|r| r.2).collect::<Vec<_>>(),
        ids.iter().map(|id| Some(*id)).collect::<Vec<_>>()
    );
    assert!(records[3].1.contains("PROCESSING -> CANCELLED"), "{}", records[3].1);
    assert!(records[4].1.contains("reversal"), "{}", records[4].1);
    assert!(records[5].1.starts_with("amount: the bank says R$ 100,06"), "{}", records[5].1);

    let paid = get(&server, &format!("/payments/{}", ids[0])).await;
    assert_eq!((&paid["status"], &paid["end_to_end_id"]), (&json!("COMPLETED"), &json!(E2E)), "{paid}");
    let day = time::OffsetDateTime::now_utc().date();
    assert!(paid["processed_at"].as_str().unwrap().starts_with(&day.to_string()), "{paid}");
    let credit = get(&server, &format!("/payments/{}/confirm-credit", ids[0])).await;
    assert_eq!(
        (&credit["confirmed_amount"], &credit["confirmed_by"], &credit["notes"]),
        (&json!(10_000), &json!(format!("retorno:{import_id}")), &json!("00 Crédito ou débito efetivado")),
        "{credit}"
    );
    let history = get(&server, &format!("/payments/{}/history", ids[0])).await;
    assert_eq!(history["data"][2]["actor"], format!("retorno:{import_id}"), "{history}");
    assert_eq!(get(&server, &format!("/payments/{}", ids[1])).await["status"], "PROCESSING");
    let failed = get(&server, &format!("/payments/{}", ids[2])).await;
    assert_eq!(failed["status"], "FAILED");
    assert_eq!(
        failed["failure_reason"],
        "AR Valor do lançamento inválido; AM Agência mantenedora da conta corrente do favorecido inválida"
    );
    for id in &ids[3..] {
        assert_eq!(get(&server, &format!("/payments/{id}")).await["status"], "PROCESSING");
    }

    let reconciliation = get(&server, &format!("/files/imports/{import_id}/reconciliation")).await;
    let tally = |name: &str| {
        (reconciliation[name]["count"].as_i64().unwrap(), reconciliation[name]["amount"].as_i64().unwrap())
    };
    assert_eq!(tally("matched"), (3, 10_000 + 10_001 + 10_002), "{reconciliation}");
    assert_eq!(tally("failed"), (2, 10_003 + 10_004));
    assert_eq!(tally("mismatched"), (1, 10_006));
    assert_eq!(tally("unmatched"), (1, 10_000));
    assert_eq!(reconciliation["unmatched_records"].as_array().unwrap().len(), 1);
    assert_eq!(reconciliation["mismatched_records"][0]["payment_request_id"], ids[5]);
    // Only the mismatched payment is still waiting for the bank's answer.
    let waiting = get(&server, "/payments?awaiting_return=true&awaiting_days=0").await;
    let waiting: Vec<i64> = waiting["data"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
    assert_eq!(waiting, [ids[5]]);
    assert_eq!(get(&server, "/payments?awaiting_return=true").await["pagination"]["total"], 0, "sent today");
    assert_eq!(get(&server, &format!("/files/exports/{export_id}")).await["answered_count"], 5);

    // The same file again would apply twice: refused. Another file repeating the payment
    // changes nothing, and says so.
    let form = Form::new().part("file", Part::bytes(retorno).file_name("again.ret")).text("file_type", "CNAB240");
    let again = server.request(Method::POST, "/api/v1/files/import").multipart(form).send().await.unwrap();
    assert_eq!(error_of(again).await.1, "DUPLICATE_FILE");
    let repeat = cnab240_retorno(
        &remessa,
        &[
            Answer::Paid(E2E),
            Answer::Codes("00"),
            Answer::Codes("BD"),
            Answer::Codes("BD"),
            Answer::Codes("BD"),
            Answer::Codes("BD"),
        ],
    );
    let second = import_and_process(&server, "repeat.ret", "CNAB240", repeat).await;
    let records = outcomes(&server, second["id"].as_i64().unwrap()).await;
    assert_eq!(records[0].0, "MATCHED");
    assert!(records[0].1.contains("COMPLETED already; nothing changed"), "{}", records[0].1);
    assert!(records[1].1.contains("PROCESSING -> COMPLETED"), "{}", records[1].1);
    // An older event never overrides a later final state.
    assert_eq!(records[2].0, "MATCHED");
    assert!(records[2].1.ends_with("entered; the payment stays FAILED"), "{}", records[2].1);
    let credits = get(&server, &format!("/payments/{}/history", ids[0])).await;
    assert_eq!(credits["data"].as_array().unwrap().len(), 3, "created, sent, completed: once");
    server.stop().await;
}

/// A boleto Bradesco collects for its customer, from the document's payer.
fn boleto_payment(n: i64) -> Value {
    payment("BOL", "creditor_ispb", 3_000, n)
}

#[tokio::test]
async fn a_cnab400_remessa_sent_and_bradescos_retorno_close_the_loop() {
    let server = Server::start().await;
    let mut ids = Vec::new();
    for n in 0..6 {
        ids.push(server.created_id(&boleto_payment(n)).await);
    }
    let (remessa, export_id) = send(&server, "format=cnab400&creditor_ispb=60746948").await;
    let export = get(&server, &format!("/files/exports/{export_id}")).await;
    assert_eq!(
        (&export["format"], &export["bank"], &export["payment_count"]),
        (&json!("CNAB400"), &json!(237), &json!(6))
    );
    // Uso da empresa carries the reference and the external id; seu número the external id.
    let reader = febraban_cnab::Reader::with_format(remessa.as_slice(), ReadOptions::default(), Cnab400::default());
    let Some(febraban_cnab::cnab400::Record::Detail(first)) = reader.map(|item| item.unwrap().1).nth(1) else {
        panic!("a detail follows the header")
    };
    let reference = settlement_core::files::reference::of(ids[0]);
    assert_eq!(
        (first.company_reference.trim_end(), first.document_number.as_str()),
        (format!("{reference} BOL-0").as_str(), "BOL-0")
    );

    let answers = [
        Boleto { interest: 150, ..boleto(6) },
        boleto(2),
        Boleto { motives: "0012", ..boleto(3) },
        boleto(9),
        Boleto { short: 100, ..boleto(6) },
        boleto(28),
    ];
    let retorno = cnab400_retorno(&remessa, &answers);
    let import = import_and_process(&server, "bradesco.ret", "CNAB400", retorno).await;
    let import_id = import["id"].as_i64().unwrap();
    let records = outcomes(&server, import_id).await;
    assert_eq!(
        statuses(&records),
        ["MATCHED", "MATCHED", "MATCHED", "FAILED", "MISMATCHED", "MATCHED", "UNMATCHED"],
        "{records:?}"
    );
    assert!(records[4].1.starts_with("paid R$ 29,04, where the payment's R$ 30,04"), "{}", records[4].1);
    assert!(records[5].1.contains("Débito de tarifas/custas: nothing changed"), "{}", records[5].1);

    let paid = get(&server, &format!("/payments/{}", ids[0])).await;
    assert_eq!(paid["status"], "COMPLETED", "{paid}");
    let credit = get(&server, &format!("/payments/{}/confirm-credit", ids[0])).await;
    assert_eq!(
        (&credit["confirmed_amount"], &credit["interest"], &credit["notes"]),
        (&json!(3_150), &json!(150), &json!("06 Liquidação normal")),
        "{credit}"
    );
    let failed = get(&server, &format!("/payments/{}", ids[2])).await;
    assert_eq!(
        (&failed["status"], &failed["failure_reason"]),
        (&json!("FAILED"), &json!("03 Entrada rejeitada (motivos 0012)"))
    );
    for id in [ids[1], ids[3], ids[4], ids[5]] {
        assert_eq!(get(&server, &format!("/payments/{id}")).await["status"], "PROCESSING");
    }
    let reconciliation = get(&server, &format!("/files/imports/{import_id}/reconciliation")).await;
    assert_eq!(
        reconciliation["matched"],
        json!({"count": 4, "amount": 3_150 + 3_001 + 3_002 + 3_005}),
        "{reconciliation}"
    );
    assert_eq!(reconciliation["mismatched"], json!({"count": 1, "amount": 2_904}));
    assert_eq!(reconciliation["unmatched"]["count"], 1);
    server.stop().await;
}

#[tokio::test]
async fn a_cnab240_cobranca_remessa_sent_and_its_t_and_u_retorno_close_the_loop() {
    let server = Server::start().await;
    let mut ids = Vec::new();
    for n in 0..6 {
        ids.push(server.created_id(&boleto_payment(n)).await);
    }
    let missing =
        server.request(Method::GET, "/api/v1/files/export?format=cnab240&service=cobranca").send().await.unwrap();
    assert_eq!(error_of(missing).await.0, 400, "the collecting bank is needed");
    let (remessa, export_id) = send(&server, "format=cnab240&service=cobranca&creditor_ispb=60746948").await;
    let report = febraban_cnab::validate(remessa.as_slice(), ReadOptions::default());
    assert!(report.is_valid(), "{:?}", report.problems.iter().map(ToString::to_string).collect::<Vec<_>>());
    assert_eq!((report.summary.payments, report.summary.total_amount), (6, 18_015));
    let export = get(&server, &format!("/files/exports/{export_id}")).await;
    assert_eq!(
        (&export["format"], &export["layout"], &export["bank"]),
        (&json!("CNAB240"), &json!("CNAB240_COBRANCA"), &json!(237))
    );
    let again = server.request(Method::GET, &format!("/api/v1/files/exports/{export_id}/file")).send().await.unwrap();
    assert_eq!(again.bytes().await.unwrap().to_vec(), remessa);

    let answers = [
        Boleto { interest: 200, ..boleto(6) },
        boleto(2),
        Boleto { motives: "A4", ..boleto(3) },
        boleto(9),
        boleto(44),
        Boleto { short: 50, ..boleto(6) },
    ];
    let retorno = bank::cobranca_retorno(&remessa, &answers);
    let import = import_and_process(&server, "cobranca.ret", "CNAB240", retorno).await;
    let import_id = import["id"].as_i64().unwrap();
    let records = outcomes(&server, import_id).await;
    assert_eq!(
        statuses(&records),
        ["MATCHED", "MATCHED", "MATCHED", "FAILED", "FAILED", "MISMATCHED", "UNMATCHED"],
        "{records:?}"
    );
    assert!(records[1].1.ends_with("Entrada confirmada: entered; the payment stays PROCESSING"), "{}", records[1].1);
    assert!(records[3].1.contains("PROCESSING -> CANCELLED"), "{}", records[3].1);
    assert!(records[4].1.starts_with("44 Título pago com cheque devolvido: a reversal"), "{}", records[4].1);

    let credit = get(&server, &format!("/payments/{}/confirm-credit", ids[0])).await;
    assert_eq!(
        (&credit["confirmed_amount"], &credit["interest"], &credit["notes"]),
        (&json!(3_200), &json!(200), &json!("06 Liquidação")),
        "{credit}"
    );
    let failed = get(&server, &format!("/payments/{}", ids[2])).await;
    assert_eq!(failed["failure_reason"], "03 Entrada rejeitada (motivos A4)");
    let reconciliation = get(&server, &format!("/files/imports/{import_id}/reconciliation")).await;
    assert_eq!(reconciliation["mismatched"], json!({"count": 1, "amount": 2_955}), "{reconciliation}");

    // A cobrança remessa this service wrote imports elsewhere with its external ids.
    let target = Server::start().await;
    let form = Form::new()
        .part("file", Part::bytes(remessa).file_name("cobranca.rem"))
        .text("file_type", "CNAB240")
        .text("debtor_ispb", "12345678");
    let response = target.request(Method::POST, "/api/v1/files/import").multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 201);
    let imported: Value = response.json().await.unwrap();
    target.request(Method::POST, &format!("/api/v1/files/imports/{}/process", imported["id"])).send().await.unwrap();
    for _ in 0..200 {
        if get(&target, &format!("/files/imports/{}", imported["id"])).await["status"] == "COMPLETED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let page = get(&target, "/payments?limit=10").await;
    let mut external: Vec<&str> =
        page["data"].as_array().unwrap().iter().map(|p| p["external_id"].as_str().unwrap()).collect();
    external.sort_unstable();
    assert_eq!(external, ["BOL-0", "BOL-1", "BOL-2", "BOL-3", "BOL-4", "BOL-5"]);
    target.stop().await;
    server.stop().await;
}
