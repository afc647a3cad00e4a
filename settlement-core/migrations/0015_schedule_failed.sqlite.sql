-- A schedule whose last occurrence could not make its payment ends FAILED, not COMPLETED, and
-- says so in its own event type.
DROP TRIGGER schedules_event_changed;
CREATE TRIGGER schedules_event_changed AFTER UPDATE OF status ON schedules WHEN OLD.status IS NOT NEW.status BEGIN
    INSERT INTO events (type, resource, object_id, owner, from_status, to_status, actor, occurred_at)
    VALUES (CASE NEW.status WHEN 'PAUSED' THEN 'schedule.paused' WHEN 'COMPLETED' THEN 'schedule.completed'
            WHEN 'FAILED' THEN 'schedule.failed' ELSE 'schedule.status_changed' END,
            'schedule', CAST(NEW.id AS TEXT), NEW.created_by, OLD.status, NEW.status, NEW.changed_by, NEW.updated_at);
END;
