-- The audit trail: every state change of a payment, QR code, file import, schedule, automatic
-- authorization and automatic payment, written by triggers inside the statement that makes the
-- change, so in its transaction: a change and its record commit or roll back together, whatever
-- code path made it. The actor is the row's `changed_by`, which every statement that inserts a
-- row or changes its status sets (the token's subject, or the worker's name); a row inserted
-- without it fails, as `actor` is NOT NULL. Objects created before this migration have a trail
-- that begins at their first change after it.
CREATE TABLE state_changes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
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

CREATE TRIGGER payments_created AFTER INSERT ON payments BEGIN
    INSERT INTO state_changes (resource, resource_id, from_status, to_status, actor, at)
    VALUES ('payment', NEW.id, NULL, NEW.status, NEW.changed_by, NEW.updated_at);
END;
CREATE TRIGGER payments_changed AFTER UPDATE OF status ON payments WHEN OLD.status IS NOT NEW.status BEGIN
    INSERT INTO state_changes (resource, resource_id, from_status, to_status, actor, at)
    VALUES ('payment', NEW.id, OLD.status, NEW.status, NEW.changed_by, NEW.updated_at);
END;

CREATE TRIGGER qr_codes_created AFTER INSERT ON qr_codes BEGIN
    INSERT INTO state_changes (resource, resource_id, from_status, to_status, actor, at)
    VALUES ('qr_code', NEW.id, NULL, NEW.status, NEW.changed_by, NEW.updated_at);
END;
CREATE TRIGGER qr_codes_changed AFTER UPDATE OF status ON qr_codes WHEN OLD.status IS NOT NEW.status BEGIN
    INSERT INTO state_changes (resource, resource_id, from_status, to_status, actor, at)
    VALUES ('qr_code', NEW.id, OLD.status, NEW.status, NEW.changed_by, NEW.updated_at);
END;

CREATE TRIGGER file_imports_created AFTER INSERT ON file_imports BEGIN
    INSERT INTO state_changes (resource, resource_id, from_status, to_status, actor, at)
    VALUES ('file_import', NEW.id, NULL, NEW.status, NEW.changed_by, NEW.updated_at);
END;
CREATE TRIGGER file_imports_changed AFTER UPDATE OF status ON file_imports WHEN OLD.status IS NOT NEW.status BEGIN
    INSERT INTO state_changes (resource, resource_id, from_status, to_status, actor, at)
    VALUES ('file_import', NEW.id, OLD.status, NEW.status, NEW.changed_by, NEW.updated_at);
END;

CREATE TRIGGER schedules_created AFTER INSERT ON schedules BEGIN
    INSERT INTO state_changes (resource, resource_id, from_status, to_status, actor, at)
    VALUES ('schedule', NEW.id, NULL, NEW.status, NEW.changed_by, NEW.updated_at);
END;
CREATE TRIGGER schedules_changed AFTER UPDATE OF status ON schedules WHEN OLD.status IS NOT NEW.status BEGIN
    INSERT INTO state_changes (resource, resource_id, from_status, to_status, actor, at)
    VALUES ('schedule', NEW.id, OLD.status, NEW.status, NEW.changed_by, NEW.updated_at);
END;

CREATE TRIGGER automatic_authorizations_created AFTER INSERT ON automatic_authorizations BEGIN
    INSERT INTO state_changes (resource, resource_id, from_status, to_status, actor, at)
    VALUES ('automatic_authorization', NEW.id, NULL, NEW.status, NEW.changed_by, NEW.updated_at);
END;
CREATE TRIGGER automatic_authorizations_changed AFTER UPDATE OF status ON automatic_authorizations
WHEN OLD.status IS NOT NEW.status BEGIN
    INSERT INTO state_changes (resource, resource_id, from_status, to_status, actor, at)
    VALUES ('automatic_authorization', NEW.id, OLD.status, NEW.status, NEW.changed_by, NEW.updated_at);
END;

CREATE TRIGGER automatic_payments_created AFTER INSERT ON automatic_payments BEGIN
    INSERT INTO state_changes (resource, resource_id, from_status, to_status, actor, at)
    VALUES ('automatic_payment', NEW.id, NULL, NEW.status, NEW.changed_by, NEW.updated_at);
END;
CREATE TRIGGER automatic_payments_changed AFTER UPDATE OF status ON automatic_payments
WHEN OLD.status IS NOT NEW.status BEGIN
    INSERT INTO state_changes (resource, resource_id, from_status, to_status, actor, at)
    VALUES ('automatic_payment', NEW.id, OLD.status, NEW.status, NEW.changed_by, NEW.updated_at);
END;
