-- The audit trail: every state change of a payment, QR code, file import, schedule, automatic
-- authorization and automatic payment, with who made it (the row's `changed_by`, which every
-- statement that inserts a row or changes its status sets: the token's subject, or a worker's
-- name), when, from and to. Migration 8 adds the triggers that write it. Objects created before
-- this migration have a trail that begins at their first change after it.
CREATE TABLE state_changes (
    id          ID_PRIMARY_KEY,
    resource    TEXT    NOT NULL,
    resource_id BIGINT  NOT NULL,
    from_status TEXT,
    to_status   TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    at          BIGINT  NOT NULL
);
CREATE INDEX state_changes_by_resource ON state_changes (resource, resource_id, id);

ALTER TABLE payments ADD COLUMN changed_by TEXT;
ALTER TABLE qr_codes ADD COLUMN changed_by TEXT;
ALTER TABLE file_imports ADD COLUMN changed_by TEXT;
ALTER TABLE schedules ADD COLUMN changed_by TEXT;
ALTER TABLE automatic_authorizations ADD COLUMN changed_by TEXT;
ALTER TABLE automatic_payments ADD COLUMN changed_by TEXT;
UPDATE payments SET changed_by = created_by;
UPDATE qr_codes SET changed_by = created_by;
UPDATE file_imports SET changed_by = created_by;
UPDATE schedules SET changed_by = created_by;
UPDATE automatic_authorizations SET changed_by = owner;
UPDATE automatic_payments SET changed_by = owner;
