-- The gate answers a truck without waiting for the books: a used pass is the durable fact that its
-- goods went through, and a settler completes the declaration (and so posts its book movements)
-- shortly after, dated at the passage. A pass is settled once that has been done or found not due.
ALTER TABLE gate_passes ADD COLUMN settled_at timestamptz;
-- When the last attempt to settle failed (an alert says why); it is tried again later.
ALTER TABLE gate_passes ADD COLUMN settle_failed_at timestamptz;
UPDATE gate_passes SET settled_at = used_at WHERE status = 'USED';
CREATE INDEX gate_passes_unsettled_idx ON gate_passes (used_at) WHERE status = 'USED' AND settled_at IS NULL;
