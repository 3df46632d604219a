-- A manager's recovery code, so that nobody can shut the home out by typing wrong passphrases for its only
-- manager. One row per account that has a code (`id` is the staff id). The code is stored only as an argon2id
-- hash (and the key copy it unlocks); wrong codes have their own count and wait, like wrong passphrases. A new table rather than new staff
-- columns: the staff rows already in a database keep folding to what their audit rows say.
CREATE TABLE staff_recovery (
    id INTEGER PRIMARY KEY REFERENCES staff(id),
    code_hash TEXT NOT NULL,
    -- The account's signing key seed, sealed with 32 bytes only the code gives (store::staff::seal_recovery):
    -- the code can then sign the change to a new passphrase. Empty once the code has stopped working.
    sealed_seed TEXT NOT NULL DEFAULT '',
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    issued_at TEXT NOT NULL
);
