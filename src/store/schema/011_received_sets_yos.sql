-- The YOS side of sync (issue 19): every set read from a home's outbox, accepted or rejected, and the audit
-- anchors each home's manifests carried (a later set's anchor may not go backwards; the same audit row must
-- carry the same hash).
CREATE TABLE received_sets (
    id INTEGER PRIMARY KEY,
    home_uid TEXT NOT NULL DEFAULT '',
    home_name TEXT NOT NULL DEFAULT '',
    ofsted_urn TEXT NOT NULL,
    set_name TEXT NOT NULL,
    export_uid TEXT NOT NULL DEFAULT '',
    export_version INTEGER NOT NULL DEFAULT 0,
    period_label TEXT NOT NULL DEFAULT '',
    period_start TEXT NOT NULL DEFAULT '',
    period_end TEXT NOT NULL DEFAULT '',
    -- The manifest as read, for the receipt (its `period` object).
    period TEXT NOT NULL DEFAULT '{}',
    manifest_sha256 TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
    reason TEXT NOT NULL DEFAULT '',
    -- What an accepted set brought in, JSON {"incidents", "entries", "children", "unchanged"}.
    counts TEXT NOT NULL DEFAULT '',
    read_at TEXT NOT NULL,
    read_by TEXT NOT NULL
);
CREATE UNIQUE INDEX received_sets_set ON received_sets(ofsted_urn, set_name);
CREATE INDEX received_sets_home ON received_sets(home_uid, status, period_start);

CREATE TABLE home_anchors (
    id INTEGER PRIMARY KEY,
    home_uid TEXT NOT NULL,
    audit_id INTEGER NOT NULL,
    hash TEXT NOT NULL,
    first_key TEXT NOT NULL DEFAULT '',
    generated_at TEXT NOT NULL,
    set_name TEXT NOT NULL
);
CREATE UNIQUE INDEX home_anchors_seq ON home_anchors(home_uid, audit_id);
CREATE INDEX home_anchors_time ON home_anchors(home_uid, generated_at);
