//! Schedules over real HTTP: the document's example, every state change and refusal, filters,
//! runs and scopes. (The runner itself is driven by the core's clock in settlement-core's tests.)

mod common;

use common::{Server, error_of, payment_body};
use reqwest::Method;
use serde_json::{Value, json};

fn example(template: i64) -> Value {
    json!({
        "payment_request_id": template,
        "type": "MONTHLY",
        "scheduled_date": "2099-02-01",
        "scheduled_time": "10:00",
        "recurrence_end_date": "2099-12-31",
        "max_occurrences": 12,
        "day_of_month": 1
    })
}

#[tokio::test]
async fn the_documents_schedule_and_its_life() {
    let server = Server::start().await;
    let template = server.created_id(&payment_body()).await;
    let response = server.request(Method::POST, "/api/v1/schedules").json(&example(template)).send().await.unwrap();
    assert_eq!(response.status(), 201);
    let schedule: Value = response.json().await.unwrap();
    for (field, value) in [
        ("type", json!("MONTHLY")),
        ("status", json!("ACTIVE")),
        ("scheduled_time", json!("10:00")),
        ("next_run_at", json!("2099-02-01T10:00:00Z")),
        ("run_count", json!(0)),
        ("fail_count", json!(0)),
        ("day_of_month", json!(1)),
        ("max_occurrences", json!(12)),
        ("payment_request_id", json!(template)),
    ] {
        assert_eq!(schedule[field], value, "{field}: {schedule}");
    }
    let id = schedule["id"].as_i64().unwrap();
    let path = format!("/api/v1/schedules/{id}");
    let read: Value = server.request(Method::GET, &path).send().await.unwrap().json().await.unwrap();
    assert_eq!(read, schedule);

    let update = json!({"scheduled_date": "2099-02-15", "scheduled_time": "14:00", "recurrence_end_date": "2099-06-30", "max_occurrences": 6});
    let updated: Value = server.request(Method::PUT, &path).json(&update).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        (updated["next_run_at"].as_str(), updated["max_occurrences"].as_i64()),
        (Some("2099-03-01T14:00:00Z"), Some(6)),
        "{updated}"
    );

    let paused: Value =
        server.request(Method::PUT, &format!("{path}/pause")).send().await.unwrap().json().await.unwrap();
    assert_eq!(paused["status"], "PAUSED");
    let again = server.request(Method::PUT, &format!("{path}/pause")).send().await.unwrap();
    assert_eq!(
        error_of(again).await,
        (409, "INVALID_TRANSITION".into(), "cannot pause a schedule in PAUSED status".into())
    );
    let resumed: Value =
        server.request(Method::PUT, &format!("{path}/resume")).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        (resumed["status"].as_str(), resumed["next_run_at"].as_str()),
        (Some("ACTIVE"), Some("2099-03-01T14:00:00Z"))
    );
    let cancelled = server.request(Method::DELETE, &path).send().await.unwrap();
    assert_eq!(cancelled.json::<Value>().await.unwrap()["status"], "CANCELLED");
    for action in ["pause", "resume"] {
        let refused = server.request(Method::PUT, &format!("{path}/{action}")).send().await.unwrap();
        assert_eq!(error_of(refused).await.0, 409, "{action}");
    }
    let update_after = server.request(Method::PUT, &path).json(&json!({"max_occurrences": 3})).send().await.unwrap();
    assert_eq!(error_of(update_after).await.0, 409);
    let runs: Value = server.request(Method::GET, &format!("{path}/runs")).send().await.unwrap().json().await.unwrap();
    assert_eq!(runs["pagination"]["total"], 0);
    server.stop().await;
}

#[tokio::test]
async fn refusals_filters_and_scopes() {
    let server = Server::start().await;
    let template = server.created_id(&payment_body()).await;
    let with = |field: &str, value: Value| {
        let mut body = example(template);
        if value.is_null() {
            body.as_object_mut().unwrap().remove(field);
        } else {
            body[field] = value;
        }
        body
    };
    for (body, expected) in [
        (with("day_of_month", Value::Null), "day_of_month is required for MONTHLY"),
        (with("type", json!("WEEKLY")), "day_of_month is only for MONTHLY"),
        (with("scheduled_time", json!("10h")), "scheduled_time must be a time HH:MM"),
        (with("recurrence_end_date", json!("2099-01-01")), "recurrence_end_date must not be before scheduled_date"),
        (with("time_zone", json!("Nowhere/Land")), "time_zone must be an IANA time zone"),
    ] {
        let response = server.request(Method::POST, "/api/v1/schedules").json(&body).send().await.unwrap();
        let (status, code, message) = error_of(response).await;
        assert_eq!((status, code.as_str()), (400, "VALIDATION_ERROR"), "{message}");
        assert!(message.starts_with(expected), "expected {expected:?}, got {message:?}");
    }
    // A template that does not exist is not found, the message naming the field.
    let orphan = server
        .request(Method::POST, "/api/v1/schedules")
        .json(&with("payment_request_id", json!(999_999)))
        .send()
        .await
        .unwrap();
    let (status, code, message) = error_of(orphan).await;
    assert_eq!((status, code.as_str()), (404, "NOT_FOUND"), "{message}");
    assert_eq!(message, "payment_request_id 999999: no payment request has this id");
    let weekly = json!({"payment_request_id": template, "type": "WEEKLY", "scheduled_date": "2099-02-01", "scheduled_time": "09:30", "day_of_week": "MONDAY", "time_zone": "America/Sao_Paulo"});
    let weekly: Value =
        server.request(Method::POST, "/api/v1/schedules").json(&weekly).send().await.unwrap().json().await.unwrap();
    // 2099-02-02 is a Monday; 09:30 in São Paulo is 12:30 UTC.
    assert_eq!(weekly["next_run_at"], "2099-02-02T12:30:00Z", "{weekly}");
    server.request(Method::POST, "/api/v1/schedules").json(&example(template)).send().await.unwrap();
    let list = |query: &'static str| {
        let request = server.request(Method::GET, &format!("/api/v1/schedules{query}"));
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    assert_eq!(list("").await["pagination"]["total"], 2);
    assert_eq!(list("?type=WEEKLY").await["data"][0]["id"], weekly["id"]);
    assert_eq!(list("?is_due=true").await["pagination"]["total"], 0);
    assert_eq!(list("?is_due=false&status=ACTIVE").await["pagination"]["total"], 2);
    for bad in ["?is_due=maybe", "?status=DONE", "?type=HOURLY", "?limit=101"] {
        let response = server.request(Method::GET, &format!("/api/v1/schedules{bad}")).send().await.unwrap();
        assert_eq!(error_of(response).await.0, 400, "{bad}");
    }
    let missing = server.request(Method::GET, "/api/v1/schedules/424242").send().await.unwrap();
    assert_eq!(error_of(missing).await, (404, "NOT_FOUND".into(), "schedule not found".into()));
    let read_only = Server::token("schedules.read");
    let response = server
        .client
        .post(server.url("/api/v1/schedules"))
        .bearer_auth(&read_only)
        .json(&example(template))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(response).await.0, 403);
    server.stop().await;
}
