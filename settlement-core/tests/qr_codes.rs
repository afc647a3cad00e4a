//! QR codes on every store: issuing each type, txid uniqueness, lookups, deactivation, the
//! charge served at a dynamic code's location, and payments that use codes up.

mod common;

use common::{created, request, services, stores};
use settlement_core::CoreError;
use settlement_core::qrcode::{QrCodeFilter, QrCodeRequest, QrCodeStatus, QrCodeType};
use settlement_core::service::ChargeError;

fn qr(kind: &str) -> QrCodeRequest {
    QrCodeRequest {
        kind: Some(kind.into()),
        merchant_name: Some("Loja ABC".into()),
        merchant_city: Some("São Paulo".into()),
        merchant_category_code: Some("5411".into()),
        pix_key: Some("12345678909".into()),
        amount: Some(15000),
        description: Some("Compra na Loja ABC".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn each_type_gets_a_real_payload() {
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        let service = service.with_public_url("https://pix.example.com");
        let fixed = QrCodeRequest { tx_id: Some("ABC123".into()), ..qr("STATIC") };
        let code = service.create_qr_code(fixed, "alice").await.unwrap();
        let decoded = brcode_pix::decode(&code.payload).unwrap();
        assert_eq!(
            (decoded.key(), decoded.txid(), decoded.amount_centavos()),
            (Some("12345678909"), Some("ABC123"), Some(15000)),
            "{backend}"
        );
        assert_eq!(decoded.pix().info(), Some("Compra na Loja ABC"));
        assert_eq!((code.status, code.is_valid, code.expires_at), (QrCodeStatus::Active, true, None));

        for kind in ["IMMEDIATE", "DYNAMIC", "DUE_DATE"] {
            let request = QrCodeRequest { due_date: (kind == "DUE_DATE").then(|| "2026-02-10".into()), ..qr(kind) };
            let code = service.create_qr_code(request, "alice").await.unwrap();
            let decoded = brcode_pix::decode(&code.payload).unwrap();
            assert!(decoded.is_dynamic(), "{backend} {kind}");
            assert_eq!((decoded.key(), decoded.txid(), decoded.amount()), (None, Some("***"), None), "{kind}");
            let url = decoded.url().unwrap();
            assert!(url.starts_with("pix.example.com/pix/qr/v2/") && url.len() == 26 + 32, "{url}");
            assert_eq!(code.location.as_deref(), Some(url));
            let txid = code.tx_id.clone().unwrap();
            assert!(
                match kind {
                    "IMMEDIATE" => txid.len() <= 25,
                    "DUE_DATE" => txid.len() >= 26,
                    _ => true,
                },
                "{txid}"
            );
            assert_eq!(service.qr_code_by_txid(&txid).await.unwrap().id, code.id);
            assert_eq!(service.qr_code(code.id).await.unwrap(), code, "{backend}");
        }
    }
}

#[tokio::test]
async fn txids_are_unique_across_codes() {
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        let with_txid = |kind| QrCodeRequest { tx_id: Some("SAME123".into()), ..qr(kind) };
        let first = service.create_qr_code(with_txid("IMMEDIATE"), "alice").await.unwrap();
        match service.create_qr_code(with_txid("STATIC"), "alice").await {
            Err(CoreError::DuplicateTxid { existing_id, .. }) => assert_eq!(existing_id, first.id, "{backend}"),
            other => panic!("{backend}: {other:?}"),
        }
        assert!(matches!(service.qr_code(first.id + 100).await, Err(CoreError::QrCodeNotFound)));
        assert!(matches!(service.qr_code_by_txid("NOPE").await, Err(CoreError::QrCodeNotFound)));
    }
}

#[tokio::test]
async fn deactivation_uses_a_dynamic_code_once_and_refuses_static_ones() {
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        let dynamic = service.create_qr_code(qr("IMMEDIATE"), "alice").await.unwrap();
        let done = service.deactivate_qr_code(dynamic.id, "ops").await.unwrap();
        assert_eq!((done.status, done.used_count), (QrCodeStatus::Used, 1), "{backend}");
        assert!(done.used_at.is_some());
        let again = service.deactivate_qr_code(dynamic.id, "ops").await.unwrap_err();
        assert_eq!(again.code(), "INVALID_TRANSITION");
        let fixed = service.create_qr_code(qr("STATIC"), "alice").await.unwrap();
        assert_eq!(service.deactivate_qr_code(fixed.id, "ops").await.unwrap_err().code(), "INVALID_TRANSITION");
        let trail = service.qr_code_history(dynamic.id).await.unwrap();
        assert_eq!(
            trail.iter().map(|c| (c.from.as_deref(), c.to.as_str(), c.actor.as_str())).collect::<Vec<_>>(),
            [(None, "active", "alice"), (Some("active"), "used", "ops")],
            "{backend}"
        );
        assert_eq!(service.qr_code_history(fixed.id).await.unwrap().len(), 1, "{backend}");
        let read = service.qr_code(dynamic.id).await.unwrap();
        assert_eq!((read.status, read.is_valid), (QrCodeStatus::Used, false));
        let token = read.location.as_deref().and_then(|l| l.rsplit('/').next()).unwrap().to_owned();
        assert_eq!(service.served_charge(&token).await.unwrap_err(), ChargeError::Gone(QrCodeStatus::Used));
    }
}

