//! Load, faults and a checker: the service in a child process on its SQLite store (or on
//! PostgreSQL), driven by concurrent clients through the payment lifecycle, optionally killed
//! with SIGKILL mid-run and restarted, then checked against its database.
//!
//! ```sh
//! cargo run --release -p pix-settlement-benches --bin load -- [--clients 64] [--seconds 60]
//!     [--kill-at SECONDS] [--postgres URL] [--create-only] [--no-webhooks]
//!     [--outage-at SECONDS [--outage-for SECONDS]]   # with LOAD_DB_STOP and LOAD_DB_START
//! ```
//!
//! With `--outage-at`, the database is stopped mid-run (the shell command in `LOAD_DB_STOP`) and
//! started again (`LOAD_DB_START`): `/ready` must turn 503 within 10 s and 200 again within 30 s,
//! and no answer may be a 5xx other than 503 `DATABASE_UNAVAILABLE`.
//!
//! Each client loops (with `--create-only`, it only creates): create a payment (one in ten scheduled a few seconds ahead), read it, and
//! either cancel it or move it PENDING -> PROCESSING -> COMPLETED (then confirm its credit, and
//! for one in three ask for two partial refunds at once, of which one fits, and end it) or
//! FAILED. Every answer is recorded: acknowledged (2xx), refused (4xx), or unknown (no answer:
//! the server was killed). Afterwards the checker reads the database: every acknowledged payment
//! is there exactly once with its id, nothing is there that no one asked for, each payment's
//! status is the last one acknowledged or one asked for after it without an answer, credit is
//! confirmed at most once and never lost once acknowledged, no payment's refunds exceed its
//! amount and each payment's refund totals are its refunds', every acknowledged refund and end is
//! there, and scheduled payments were released
//! (background work resumed after a restart), and every payment's audit trail replays from its
//! creation to its status by allowed steps. Prints throughput and p50/p99 latency per operation.
//!
//! A webhook endpoint of the clients' subject receives every payment event (refunds' too) on a
//! receiver in this process (which outlives the server's kill), verified with the reference
//! `standardwebhooks` crate. Once the run's events are all delivered, the checker finds each of
//! them delivered at least once, one event for each change the database holds (so every
//! acknowledged change has its event and a refused one none), and each payment's and refund's
//! events first received in the order they were made. `--no-webhooks` registers no endpoint (the events are still written and
//! published): the same mix without deliveries, to measure what they cost.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use pix_settlement_benches::child_settings;
use pix_settlement_benches::receiver::{Received, Receiver};
use serde_json::{Value, json};
use settlement_core::PaymentStatus;
use settlement_core::audit::{RELEASE_WORKER, StateChange, replays_to};
use settlement_server::{App, auth};
use sqlx::Row;

const SECRET: &str = "load-secret";
const SCOPES: &str =
    "payments.read payments.write payments.status credit.read credit.write refunds.read refunds.write refunds.status";
/// The webhook endpoint's registration: it receives what these read.
const WEBHOOK_SCOPES: &str = "payments.read credit.read refunds.read webhooks.write";
/// How long the run's events may take to be delivered once the clients stop: a killed server's
/// claims lapse after 30 s before they are sent again, and after PostgreSQL is crashed mid-run
/// CI's drains have taken 68 s and 78 s (a slow drain is reported; only an undelivered event
/// fails the run).
const DRAIN: Duration = Duration::from_secs(240);

/// The child: serves until killed, after printing its port.
fn serve(dir: &str, database: Option<String>) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let app = App::build(&child_settings(dir, database, SECRET)).await.expect("the app starts");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
        println!("{}", listener.local_addr().expect("an address").port());
        std::io::stdout().flush().expect("stdout");
        let stop = async {
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("SIGTERM");
            term.recv().await;
        };
        app.serve(listener, stop).await.expect("serving");
    });
}

/// Starts a server child on `dir`; returns it and its base URL.
fn start(dir: &str, database: &Option<String>) -> (Child, String) {
    let mut command = Command::new(std::env::current_exe().expect("this binary"));
    command.arg("serve").arg(dir).stdout(Stdio::piped()).stderr(Stdio::null());
    if let Some(url) = database {
        command.arg(url);
    }
    let mut child = command.spawn().expect("the server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("its port");
    let port: u16 = line.trim().parse().expect("a port number");
    (child, format!("http://127.0.0.1:{port}"))
}

/// What the clients read of an answer: a created payment's id, a refusal's code. Reading only
/// these (not the whole body into a `Value`) keeps the load generator, which shares the
/// machine's cores with the server, from taking more of them than it must.
#[derive(serde::Deserialize)]
struct Answer {
    id: Option<Value>,
    error: Option<ErrorCode>,
}

#[derive(serde::Deserialize)]
struct ErrorCode {
    code: String,
}

/// What a request came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Acked,
    Refused,
    Unknown,
}

