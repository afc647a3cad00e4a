-- Refunds join the audit trail (migration 8) as `refund`, and the events (migration 12), owned by
-- the payment's creator (the row's `owner`).
CREATE TRIGGER refunds_created AFTER INSERT ON refunds BEGIN
    INSERT INTO state_changes (resource, resource_id, from_status, to_status, actor, at)
    VALUES ('refund', NEW.id, NULL, NEW.status, NEW.changed_by, NEW.updated_at);
    INSERT INTO events (type, resource, object_id, owner, to_status, actor, occurred_at)
    VALUES ('payment.refund.created', 'refund', CAST(NEW.id AS TEXT), NEW.owner, NEW.status, NEW.changed_by,
            NEW.updated_at);
END;
CREATE TRIGGER refunds_changed AFTER UPDATE OF status ON refunds WHEN OLD.status IS NOT NEW.status BEGIN
    INSERT INTO state_changes (resource, resource_id, from_status, to_status, actor, at)
    VALUES ('refund', NEW.id, OLD.status, NEW.status, NEW.changed_by, NEW.updated_at);
    INSERT INTO events (type, resource, object_id, owner, from_status, to_status, actor, occurred_at)
    VALUES ('payment.refund.status_changed', 'refund', CAST(NEW.id AS TEXT), NEW.owner, OLD.status, NEW.status,
            NEW.changed_by, NEW.updated_at);
END;
