//! Readiness over PostgreSQL: the service answers ready while the database answers, and 503
//! once the database cannot be reached. The server reaches PostgreSQL through a TCP relay the
//! test cuts. Runs when `SETTLEMENT_TEST_POSTGRES_URL` is set (CI sets it).

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::Server;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// Relays connections to `target` until `cut` is notified, then drops them all.
async fn relay(target: String, cut: Arc<Notify>) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut connections = tokio::task::JoinSet::new();
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((mut inbound, _)) = accepted else { continue };
                    let target = target.clone();
                    connections.spawn(async move {
                        if let Ok(mut outbound) = TcpStream::connect(&target).await {
                            let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                        }
                    });
                }
                _ = cut.notified() => {
                    connections.abort_all();
                    return;
                }
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
    let relayed = relay(host_port.to_owned(), cut.clone()).await;
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
    cut.notify_one();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let response = server.client.get(server.url("/ready")).send().await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(response.json::<Value>().await.unwrap(), json!({"status": "unavailable", "database": "disconnected"}));
    // A request that needs the database says so, rather than a 500.
    let payments = server.request(reqwest::Method::GET, "/api/v1/payments").send().await.unwrap();
    assert_eq!(payments.status(), 503);
}