/// What the clients were told about one payment.
#[derive(Debug, Default, Clone)]
struct Ledger {
    id: Option<i64>,
    created: Option<Outcome>,
    scheduled: bool,
    /// Status changes asked for, in order, and their outcomes.
    changes: Vec<(String, Outcome)>,
    credit: Option<Outcome>,
    /// Refunds asked for, in order: refund id, amount, outcome (a repeat answered 200 counts as
    /// acknowledged).
    refunds: Vec<(String, i64, Outcome)>,
    /// Refunds' ends asked for: refund id, status, outcome.
    refund_ends: Vec<(String, String, Outcome)>,
}

#[derive(Default)]
struct Shared {
    ledgers: Mutex<HashMap<String, Ledger>>,
    latencies: Mutex<HashMap<&'static str, Vec<Duration>>>,
    /// Answers of 500 or more, by status and code: a database outage must be 503
    /// `DATABASE_UNAVAILABLE`, never a 500.
    server_errors: Mutex<HashMap<(u16, String), u64>>,
}

struct Client {
    http: reqwest::Client,
    base: Arc<RwLock<String>>,
    token: String,
    shared: Arc<Shared>,
}

impl Client {
    /// Sends a request, timing it; `None` when no answer came.
    async fn send(
        &self,
        operation: &'static str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Option<(u16, Answer)> {
        let base = self.base.read().expect("base").clone();
        let mut request = self.http.request(method, format!("{base}{path}")).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let started = Instant::now();
        let response = request.send().await.ok()?;
        let status = response.status().as_u16();
        let body = response.json::<Answer>().await.ok()?;
        if status >= 500 {
            let code = body.error.as_ref().map_or("?", |error| error.code.as_str()).to_owned();
            *self.shared.server_errors.lock().expect("errors").entry((status, code)).or_default() += 1;
        }
        self.shared.latencies.lock().expect("latencies").entry(operation).or_default().push(started.elapsed());
        Some((status, body))
    }

    fn record(&self, external_id: &str, change: impl FnOnce(&mut Ledger)) {
        change(self.shared.ledgers.lock().expect("ledgers").entry(external_id.to_owned()).or_default());
    }

    async fn change_status(&self, external_id: &str, id: i64, status: &str) -> Outcome {
        let answer = self
            .send(
                "PUT /payments/{id}/status",
                reqwest::Method::PUT,
                &format!("/api/v1/payments/{id}/status"),
                Some(json!({"status": status})),
            )
            .await;
        let outcome = outcome_of(answer.as_ref().map(|(code, _)| *code), 200);
        self.record(external_id, |ledger| ledger.changes.push((status.to_owned(), outcome)));
        outcome
    }

    async fn refund(&self, external_id: &str, id: i64, refund_id: &str, amount: i64) -> Outcome {
        let answer = self
            .send(
                "PUT /payments/{id}/refunds/{refund_id}",
                reqwest::Method::PUT,
                &format!("/api/v1/payments/{id}/refunds/{refund_id}"),
                Some(json!({"amount": amount, "description": "load"})),
            )
            .await;
        let outcome = match answer.as_ref().map(|(code, _)| *code) {
            Some(200) => Outcome::Acked,
            code => outcome_of(code, 201),
        };
        self.record(external_id, |ledger| ledger.refunds.push((refund_id.to_owned(), amount, outcome)));
        outcome
    }

    async fn end_refund(&self, external_id: &str, id: i64, refund_id: &str, status: &str) -> Outcome {
        let body = match status {
            "NOT_DONE" => json!({"status": status, "reason": "load: not done"}),
            _ => json!({"status": status}),
        };
        let answer = self
            .send(
                "PUT /payments/{id}/refunds/{refund_id}/status",
                reqwest::Method::PUT,
                &format!("/api/v1/payments/{id}/refunds/{refund_id}/status"),
                Some(body),
            )
            .await;
        let outcome = outcome_of(answer.as_ref().map(|(code, _)| *code), 200);
        self.record(external_id, |ledger| ledger.refund_ends.push((refund_id.to_owned(), status.to_owned(), outcome)));
        outcome
    }

    /// Partial refunds of a completed payment: two at once of 60% each, of which one fits; the
    /// first asked again; the one that fit ended, RETURNED or NOT_DONE; after NOT_DONE, a refund of
    /// what is left.
    async fn refunds(&self, external_id: &str, id: i64, amount: i64, n: u64) {
        let part = amount * 3 / 5;
        let (a, b) = tokio::join!(self.refund(external_id, id, "A", part), self.refund(external_id, id, "B", part));
        self.refund(external_id, id, "A", part).await;
        let Some(accepted) = [("A", a), ("B", b)].into_iter().find(|(_, outcome)| *outcome == Outcome::Acked) else {
            return;
        };
        let end = if n % 2 == 0 { "RETURNED" } else { "NOT_DONE" };
        if self.end_refund(external_id, id, accepted.0, end).await == Outcome::Acked && end == "NOT_DONE" {
            self.refund(external_id, id, "C", amount).await;
        }
    }

