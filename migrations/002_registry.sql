-- The registry: the administration's settings, zones and gates, enterprises, their account books and items.

CREATE TABLE administration (
  id integer PRIMARY KEY CHECK (id = 1),
  name text NOT NULL,
  country text NOT NULL,
  currency text NOT NULL,
  hs_edition text NOT NULL DEFAULT 'HS2022',
  vat_rate numeric(7, 4) NOT NULL DEFAULT 0,
  -- US foreign-trade-zone statuses (PRIVILEGED_FOREIGN ...) or the plain FOREIGN / DOMESTIC pair.
  status_model text NOT NULL DEFAULT 'STANDARD' CHECK (status_model IN ('STANDARD', 'US_FTZ')),
  selectivity jsonb NOT NULL,
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE zones (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  locode text NOT NULL,
  zone_type text NOT NULL,
  -- WCO territorial pattern of the zone (1 to 4), see the WCO Practical Guidance on Free Zones.
  territorial_pattern smallint NOT NULL CHECK (territorial_pattern BETWEEN 1 AND 4),
  perimeter jsonb NOT NULL,
  active boolean NOT NULL DEFAULT true,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE gates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  zone_id uuid NOT NULL REFERENCES zones(id),
  code text NOT NULL,
  name text NOT NULL,
  kind text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('IN', 'OUT', 'BOTH')),
  latitude double precision NOT NULL,
  longitude double precision NOT NULL,
  active boolean NOT NULL DEFAULT true,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (zone_id, code)
);

CREATE TABLE enterprises (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  identifier text NOT NULL UNIQUE,
  name text NOT NULL,
  country text NOT NULL,
  roles text[] NOT NULL,
  zone_ids uuid[] NOT NULL DEFAULT '{}',
  licence_number text,
  licence_valid_from date,
  licence_valid_to date,
  aeo_status text NOT NULL DEFAULT 'NONE',
  active boolean NOT NULL DEFAULT true,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE users ADD FOREIGN KEY (enterprise_id) REFERENCES enterprises(id);
ALTER TABLE api_keys ADD FOREIGN KEY (enterprise_id) REFERENCES enterprises(id);

CREATE TABLE books (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  enterprise_id uuid NOT NULL REFERENCES enterprises(id),
  zone_id uuid NOT NULL REFERENCES zones(id),
  code text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('STORAGE', 'PROCESSING')),
  name text NOT NULL,
  opened_on date NOT NULL DEFAULT CURRENT_DATE,
  active boolean NOT NULL DEFAULT true,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (enterprise_id, code)
);
CREATE INDEX books_zone_idx ON books (zone_id);

CREATE TABLE items (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  enterprise_id uuid NOT NULL REFERENCES enterprises(id),
  part_number text NOT NULL,
  hs_code text NOT NULL,
  description text NOT NULL,
  unit text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (enterprise_id, part_number)
);

-- Every registry change keeps the record as it became, who changed it and when.
CREATE TABLE registry_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  entity_type text NOT NULL,
  entity_id text NOT NULL,
  version integer NOT NULL,
  action text NOT NULL,
  changed_by uuid,
  changed_at timestamptz NOT NULL DEFAULT now(),
  data jsonb NOT NULL
);
CREATE INDEX registry_history_entity_idx ON registry_history (entity_type, entity_id, version);
