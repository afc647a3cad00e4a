-- The events of migration 11, written by triggers inside the statement that makes the change,
-- so in its transaction, like the audit trail's (migration 8). A change that has an event type
-- of its own (a schedule paused, an import completed) is not also a `status_changed`.

CREATE TRIGGER payments_event_created AFTER INSERT ON payments BEGIN
    INSERT INTO events (type, resource, object_id, owner, to_status, actor, occurred_at)
    VALUES ('payment.created', 'payment', CAST(NEW.id AS TEXT), NEW.created_by, NEW.status, NEW.changed_by, NEW.updated_at);
END;
CREATE TRIGGER payments_event_changed AFTER UPDATE OF status ON payments WHEN OLD.status IS NOT NEW.status BEGIN
    INSERT INTO events (type, resource, object_id, owner, from_status, to_status, actor, occurred_at)
    VALUES ('payment.status_changed', 'payment', CAST(NEW.id AS TEXT), NEW.created_by, OLD.status, NEW.status,
            NEW.changed_by, NEW.updated_at);
END;
CREATE TRIGGER credit_confirmations_event AFTER INSERT ON credit_confirmations BEGIN
    INSERT INTO events (type, resource, object_id, owner, actor, occurred_at)
    SELECT 'payment.credit_confirmed', 'payment', CAST(NEW.payment_request_id AS TEXT), p.created_by, NEW.confirmed_by,
           NEW.created_at
    FROM payments p WHERE p.id = NEW.payment_request_id;
END;

CREATE TRIGGER qr_codes_event_created AFTER INSERT ON qr_codes BEGIN
    INSERT INTO events (type, resource, object_id, owner, to_status, actor, occurred_at)
    VALUES ('qr_code.created', 'qr_code', CAST(NEW.id AS TEXT), NEW.created_by, NEW.status, NEW.changed_by, NEW.updated_at);
END;
CREATE TRIGGER qr_codes_event_used AFTER UPDATE OF used_count ON qr_codes
WHEN NEW.used_count > OLD.used_count AND NEW.deactivated_at IS NULL BEGIN
    INSERT INTO events (type, resource, object_id, owner, from_status, to_status, actor, occurred_at)
    VALUES ('qr_code.used', 'qr_code', CAST(NEW.id AS TEXT), NEW.created_by, OLD.status, NEW.status,
            NEW.changed_by, NEW.updated_at);
END;
CREATE TRIGGER qr_codes_event_deactivated AFTER UPDATE OF deactivated_at ON qr_codes
WHEN OLD.deactivated_at IS NULL AND NEW.deactivated_at IS NOT NULL BEGIN
    INSERT INTO events (type, resource, object_id, owner, from_status, to_status, actor, occurred_at)
    VALUES ('qr_code.deactivated', 'qr_code', CAST(NEW.id AS TEXT), NEW.created_by, OLD.status, NEW.status,
            NEW.changed_by, NEW.updated_at);
END;

CREATE TRIGGER file_imports_event_created AFTER INSERT ON file_imports BEGIN
    INSERT INTO events (type, resource, object_id, owner, to_status, actor, occurred_at)
    VALUES ('file_import.uploaded', 'file_import', CAST(NEW.id AS TEXT), NEW.created_by, NEW.status, NEW.changed_by,
            NEW.updated_at);
END;
CREATE TRIGGER file_imports_event_changed AFTER UPDATE OF status ON file_imports WHEN OLD.status IS NOT NEW.status BEGIN
    INSERT INTO events (type, resource, object_id, owner, from_status, to_status, actor, occurred_at)
    VALUES (CASE NEW.status WHEN 'COMPLETED' THEN 'file_import.completed' WHEN 'FAILED' THEN 'file_import.failed'
            ELSE 'file_import.status_changed' END,
            'file_import', CAST(NEW.id AS TEXT), NEW.created_by, OLD.status, NEW.status, NEW.changed_by, NEW.updated_at);
END;

CREATE TRIGGER file_exports_event_created AFTER INSERT ON file_exports BEGIN
    INSERT INTO events (type, resource, object_id, owner, to_status, actor, occurred_at)
    VALUES ('file_export.created', 'file_export', CAST(NEW.id AS TEXT), NEW.created_by, NEW.status, NEW.changed_by,
            NEW.updated_at);
