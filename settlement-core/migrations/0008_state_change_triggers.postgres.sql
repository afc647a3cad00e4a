-- The triggers of the audit trail (migration 7), written inside the statement that makes a
-- change, so in its transaction: a change and its record commit or roll back together, whatever
-- code path made it. A row inserted without `changed_by` fails, as `actor` is NOT NULL.

-- One function for every table; the trigger passes the resource's name.
CREATE FUNCTION record_state_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO state_changes (resource, resource_id, from_status, to_status, actor, at)
        VALUES (TG_ARGV[0], NEW.id, NULL, NEW.status, NEW.changed_by, NEW.updated_at);
    ELSIF OLD.status IS DISTINCT FROM NEW.status THEN
        INSERT INTO state_changes (resource, resource_id, from_status, to_status, actor, at)
        VALUES (TG_ARGV[0], NEW.id, OLD.status, NEW.status, NEW.changed_by, NEW.updated_at);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER payments_state_changes AFTER INSERT OR UPDATE OF status ON payments
    FOR EACH ROW EXECUTE FUNCTION record_state_change('payment');
CREATE TRIGGER qr_codes_state_changes AFTER INSERT OR UPDATE OF status ON qr_codes
    FOR EACH ROW EXECUTE FUNCTION record_state_change('qr_code');
CREATE TRIGGER file_imports_state_changes AFTER INSERT OR UPDATE OF status ON file_imports
    FOR EACH ROW EXECUTE FUNCTION record_state_change('file_import');
CREATE TRIGGER schedules_state_changes AFTER INSERT OR UPDATE OF status ON schedules
    FOR EACH ROW EXECUTE FUNCTION record_state_change('schedule');
CREATE TRIGGER automatic_authorizations_state_changes AFTER INSERT OR UPDATE OF status ON automatic_authorizations
    FOR EACH ROW EXECUTE FUNCTION record_state_change('automatic_authorization');
CREATE TRIGGER automatic_payments_state_changes AFTER INSERT OR UPDATE OF status ON automatic_payments
    FOR EACH ROW EXECUTE FUNCTION record_state_change('automatic_payment');
