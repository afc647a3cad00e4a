//! Retornos on every store: the real retornos of the corpus import and match nothing; a
//! retorno applies each occurrence once, whatever crashes when.

#[path = "support/bank.rs"]
mod bank;
mod common;

use common::{services, stores};
use settlement_core::files::remessa::RemessaFormat;
use settlement_core::files::{FileType, ImportKind, ImportStatus, RecordFilter, RecordStatus};
use settlement_core::service::files::Upload;
use settlement_core::{PaymentFilter, PaymentStatus};
use sha2::{Digest, Sha256};

fn upload(dir: &std::path::Path, name: &str, kind: FileType, bytes: &[u8]) -> Upload {
    let path = dir.join(name.replace('/', "_"));
    std::fs::write(&path, bytes).unwrap();
    let hash = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
    Upload {
        path,
        filename: name.to_owned(),
        file_type: kind,
        size: bytes.len() as u64,
        hash,
        cnab: Default::default(),
    }
}

#[path = "../../corpus/lookup.rs"]
mod corpus;

/// Files whose verdict in `expected.json` the codec's conformance test disputes (see
/// cnab/tests/conformance.rs): Santander's Y-03 retorno, whose batch trailer sums 548,90 for
/// one título of 10,00, is refused.
const DISPUTED: [&str; 1] = [
    "IRREGULAR_santander-033_cnab240_cobranca_retorno_T-U-Y03_pix_file-trailer-lote7031_laravel-boleto_santander_pix_liquidacao_chave.ret",
];

/// The corpus's retornos (payments, boletos, statements): name, layout, whether a lenient reader
/// takes it.
fn corpus_retornos() -> Option<Vec<(String, FileType, bool)>> {
    let expected: serde_json::Value = serde_json::from_slice(&corpus::cnab("expected.json")?).unwrap();
    let retornos = expected
        .as_array()
        .unwrap()
        .iter()
        .filter(|file| file["kind"] == "retorno")
        .map(|file| {
            let layout = if file["layout"] == "CNAB400" { FileType::Cnab400 } else { FileType::Cnab240 };
            let name = file["file"].as_str().unwrap().to_owned();
            let readable = file["lenient"] == "valid" && !DISPUTED.contains(&name.as_str());
            (name, layout, readable)
        })
        .collect();
    Some(retornos)
}

#[tokio::test]
async fn the_corpus_retornos_import_and_match_nothing() {
    let Some(retornos) = corpus_retornos() else { return };
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        // A payment that must stay as it is.
        let bystander = common::created(service.create_payment(common::request(), "op", None).await);
        let work = tempfile::tempdir().unwrap();
        for (name, layout, readable) in retornos.iter().cloned() {
            // A file left out of the repository's copy for its licence, without the shared corpus.
            let Some(bytes) = corpus::cnab(&name) else { continue };
            let imported = service.import_file(&upload(work.path(), &name, layout, &bytes), "op").await;
            let import = match (imported, readable) {
                (Ok(import), true) => import,
                (Err(error), false) => {
                    assert_eq!(error.code(), "FILE_UNREADABLE", "{backend} {name}: {error}");
                    continue;
                }
                (result, _) => panic!("{backend} {name}: {result:?}"),
            };
            assert_eq!(import.kind, ImportKind::Retorno, "{backend} {name}");
            assert!(import.total_records > 0, "{backend} {name}");
            service.start_processing(import.id, "op").await.unwrap();
            while service.process_next_chunk().await.unwrap() > 0 {}
            let done = service.file_import(import.id).await.unwrap();
            assert_eq!(done.status, ImportStatus::Completed, "{backend} {name}");
            let (records, count) =
                service.import_records(import.id, &RecordFilter { limit: 1000, ..Default::default() }).await.unwrap();
            assert_eq!(count, import.total_records as u64);
            assert!(records.iter().all(|r| r.status == RecordStatus::Unmatched), "{backend} {name}: {records:?}");
            let report = service.reconciliation(import.id, 5).await.unwrap();
            assert_eq!(report.unmatched.count, import.total_records, "{backend} {name}");
            assert_eq!(report.matched.count + report.mismatched.count + report.failed.count, 0);
            assert!(report.unmatched_records.len() <= 5);
        }
        let (payments, total) = service.payments(&PaymentFilter { limit: 10, ..Default::default() }).await.unwrap();
        assert_eq!((total, payments[0].status), (1, PaymentStatus::Pending), "{backend}");
        assert_eq!(payments[0], service.payment(bystander.id).await.unwrap());
    }
}

