-- Payment requests, their credit confirmations, and the idempotency keys of their creation.
-- Times are Unix seconds (UTC); money is integer centavos. ID_PRIMARY_KEY is how each database
-- generates ids (see store/sql.rs): the one difference between the two schemas.
CREATE TABLE payments (
    id                    ID_PRIMARY_KEY,
    unique_id             TEXT    NOT NULL UNIQUE,
    external_id           TEXT    UNIQUE,
    status                TEXT    NOT NULL,
    amount                BIGINT  NOT NULL CHECK (amount >= 1),
    currency              TEXT    NOT NULL,
    debtor_ispb           TEXT    NOT NULL,
    debtor_document       TEXT    NOT NULL,
    debtor_name           TEXT,
    debtor_account_no     TEXT    NOT NULL,
    debtor_account_type   TEXT    NOT NULL,
    debtor_branch         TEXT,
    creditor_ispb         TEXT    NOT NULL,
    creditor_document     TEXT    NOT NULL,
    creditor_name         TEXT,
    creditor_account_no   TEXT    NOT NULL,
    creditor_account_type TEXT    NOT NULL,
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
CREATE INDEX payments_due ON payments (status, scheduled_date);

CREATE TABLE credit_confirmations (
    id                 ID_PRIMARY_KEY,
    unique_id          TEXT    NOT NULL UNIQUE,
    payment_request_id BIGINT  NOT NULL UNIQUE REFERENCES payments (id),
    status             TEXT    NOT NULL,
    confirmed_at       BIGINT  NOT NULL,
    confirmed_by       TEXT    NOT NULL,
    confirmed_amount   BIGINT  NOT NULL,
    notes              TEXT,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL
);

CREATE TABLE idempotency_keys (
    subject      TEXT   NOT NULL,
    idem_key     TEXT   NOT NULL,
    request_hash TEXT   NOT NULL,
    payment_id   BIGINT REFERENCES payments (id),
    response     TEXT,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (subject, idem_key)
);
