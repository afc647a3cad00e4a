-- Pix Automático: users' wallets, the products users let act for them, payers' authorizations
-- of recurrences, the automatic payments under them (one per cycle and attempt), and the nonces
-- of state-changing requests.
CREATE TABLE wallets (
    id          ID_PRIMARY_KEY,
    uuid        TEXT    NOT NULL UNIQUE,
    owner       TEXT    NOT NULL,
    is_default  BIGINT  NOT NULL,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX wallets_owner ON wallets (owner);

CREATE TABLE product_grants (
    product_uuid TEXT   NOT NULL,
    user_subject TEXT   NOT NULL,
    granted_at   BIGINT NOT NULL,
    PRIMARY KEY (product_uuid, user_subject)
);

CREATE TABLE automatic_authorizations (
    id                      ID_PRIMARY_KEY,
    uuid                    TEXT    NOT NULL UNIQUE,
    owner                   TEXT    NOT NULL,
    wallet_uuid             TEXT    NOT NULL,
    journey                 TEXT    NOT NULL,
    frequency               TEXT    NOT NULL,
    start_date              TEXT    NOT NULL,
    end_date                TEXT,
    value                   BIGINT,
    floor_max_value         BIGINT,
    payment_max_value       BIGINT,
    retry_policy            TEXT    NOT NULL,
    owner_ispb              TEXT    NOT NULL,
    beneficiary_ispb        TEXT    NOT NULL,
    beneficiary_document    TEXT    NOT NULL,
    beneficiary_name        TEXT    NOT NULL,
    owner_document          TEXT    NOT NULL,
    debtor_document         TEXT,
    debtor_name             TEXT,
    contract_number         TEXT    NOT NULL,
    contract_description    TEXT    NOT NULL,
    request_expiration_date BIGINT  NOT NULL,
    status                  TEXT    NOT NULL,
    created_at              BIGINT  NOT NULL,
    updated_at              BIGINT  NOT NULL
);
CREATE INDEX automatic_authorizations_owner ON automatic_authorizations (owner, wallet_uuid);

CREATE TABLE automatic_payments (
    id                 ID_PRIMARY_KEY,
    uuid               TEXT    NOT NULL UNIQUE,
    authorization_id   BIGINT  NOT NULL REFERENCES automatic_authorizations (id),
    owner              TEXT    NOT NULL,
    wallet_uuid        TEXT    NOT NULL,
    due_date           TEXT    NOT NULL,
    cycle              BIGINT  NOT NULL,
    attempt            BIGINT  NOT NULL,
    value              BIGINT  NOT NULL,
    scheduling_purpose TEXT    NOT NULL,
    status             TEXT    NOT NULL,
    settlement         TEXT,
    settlement_error   TEXT,
    payment_request_id BIGINT  REFERENCES payments (id),
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL,
    UNIQUE (authorization_id, cycle, attempt)
);
CREATE INDEX automatic_payments_owner ON automatic_payments (owner, wallet_uuid, status);
CREATE INDEX automatic_payments_due ON automatic_payments (status, settlement, due_date);

CREATE TABLE request_nonces (
    subject    TEXT   NOT NULL,
    nonce      TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (subject, nonce)
);
