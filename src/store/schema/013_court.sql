-- The YOS's own entries on a home's imported record (issue 20): a court appearance, the court's outcome, a
-- breach of an order. Written only in a YOS's database, by a YOS officer; never part of the home's record
-- (the incidents row and its entries are never touched) and never in any export set. Append-only: a correction
-- is a new row that names the row it corrects (`corrects`).
CREATE TABLE court_entries (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    kind TEXT NOT NULL CHECK (kind IN ('appearance', 'outcome', 'breach')),
    -- The day it happened (England's local date, YYYY-MM-DD).
    on_date TEXT NOT NULL,
    -- appearance: the court.
    court TEXT NOT NULL DEFAULT '',
    -- outcome: convicted, not_guilty, dismissed, withdrawn; and for a conviction the disposal.
    result TEXT NOT NULL DEFAULT '',
    disposal TEXT NOT NULL DEFAULT '',
    -- breach: which order, and what happened.
    order_name TEXT NOT NULL DEFAULT '',
    what TEXT NOT NULL DEFAULT '',
    corrects INTEGER REFERENCES court_entries(id),
    reason TEXT NOT NULL DEFAULT '',
    -- Who: the officer and the YOS (the database's own name when written).
    service TEXT NOT NULL,
    by_name TEXT NOT NULL,
    by_id INTEGER REFERENCES staff(id),
    at TEXT NOT NULL
);
CREATE INDEX court_entries_incident ON court_entries(incident_id, id);
CREATE INDEX court_entries_date ON court_entries(on_date, id);
CREATE INDEX court_entries_corrects ON court_entries(corrects) WHERE corrects IS NOT NULL;