    /// One payment's life (only its creation when `create_only`).
    async fn lifecycle(&self, external_id: String, n: u64, create_only: bool) {
        let scheduled = n % 10 == 3;
        let mut body = json!({
            "external_id": external_id, "amount": 1000 + (n % 9000) as i64,
            "debtor_ispb": "12345678", "debtor_document": "12345678909", "debtor_account_no": "123456",
            "debtor_account_type": "CACC", "creditor_ispb": "87654321", "creditor_document": "98765432100",
            "creditor_account_no": "654321", "creditor_account_type": "SVGS", "description": "load"
        });
        if scheduled {
            let at = time::OffsetDateTime::now_utc() + time::Duration::seconds(3);
            body["scheduled_date"] = json!(at.format(&time::format_description::well_known::Rfc3339).expect("a date"));
        }
        self.record(&external_id, |ledger| ledger.scheduled = scheduled);
        let answer = self.send("POST /payments", reqwest::Method::POST, "/api/v1/payments", Some(body)).await;
        let outcome = outcome_of(answer.as_ref().map(|(code, _)| *code), 201);
        let id = answer.as_ref().and_then(|(_, body)| body.id.as_ref()?.as_i64()).filter(|_| outcome == Outcome::Acked);
        self.record(&external_id, |ledger| {
            ledger.created = Some(outcome);
            ledger.id = id;
        });
        let Some(id) = id else { return };
        if create_only {
            return;
        }
        self.send("GET /payments/{id}", reqwest::Method::GET, &format!("/api/v1/payments/{id}"), None).await;
        if scheduled {
            return; // Released by the server's worker; the checker looks.
        }
        match n % 5 {
            0 => {
                let answer = self
                    .send("DELETE /payments/{id}", reqwest::Method::DELETE, &format!("/api/v1/payments/{id}"), None)
                    .await;
                let outcome = outcome_of(answer.as_ref().map(|(code, _)| *code), 200);
                self.record(&external_id, |ledger| ledger.changes.push(("CANCELLED".to_owned(), outcome)));
            }
            1 => {
                if self.change_status(&external_id, id, "PROCESSING").await == Outcome::Acked {
                    self.change_status(&external_id, id, "FAILED").await;
                }
            }
            _ => {
                if self.change_status(&external_id, id, "PROCESSING").await == Outcome::Acked
                    && self.change_status(&external_id, id, "COMPLETED").await == Outcome::Acked
                {
                    let amount = 1000 + (n % 9000) as i64;
                    let answer = self
                        .send(
                            "POST /payments/{id}/confirm-credit",
                            reqwest::Method::POST,
                            &format!("/api/v1/payments/{id}/confirm-credit"),
                            Some(json!({"amount": amount, "notes": "load"})),
                        )
                        .await;
                    let outcome = outcome_of(answer.as_ref().map(|(code, _)| *code), 201);
                    self.record(&external_id, |ledger| ledger.credit = Some(outcome));
                    if n % 3 == 0 {
                        self.refunds(&external_id, id, amount, n).await;
                    }
                }
            }
        }
    }
}

