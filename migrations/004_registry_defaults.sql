-- The administration's settings row, with neutral defaults for the admin to set. Every deployment has
-- exactly one; its first version is kept in the registry history like any other record's.
-- The selectivity value is DEFAULT_SELECTIVITY of src/declarations/selectivity.schema.ts.

WITH created AS (
  INSERT INTO administration (id, name, country, currency, hs_edition, vat_rate, status_model, selectivity)
  VALUES (
    1, 'Customs administration', 'US', 'USD', 'HS2022', 0, 'STANDARD',
    '{"randomRedShare": "0.01", "randomYellowShare": "0.02", "targetRedShare": "0.03", "targetYellowShare": "0.07", "autoReleaseGreen": true, "rules": []}'::jsonb
  )
  ON CONFLICT DO NOTHING
  RETURNING *
)
INSERT INTO registry_history (entity_type, entity_id, version, action, changed_by, changed_at, data)
SELECT 'administration', '1', version, 'CREATED', NULL, updated_at,
  jsonb_build_object(
    'name', name,
    'country', country,
    'currency', currency,
    'hsEdition', hs_edition,
    'vatRate', '0',
    'statusModel', status_model,
    'selectivity', selectivity,
    'version', version,
    'updatedAt', to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  )
FROM created;
