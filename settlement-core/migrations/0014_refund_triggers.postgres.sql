-- Refunds join the audit trail (migration 8's function) as `refund`, and the events (migration
-- 12's), owned by the payment's creator (the row's `owner`).
CREATE TRIGGER refunds_state_changes AFTER INSERT OR UPDATE OF status ON refunds
    FOR EACH ROW EXECUTE FUNCTION record_state_change('refund');
CREATE TRIGGER refunds_events AFTER INSERT OR UPDATE OF status ON refunds
    FOR EACH ROW EXECUTE FUNCTION record_event('refund', 'payment.refund.created', 'payment.refund.status_changed');