fn outcome_of(code: Option<u16>, expected: u16) -> Outcome {
    match code {
        Some(code) if code == expected => Outcome::Acked,
        Some(code) if code < 500 => Outcome::Refused,
        _ => Outcome::Unknown,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// What a database outage came to.
struct OutageReport {
    summary: String,
    problems: Vec<String>,
}

/// Stops the database `at` seconds into the run with `LOAD_DB_STOP` (a shell command), keeps it
/// down `length` seconds, starts it with `LOAD_DB_START`, and times how long `/ready` took to
/// turn 503 and to turn 200 again.
async fn database_outage(at: u64, length: u64, base: &RwLock<String>) -> OutageReport {
    let command = |name: &str| {
        let script = std::env::var(name).unwrap_or_else(|_| panic!("--outage-at needs {name}, a shell command"));
        let status = Command::new("sh").arg("-c").arg(&script).status().expect("sh");
        assert!(status.success(), "{name} ({script}) failed: {status}");
    };
    // Longer than /ready's own 2 s limit on the database's answer.
    let http = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().expect("a client");
    let ready = async || {
        let url = format!("{}/ready", base.read().expect("base"));
        http.get(url).send().await.map(|r| r.status().as_u16()).unwrap_or(0)
    };
    // Polls /ready until it answers `want`, at most `limit`; how long it took.
    let until = async |want: u16, limit: Duration| {
        let started = Instant::now();
        while started.elapsed() < limit {
            if ready().await == want {
                return Some(started.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        None
    };
    tokio::time::sleep(Duration::from_secs(at)).await;
    let mut problems = Vec::new();
    command("LOAD_DB_STOP");
    let down = until(503, Duration::from_secs(10)).await;
    if down.is_none() {
        problems.push("/ready did not turn 503 within 10 s of the database stopping".to_owned());
    }
    tokio::time::sleep(Duration::from_secs(length).saturating_sub(down.unwrap_or_default())).await;
    command("LOAD_DB_START");
    let up = until(200, Duration::from_secs(30)).await;
    if up.is_none() {
        problems.push("/ready did not turn 200 within 30 s of the database starting".to_owned());
    }
    let ms = |d: Option<Duration>| d.map_or("never".to_owned(), |d| format!("{} ms", d.as_millis()));
    let summary = format!(
        "database stopped at {at} s for {length} s: /ready 503 after {}, 200 again {} after it started",
        ms(down),
        ms(up)
    );
    OutageReport { summary, problems }
}

/// Starts the receiver and registers it for every payment event of the clients' subject.
async fn register_receiver(base: &str) -> Receiver {
    let receiver = Receiver::start().await;
    let token =
        auth::mint(SECRET.as_bytes(), "load", WEBHOOK_SCOPES, Duration::from_secs(7200), None, None).expect("a token");
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/webhooks"))
        .bearer_auth(token)
        .json(&json!({"url": receiver.url, "event_types": ["payment.*"]}))
        .send()
        .await
        .expect("the registration");
    assert_eq!(response.status(), 201, "the webhook endpoint registers");
    let endpoint: Value = response.json().await.expect("the endpoint");
    receiver.set_secret(endpoint["secret"].as_str().expect("its secret"));
    receiver
}

/// Waits until every event is published and every delivery answered; how long it took.
async fn drain(database: &str) -> Result<Duration, String> {
    sqlx::any::install_default_drivers();
    let started = Instant::now();
    let pool = sqlx::AnyPool::connect(database).await.expect("the database");
    // Unknown until the database answers.
    let mut left = (-1, -1);
    while started.elapsed() < DRAIN {
        let count =
            |sql: &'static str| async { sqlx::query(sql).fetch_one(&pool).await.map(|row| row.get::<i64, _>("n")) };
        if let (Ok(unpublished), Ok(pending)) = (
            count("SELECT COUNT(*) AS n FROM events WHERE published_at IS NULL").await,
            count("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status <> 'SUCCEEDED'").await,
        ) {
            left = (unpublished, pending);
        }
        if left == (0, 0) {
            pool.close().await;
            return Ok(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    pool.close().await;
    Err(format!("webhooks: {} events unpublished and {} deliveries unanswered after {DRAIN:?}", left.0, left.1))
}

/// The run's payment events against what the receiver got: every event delivered at least once,
/// one per change the database holds (a creation, each status change, a credit confirmation, a
/// refund's creation and end), and each payment's and refund's first received in the order they
/// were made.
async fn check_events(database: &str, run: &str, received: &[Received]) -> Vec<String> {
    let pool = sqlx::AnyPool::connect(database).await.expect("the database");
    let pattern = format!("LOAD-{run}-%");
    let events = sqlx::query(
        "SELECT e.id, e.type FROM events e JOIN payments p \
         ON e.resource = 'payment' AND e.object_id = CAST(p.id AS TEXT) WHERE p.external_id LIKE $1 \
         UNION ALL SELECT e.id, e.type FROM events e JOIN refunds r \
         ON e.resource = 'refund' AND e.object_id = CAST(r.id AS TEXT) \
         JOIN payments p ON p.id = r.payment_request_id WHERE p.external_id LIKE $1",
    )
    .bind(&pattern)
    .fetch_all(&pool)
    .await
    .expect("the events");
    let changes = sqlx::query(
        "SELECT p.id, s.from_status, s.to_status FROM payments p JOIN state_changes s \
         ON s.resource = 'payment' AND s.resource_id = p.id WHERE p.external_id LIKE $1",
    )
    .bind(&pattern)
    .fetch_all(&pool)
    .await
    .expect("the trails");
    let refund_changes = sqlx::query(
        "SELECT r.payment_request_id AS id, s.from_status, s.to_status FROM refunds r \
         JOIN payments p ON p.id = r.payment_request_id \
         JOIN state_changes s ON s.resource = 'refund' AND s.resource_id = r.id WHERE p.external_id LIKE $1",
    )
    .bind(&pattern)
    .fetch_all(&pool)
    .await
    .expect("the refunds' trails");
    let credits = sqlx::query(
        "SELECT c.payment_request_id AS id FROM credit_confirmations c JOIN payments p ON p.id = c.payment_request_id \
         WHERE p.external_id LIKE $1",
    )
    .bind(&pattern)
    .fetch_all(&pool)
    .await
    .expect("the credits");
    pool.close().await;

    let mut problems = Vec::new();
    // What the database says happened, one entry per change, against what was delivered, once
    // per webhook-id.
    let change = |prefix: &'static str| {
        move |row: &sqlx::any::AnyRow| {
            let kind = if row.get::<Option<String>, _>("from_status").is_none() { "created" } else { "status_changed" };
            (row.get("id"), format!("{prefix}.{kind}"), Some(row.get::<String, _>("to_status")))
        }
    };
    let mut expected: Vec<(i64, String, Option<String>)> = changes
        .iter()
        .map(change("payment"))
        .chain(refund_changes.iter().map(change("payment.refund")))
        .chain(credits.iter().map(|row| (row.get("id"), "payment.credit_confirmed".to_owned(), None)))
        .collect();
    let payments: std::collections::HashSet<i64> = expected.iter().map(|(id, ..)| *id).collect();
    let mut seen = std::collections::HashSet::new();
    let mut first: Vec<&Received> = Vec::new();
    for delivery in received {
        if delivery.payment_id.is_some_and(|id| payments.contains(&id)) && seen.insert(delivery.webhook_id.as_str()) {
            first.push(delivery);
        }
    }
    let mut delivered: Vec<(i64, String, Option<String>)> =
        first.iter().map(|d| (d.payment_id.unwrap_or_default(), d.event_type.clone(), d.to.clone())).collect();
    expected.sort();
    delivered.sort();
    if expected != delivered {
        let missing: Vec<_> = expected.iter().filter(|e| !delivered.contains(e)).take(5).collect();
        let extra: Vec<_> = delivered.iter().filter(|d| !expected.contains(d)).take(5).collect();
        problems.push(format!(
            "webhooks: {} changes in the database, {} events delivered; missing {missing:?}, not a change {extra:?}",
            expected.len(),
            delivered.len()
        ));
    }
    for row in &events {
        let id: i64 = row.get("id");
        if !seen.contains(format!("evt_{id}").as_str()) {
            problems.push(format!("webhooks: event {id} ({}) never delivered", row.get::<String, _>("type")));
        }
    }
    // Each object's events (a payment's, a refund's), by when each was first received, in the
    // order they were made.
    let mut last: HashMap<(bool, i64), i64> = HashMap::new();
    for delivery in &first {
        let id: i64 = delivery.webhook_id.trim_start_matches("evt_").parse().unwrap_or_default();
        let object = match delivery.refund_id {
            Some(refund) => (true, refund),
            None => (false, delivery.payment_id.unwrap_or_default()),
        };
        if let Some(before) = last.insert(object, id)
            && before > id
        {
            problems.push(format!("webhooks: {object:?}'s event {id} arrived after its later event {before}"));
        }
    }
    problems.truncate(50);
    problems
}

/// The database's view, checked against the ledgers; returns the problems found.
async fn check(database: &str, run: &str, ledgers: &HashMap<String, Ledger>) -> Vec<String> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(database).await.expect("the database");
    let rows = sqlx::query(
        "SELECT p.id, p.external_id, p.status, \
         (SELECT COUNT(*) FROM credit_confirmations c WHERE c.payment_request_id = p.id) AS credits \
         FROM payments p WHERE p.external_id LIKE $1",
    )
    .bind(format!("LOAD-{run}-%"))
    .fetch_all(&pool)
    .await
    .expect("the payments");
    let mut problems = Vec::new();
    let mut seen = HashMap::new();
    for row in &rows {
        let external_id: String = row.get("external_id");
        let id: i64 = row.get("id");
        let status: String = row.get("status");
        let credits: i64 = row.get("credits");
        *seen.entry(external_id.clone()).or_insert(0) += 1;
        let Some(ledger) = ledgers.get(&external_id) else {
            problems.push(format!("{external_id}: in the database, never asked for"));
            continue;
        };
        match ledger.created {
            Some(Outcome::Acked) if ledger.id != Some(id) => {
                problems.push(format!("{external_id}: id {id}, acknowledged as {:?}", ledger.id));
            }
            Some(Outcome::Acked | Outcome::Unknown) => {}
            other => problems.push(format!("{external_id}: stored, though its create was {other:?}")),
        }
        // The last acknowledged status, then any asked for after it without an answer.
        let last_acked = ledger.changes.iter().rposition(|(_, outcome)| *outcome == Outcome::Acked);
        let mut allowed: Vec<&str> = match last_acked {
            Some(index) => vec![ledger.changes[index].0.as_str()],
            None if ledger.scheduled => vec!["SCHEDULED", "PENDING"],
            None => vec!["PENDING"],
        };
        let after = last_acked.map_or(0, |index| index + 1);
        allowed.extend(ledger.changes[after..].iter().filter(|(_, o)| *o == Outcome::Unknown).map(|(s, _)| s.as_str()));
        if !allowed.contains(&status.as_str()) {
            problems.push(format!("{external_id}: {status}, but the clients were told {:?}", ledger.changes));
        }
        if credits > 1 {
            problems.push(format!("{external_id}: credit confirmed {credits} times"));
        }
        if ledger.credit == Some(Outcome::Acked) && credits != 1 {
            problems.push(format!("{external_id}: acknowledged credit confirmation missing"));
        }
        if credits > 0 && status != "COMPLETED" {
            problems.push(format!("{external_id}: credit confirmed on a {status} payment"));
        }
        if status == "SCHEDULED" {
            problems.push(format!("{external_id}: still SCHEDULED after its date: the release worker did not resume"));
        }
    }
    for (external_id, ledger) in ledgers {
        if ledger.created == Some(Outcome::Acked) && !seen.contains_key(external_id) {
            problems.push(format!("{external_id}: acknowledged (id {:?}) but missing", ledger.id));
        }
    }
    problems.extend(seen.iter().filter(|(_, n)| **n > 1).map(|(e, n)| format!("{e}: {n} rows")));
    problems.extend(check_trails(&pool, run).await);
    problems.extend(check_refunds(&pool, run, ledgers).await);
    pool.close().await;
    problems
}

/// No payment's refunds add up to more than its amount (returned, or not `NOT_DONE`), its
/// totals are its refunds', every acknowledged refund is there with its amount and every
/// acknowledged end with its status, and no refund is there that no one asked for.
async fn check_refunds(pool: &sqlx::AnyPool, run: &str, ledgers: &HashMap<String, Ledger>) -> Vec<String> {
    let pattern = format!("LOAD-{run}-%");
    let totals = sqlx::query(
        "SELECT p.external_id, p.amount, p.refunded_amount, p.refunds_in_process, p.refund_count, \
         (SELECT CAST(COALESCE(SUM(r.amount), 0) AS BIGINT) FROM refunds r \
         WHERE r.payment_request_id = p.id AND r.status = 'RETURNED') AS returned, \
         (SELECT CAST(COALESCE(SUM(r.amount), 0) AS BIGINT) FROM refunds r \
         WHERE r.payment_request_id = p.id AND r.status = 'IN_PROCESS') AS in_process, \
         (SELECT COUNT(*) FROM refunds r WHERE r.payment_request_id = p.id) AS refunds \
         FROM payments p WHERE p.external_id LIKE $1",
    )
    .bind(&pattern)
    .fetch_all(pool)
    .await
    .expect("the refund totals");
    let mut problems = Vec::new();
    for row in &totals {
        let external_id: String = row.get("external_id");
        let amount: i64 = row.get("amount");
        let (returned, in_process): (i64, i64) = (row.get("returned"), row.get("in_process"));
        if returned > amount || returned + in_process > amount {
            problems.push(format!(
                "{external_id}: refunds of {returned} returned and {in_process} in process exceed its amount {amount}"
            ));
        }
        let kept: (i64, i64, i64) =
            (row.get("refunded_amount"), row.get("refunds_in_process"), row.get("refund_count"));
        if kept != (returned, in_process, row.get("refunds")) {
            problems.push(format!(
                "{external_id}: keeps refunded, in process, count {kept:?}, its refunds say ({returned}, {in_process}, {})",
                row.get::<i64, _>("refunds")
            ));
        }
    }
    let stored = sqlx::query(
        "SELECT p.external_id, r.refund_id, r.amount, r.status FROM refunds r \
         JOIN payments p ON p.id = r.payment_request_id WHERE p.external_id LIKE $1",
    )
    .bind(&pattern)
    .fetch_all(pool)
    .await
    .expect("the refunds");
    let mut found: HashMap<(String, String), (i64, String)> = HashMap::new();
    for row in &stored {
        found.insert((row.get("external_id"), row.get("refund_id")), (row.get("amount"), row.get("status")));
    }
    for ((external_id, refund_id), (amount, status)) in &found {
        let asked = ledgers.get(external_id).into_iter().flat_map(|l| &l.refunds);
        if !asked
            .into_iter()
            .any(|(id, asked, outcome)| id == refund_id && asked == amount && *outcome != Outcome::Refused)
        {
            problems.push(format!("{external_id}: refund {refund_id} of {amount} ({status}) that no one was told of"));
        }
    }
    for (external_id, ledger) in ledgers {
        for (refund_id, amount, outcome) in &ledger.refunds {
            let stored = found.get(&(external_id.clone(), refund_id.clone()));
            if *outcome == Outcome::Acked && stored.is_none_or(|(kept, _)| kept != amount) {
                problems.push(format!("{external_id}: acknowledged refund {refund_id} of {amount} is {stored:?}"));
            }
        }
        for (refund_id, status, outcome) in &ledger.refund_ends {
            let stored = found.get(&(external_id.clone(), refund_id.clone()));
            if *outcome == Outcome::Acked && stored.is_none_or(|(_, kept)| kept != status) {
                problems.push(format!("{external_id}: refund {refund_id} acknowledged {status}, is {stored:?}"));
            }
        }
    }
    problems
}

/// Every payment's audit trail replays, by allowed transitions, from its creation to its
/// current status; each step is the clients' (token subject `load`) or the release worker's.
async fn check_trails(pool: &sqlx::AnyPool, run: &str) -> Vec<String> {
    let changes = sqlx::query(
        "SELECT p.external_id, p.status, s.from_status, s.to_status, s.actor, s.at FROM payments p \
         LEFT JOIN state_changes s ON s.resource = 'payment' AND s.resource_id = p.id \
         WHERE p.external_id LIKE $1 ORDER BY p.id, s.id",
    )
    .bind(format!("LOAD-{run}-%"))
    .fetch_all(pool)
    .await
    .expect("the trails");
    let mut trails: Vec<(String, String, Vec<StateChange>)> = Vec::new();
    for row in &changes {
        let external_id: String = row.get("external_id");
        if trails.last().is_none_or(|(last, _, _)| *last != external_id) {
            trails.push((external_id, row.get("status"), Vec::new()));
        }
        let Some(to) = row.get::<Option<String>, _>("to_status") else { continue };
        let at = time::OffsetDateTime::from_unix_timestamp(row.get("at")).expect("a time");
        let change = StateChange { from: row.get("from_status"), to, actor: row.get("actor"), at };
        trails.last_mut().expect("a trail").2.push(change);
    }
    let allowed = |from: &str, to: &str| {
        PaymentStatus::parse(from).zip(PaymentStatus::parse(to)).is_some_and(|(from, to)| from.can_become(to))
    };
    let mut problems = Vec::new();
    for (external_id, status, trail) in &trails {
        if let Err(why) = replays_to(trail, status, allowed) {
            problems.push(format!("{external_id}: its trail does not replay: {why}"));
        }
        for change in trail {
            let expected = if change.to == "PENDING" && change.from.is_some() { RELEASE_WORKER } else { "load" };
            if change.actor != expected {
                problems.push(format!("{external_id}: {:?} -> {} by {}", change.from, change.to, change.actor));
            }
        }
    }
    problems
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("serve") {
        return serve(&args[2], args.get(3).cloned());
    }
    let flag = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let clients: usize = flag("--clients").map_or(64, |v| v.parse().expect("--clients N"));
    let seconds: u64 = flag("--seconds").map_or(60, |v| v.parse().expect("--seconds N"));
    let kill_at: Option<u64> = flag("--kill-at").map(|v| v.parse().expect("--kill-at SECONDS"));
    let postgres = flag("--postgres");
    let create_only = args.iter().any(|a| a == "--create-only");
    let webhooks = !args.iter().any(|a| a == "--no-webhooks");
    let outage: Option<(u64, u64)> = flag("--outage-at").map(|at| {
        let length = flag("--outage-for").map_or(5, |v| v.parse().expect("--outage-for SECONDS"));
        (at.parse().expect("--outage-at SECONDS"), length)
    });

    let dir = tempfile::tempdir().expect("a data directory");
    let dir_path = dir.path().to_string_lossy().into_owned();
    let database = postgres.clone().unwrap_or_else(|| format!("sqlite://{}/settlement.db", dir_path));
    let (child, base) = start(&dir_path, &postgres);
    let child = Arc::new(Mutex::new(child));
    let base = Arc::new(RwLock::new(base));
    let token = auth::mint(SECRET.as_bytes(), "load", SCOPES, Duration::from_secs(7200), None, None).expect("a token");
    let shared = Arc::new(Shared::default());
    let run = format!("{:x}", time::OffsetDateTime::now_utc().unix_timestamp());

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let receiver = webhooks.then(|| runtime.block_on(register_receiver(&base.read().expect("base"))));
    let started = Instant::now();
    let (restarts, outage_report, elapsed) = runtime.block_on(async {
        let deadline = started + Duration::from_secs(seconds);
        let http = reqwest::Client::builder().pool_max_idle_per_host(clients).build().expect("a client");
        let mut tasks = Vec::new();
        for c in 0..clients {
            let client =
                Client { http: http.clone(), base: base.clone(), token: token.clone(), shared: shared.clone() };
            let run = run.clone();
            tasks.push(tokio::spawn(async move {
                let mut n = 0u64;
                while Instant::now() < deadline {
                    client.lifecycle(format!("LOAD-{run}-{c}-{n}"), n, create_only).await;
                    n += 1;
                }
            }));
        }
        let outage = async {
            match outage {
                Some((at, length)) => Some(database_outage(at, length, &base).await),
                None => None,
            }
        };
        let kill = async {
            let mut restarts = 0;
            if let Some(kill_at) = kill_at {
                tokio::time::sleep(Duration::from_secs(kill_at)).await;
                let mut process = child.lock().expect("child");
                process.kill().expect("SIGKILL");
                process.wait().expect("reaped");
                eprintln!("killed the server with SIGKILL at {kill_at} s");
                let (restarted, url) = start(&dir_path, &postgres);
                *process = restarted;
                *base.write().expect("base") = url;
                restarts += 1;
            }
            restarts
        };
        let faults = async { tokio::join!(kill, outage) };
        let clients = async {
            for task in tasks {
                task.await.expect("a client");
            }
            started.elapsed()
        };
        let ((restarts, outage), elapsed) = tokio::join!(faults, clients);
        // Let the last scheduled payments fall due and the release worker run.
        tokio::time::sleep(Duration::from_secs(5)).await;
        (restarts, outage, elapsed)
    });
    let drained = runtime.block_on(drain(&database));
    {
        let process = child.lock().expect("child");
        let _ = Command::new("kill").arg("-TERM").arg(process.id().to_string()).status();
    }
    let _ = child.lock().expect("child").wait();

    let ledgers = shared.ledgers.lock().expect("ledgers").clone();
    let mut latencies = shared.latencies.lock().expect("latencies").clone();
    println!(
        "{clients} clients, {:.1} s, {restarts} SIGKILL restart(s), {}",
        elapsed.as_secs_f64(),
        if postgres.is_some() { "PostgreSQL" } else { "SQLite" }
    );
    println!("| operation | requests | per second | p50 | p99 |");
    println!("|---|---|---|---|---|");
    let mut operations: Vec<_> = latencies.keys().copied().collect();
    operations.sort();
    for operation in operations {
        let times = latencies.get_mut(operation).expect("times");
        times.sort();
        println!(
            "| `{operation}` | {} | {:.0} | {:.2} ms | {:.2} ms |",
            times.len(),
            times.len() as f64 / elapsed.as_secs_f64(),
            percentile(times, 0.5).as_secs_f64() * 1000.0,
            percentile(times, 0.99).as_secs_f64() * 1000.0
        );
    }
    let count = |f: &dyn Fn(&Ledger) -> bool| ledgers.values().filter(|l| f(l)).count();
    println!(
        "payments asked {}, acknowledged {}, unanswered {}",
        ledgers.len(),
        count(&|l| l.created == Some(Outcome::Acked)),
        count(&|l| l.created == Some(Outcome::Unknown))
    );
    let mut problems = Vec::new();
    let server_errors = shared.server_errors.lock().expect("errors").clone();
    for ((status, code), n) in &server_errors {
        println!("answers {status} {code}: {n}");
        if *status != 503 || code != "DATABASE_UNAVAILABLE" {
            problems.push(format!("{n} answers {status} {code}: only 503 DATABASE_UNAVAILABLE may be a 5xx"));
        }
    }
    if let Some(report) = outage_report {
        println!("{}", report.summary);
        problems.extend(report.problems);
    }
    // The database must be back for the checker: wait for it.
    problems.extend(runtime.block_on(check(&database, &run, &ledgers)));
    match (drained, &receiver) {
        (_, None) => println!("webhooks: no endpoint registered (--no-webhooks)"),
        (Ok(after), Some(receiver)) => {
            let received = receiver.received();
            let distinct: std::collections::HashSet<&str> = received.iter().map(|r| r.webhook_id.as_str()).collect();
            println!(
                "webhooks: {} deliveries received, {} events ({} received again: sent before a kill, recorded after), \
                 {} not verified by standardwebhooks; all delivered {:.1} s into the drain (5 s after the clients stopped)",
                receiver.count(),
                distinct.len(),
                received.len() - distinct.len(),
                receiver.unverified(),
                after.as_secs_f64()
            )
        }
        (Err(why), Some(_)) => problems.push(why),
    }
    if let Some(receiver) = &receiver {
        if receiver.unverified() > 0 {
            problems.push(format!("{} deliveries failed the reference verifier", receiver.unverified()));
        }
        problems.extend(runtime.block_on(check_events(&database, &run, &receiver.received())));
    }
    if problems.is_empty() {
        println!(
            "checker: every acknowledged payment there once, every status and credit as acknowledged, nothing else"
        );
    } else {
        for problem in problems.iter().take(50) {
            println!("checker: {problem}");
        }
        eprintln!("checker: {} problems", problems.len());
        std::process::exit(1);
    }
}
