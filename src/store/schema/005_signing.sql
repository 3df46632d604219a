-- Signed audit rows. Each member of staff has an Ed25519 key that only their passphrase unlocks (its seed comes
-- from the same argon2id computation that checks the passphrase); the last audit row of every transaction
-- carries a signature over its hash, which the chain makes cover every earlier row too.
ALTER TABLE audit ADD COLUMN signer INTEGER;
ALTER TABLE audit ADD COLUMN sig TEXT;

-- The public keys, registered by audited, signed rows. A key is valid from its registration until the next key
-- registered for the same holder. `purpose` is 'staff' (a member of staff's key) or 'scheduled_export' (a key a
-- manager authorised for unattended weekly exports: it may sign only export-ledger rows).
CREATE TABLE signing_keys (
    id INTEGER PRIMARY KEY,
    staff_id INTEGER REFERENCES staff(id),
    holder TEXT NOT NULL,
    purpose TEXT NOT NULL CHECK (purpose IN ('staff', 'scheduled_export')),
    public_key TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX signing_keys_staff ON signing_keys(staff_id, id);

-- Where signing began: audit rows up to this id were written by a version that did not sign them.
CREATE TABLE signing_began (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    after_audit_id INTEGER NOT NULL
);
INSERT INTO signing_began (id, after_audit_id) SELECT 1, COALESCE(MAX(id), 0) FROM audit;
