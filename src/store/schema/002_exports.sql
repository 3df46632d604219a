-- The export ledger: every weekly file written, with its checksums (issue 5).
CREATE TABLE exports (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    period_label TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    version INTEGER NOT NULL,
    generated_at TEXT NOT NULL,
    generated_by TEXT NOT NULL,
    folder TEXT NOT NULL,
    files TEXT NOT NULL,
    incident_count INTEGER NOT NULL,
    amendments INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX exports_period ON exports(period_start, version);
CREATE INDEX exports_time ON exports(generated_at);
