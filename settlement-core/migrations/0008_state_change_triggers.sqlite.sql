-- The triggers of the audit trail (migration 7), written inside the statement that makes a
-- change, so in its transaction: a change and its record commit or roll back together, whatever
-- code path made it. A row inserted without `changed_by` fails, as `actor` is NOT NULL.

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
