-- Trip custody records: the administration attests, as a verifiable credential, that a container
-- travelled under its electronic seal from the origin gate to the destination gate, with what the
-- device reported on the way. A declaration may travel as several trips (one per container), so a
-- custody record is in force once per trip, not once per declaration. Documents are now also issued
-- and revoked by Cordon itself, naming no one.
ALTER TABLE credentials ADD COLUMN trip_id uuid REFERENCES trips (id);
-- Null: issued by Cordon itself (a custody record when its trip completes at the destination gate).
ALTER TABLE credentials ALTER COLUMN issued_by DROP NOT NULL;

DROP INDEX credentials_in_force_idx;
CREATE UNIQUE INDEX credentials_in_force_idx ON credentials (declaration_id, type) WHERE revoked_at IS NULL AND declaration_id IS NOT NULL AND trip_id IS NULL;
CREATE UNIQUE INDEX credentials_trip_in_force_idx ON credentials (trip_id, type) WHERE revoked_at IS NULL AND trip_id IS NOT NULL;
-- Whether a completed trip ever had its record (revoked or not): the automatic issue asks it.
CREATE INDEX credentials_trip_idx ON credentials (trip_id) WHERE trip_id IS NOT NULL;

-- Documents revoked by Cordon itself (a release note when its declaration is cancelled) name no one.
ALTER TABLE credentials DROP CONSTRAINT credentials_check;
ALTER TABLE credentials ADD CONSTRAINT credentials_revocation_check
  CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL) AND (revoked_by IS NULL OR revoked_at IS NOT NULL));
