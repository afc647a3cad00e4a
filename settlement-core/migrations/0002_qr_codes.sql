-- BR Code QR codes: static codes (key in the payload) and dynamic ones (a location whose
-- token serves the charge). Times are Unix seconds (UTC); money is integer centavos.
CREATE TABLE qr_codes (
    id                ID_PRIMARY_KEY,
    unique_id         TEXT    NOT NULL UNIQUE,
    type              TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    payload           TEXT    NOT NULL,
    merchant_name     TEXT    NOT NULL,
    merchant_city     TEXT    NOT NULL,
    merchant_category_code TEXT NOT NULL,
    pix_key           TEXT    NOT NULL,
    tx_id             TEXT    UNIQUE,
    amount            BIGINT,
    currency          TEXT    NOT NULL,
    description       TEXT,
    expires_at        BIGINT,
    due_date          TEXT,
    days_after_due    BIGINT,
    fine              BIGINT,
    interest          BIGINT,
    discount          BIGINT,
    debtor_name       TEXT,
    debtor_document   TEXT,
    location_token    TEXT    UNIQUE,
    location          TEXT,
    used_count        BIGINT  NOT NULL,
    used_at           BIGINT,
    created_by        TEXT    NOT NULL,
    created_at        BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL
);
CREATE INDEX qr_codes_type_status ON qr_codes (type, status);
