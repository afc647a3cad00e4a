-- Imported payment files and their records. A file's hash is unique: a bank file imported
-- twice would pay twice.
CREATE TABLE file_imports (
    id                ID_PRIMARY_KEY,
    unique_id         TEXT    NOT NULL UNIQUE,
    filename          TEXT    NOT NULL,
    file_type         TEXT    NOT NULL,
    file_size         BIGINT  NOT NULL,
    file_hash         TEXT    NOT NULL UNIQUE,
    status            TEXT    NOT NULL,
    total_records     BIGINT  NOT NULL,
    processed_records BIGINT  NOT NULL,
    failed_records    BIGINT  NOT NULL,
    skipped_records   BIGINT  NOT NULL,
    started_at        BIGINT,
    completed_at      BIGINT,
    created_by        TEXT    NOT NULL,
    created_at        BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL
);
CREATE INDEX file_imports_status ON file_imports (status);

CREATE TABLE file_import_records (
    id                 ID_PRIMARY_KEY,
    file_import_id     BIGINT  NOT NULL REFERENCES file_imports (id),
    line_number        BIGINT  NOT NULL,
    raw_data           TEXT    NOT NULL,
    fields             TEXT    NOT NULL,
    status             TEXT    NOT NULL,
    error              TEXT,
    payment_request_id BIGINT  REFERENCES payments (id),
    processed_at       BIGINT,
    created_at         BIGINT  NOT NULL
);
CREATE INDEX file_import_records_by_status ON file_import_records (file_import_id, status, line_number);