#[tokio::test]
async fn the_location_serves_the_charge_until_it_expires() {
    for (backend, store, _keep) in stores().await {
        let (service, clock) = services(store);
        let request = QrCodeRequest {
            tx_id: Some("COB123".into()),
            debtor_document: Some("12345678909".into()),
            debtor_name: Some("Fulano".into()),
            ..qr("IMMEDIATE")
        };
        let code = service.create_qr_code(request, "alice").await.unwrap();
        let token = code.location.as_deref().and_then(|l| l.rsplit('/').next()).unwrap().to_owned();
        let charge = service.served_charge(&token).await.unwrap().json;
        assert_eq!(charge["txid"], "COB123", "{backend}");
        assert_eq!(charge["valor"]["original"], "150.00");
        assert_eq!(charge["chave"], "12345678909");
        assert_eq!(charge["calendario"]["expiracao"], 86400);
        assert_eq!(charge["devedor"]["cpf"], "12345678909");
        assert_eq!(charge["status"], "ATIVA");
        assert_eq!(charge["solicitacaoPagador"], "Compra na Loja ABC");
        assert_eq!(service.served_charge("unknown").await.unwrap_err(), ChargeError::NotFound);
        clock.advance(time::Duration::hours(25));
        assert_eq!(service.served_charge(&token).await.unwrap_err(), ChargeError::Gone(QrCodeStatus::Expired));
        assert_eq!(service.qr_code(code.id).await.unwrap().status, QrCodeStatus::Expired);

        let due = QrCodeRequest {
            due_date: Some("2026-02-10".into()),
            fine: Some(200),
            interest: Some(10),
            discount: Some(500),
            ..qr("DUE_DATE")
        };
        let code = service.create_qr_code(due, "alice").await.unwrap();
        let token = code.location.as_deref().and_then(|l| l.rsplit('/').next()).unwrap().to_owned();
        let charge = service.served_charge(&token).await.unwrap().json;
        assert_eq!(charge["calendario"]["dataDeVencimento"], "2026-02-10", "{backend}");
        assert_eq!(charge["calendario"]["validadeAposVencimento"], 30);
        assert_eq!(charge["valor"]["multa"]["valorPerc"], "2.00");
        assert_eq!(charge["valor"]["desconto"]["descontoDataFixa"][0]["valorPerc"], "5.00");
        assert_eq!(charge["recebedor"]["nome"], "Loja ABC");
    }
}

