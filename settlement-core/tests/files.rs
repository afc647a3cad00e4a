//! File imports on every store: reading, refusing, processing in chunks exactly once.

mod common;

use common::{services, stores};
use settlement_core::audit::IMPORT_WORKER;
use settlement_core::files::{FileType, ImportStatus, RecordFilter, RecordStatus};
use settlement_core::service::files::Upload;
use settlement_core::{CoreError, PaymentFilter};
use sha2::{Digest, Sha256};

fn upload(dir: &std::path::Path, name: &str, kind: FileType, bytes: &[u8]) -> Upload {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let hash = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
    let cnab = Default::default();
    Upload { path, filename: name.to_owned(), file_type: kind, size: bytes.len() as u64, hash, cnab }
}

async fn process_all(service: &settlement_core::Settlement<settlement_core::SqlStore>) {
    while service.process_next_chunk().await.unwrap() > 0 {}
}

const DOCUMENT_CSV: &[u8] = b"debtor_ispb,creditor_ispb,amount,description\n12345678,87654321,15000,Payment 1\n12345678,87654321,25000,Payment 2\n";

#[tokio::test]
async fn the_documents_csv_imports_and_processes() {
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        let dir = tempfile::tempdir().unwrap();
        let file = upload(dir.path(), "payments.csv", FileType::Csv, DOCUMENT_CSV);
        let import = service.import_file(&file, "operator@bank.com").await.unwrap();
        assert_eq!(
            (import.status, import.total_records, import.file_size),
            (ImportStatus::Uploaded, 2, DOCUMENT_CSV.len() as i64),
            "{backend}"
        );
        assert_eq!(import.file_hash.len(), 64);
        let (records, count) =
            service.import_records(import.id, &RecordFilter { limit: 100, ..Default::default() }).await.unwrap();
        assert_eq!(count, 2);
        assert_eq!(
            (records[0].line_number, records[0].raw_data.as_str(), records[0].status),
            (2, "12345678,87654321,15000,Payment 1", RecordStatus::Pending)
        );

        let started = service.start_processing(import.id, "ops").await.unwrap();
        assert_eq!(started.status, ImportStatus::Processing);
        assert!(matches!(
            service.start_processing(import.id, "ops").await,
            Err(CoreError::ImportNotProcessable { .. })
        ));
        process_all(&service).await;
        let done = service.file_import(import.id).await.unwrap();
        assert_eq!(
            (done.status, done.processed_records, done.failed_records, done.success_rate),
            (ImportStatus::Completed, 2, 0, 100.0),
            "{backend}"
        );
        assert!(done.completed_at.is_some());
        let trail = service.file_import_history(import.id).await.unwrap();
        assert_eq!(
            trail.iter().map(|c| (c.from.as_deref(), c.to.as_str(), c.actor.as_str())).collect::<Vec<_>>(),
            [
                (None, "UPLOADED", "operator@bank.com"),
                (Some("UPLOADED"), "PROCESSING", "ops"),
                (Some("PROCESSING"), "COMPLETED", IMPORT_WORKER)
            ],
            "{backend}"
        );
        let (records, _) =
            service.import_records(import.id, &RecordFilter { limit: 100, ..Default::default() }).await.unwrap();
        let payment = service.payment(records[1].payment_request_id.unwrap()).await.unwrap();
        assert_eq!(
            (payment.amount, payment.description.as_deref(), payment.created_by.as_str()),
            (25000, Some("Payment 2"), "operator@bank.com")
        );
        assert!(matches!(
            service.start_processing(import.id, "ops").await,
            Err(CoreError::ImportNotProcessable { .. })
        ));

        // The same bytes again: refused, naming the first import.
        let again = upload(dir.path(), "copy.csv", FileType::Csv, DOCUMENT_CSV);
        match service.import_file(&again, "operator@bank.com").await {
            Err(CoreError::DuplicateFile { existing_id }) => assert_eq!(existing_id, import.id, "{backend}"),
            other => panic!("{backend}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn bad_records_fail_duplicates_skip_and_unreadable_files_store_nothing() {
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        let dir = tempfile::tempdir().unwrap();
        let csv = b"external_id,debtor_ispb,creditor_ispb,amount\nA1,12345678,87654321,100\nA2,1234,87654321,100\nA1,12345678,87654321,100\nA3,12345678,87654321,abc\n";
        let import = service.import_file(&upload(dir.path(), "mixed.csv", FileType::Csv, csv), "op").await.unwrap();
        service.start_processing(import.id, "ops").await.unwrap();
        process_all(&service).await;
        let done = service.file_import(import.id).await.unwrap();
        assert_eq!((done.processed_records, done.failed_records, done.skipped_records), (4, 2, 1), "{backend}");
        assert_eq!(done.success_rate, 25.0);
        let (failed, _) = service
            .import_records(import.id, &RecordFilter { status: Some(RecordStatus::Failed), limit: 10, offset: 0 })
            .await
            .unwrap();
        assert_eq!(failed[0].error.as_deref(), Some("debtor_ispb must be exactly 8 digits"), "{backend}");
        assert!(failed[1].error.as_deref().unwrap().starts_with("amount: invalid type"), "{:?}", failed[1].error);
        let (skipped, _) = service
            .import_records(import.id, &RecordFilter { status: Some(RecordStatus::Skipped), limit: 10, offset: 0 })
            .await
            .unwrap();
        assert_eq!(skipped[0].line_number, 4);

        let ragged = upload(dir.path(), "ragged.csv", FileType::Csv, b"debtor_ispb,creditor_ispb,amount\n1,2\n");
        let error = service.import_file(&ragged, "op").await.unwrap_err();
        assert_eq!(error.to_string(), "the file cannot be read: line 2: this row has 2 fields where the header has 3");
        let json_as_csv = upload(dir.path(), "x.csv", FileType::Csv, br#"[{"amount": 1}]"#);
        assert_eq!(
            service.import_file(&json_as_csv, "op").await.unwrap_err().to_string(),
            "file_type CSV does not match the file's content, which looks like JSON"
        );
        let (imports, total) = service
            .file_imports(&settlement_core::files::ImportFilter { limit: 10, ..Default::default() })
            .await
            .unwrap();
        assert_eq!((imports.len(), total), (1, 1), "{backend}: nothing stored for refused files");
    }
}

#[tokio::test]
async fn two_workers_never_make_two_payments_of_one_record() {
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        let dir = tempfile::tempdir().unwrap();
        let mut csv = String::from("debtor_ispb,creditor_ispb,amount\n");
        for n in 0..11_000 {
            csv.push_str(&format!("12345678,87654321,{}\n", n + 1));
        }
        let import =
            service.import_file(&upload(dir.path(), "big.csv", FileType::Csv, csv.as_bytes()), "op").await.unwrap();
        service.start_processing(import.id, "ops").await.unwrap();
        let worker = |service: settlement_core::Settlement<settlement_core::SqlStore>| {
            tokio::spawn(async move { while service.process_next_chunk().await.unwrap() > 0 {} })
        };
        let (a, b) = (worker(service.clone()), worker(service.clone()));
        a.await.unwrap();
        b.await.unwrap();
        let done = service.file_import(import.id).await.unwrap();
        assert_eq!((done.status, done.processed_records), (ImportStatus::Completed, 11_000), "{backend}");
        let (_, payments) = service.payments(&PaymentFilter { limit: 1, ..Default::default() }).await.unwrap();
        assert_eq!(payments, 11_000, "{backend}: one payment per record");
    }
}

#[tokio::test]
async fn json_files_import_like_the_create_endpoint() {
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        let dir = tempfile::tempdir().unwrap();
        let json = br#"[{"external_id": "J1", "amount": 15000, "debtor_ispb": "12345678", "creditor_ispb": "87654321", "debtor_document": "12345678909"},
                         {"amount": 1, "debtor_ispb": "12345678", "creditor_ispb": "87654321", "colour": "red"}, 7]"#;
        let import = service.import_file(&upload(dir.path(), "p.json", FileType::Json, json), "op").await.unwrap();
        assert_eq!(import.total_records, 3, "{backend}");
        service.start_processing(import.id, "ops").await.unwrap();
        process_all(&service).await;
        let (records, _) =
            service.import_records(import.id, &RecordFilter { limit: 10, ..Default::default() }).await.unwrap();
        assert_eq!(
            records.iter().map(|r| r.status).collect::<Vec<_>>(),
            [RecordStatus::Success, RecordStatus::Failed, RecordStatus::Failed]
        );
        assert!(records[1].error.as_deref().unwrap().contains("unknown field `colour`"), "{:?}", records[1].error);
        let payment = service.payment(records[0].payment_request_id.unwrap()).await.unwrap();
        assert_eq!(
            (payment.external_id.as_deref(), payment.debtor_document.as_deref()),
            (Some("J1"), Some("12345678909"))
        );
    }
}