/// A payment of Bradesco's customer, by Pix, to send in a CNAB240 remessa.
fn transfer(n: i64) -> settlement_core::payment::PaymentRequest {
    let mut request = common::request();
    request.external_id = Some(format!("STORE-{n}"));
    request.debtor_ispb = Some("60746948".to_owned());
    request.amount = Some(20_000 + n);
    request
}

#[tokio::test]
async fn a_retorno_applies_each_occurrence_once_with_workers_racing() {
    use bank::Answer;
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        let mut ids = Vec::new();
        for n in 0..40 {
            ids.push(common::created(service.create_payment(transfer(n), "op", None).await).id);
        }
        let format = RemessaFormat::Cnab240 { bank: 237 };
        let filter = PaymentFilter { debtor_ispb: Some("60746948".to_owned()), ..Default::default() };
        // Two senders at once: the payments go in one remessa, never two.
        let (first, second) = tokio::join!(
            service.send_remessa(format, &filter, 1000, "a.rem", "alice"),
            service.send_remessa(format, &filter, 1000, "b.rem", "bob"),
        );
        let (export, remessa) = match (first, second) {
            (Ok(sent), Err(refused)) | (Err(refused), Ok(sent)) => {
                assert_eq!(refused.code(), "NOTHING_TO_SEND", "{backend}");
                sent
            }
            other => panic!("{backend}: {other:?}"),
        };
        assert_eq!((export.payment_count, export.payment_ids.as_deref()), (40, Some(ids.as_slice())), "{backend}");
        let (again, bytes) = service.export_file(export.id).await.unwrap();
        assert_eq!((again.file_hash, bytes), (export.file_hash.clone(), remessa.clone()), "{backend}");

        let e2e = "E6074694820260124103000000000001";
        let mut answers = vec![Answer::Codes("00"); 40];
        answers[0] = Answer::Paid(e2e);
        answers[1] = Answer::Codes("PJ");
        let retorno = bank::cnab240_retorno(&remessa, &answers);
        let dir = tempfile::tempdir().unwrap();
        let import =
            service.import_file(&upload(dir.path(), "r.ret", FileType::Cnab240, &retorno), "op").await.unwrap();
        service.start_processing(import.id, "op").await.unwrap();
        let work = || async { while service.process_next_chunk().await.unwrap() > 0 {} };
        tokio::join!(work(), work(), work());
        let done = service.file_import(import.id).await.unwrap();
        assert_eq!(
            (done.status, done.processed_records, done.failed_records, done.skipped_records),
            (ImportStatus::Completed, 41, 0, 1),
            "{backend}"
        );
        let first = service.payment(ids[0]).await.unwrap();
        assert_eq!((first.status, first.end_to_end_id.as_deref()), (PaymentStatus::Completed, Some(e2e)), "{backend}");
        let failed = service.payment(ids[1]).await.unwrap();
        assert_eq!(
            (failed.status, failed.failure_reason.as_deref()),
            (PaymentStatus::Failed, Some("PJ Chave não cadastrada no DICT"))
        );
        for id in &ids[2..] {
            let credit = service.credit(*id).await.unwrap();
            assert_eq!(
                (credit.confirmed_amount, credit.confirmed_by.as_str()),
                (service.payment(*id).await.unwrap().amount, format!("retorno:{}", import.id).as_str())
            );
        }
        for id in &ids {
            let trail = service.payment_history(*id).await.unwrap();
            let steps: Vec<(Option<&str>, &str)> = trail.iter().map(|c| (c.from.as_deref(), c.to.as_str())).collect();
            let end = if *id == ids[1] { "FAILED" } else { "COMPLETED" };
            assert_eq!(
                steps,
                [(None, "PENDING"), (Some("PENDING"), "PROCESSING"), (Some("PROCESSING"), end)],
                "{backend}"
            );
        }
        let report = service.reconciliation(import.id, 10).await.unwrap();
        assert_eq!((report.matched.count, report.unmatched.count), (40, 1), "{backend}");
        let sent = service.file_export(export.id).await.unwrap();
        assert_eq!(sent.answered_count, 40, "{backend}");
        let trail = service.file_export_history(export.id).await.unwrap();
        assert_eq!(
            trail.iter().map(|c| (c.to.as_str(), c.actor.as_str())).collect::<Vec<_>>(),
            [("SENT", export.created_by.as_str())]
        );
    }
}

