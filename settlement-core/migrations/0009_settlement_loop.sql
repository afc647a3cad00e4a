-- The settlement loop. A remessa sent (an export marked sent) is a file_exports row, and each
-- payment in it a file_export_payments row: its primary key is the payment, so a payment is in
-- one remessa at most (a sent payment is PROCESSING, and never PENDING again). A retorno import
-- answers the payments it reports (answered_at, answered_by).
CREATE TABLE file_exports (
    id            ID_PRIMARY_KEY,
    unique_id     TEXT    NOT NULL UNIQUE,
    format        TEXT    NOT NULL,
    layout        TEXT    NOT NULL,
    bank          BIGINT  NOT NULL,
    file_number   BIGINT  NOT NULL,
    status        TEXT    NOT NULL,
    payment_count BIGINT  NOT NULL,
    total_amount  BIGINT  NOT NULL,
    file_size     BIGINT  NOT NULL,
    file_hash     TEXT    NOT NULL,
    filename      TEXT    NOT NULL,
    created_by    TEXT    NOT NULL,
    changed_by    TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
-- A bank keys a remessa by its sequence number (NSA, header 158-163) and refuses one it has
-- seen: each layout's remessas to a bank are numbered 1, 2, 3...
CREATE UNIQUE INDEX file_exports_numbered ON file_exports (bank, layout, file_number);

CREATE TABLE file_export_payments (
    payment_request_id BIGINT NOT NULL PRIMARY KEY REFERENCES payments (id),
    file_export_id     BIGINT NOT NULL REFERENCES file_exports (id),
    position           BIGINT NOT NULL,
    sent_at            BIGINT NOT NULL,
    answered_at        BIGINT,
    answered_by        BIGINT REFERENCES file_imports (id)
);
CREATE INDEX file_export_payments_by_export ON file_export_payments (file_export_id, position);
CREATE INDEX file_export_payments_unanswered ON file_export_payments (sent_at) WHERE answered_at IS NULL;

-- A remessa (and any export by status) reads the payments of a status a page at a time, in id
-- order: without this index each page sorted every payment of the status (17 s, not 5 s, to
-- send 100,000 of 300,000 PENDING payments).
CREATE INDEX payments_by_status ON payments (status, id);

-- What a retorno said when it failed a payment: the bank's code and text.
ALTER TABLE payments ADD COLUMN failure_reason TEXT;
-- PAYMENTS (records become payments) or RETORNO (records report on payments sent).
ALTER TABLE file_imports ADD COLUMN kind TEXT NOT NULL DEFAULT 'PAYMENTS';
-- A retorno record's amount (paid, else face value), for the reconciliation's sums.
ALTER TABLE file_import_records ADD COLUMN amount BIGINT;
-- What a retorno says was paid beside the principal.
ALTER TABLE credit_confirmations ADD COLUMN interest BIGINT;
ALTER TABLE credit_confirmations ADD COLUMN fine BIGINT;
ALTER TABLE credit_confirmations ADD COLUMN discount BIGINT;
