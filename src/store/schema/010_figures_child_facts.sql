-- What a YOS knows of a child it imports from a home's weekly files, beyond the register's columns: the child's
-- stable pseudonym as the home's files carry it (beside the name while the child is named), so that a child
-- named while open to the YOS and pseudonymised afterwards stays one child; and, as JSON, the facts the
-- measures need when no date of birth was given (whether `children.dob` is an estimate from the ages the files
-- carried, the day the YOS status was last reported for). One row per imported child (`id` is the child's id).
-- A new table rather than new children columns: the children rows already in a database keep folding to what
-- their audit rows say.
CREATE TABLE child_facts (
    id INTEGER PRIMARY KEY REFERENCES children(id),
    home_uid TEXT NOT NULL,
    pseudonym TEXT NOT NULL,
    facts TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX child_facts_pseudonym ON child_facts(home_uid, pseudonym);
