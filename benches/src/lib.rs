//! What the benchmarks share: generated input files, and the settings of a server child. The
//! benchmarks themselves live in `benches/`; the scale run of the service in
//! `src/bin/import_scale.rs`, the load run in `src/bin/load.rs`.

pub mod receiver;

use febraban_cnab::cnab240::{FileHeader, PaymentBatchHeader, Record, SegmentA, SegmentBPix};
use febraban_cnab::{PaymentBatch, PaymentFile, WriterOptions};

/// The settings of a server the scale and load runs start in a child process: its data in `dir`,
/// the given database (else SQLite in `dir`), tokens signed HS256 with `secret`, the rest the
/// service's defaults.
pub fn child_settings(dir: &str, database: Option<String>, secret: &str) -> settlement_server::Settings {
    settlement_server::Settings {
        data_dir: dir.into(),
        database_url: database,
        jwt_secret: Some(secret.to_owned()),
        jwt_public_key: None,
        jwt_issuer: None,
        jwt_audience: None,
        public_url: None,
        jws_key: None,
        time_zone: "UTC".to_owned(),
        schedule_failure_limit: 3,
        webhooks_allow_private: true,
        refund_window_days: 90,
    }
}

/// Payments per batch (a batch holds at most 99,999 details).
const PER_BATCH: u64 = 25_000;

/// A CNAB240 file of `payments` Pix transfers (segments A and B, batches of 25,000) from
/// Bradesco's client to Itaú accounts, each with its own `your_number`, written by
/// `febraban-cnab`: about 484 bytes a payment.
pub fn pix_transfers_cnab240(payments: u64) -> Vec<u8> {
    let batch = |b: u64| PaymentBatch {
        header: PaymentBatchHeader {
            operation: "C".into(),
            service: 20,
            entry_form: 45,
            company_document_type: 2,
            company_document: 11_222_333_000_181,
            agency: Some(1234),
            account: Some(56_789),
            account_digit: "0".into(),
            company_name: "EMPRESA EXEMPLO".into(),
            ..Default::default()
        },
        details: (b * PER_BATCH..((b + 1) * PER_BATCH).min(payments))
            .flat_map(|n| {
                [
                    Record::SegmentA(SegmentA {
                        clearing_house: 9,
                        payee_bank: 341,
                        payee_name: format!("FAVORECIDO {n}").into(),
                        your_number: format!("PAG{n:010}").into(),
                        currency: "BRL".into(),
                        amount: 1_000 + n,
                        ..Default::default()
                    }),
                    Record::SegmentBPix(SegmentBPix {
                        initiation: "02".into(),
                        payee_document_type: 1,
                        payee_document: 12_345_678_909,
                        key: format!("favorecido{n}@example.com").into(),
                        ..Default::default()
                    }),
                ]
            })
            .collect(),
        ..Default::default()
    };
    let file = PaymentFile {
        header: FileHeader { bank: 237, company_name: "EMPRESA EXEMPLO".into(), ..Default::default() },
        batches: (0..payments.div_ceil(PER_BATCH)).map(batch).collect(),
        ..Default::default()
    };
    file.to_bytes(&WriterOptions::default()).expect("the generated file writes")
}

/// The same payments as a CSV file with the create endpoint's columns.
pub fn pix_transfers_csv(payments: u64) -> Vec<u8> {
    let mut csv = String::from(
        "external_id,debtor_ispb,debtor_document,debtor_name,creditor_ispb,creditor_document,creditor_name,amount,description\n",
    );
    for n in 0..payments {
        csv.push_str(&format!(
            "CSV{n:010},60746948,11222333000181,EMPRESA EXEMPLO,60701190,12345678909,FAVORECIDO {n},{},Pagamento {n}\n",
            1_000 + n
        ));
    }
    csv.into_bytes()
}
