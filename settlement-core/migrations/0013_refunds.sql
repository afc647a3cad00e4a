-- Refunds (devoluções) of completed payments. A refund is asked for with the caller's own
-- `refund_id`, unique per payment (a repeated request finds it); `rtr_id` is the SPI's id of the
-- return. The payment keeps what its refunds add up to, so that the rule "never more than the
-- payment's amount" is one conditional update of its row, which racing requests take in turn.
CREATE TABLE refunds (
    id                 ID_PRIMARY_KEY,
    payment_request_id BIGINT  NOT NULL REFERENCES payments (id),
    refund_id          TEXT    NOT NULL,
    rtr_id             TEXT    NOT NULL UNIQUE,
    amount             BIGINT  NOT NULL,
    nature             TEXT    NOT NULL,
    description        TEXT,
    status             TEXT    NOT NULL,
    reason             TEXT,
    requested_at       BIGINT  NOT NULL,
    settled_at         BIGINT,
    created_by         TEXT    NOT NULL,
    -- The payment's creator: the refund's events go to their endpoints.
    owner              TEXT    NOT NULL,
    changed_by         TEXT    NOT NULL,
    updated_at         BIGINT  NOT NULL,
    UNIQUE (payment_request_id, refund_id)
);
CREATE INDEX refunds_by_requested ON refunds (requested_at, id);
CREATE INDEX refunds_by_status ON refunds (status, requested_at, id);

-- Returned (RETURNED), in process (IN_PROCESS), and how many refunds were asked for.
ALTER TABLE payments ADD COLUMN refunded_amount BIGINT NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN refunds_in_process BIGINT NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN refund_count BIGINT NOT NULL DEFAULT 0;
