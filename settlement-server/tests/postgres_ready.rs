//! Readiness over PostgreSQL: the service answers ready while the database answers, 503 (and
//! requests 503 `DATABASE_UNAVAILABLE`) once the database cannot be reached, and recovers by
//! itself when it can again. The server reaches PostgreSQL through a TCP relay the test cuts and
//! restores. Runs when `SETTLEMENT_TEST_POSTGRES_URL` is set (CI sets it).

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::Server;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// Relays connections to `target`; when `cut` is notified, drops them all, and while `down` is
/// set, drops new ones at once.
async fn relay(target: String, cut: Arc<Notify>, down: Arc<AtomicBool>) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut connections = tokio::task::JoinSet::new();
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((mut inbound, _)) = accepted else { continue };
                    if down.load(Ordering::SeqCst) {
                        continue;
                    }
                    let target = target.clone();
                    connections.spawn(async move {
                        if let Ok(mut outbound) = TcpStream::connect(&target).await {
                            let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                        }
                    });
                }
                _ = cut.notified() => connections.abort_all(),
            }
        }
    });
    address
}

#[tokio::test]
async fn ready_turns_503_when_postgres_is_unreachable() {
    let Ok(base) = std::env::var("SETTLEMENT_TEST_POSTGRES_URL") else {
        assert!(std::env::var_os("CI").is_none(), "CI must set SETTLEMENT_TEST_POSTGRES_URL");
        return;
    };
    // postgres://user@host:port/db?... : relay host:port.
    let (scheme_and_user, rest) = base.split_once('@').expect("a URL with user@host");
    let (host_port, path) = rest.split_once('/').expect("a URL with a database");
    let cut = Arc::new(Notify::new());
    let down = Arc::new(AtomicBool::new(false));
    let relayed = relay(host_port.to_owned(), cut.clone(), down.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut settings = common::settings(dir.path());
    let schema = format!("ready_{}", uuid::Uuid::new_v4().simple());
    {
        sqlx::any::install_default_drivers();
        let admin = sqlx::AnyPool::connect(&base).await.unwrap();
        sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&admin).await.unwrap();
        admin.close().await;
    }
    let separator = if path.contains('?') { '&' } else { '?' };
    settings.database_url =
        Some(format!("{scheme_and_user}@{relayed}/{path}{separator}options=-c%20search_path%3D{schema}"));
    let server = Server::start_with(settings, dir).await;
    let ready = server.client.get(server.url("/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    down.store(true, Ordering::SeqCst);
    cut.notify_one();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let response = server.client.get(server.url("/ready")).send().await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(response.json::<Value>().await.unwrap(), json!({"status": "unavailable", "database": "disconnected"}));
    // A request that needs the database says so, rather than a 500.
    let payments = server.request(reqwest::Method::GET, "/api/v1/payments").send().await.unwrap();
    assert_eq!(payments.status(), 503);
    let body: Value = payments.json().await.unwrap();
    assert_eq!(body["error"]["code"], "DATABASE_UNAVAILABLE", "{body}");
    // The database comes back: the service recovers by itself.
    down.store(false, Ordering::SeqCst);
    let mut recovered = false;
    for _ in 0..100 {
        if server.client.get(server.url("/ready")).send().await.unwrap().status() == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(recovered, "/ready stayed 503 for 10 s after the database came back");
    let payments = server.request(reqwest::Method::GET, "/api/v1/payments").send().await.unwrap();
    assert_eq!(payments.status(), 200);
}
