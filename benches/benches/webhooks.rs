//! Webhook deliveries per second: 2,000 published events, never sent before, queued for an
//! endpoint (a replay), each rendered, claimed, signed, POSTed to a receiver on 127.0.0.1 that
//! verifies it with the reference `standardwebhooks` crate, and recorded. Each iteration's
//! payments are made (untimed) by a subject of their own. The baseline, in the same run: the same
//! receiver sent 2,000 POSTs of the same size straight from a client, 100 in flight, without the
//! service.

use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pix_settlement_benches::receiver::Receiver;
use serde_json::json;
use settlement_core::payment::PaymentRequest;
use settlement_core::service::webhooks::Subject;
use settlement_core::webhooks::EndpointRequest;
use settlement_server::App;

const EVENTS: u64 = 2_000;

fn request() -> PaymentRequest {
    serde_json::from_value(json!({
        "amount": 15000,
        "debtor_ispb": "12345678", "debtor_document": "12345678909", "debtor_name": "João da Silva",
        "debtor_account_no": "123456", "debtor_account_type": "CACC", "debtor_branch": "0001",
        "creditor_ispb": "87654321", "creditor_document": "98765432100", "creditor_name": "Maria Santos",
        "creditor_account_no": "654321", "creditor_account_type": "SVGS", "description": "Payment for invoice #12345"
    }))
    .unwrap()
}

fn webhooks(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let settings = pix_settlement_benches::child_settings(&dir.path().to_string_lossy(), None, "bench-secret");
    let scopes = vec!["payments.read".to_owned()];
    let (settlement, receiver) = runtime.block_on(async {
        let app = App::build(&settings).await.unwrap();
        let settlement = app.state().settlement.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        tokio::spawn(app.serve(listener, std::future::pending()));
        (settlement, Receiver::start().await)
    });
    // One event's body, for the baseline's POSTs.
    let sample = runtime.block_on(async {
        settlement.create_payment(request(), "sample", None).await.unwrap();
        let subject = Subject { name: "sample", scopes: &scopes };
        loop {
            match settlement.events(subject, None, None, None, 1).await.unwrap().pop() {
                Some(event) => break event,
                None => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    });
    let body = serde_json::to_vec(
        &json!({"type": "payment.created", "timestamp": sample.timestamp.to_string(), "data": sample.data}),
    )
    .unwrap();

    let mut group = c.benchmark_group("webhooks");
    group.throughput(Throughput::Elements(EVENTS));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    let client = reqwest::Client::new();
    group.bench_function("2,000 POSTs straight to the receiver (baseline)", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let started = Instant::now();
                for _ in 0..iterations {
                    for _ in 0..EVENTS / 100 {
                        let sends = (0..100).map(|_| client.post(&receiver.url).body(body.clone()).send());
                        for response in futures_util::future::join_all(sends).await {
                            response.unwrap();
                        }
                    }
                }
                started.elapsed()
            })
        })
    });
    group.bench_function("2,000 events delivered by the service", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for iteration in 0..iterations {
                    let name = format!("bench-{iteration}-{}", uuid::Uuid::new_v4());
                    let subject = Subject { name: &name, scopes: &scopes };
                    // 100 at a time, so that they share commits.
                    for _ in 0..EVENTS / 100 {
                        let creates = (0..100).map(|_| settlement.create_payment(request(), &name, None));
                        for created in futures_util::future::join_all(creates).await {
                            created.unwrap();
                        }
                    }
                    // Until the service's worker has published them all (untimed).
                    let (mut published, mut after) = (0, None);
                    while published < EVENTS {
                        let page = settlement.events(subject, None, None, after, 100).await.unwrap();
                        match page.last() {
                            Some(last) => (published, after) = (published + page.len() as u64, Some(last.id)),
                            None => tokio::time::sleep(Duration::from_millis(20)).await,
                        }
                    }
                    // Its endpoint, registered after the events: the replay queues them for it.
                    let endpoint = EndpointRequest {
                        url: receiver.url.clone(),
                        event_types: vec!["payment.created".to_owned()],
                        description: None,
                        enabled: None,
                    };
                    let hook = settlement.create_webhook(endpoint, subject).await.unwrap();
                    receiver.set_secret(&hook.secret);
                    let target = receiver.count() + EVENTS;
                    // The baseline's unsigned POSTs count as unverified: only new ones matter.
                    let unverified = receiver.unverified();
                    let started = Instant::now();
                    let queued = settlement
                        .replay_webhook(hook.endpoint.id, time::OffsetDateTime::UNIX_EPOCH, &name)
                        .await
                        .unwrap();
                    while receiver.count() < target {
                        tokio::time::sleep(Duration::from_millis(1)).await;
                    }
                    total += started.elapsed();
                    assert_eq!(queued, EVENTS);
                    assert_eq!(receiver.unverified(), unverified, "a delivery failed the reference verifier");
                    settlement.delete_webhook(hook.endpoint.id, &name).await.unwrap();
                }
                total
            })
        })
    });
    group.finish();
}

criterion_group!(benches, webhooks);
criterion_main!(benches);
