-- Remessas sent join the audit trail (migration 8's function), as `file_export`.
CREATE TRIGGER file_exports_state_changes AFTER INSERT OR UPDATE OF status ON file_exports
    FOR EACH ROW EXECUTE FUNCTION record_state_change('file_export');
