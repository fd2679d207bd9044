-- A number that changes whenever a gate or a zone is written, in the same transaction: the telemetry
-- ingest reads it at each flush to know whether its geofences are still those of the database. Before,
-- it counted the gates and zones and took their latest change at each flush, which with thousands of
-- gates cost more than the rest of a flush's reading.
CREATE TABLE geofence_version (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  version bigint NOT NULL
);
INSERT INTO geofence_version (id, version) VALUES (true, 0);

CREATE FUNCTION geofence_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE geofence_version SET version = version + 1;
  RETURN NULL;
END
$$;

CREATE TRIGGER gates_geofence_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON gates
  FOR EACH STATEMENT EXECUTE FUNCTION geofence_version_bump();
CREATE TRIGGER zones_geofence_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON zones
  FOR EACH STATEMENT EXECUTE FUNCTION geofence_version_bump();