#[path = "../../corpus/lookup.rs"]
mod corpus;

/// A CNAB file of the corpus (`corpus/lookup.rs`); `None` outside CI when it is nowhere.
fn corpus_file(name: &str) -> Option<Vec<u8>> {
    corpus::cnab(name)
}

#[tokio::test]
async fn a_real_itau_pix_transfer_file_becomes_payments() {
    let Some(bytes) = corpus_file("itau-341_cnab240_sispag_remessa_pix-A-B_pix70284_anonymized.txt") else { return };
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        let dir = tempfile::tempdir().unwrap();
        let import =
            service.import_file(&upload(dir.path(), "pix.rem", FileType::Cnab240, &bytes), "op").await.unwrap();
        assert!(import.total_records > 0, "{backend}");
        let (records, _) =
            service.import_records(import.id, &RecordFilter { limit: 1000, ..Default::default() }).await.unwrap();
        assert!(
            records[0].raw_data.starts_with("341") && records[0].raw_data.contains('\n'),
            "A and B lines: {:?}",
            records[0].raw_data
        );
        service.start_processing(import.id, "ops").await.unwrap();
        process_all(&service).await;
        let done = service.file_import(import.id).await.unwrap();
        assert_eq!(done.processed_records, import.total_records, "{backend}");
        let (records, _) =
            service.import_records(import.id, &RecordFilter { limit: 1000, ..Default::default() }).await.unwrap();
        let first = records
            .iter()
            .find(|r| r.status == RecordStatus::Success)
            .unwrap_or_else(|| panic!("{backend}: {records:?}"));
        let payment = service.payment(first.payment_request_id.unwrap()).await.unwrap();
        assert_eq!(payment.debtor_ispb, "60701190", "{backend}: Itaú's ISPB from COMPE 341");
        assert!(payment.debtor_document.is_some() && payment.creditor_name.is_some(), "{payment:?}");
        assert!(payment.amount > 0);
    }
}

