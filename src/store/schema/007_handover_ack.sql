-- What the incoming member of staff had on the screen when they acknowledged a handover: how many incidents,
-- outstanding items and notes, and which (a JSON object of ids), so that "I was never told" can be checked
-- against what was shown. Empty for the handovers acknowledged before this was recorded.
ALTER TABLE handovers ADD COLUMN seen_incidents INTEGER;
ALTER TABLE handovers ADD COLUMN seen_outstanding INTEGER;
ALTER TABLE handovers ADD COLUMN seen_notes INTEGER;
ALTER TABLE handovers ADD COLUMN seen TEXT NOT NULL DEFAULT '';
