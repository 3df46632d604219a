-- Version 1 of the schema. Records are never deleted: people are deactivated, children discharged,
-- drafts closed, incidents amended by entries. Every row written by the app has an audit row.

CREATE TABLE home (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    uid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    ofsted_urn TEXT NOT NULL DEFAULT '',
    -- Secret for the pseudonyms in the weekly file (HMAC-SHA256 of a child's uid), hex.
    pseudonym_secret TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Other homes whose records were imported (a YOS combining files).
CREATE TABLE other_homes (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    ofsted_urn TEXT NOT NULL DEFAULT ''
);

CREATE TABLE settings (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    value TEXT NOT NULL
);

CREATE TABLE staff (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('staff', 'senior', 'manager')),
    pass_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    deactivated_reason TEXT,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX staff_active_name ON staff(name) WHERE active = 1;

CREATE TABLE children (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    home_uid TEXT NOT NULL,
    name TEXT NOT NULL,
    preferred_name TEXT NOT NULL DEFAULT '',
    dob TEXT NOT NULL,
    gender TEXT NOT NULL,
    ethnicity TEXT NOT NULL,
    legal_status TEXT NOT NULL,
    placing_authority TEXT NOT NULL DEFAULT '',
    social_worker TEXT NOT NULL DEFAULT '',
    social_worker_contact TEXT NOT NULL DEFAULT '',
    admitted TEXT NOT NULL,
    discharged TEXT,
    discharge_reason TEXT NOT NULL DEFAULT '',
    yos_open INTEGER NOT NULL DEFAULT 0,
    yos_worker TEXT NOT NULL DEFAULT '',
    yos_ref TEXT NOT NULL DEFAULT '',
    what_helps TEXT NOT NULL DEFAULT ''
);
CREATE INDEX children_home ON children(home_uid, discharged);

-- A saved incident. `record` is the JSON of the record as saved and never changes; `current` is that record
-- with its entries applied (kept here so lists and exports need not replay entries; `verify` checks it).
-- The other columns are copies of `current` for indexed queries.
CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    home_uid TEXT NOT NULL,
    child_id INTEGER NOT NULL REFERENCES children(id),
    occurred_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_by_id INTEGER REFERENCES staff(id),
    status TEXT NOT NULL CHECK (status IN ('awaiting_review', 'reviewed')),
    response TEXT NOT NULL CHECK (response IN ('in_house', 'restorative', 'police')),
    -- '|violence|criminal_damage|': every category between bars, for LIKE '%|x|%'.
    categories TEXT NOT NULL,
    police_ref TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL,
    open_actions INTEGER NOT NULL DEFAULT 0,
    -- Last time an entry was added (or the record saved): exports carry amendments after this.
    updated_at TEXT NOT NULL,
    record TEXT NOT NULL,
    current TEXT NOT NULL
);
CREATE INDEX incidents_time ON incidents(occurred_at DESC, id DESC);
CREATE INDEX incidents_child_time ON incidents(child_id, occurred_at DESC, id DESC);
CREATE INDEX incidents_recorded ON incidents(recorded_at);
CREATE INDEX incidents_updated ON incidents(updated_at);
CREATE INDEX incidents_open ON incidents(occurred_at) WHERE open_actions > 0;
CREATE INDEX incidents_status_time ON incidents(status, occurred_at DESC, id DESC);
CREATE INDEX incidents_response_time ON incidents(response, occurred_at DESC, id DESC);

-- Later information on a saved incident: attributed, timed, append-only.
CREATE TABLE entries (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    at TEXT NOT NULL,
    by_name TEXT NOT NULL,
    by_id INTEGER REFERENCES staff(id),
    kind TEXT NOT NULL,
    change TEXT NOT NULL
);
CREATE INDEX entries_incident ON entries(incident_id, id);

-- Work in progress: an incident wizard or a form kept when the app locks. Closed, never deleted.
CREATE TABLE drafts (
    id INTEGER PRIMARY KEY,
    staff_id INTEGER NOT NULL REFERENCES staff(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closed_at TEXT,
    closed_reason TEXT
);
CREATE INDEX drafts_open ON drafts(staff_id) WHERE closed_at IS NULL;

-- Acknowledged handovers: the next handover starts from the last one.
CREATE TABLE handovers (
    id INTEGER PRIMARY KEY,
    acknowledged_at TEXT NOT NULL,
    acknowledged_by TEXT NOT NULL,
    acknowledged_by_id INTEGER REFERENCES staff(id),
    covers_from TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    note_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX handovers_time ON handovers(acknowledged_at);

-- A note left by the outgoing shift for the next handover.
CREATE TABLE handover_notes (
    id INTEGER PRIMARY KEY,
    written_at TEXT NOT NULL,
    written_by TEXT NOT NULL,
    written_by_id INTEGER REFERENCES staff(id),
    text TEXT NOT NULL
);
CREATE INDEX handover_notes_time ON handover_notes(written_at);

-- The tamper-evident trail: each row's hash covers the previous row's hash and its own content.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    staff_id INTEGER,
    staff_name TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    action TEXT NOT NULL,
    before TEXT,
    after TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit(entity, entity_id, id);
