-- A YOS that combines homes' files holds other homes' records beside this home's own. The handover (recorded
-- since, still to do) and the weekly file are this home's alone, and must not slow down as other homes'
-- records come in: their indexes start with the home.
DROP INDEX incidents_recorded;
CREATE INDEX incidents_recorded ON incidents(home_uid, recorded_at);
DROP INDEX incidents_updated;
CREATE INDEX incidents_updated ON incidents(home_uid, updated_at);
CREATE INDEX incidents_home_time ON incidents(home_uid, occurred_at);
CREATE INDEX incidents_home_open ON incidents(home_uid, occurred_at) WHERE open_actions > 0;
