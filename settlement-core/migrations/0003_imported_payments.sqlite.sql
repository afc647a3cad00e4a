-- Imported payments carry what their file format has: the documents and accounts, which the
-- API requires, become optional columns.
--
-- SQLite cannot drop NOT NULL, and sqlx runs a migration inside a transaction, where foreign
-- keys cannot be switched off. So the payments table is rebuilt together with the two tables
-- that reference it: the copies reference the new table, the old children go first (nothing
-- references the old payments when it is dropped), and renaming the new payments table
-- rewrites its children's references to the final name.
CREATE TABLE payments_rebuilt (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    unique_id             TEXT    NOT NULL UNIQUE,
    external_id           TEXT    UNIQUE,
    status                TEXT    NOT NULL,
    amount                BIGINT  NOT NULL CHECK (amount >= 1),
    currency              TEXT    NOT NULL,
    debtor_ispb           TEXT    NOT NULL,
    debtor_document       TEXT,
    debtor_name           TEXT,
    debtor_account_no     TEXT,
    debtor_account_type   TEXT,
    debtor_branch         TEXT,
    creditor_ispb         TEXT    NOT NULL,
    creditor_document     TEXT,
    creditor_name         TEXT,
    creditor_account_no   TEXT,
    creditor_account_type TEXT,
    creditor_branch       TEXT,
    description           TEXT,
    qr_code_data          TEXT,
    tx_id                 TEXT,
    scheduled_date        BIGINT,
    discounts             TEXT    NOT NULL,
    additional_info       TEXT    NOT NULL,
    end_to_end_id         TEXT    UNIQUE,
    processed_at          BIGINT,
    created_by            TEXT    NOT NULL,
    created_at            BIGINT  NOT NULL,
    updated_at            BIGINT  NOT NULL
);
INSERT INTO payments_rebuilt SELECT * FROM payments;

CREATE TABLE credit_confirmations_rebuilt (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    unique_id          TEXT    NOT NULL UNIQUE,
    payment_request_id BIGINT  NOT NULL UNIQUE REFERENCES payments_rebuilt (id),
    status             TEXT    NOT NULL,
    confirmed_at       BIGINT  NOT NULL,
    confirmed_by       TEXT    NOT NULL,
    confirmed_amount   BIGINT  NOT NULL,
    notes              TEXT,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL
);
INSERT INTO credit_confirmations_rebuilt SELECT * FROM credit_confirmations;

CREATE TABLE idempotency_keys_rebuilt (
    subject      TEXT   NOT NULL,
    idem_key     TEXT   NOT NULL,
    request_hash TEXT   NOT NULL,
    payment_id   BIGINT REFERENCES payments_rebuilt (id),
    response     TEXT,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (subject, idem_key)
);
INSERT INTO idempotency_keys_rebuilt SELECT * FROM idempotency_keys;

DROP TABLE credit_confirmations;
DROP TABLE idempotency_keys;
DROP TABLE payments;
ALTER TABLE payments_rebuilt RENAME TO payments;
ALTER TABLE credit_confirmations_rebuilt RENAME TO credit_confirmations;
ALTER TABLE idempotency_keys_rebuilt RENAME TO idempotency_keys;
CREATE INDEX payments_due ON payments (status, scheduled_date);
