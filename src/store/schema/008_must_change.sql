-- A passphrase a manager typed (a new account, a reset) is known to two people: the account's owner must choose
-- their own at the first sign-in with it. One row per account that has ever had one (`id` is the staff id);
-- `done_at` is set when the person chose their own. A new table rather than a new staff column: the staff rows
-- already in a database keep folding to what their audit rows say.
CREATE TABLE staff_must_change (
    id INTEGER PRIMARY KEY REFERENCES staff(id),
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL,
    done_at TEXT
);
