-- The quarterly report counts convictions and cautions over each child's statutory year, across every home in
-- the database. Only incidents with police details can hold one (about one in seven), so this index finds them
-- without reading the year's other records. A `current` that is not valid JSON is kept in the index, so the
-- report still reads it and says that it is unreadable instead of leaving it out unseen.
CREATE INDEX incidents_police_time ON incidents(occurred_at, child_id)
    WHERE CASE WHEN json_valid(current) THEN json_extract(current, '$.police') IS NOT NULL ELSE 1 END;
