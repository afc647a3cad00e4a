-- The events of migration 11, written by triggers inside the statement that makes the change,
-- so in its transaction, like the audit trail's (migration 8). A change that has an event type
-- of its own (a schedule paused, an import completed) is not also a `status_changed`. The
-- trigger passes the resource's name, and for a status change its own types: the status that
-- has one, then the type, pairwise, and last the type of every other change.

CREATE FUNCTION record_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    row_json jsonb := to_jsonb(NEW);
    object_id text := COALESCE(row_json->>'uuid', NEW.id::text);
    owner text := COALESCE(row_json->>'owner', row_json->>'created_by');
    event_type text;
    i int;
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO events (type, resource, object_id, owner, to_status, actor, occurred_at)
        VALUES (TG_ARGV[1], TG_ARGV[0], object_id, owner, NEW.status, NEW.changed_by, NEW.updated_at);
    ELSIF OLD.status IS DISTINCT FROM NEW.status THEN
        event_type := TG_ARGV[TG_NARGS - 1];
        i := 2;
        WHILE i + 1 < TG_NARGS LOOP
            IF NEW.status = TG_ARGV[i] THEN
                event_type := TG_ARGV[i + 1];
            END IF;
            i := i + 2;
        END LOOP;
        INSERT INTO events (type, resource, object_id, owner, from_status, to_status, actor, occurred_at)
        VALUES (event_type, TG_ARGV[0], object_id, owner, OLD.status, NEW.status, NEW.changed_by, NEW.updated_at);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER payments_events AFTER INSERT OR UPDATE OF status ON payments
    FOR EACH ROW EXECUTE FUNCTION record_event('payment', 'payment.created', 'payment.status_changed');
CREATE TRIGGER file_imports_events AFTER INSERT OR UPDATE OF status ON file_imports
    FOR EACH ROW EXECUTE FUNCTION record_event('file_import', 'file_import.uploaded',
        'COMPLETED', 'file_import.completed', 'FAILED', 'file_import.failed', 'file_import.status_changed');
CREATE TRIGGER file_exports_events AFTER INSERT ON file_exports
    FOR EACH ROW EXECUTE FUNCTION record_event('file_export', 'file_export.created', 'file_export.status_changed');
CREATE TRIGGER schedules_events AFTER INSERT OR UPDATE OF status ON schedules
    FOR EACH ROW EXECUTE FUNCTION record_event('schedule', 'schedule.created',
        'PAUSED', 'schedule.paused', 'COMPLETED', 'schedule.completed', 'schedule.status_changed');
CREATE TRIGGER automatic_authorizations_events AFTER INSERT OR UPDATE OF status ON automatic_authorizations
    FOR EACH ROW EXECUTE FUNCTION record_event('automatic_authorization', 'automatic.authorization.created',
        'automatic.authorization.status_changed');
CREATE TRIGGER automatic_payments_events AFTER INSERT OR UPDATE OF status ON automatic_payments
    FOR EACH ROW EXECUTE FUNCTION record_event('automatic_payment', 'automatic.payment.created',
        'automatic.payment.status_changed');
CREATE TRIGGER qr_codes_event_created AFTER INSERT ON qr_codes
    FOR EACH ROW EXECUTE FUNCTION record_event('qr_code', 'qr_code.created', 'qr_code.status_changed');

-- A use of a QR code (a paid single-use code, or a static code's count) and a deactivation.
CREATE FUNCTION record_qr_code_use() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO events (type, resource, object_id, owner, from_status, to_status, actor, occurred_at)
    VALUES (TG_ARGV[0], 'qr_code', NEW.id::text, NEW.created_by, OLD.status, NEW.status, NEW.changed_by, NEW.updated_at);
    RETURN NULL;
END
$$;
CREATE TRIGGER qr_codes_event_used AFTER UPDATE OF used_count ON qr_codes
    FOR EACH ROW WHEN (NEW.used_count > OLD.used_count AND NEW.deactivated_at IS NULL)
    EXECUTE FUNCTION record_qr_code_use('qr_code.used');
CREATE TRIGGER qr_codes_event_deactivated AFTER UPDATE OF deactivated_at ON qr_codes
    FOR EACH ROW WHEN (OLD.deactivated_at IS NULL AND NEW.deactivated_at IS NOT NULL)
    EXECUTE FUNCTION record_qr_code_use('qr_code.deactivated');

CREATE FUNCTION record_credit_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO events (type, resource, object_id, owner, actor, occurred_at)
    SELECT 'payment.credit_confirmed', 'payment', NEW.payment_request_id::text, p.created_by, NEW.confirmed_by,
           NEW.created_at
    FROM payments p WHERE p.id = NEW.payment_request_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER credit_confirmations_event AFTER INSERT ON credit_confirmations
    FOR EACH ROW EXECUTE FUNCTION record_credit_event();

-- A run is claimed PENDING, and its outcome written in the same transaction.
CREATE FUNCTION record_schedule_run_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO events (type, resource, object_id, detail, owner, actor, occurred_at)
    SELECT CASE NEW.outcome WHEN 'SUCCESS' THEN 'schedule.run_succeeded' ELSE 'schedule.run_failed' END,
           'schedule', NEW.schedule_id::text, NEW.occurrence::text, s.created_by, 'worker:schedules', NEW.ran_at
    FROM schedules s WHERE s.id = NEW.schedule_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER schedule_runs_event AFTER UPDATE OF outcome ON schedule_runs
    FOR EACH ROW WHEN (NEW.outcome IN ('SUCCESS', 'FAILED') AND OLD.outcome IS DISTINCT FROM NEW.outcome)
    EXECUTE FUNCTION record_schedule_run_event();

-- Settled: the payment request was made (in the same transaction); or it could not be.
CREATE FUNCTION record_settlement_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO events (type, resource, object_id, owner, actor, occurred_at)
    VALUES (CASE NEW.settlement WHEN 'SETTLED' THEN 'automatic.payment.settled'
            ELSE 'automatic.payment.settlement_failed' END,
            'automatic_payment', NEW.uuid, NEW.owner, 'worker:automatic', NEW.updated_at);
    RETURN NULL;
END
$$;
CREATE TRIGGER automatic_payments_event_settled AFTER UPDATE OF settlement ON automatic_payments
    FOR EACH ROW WHEN (OLD.settlement IS NULL AND NEW.settlement IS NOT NULL)
    EXECUTE FUNCTION record_settlement_event();