#[tokio::test]
async fn a_cnab240_file_whose_trailer_lies_stores_nothing() {
    let Some(bytes) = corpus_file("itau-341_cnab240_sispag_remessa_pix-A-B_pix70284_anonymized.txt") else { return };
    let mut text = bytes.clone();
    // Change one payment's amount: the batch trailer's sum no longer matches.
    let second_line = text.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(1).map(|(i, _)| i + 1).unwrap();
    text[second_line + 125] = if text[second_line + 125] == b'9' { b'8' } else { b'9' };
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        let dir = tempfile::tempdir().unwrap();
        let error =
            service.import_file(&upload(dir.path(), "bad.rem", FileType::Cnab240, &text), "op").await.unwrap_err();
        assert!(matches!(error, CoreError::FileUnreadable(_)), "{backend}: {error}");
        assert!(error.to_string().contains("trailer"), "{error}");
    }
}

#[tokio::test]
async fn a_cnab400_remessa_becomes_payments_to_collect_with_its_pix_record() {
    use febraban_cnab::Date;
    use febraban_cnab::cnab400::{BankProfile, Detail, Header, ItauPixDetail, Record};
    let itau = BankProfile::for_bank(341).unwrap();
    let detail = |n: u64, document: &str| {
        let mut detail = Detail::new(itau, false);
        detail.company_document_type = Some(2);
        detail.company_document = Some(11_222_333_000_181);
        detail.occurrence_code = Some(1);
        detail.company_reference = format!("BOLETO-{n}").into();
        detail.document_number = format!("DOC{n}").into();
        detail.due_date = Date::new(2026, 12, 10);
        detail.face_value = Some(15_000 + n);
        detail.collecting_bank = Some(341);
        detail.accepted = "N".into();
        detail.payer_document_type = Some(1);
        detail.payer_document = document.parse().ok();
        detail.payer_name = "JOSE DA SILVA".into();
        Record::Detail(detail)
    };
    let mut header = Header::new(itau, false);
    header.company_code = "12340056789".into();
    header.company_name = "PADARIA SAO JOAO".into();
    header.bank_name = "BANCO ITAU SA".into();
    header.written_on = Date::new(2026, 11, 22);
    let records = vec![
        Record::Header(header),
        detail(1, "12345678909"),
        Record::ItauPix(ItauPixDetail {
            key: "padaria@example.com".into(),
            location_id: "9d36b84f".into(),
            ..Default::default()
        }),
        detail(2, "98765432100"),
    ];
    let mut bytes = Vec::new();
    febraban_cnab::cnab400::write(&records, &mut bytes, &Default::default()).unwrap();
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        let dir = tempfile::tempdir().unwrap();
        let import =
            service.import_file(&upload(dir.path(), "cobranca.rem", FileType::Cnab400, &bytes), "op").await.unwrap();
        assert_eq!(import.total_records, 2, "{backend}");
        service.start_processing(import.id, "ops").await.unwrap();
        process_all(&service).await;
        let (records, _) =
            service.import_records(import.id, &RecordFilter { limit: 10, ..Default::default() }).await.unwrap();
        assert!(records.iter().all(|r| r.status == RecordStatus::Success), "{backend}: {records:?}");
        assert_eq!(records[0].raw_data.lines().count(), 2, "the detail and its Pix record");
        let payment = service.payment(records[0].payment_request_id.unwrap()).await.unwrap();
        assert_eq!(payment.creditor_ispb, "60701190", "{backend}: the company's bank collects");
        assert_eq!(payment.creditor_name.as_deref(), Some("PADARIA SAO JOAO"));
        assert_eq!((payment.debtor_document.as_deref(), payment.amount), (Some("12345678909"), 15_001));
        assert_eq!(payment.external_id.as_deref(), Some("BOLETO-1"));
        assert_eq!(payment.additional_info[0].value, "padaria@example.com");
    }
}

