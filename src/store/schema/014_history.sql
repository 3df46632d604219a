-- 014_history (issue 20): whether a child was open to the YOS on a date, not only now. Each change of status in
-- the children register adds a row: the status and the date it took effect, attributed to the member of staff,
-- through the audited writer. Rows are never updated: a correction is a new row (the latest row for a date wins).
--
-- Existing children get no row here (a migration writes no audited row): a child with no history is read as
-- having today's status since admission, and the first change of status writes that as the child's first row,
-- attributed to whoever made the change.
CREATE TABLE yos_history (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES children(id),
    open INTEGER NOT NULL CHECK (open IN (0, 1)),
    -- YYYY-MM-DD, the day the status took effect.
    since TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX yos_history_child ON yos_history(child_id, since, id);