#[tokio::test]
async fn a_bank_statement_confirms_the_credits_it_can_tell_apart() {
    use settlement_core::payment::StatusUpdateRequest;
    let holder = "11222333000181";
    // The services' clock's day: the payments complete on it, the credits arrive on it.
    let day = febraban_cnab::Date::new(2026, 1, 24).unwrap();
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        let mut ids = Vec::new();
        // Payments to the statement's holder, completed; two of the same amount.
        for (n, amount) in [5_000, 6_000, 7_000, 7_000].into_iter().enumerate() {
            let mut request = common::request();
            request.external_id = Some(format!("CREDIT-{n}"));
            request.creditor_document = Some(holder.to_owned());
            request.amount = Some(amount);
            let payment = common::created(service.create_payment(request, "op", None).await);
            for status in ["PROCESSING", "COMPLETED"] {
                let update = StatusUpdateRequest { status: Some(status.to_owned()), end_to_end_id: None };
                service.update_status(payment.id, update, "op").await.unwrap();
            }
            ids.push(payment.id);
        }
        let e2e = service.payment(ids[0]).await.unwrap().end_to_end_id.unwrap();
        let entries: Vec<bank::Entry> = vec![
            (5_000, "C", "PIX RECEBIDO", e2e.clone()),
            (6_000, "C", "PIX RECEBIDO", String::new()),
            (7_000, "C", "PIX RECEBIDO", String::new()),
            (9_999, "C", "TED RECEBIDA", String::new()),
            (1_234, "D", "TARIFA", String::new()),
            (6_000, "C", "PIX RECEBIDO", String::new()),
            // A Pix the service does not know: not the payments of that amount, which have theirs.
            (7_000, "C", "PIX RECEBIDO", "E99999999202601241030ZZZZZZZZZZZ".to_owned()),
        ];
        let file = bank::statement(341, holder.parse().unwrap(), day, &entries);
        let report = febraban_cnab::validate(file.as_slice(), febraban_cnab::ReadOptions::default());
        assert!(report.is_valid(), "{:?}", report.problems.iter().map(ToString::to_string).collect::<Vec<_>>());
        let dir = tempfile::tempdir().unwrap();
        let import =
            service.import_file(&upload(dir.path(), "extrato.ret", FileType::Cnab240, &file), "op").await.unwrap();
        assert_eq!((import.kind, import.total_records), (ImportKind::Retorno, 6), "{backend}: credits only");
        service.start_processing(import.id, "op").await.unwrap();
        while service.process_next_chunk().await.unwrap() > 0 {}
        let (records, _) =
            service.import_records(import.id, &RecordFilter { limit: 10, ..Default::default() }).await.unwrap();
        let outcomes: Vec<(RecordStatus, Option<i64>)> =
            records.iter().map(|r| (r.status, r.payment_request_id)).collect();
        assert_eq!(
            outcomes,
            [
                (RecordStatus::Matched, Some(ids[0])),
                (RecordStatus::Matched, Some(ids[1])),
                (RecordStatus::Unmatched, None),
                (RecordStatus::Unmatched, None),
                (RecordStatus::Unmatched, None),
                (RecordStatus::Unmatched, None),
            ],
            "{backend}: {records:?}"
        );
        assert!(
            records[2].error.as_deref().unwrap().contains(&format!("fits payments {}, {}", ids[2], ids[3]))
                || records[2].error.as_deref().unwrap().contains(&format!("fits payments {}, {}", ids[3], ids[2])),
            "{:?}",
            records[2].error
        );
        assert!(records[5].error.as_deref().unwrap().contains("awaits it"), "{:?}", records[5].error);
        for id in &ids[..2] {
            let credit = service.credit(*id).await.unwrap();
            assert_eq!(credit.confirmed_by, format!("retorno:{}", import.id), "{backend}");
        }
        for id in &ids[2..] {
            assert!(service.credit(*id).await.is_err(), "{backend}: a credit is never guessed");
        }
        // The next day's statement repeats the first credit: nothing changes, and it says so.
        let again = bank::statement(341, holder.parse().unwrap(), day, &entries[1..2]);
        let import =
            service.import_file(&upload(dir.path(), "extrato2.ret", FileType::Cnab240, &again), "op").await.unwrap();
        service.start_processing(import.id, "op").await.unwrap();
        while service.process_next_chunk().await.unwrap() > 0 {}
        let (records, _) =
            service.import_records(import.id, &RecordFilter { limit: 10, ..Default::default() }).await.unwrap();
        assert_eq!(
            (records[0].status, records[0].payment_request_id),
            (RecordStatus::Matched, Some(ids[1])),
            "{backend}"
        );
        assert!(records[0].error.as_deref().unwrap().contains("confirmed already"));
    }
}

