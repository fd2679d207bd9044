-- A trip's corridor named by its content (SHA-256 of its JSON as PostgreSQL writes it). Trips along
-- the same approved route share the key, so the telemetry ingest reads and prepares such a corridor
-- once, not once per trip: a route of a few hundred points is tens of kilobytes of JSON to send and
-- parse, and every trip is read again after a restart.
ALTER TABLE trips ADD COLUMN corridor_key text;
UPDATE trips SET corridor_key = encode(sha256(convert_to(corridor::text, 'UTF8')), 'hex');
ALTER TABLE trips ALTER COLUMN corridor_key SET NOT NULL;
