-- Remessas sent join the audit trail (migration 8's triggers), as `file_export`.
CREATE TRIGGER file_exports_created AFTER INSERT ON file_exports BEGIN
    INSERT INTO state_changes (resource, resource_id, from_status, to_status, actor, at)
    VALUES ('file_export', NEW.id, NULL, NEW.status, NEW.changed_by, NEW.updated_at);
END;