#[tokio::test]
async fn every_cnab400_bank_profiles_retorno_finds_its_payments() {
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        let dir = tempfile::tempdir().unwrap();
        for (sent, profile) in febraban_cnab::cnab400::BankProfile::all().iter().enumerate() {
            let mut request = common::request();
            request.external_id = Some(format!("P{}", profile.bank));
            request.creditor_ispb = Some("60746948".to_owned());
            let payment = common::created(service.create_payment(request, "op", None).await);
            let filter = PaymentFilter { creditor_ispb: Some("60746948".to_owned()), ..Default::default() };
            let name = format!("{}.rem", profile.bank);
            let (export, remessa) =
                service.send_remessa(RemessaFormat::Cnab400, &filter, 10, &name, "op").await.unwrap();
            // Each remessa to Bradesco is numbered after the one before (its NSA, header 111-117).
            assert_eq!(export.file_number, sent as u64 + 1, "{backend}");
            assert_eq!(&remessa[110..117], format!("{:07}", sent + 1).as_bytes(), "{backend}");
            // The bank's code for an entry confirmed (Caixa's is 01: its 02 is a baixa).
            let entered = (0..100)
                .find(|&code| profile.occurrence(code).is_some_and(|m| m.meaning == febraban_cnab::Meaning::Entered))
                .unwrap();
            let retorno = bank::cnab400_retorno_of(u64::from(profile.bank), &remessa, &[bank::boleto(entered)]);
            let imported = service
                .import_file(&upload(dir.path(), &format!("{name}.ret"), FileType::Cnab400, &retorno), "op")
                .await;
            let import = imported.unwrap_or_else(|e| panic!("{backend} {}: {e}", profile.name));
            service.start_processing(import.id, "op").await.unwrap();
            while service.process_next_chunk().await.unwrap() > 0 {}
            let (records, _) =
                service.import_records(import.id, &RecordFilter { limit: 10, ..Default::default() }).await.unwrap();
            let first = &records[0];
            assert_eq!(
                (first.status, first.payment_request_id),
                (RecordStatus::Matched, Some(payment.id)),
                "{backend} {}: {first:?}",
                profile.name
            );
            assert_eq!(records[1].status, RecordStatus::Unmatched, "{backend} {}", profile.name);
        }
    }
}
