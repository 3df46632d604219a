-- Receipts the YOS wrote for the sets this home put in the sync folder's outbox (issue 19): a set is received
-- (accepted) or rejected with the reason; `seen_at` is when this home read the receipt.
CREATE TABLE export_receipts (
    id INTEGER PRIMARY KEY,
    set_name TEXT NOT NULL UNIQUE,
    export_uid TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
    reason TEXT NOT NULL DEFAULT '',
    read_at TEXT NOT NULL,
    read_by TEXT NOT NULL,
    seen_at TEXT NOT NULL
);
CREATE INDEX export_receipts_uid ON export_receipts(export_uid, status);
