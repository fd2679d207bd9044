-- An open trip's row becomes a checkpoint of its live state (src/tracking/checkpoint.ts): written
-- when more than its last fix changed or once a minute, with the positions stored after it read to
-- catch up. live_version counts the checkpoints, so that a process holding the trip in memory can
-- tell that another one wrote it since.
ALTER TABLE trips ADD COLUMN live_version integer NOT NULL DEFAULT 0;