#[tokio::test]
async fn payments_use_up_dynamic_codes_and_count_static_ones() {
    for (backend, store, _keep) in stores().await {
        let (service, clock) = services(store);
        let dynamic = service.create_qr_code(qr("IMMEDIATE"), "alice").await.unwrap();
        let pay = |external: &str, tx_id: Option<String>, payload: Option<String>| {
            let mut payment = request();
            payment.external_id = Some(external.into());
            payment.tx_id = tx_id;
            payment.qr_code_data = payload;
            payment
        };
        created(service.create_payment(pay("P1", dynamic.tx_id.clone(), None), "alice", None).await);
        let read = service.qr_code(dynamic.id).await.unwrap();
        assert_eq!((read.used_count, read.status), (1, QrCodeStatus::Used), "{backend}");
        let second = service.create_payment(pay("P2", None, Some(dynamic.payload.clone())), "alice", None).await;
        assert!(matches!(second, Err(CoreError::QrCodeUsed(id)) if id == dynamic.id), "{backend}: {second:?}");

        let fixed = service
            .create_qr_code(QrCodeRequest { tx_id: Some("LOJA1".into()), ..qr("STATIC") }, "alice")
            .await
            .unwrap();
        created(service.create_payment(pay("P3", None, Some(fixed.payload.clone())), "alice", None).await);
        created(service.create_payment(pay("P4", Some("LOJA1".into()), None), "alice", None).await);
        assert_eq!(service.qr_code(fixed.id).await.unwrap().used_count, 2, "{backend}");

        let expiring = service.create_qr_code(qr("DYNAMIC"), "alice").await.unwrap();
        clock.advance(time::Duration::days(2));
        let late = service.create_payment(pay("P5", expiring.tx_id.clone(), None), "alice", None).await;
        assert!(matches!(late, Err(CoreError::QrCodeExpired(id)) if id == expiring.id), "{backend}: {late:?}");
        // Nothing was stored for the refused payments.
        let (_, total) =
            service.payments(&settlement_core::PaymentFilter { limit: 10, ..Default::default() }).await.unwrap();
        assert_eq!(total, 3, "{backend}");
    }
}

#[tokio::test]
async fn lists_filter_by_type_status_and_txid() {
    for (backend, store, _keep) in stores().await {
        let (service, _) = services(store);
        service.create_qr_code(qr("STATIC"), "alice").await.unwrap();
        let used = service.create_qr_code(qr("IMMEDIATE"), "alice").await.unwrap();
        service.create_qr_code(QrCodeRequest { tx_id: Some("FINDME".into()), ..qr("DYNAMIC") }, "alice").await.unwrap();
        service.deactivate_qr_code(used.id, "ops").await.unwrap();
        let page = |filter: QrCodeFilter| {
            let service = service.clone();
            async move { service.qr_codes(&QrCodeFilter { limit: 20, ..filter }).await.unwrap() }
        };
        assert_eq!(page(QrCodeFilter::default()).await.1, 3, "{backend}");
        assert_eq!(page(QrCodeFilter { kind: Some(QrCodeType::Static), ..Default::default() }).await.1, 1);
        assert_eq!(page(QrCodeFilter { status: Some(QrCodeStatus::Used), ..Default::default() }).await.1, 1);
        assert_eq!(page(QrCodeFilter { status: Some(QrCodeStatus::Active), ..Default::default() }).await.1, 2);
        let (codes, total) = page(QrCodeFilter { tx_id: Some("FINDME".into()), ..Default::default() }).await;
        assert_eq!((total, codes[0].kind), (1, QrCodeType::Dynamic), "{backend}");
        let (codes, total) = page(QrCodeFilter {
            kind: Some(QrCodeType::Dynamic),
            status: Some(QrCodeStatus::Active),
            tx_id: Some("FINDME".into()),
            ..Default::default()
        })
        .await;
        assert_eq!((total, codes.len()), (1, 1), "{backend}");
    }
}
