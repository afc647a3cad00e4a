//! Retornos on every store: the real retornos of the corpus import and match nothing; a
//! retorno applies each occurrence once, whatever crashes when.

mod common;

use common::{services, stores};
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

fn corpus_dir() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("PIX_CORPUS_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"))
        .join("cnab");
    if dir.join("expected.json").exists() {
        Some(dir)
    } else {
        assert!(std::env::var_os("CI").is_none(), "corpus not found: {}", dir.display());
        None
    }
}

/// Files whose verdict in `expected.json` the codec's conformance test disputes (see
/// cnab/tests/conformance.rs): Santander's Y-03 retorno, whose batch trailer sums 548,90 for
/// one título of 10,00, is refused.
const DISPUTED: [&str; 1] = [
    "IRREGULAR_santander-033_cnab240_cobranca_retorno_T-U-Y03_pix_file-trailer-lote7031_laravel-boleto_santander_pix_liquidacao_chave.ret",
];

/// The corpus's retornos of payments and boletos: name, layout, whether a lenient reader takes it.
fn corpus_retornos(dir: &std::path::Path) -> Vec<(String, FileType, bool)> {
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    expected
        .as_array()
        .unwrap()
        .iter()
        .filter(|file| file["kind"] == "retorno" && !file["service"].as_str().unwrap().starts_with("extrato"))
        .map(|file| {
            let layout = if file["layout"] == "CNAB400" { FileType::Cnab400 } else { FileType::Cnab240 };
            let name = file["file"].as_str().unwrap().to_owned();
            let readable = file["lenient"] == "valid" && !DISPUTED.contains(&name.as_str());
            (name, layout, readable)
        })
        .collect()
}

#[tokio::test]
async fn the_corpus_retornos_import_and_match_nothing() {
    let Some(dir) = corpus_dir() else { return };
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        // A payment that must stay as it is.
        let bystander = common::created(service.create_payment(common::request(), "op", None).await);
        let work = tempfile::tempdir().unwrap();
        for (name, layout, readable) in corpus_retornos(&dir) {
            let bytes = std::fs::read(dir.join(&name)).unwrap();
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
