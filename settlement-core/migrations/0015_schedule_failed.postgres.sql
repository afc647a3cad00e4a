-- A schedule whose last occurrence could not make its payment ends FAILED, not COMPLETED, and
-- says so in its own event type.
DROP TRIGGER schedules_events ON schedules;
CREATE TRIGGER schedules_events AFTER INSERT OR UPDATE OF status ON schedules
    FOR EACH ROW EXECUTE FUNCTION record_event('schedule', 'schedule.created',
        'PAUSED', 'schedule.paused', 'COMPLETED', 'schedule.completed', 'FAILED', 'schedule.failed',
        'schedule.status_changed');
