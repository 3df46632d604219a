-- What the incoming member of staff had on the screen when they acknowledged a handover: how many incidents,
-- outstanding items and notes, and which (`ids`, a JSON object of ids), so that "I was never told" can be
-- checked against what was shown. One row per acknowledged handover (`id` is the handover's id); none for the
-- handovers acknowledged before this was recorded. A new table rather than new handover columns: the handover
-- rows already in a database keep folding to what their audit rows say.
CREATE TABLE handover_seen (
    id INTEGER PRIMARY KEY REFERENCES handovers(id),
    incidents INTEGER NOT NULL,
    outstanding INTEGER NOT NULL,
    notes INTEGER NOT NULL,
    ids TEXT NOT NULL
);
