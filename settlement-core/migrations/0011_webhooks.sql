-- Events and their webhooks. An event row is written by a trigger in the statement that makes
-- the change (migration 12), so it commits or rolls back with it: the transactional outbox. It
-- is published later (`published_at`): its `data` rendered as the object's GET shows it, and one
-- delivery queued for each endpoint of its owner that wants it. Deliveries are the work queue of
-- the senders; each attempt is kept.
CREATE TABLE events (
    id           ID_PRIMARY_KEY,
    type         TEXT    NOT NULL,
    resource     TEXT    NOT NULL,
    -- The object's id in the API: a number, or a UUID for Pix Automático's objects.
    object_id    TEXT    NOT NULL,
    -- A schedule run's occurrence (0-based), for the run events.
    detail       TEXT,
    owner        TEXT    NOT NULL,
    from_status  TEXT,
    to_status    TEXT,
    actor        TEXT,
    occurred_at  BIGINT  NOT NULL,
    data         TEXT,
    published_at BIGINT
);
CREATE INDEX events_unpublished ON events (id) WHERE published_at IS NULL;
CREATE INDEX events_by_owner ON events (owner, id);

CREATE TABLE webhook_endpoints (
    id                    ID_PRIMARY_KEY,
    unique_id             TEXT    NOT NULL UNIQUE,
    url                   TEXT    NOT NULL,
    description           TEXT,
    -- Space-separated: exact event types, `prefix.*`, or `*`.
    event_types           TEXT    NOT NULL,
    enabled               BIGINT  NOT NULL,
    secret                TEXT    NOT NULL,
    -- After a rotation, the old secret still signs until `previous_secret_until`.
    previous_secret       TEXT,
    previous_secret_until BIGINT,
    owner                 TEXT    NOT NULL,
    -- The read scopes the owner's token held when it registered or last changed the endpoint.
    read_scopes           TEXT    NOT NULL,
    -- Since when every attempt failed (none while the last one succeeded).
    failing_since         BIGINT,
    disabled_reason       TEXT,
    created_at            BIGINT  NOT NULL,
    updated_at            BIGINT  NOT NULL
);
CREATE INDEX webhook_endpoints_by_owner ON webhook_endpoints (owner, id);

CREATE TABLE webhook_deliveries (
    id               ID_PRIMARY_KEY,
    endpoint_id      BIGINT  NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id         BIGINT  NOT NULL REFERENCES events (id),
    -- `resource:object_id`: deliveries of one object to one endpoint go out in order.
    object_key       TEXT    NOT NULL,
    event_type       TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    attempts         BIGINT  NOT NULL,
    next_attempt_at  BIGINT  NOT NULL,
    -- A sender's claim: until then no other sender takes it; a killed sender's lapses.
    locked_until     BIGINT,
    last_status_code BIGINT,
    last_error       TEXT,
    delivered_at     BIGINT,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id) WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_pending_by_object ON webhook_deliveries (endpoint_id, object_key, id)
    WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, id);

CREATE TABLE webhook_attempts (
    id            ID_PRIMARY_KEY,
    delivery_id   BIGINT  NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempted_at  BIGINT  NOT NULL,
    status_code   BIGINT,
    latency_ms    BIGINT  NOT NULL,
    response_body TEXT,
    error         TEXT
);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id, id);

-- A deactivated code is `used` like a paid one; this tells them apart (qr_code.deactivated).
ALTER TABLE qr_codes ADD COLUMN deactivated_at BIGINT;
