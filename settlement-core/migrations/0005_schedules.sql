-- Recurring schedules of a template payment, and what each occurrence did. An occurrence runs
-- at most once: (schedule_id, occurrence) is unique, and a run commits with its payment.
CREATE TABLE schedules (
    id                   ID_PRIMARY_KEY,
    unique_id            TEXT    NOT NULL UNIQUE,
    payment_request_id   BIGINT  NOT NULL REFERENCES payments (id),
    type                 TEXT    NOT NULL,
    scheduled_date       TEXT    NOT NULL,
    scheduled_time       TEXT    NOT NULL,
    time_zone            TEXT    NOT NULL,
    recurrence_end_date  TEXT,
    max_occurrences      BIGINT,
    day_of_month         BIGINT,
    day_of_week          BIGINT,
    status               TEXT    NOT NULL,
    next_occurrence      BIGINT  NOT NULL,
    next_run_at          BIGINT,
    run_count            BIGINT  NOT NULL,
    fail_count           BIGINT  NOT NULL,
    consecutive_failures BIGINT  NOT NULL,
    created_by           TEXT    NOT NULL,
    created_at           BIGINT  NOT NULL,
    updated_at           BIGINT  NOT NULL
);
CREATE INDEX schedules_due ON schedules (status, next_run_at);

CREATE TABLE schedule_runs (
    id                 ID_PRIMARY_KEY,
    schedule_id        BIGINT  NOT NULL REFERENCES schedules (id),
    occurrence         BIGINT  NOT NULL,
    scheduled_for      BIGINT  NOT NULL,
    ran_at             BIGINT  NOT NULL,
    outcome            TEXT    NOT NULL,
    payment_request_id BIGINT  REFERENCES payments (id),
    error              TEXT,
    UNIQUE (schedule_id, occurrence)
);