END;

CREATE TRIGGER schedules_event_created AFTER INSERT ON schedules BEGIN
    INSERT INTO events (type, resource, object_id, owner, to_status, actor, occurred_at)
    VALUES ('schedule.created', 'schedule', CAST(NEW.id AS TEXT), NEW.created_by, NEW.status, NEW.changed_by,
            NEW.updated_at);
END;
CREATE TRIGGER schedules_event_changed AFTER UPDATE OF status ON schedules WHEN OLD.status IS NOT NEW.status BEGIN
    INSERT INTO events (type, resource, object_id, owner, from_status, to_status, actor, occurred_at)
    VALUES (CASE NEW.status WHEN 'PAUSED' THEN 'schedule.paused' WHEN 'COMPLETED' THEN 'schedule.completed'
            ELSE 'schedule.status_changed' END,
            'schedule', CAST(NEW.id AS TEXT), NEW.created_by, OLD.status, NEW.status, NEW.changed_by, NEW.updated_at);
END;
-- A run is claimed PENDING, and its outcome written in the same transaction.
CREATE TRIGGER schedule_runs_event AFTER UPDATE OF outcome ON schedule_runs
WHEN NEW.outcome IN ('SUCCESS', 'FAILED') AND OLD.outcome IS NOT NEW.outcome BEGIN
    INSERT INTO events (type, resource, object_id, detail, owner, actor, occurred_at)
    SELECT CASE NEW.outcome WHEN 'SUCCESS' THEN 'schedule.run_succeeded' ELSE 'schedule.run_failed' END,
           'schedule', CAST(NEW.schedule_id AS TEXT), CAST(NEW.occurrence AS TEXT), s.created_by, 'worker:schedules',
           NEW.ran_at
    FROM schedules s WHERE s.id = NEW.schedule_id;
END;

CREATE TRIGGER automatic_authorizations_event_created AFTER INSERT ON automatic_authorizations BEGIN
    INSERT INTO events (type, resource, object_id, owner, to_status, actor, occurred_at)
    VALUES ('automatic.authorization.created', 'automatic_authorization', NEW.uuid, NEW.owner, NEW.status,
            NEW.changed_by, NEW.updated_at);
END;
CREATE TRIGGER automatic_authorizations_event_changed AFTER UPDATE OF status ON automatic_authorizations
WHEN OLD.status IS NOT NEW.status BEGIN
    INSERT INTO events (type, resource, object_id, owner, from_status, to_status, actor, occurred_at)
    VALUES ('automatic.authorization.status_changed', 'automatic_authorization', NEW.uuid, NEW.owner, OLD.status,
            NEW.status, NEW.changed_by, NEW.updated_at);
END;

CREATE TRIGGER automatic_payments_event_created AFTER INSERT ON automatic_payments BEGIN
    INSERT INTO events (type, resource, object_id, owner, to_status, actor, occurred_at)
    VALUES ('automatic.payment.created', 'automatic_payment', NEW.uuid, NEW.owner, NEW.status, NEW.changed_by,
            NEW.updated_at);
END;
CREATE TRIGGER automatic_payments_event_changed AFTER UPDATE OF status ON automatic_payments
WHEN OLD.status IS NOT NEW.status BEGIN
    INSERT INTO events (type, resource, object_id, owner, from_status, to_status, actor, occurred_at)
    VALUES ('automatic.payment.status_changed', 'automatic_payment', NEW.uuid, NEW.owner, OLD.status, NEW.status,
            NEW.changed_by, NEW.updated_at);
END;
-- Settled: the payment request was made (in the same transaction); or it could not be.
CREATE TRIGGER automatic_payments_event_settled AFTER UPDATE OF settlement ON automatic_payments
WHEN OLD.settlement IS NULL AND NEW.settlement IS NOT NULL BEGIN
    INSERT INTO events (type, resource, object_id, owner, actor, occurred_at)
    VALUES (CASE NEW.settlement WHEN 'SETTLED' THEN 'automatic.payment.settled'
            ELSE 'automatic.payment.settlement_failed' END,
            'automatic_payment', NEW.uuid, NEW.owner, 'worker:automatic', NEW.updated_at);
END;
