-- A draft is its author's. A manager may take one over only by saying so: one row per take-over, naming the
-- draft, whose it was, who took it and when; `told_at` is set when the author was told at their next sign-in.
-- A new table rather than new draft columns: the draft rows already in a database keep folding to what their
-- audit rows say.
CREATE TABLE draft_takeovers (
    id INTEGER PRIMARY KEY,
    draft_id INTEGER NOT NULL REFERENCES drafts(id),
    from_staff INTEGER NOT NULL REFERENCES staff(id),
    to_staff INTEGER NOT NULL REFERENCES staff(id),
    taken_at TEXT NOT NULL,
    told_at TEXT
);
CREATE INDEX draft_takeovers_untold ON draft_takeovers(from_staff) WHERE told_at IS NULL;