#[tokio::test]
async fn a_real_itau_file_of_pix_qr_payments_and_transfers_imports_whole() {
    let name = "itau-341_cnab240_sispag_remessa_pix-qrcode-J-J52_and_pix-A-B_pix59964_ok_anonymized.txt";
    let Some(bytes) = corpus_file(name) else { return };
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        let dir = tempfile::tempdir().unwrap();
        let import =
            service.import_file(&upload(dir.path(), "itau.rem", FileType::Cnab240, &bytes), "op").await.unwrap();
        let (records, _) =
            service.import_records(import.id, &RecordFilter { limit: 1000, ..Default::default() }).await.unwrap();
        // Every record's raw data is the file's own lines, the Itaú J-52 layout included.
        let text = String::from_utf8_lossy(&bytes).replace("\r\n", "\n");
        for record in &records {
            assert!(text.contains(&record.raw_data), "{backend}: line {} is not the file's", record.line_number);
        }
        let j = records.iter().find(|r| r.raw_data.as_bytes().get(13) == Some(&b'J')).expect("a J payment");
        assert_eq!(j.raw_data.lines().count(), 2, "J and its J-52");
        service.start_processing(import.id, "ops").await.unwrap();
        process_all(&service).await;
        let done = service.file_import(import.id).await.unwrap();
        assert_eq!(done.processed_records, import.total_records, "{backend}");
    }
}

#[tokio::test]
async fn a_cnab240_cobranca_remessa_becomes_payments_to_collect() {
    use febraban_cnab::cnab240::{CobrancaBatchHeader, FileHeader, Record, SegmentP, SegmentQ};
    use febraban_cnab::{CobrancaBatch, CobrancaFile, Date, WriterOptions};
    let file = CobrancaFile {
        header: FileHeader { bank: 237, company_name: "PADARIA SAO JOAO".into(), ..Default::default() },
        batches: vec![CobrancaBatch {
            header: CobrancaBatchHeader {
                operation: "R".into(),
                service: 1,
                company_document_type: 2,
                company_document: 11_222_333_000_181,
                company_name: "PADARIA SAO JOAO".into(),
                ..Default::default()
            },
            details: vec![
                Record::SegmentP(SegmentP {
                    document_number: "NF-1001".into(),
                    due_date: Date::new(2026, 12, 10),
                    amount: 25_000,
                    ..Default::default()
                }),
                Record::SegmentQ(SegmentQ {
                    payer_document_type: 1,
                    payer_document: 12_345_678_909,
                    payer_name: "JOSE DA SILVA".into(),
                    ..Default::default()
                }),
            ],
            ..Default::default()
        }],
        ..Default::default()
    };
    let bytes = file.to_bytes(&WriterOptions::default()).unwrap();
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        let dir = tempfile::tempdir().unwrap();
        let import = service.import_file(&upload(dir.path(), "cob.rem", FileType::Cnab240, &bytes), "op").await;
        let import = import.unwrap_or_else(|e| panic!("{backend}: {e}"));
        service.start_processing(import.id, "ops").await.unwrap();
        process_all(&service).await;
        let (records, _) =
            service.import_records(import.id, &RecordFilter { limit: 10, ..Default::default() }).await.unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].status, RecordStatus::Success, "{backend}: {:?}", records[0].error);
        let payment = service.payment(records[0].payment_request_id.unwrap()).await.unwrap();
        assert_eq!(
            (payment.creditor_ispb.as_str(), payment.creditor_document.as_deref()),
            ("60746948", Some("11222333000181"))
        );
        assert_eq!(
            (payment.debtor_document.as_deref(), payment.debtor_name.as_deref()),
            (Some("12345678909"), Some("JOSE DA SILVA"))
        );
        assert_eq!((payment.amount, payment.external_id.as_deref()), (25_000, Some("NF-1001")));
    }
}
