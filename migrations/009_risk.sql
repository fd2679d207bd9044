-- The risk engine: analysts' rules and their hits, trained models, every assessment with its
-- score and reasons, inspection results (the labels the models learn from) and the lane targets.

-- The share of declarations each lane should take, chosen by the administration; the random control
-- shares stay in the administration's selectivity settings.
CREATE TABLE risk_settings (
  id int PRIMARY KEY CHECK (id = 1),
  red_rate numeric(6, 5) NOT NULL CHECK (red_rate >= 0 AND red_rate <= 1),
  yellow_rate numeric(6, 5) NOT NULL CHECK (yellow_rate >= 0 AND yellow_rate <= 1),
  -- Retrain on a schedule: every this many days, or never when null.
  retrain_every_days int CHECK (retrain_every_days BETWEEN 1 AND 365),
  version int NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users (id),
  CHECK (red_rate + yellow_rate <= 1)
);
INSERT INTO risk_settings (id, red_rate, yellow_rate, retrain_every_days) VALUES (1, 0.03, 0.07, 7);

CREATE TABLE risk_rules (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  reason text NOT NULL,
  -- All must hold: [{ field, op, value }] (see src/risk/rules.ts).
  conditions jsonb NOT NULL,
  weight int CHECK (weight BETWEEN -100 AND 100),
  forced_lane text CHECK (forced_lane IN ('GREEN', 'YELLOW', 'RED')),
  valid_from date NOT NULL,
  valid_to date,
  active boolean NOT NULL DEFAULT true,
  owner_id uuid NOT NULL REFERENCES users (id),
  version int NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK ((weight IS NULL) <> (forced_lane IS NULL)),
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE UNIQUE INDEX risk_rules_name_idx ON risk_rules (lower(name));

CREATE TABLE risk_models (
  id uuid PRIMARY KEY,
  version int NOT NULL UNIQUE,
  status text NOT NULL CHECK (status IN ('TRAINED', 'ACTIVE', 'RETIRED')),
  -- What it learnt from: row counts, label counts, the period, the parameters, the time it took.
  training jsonb NOT NULL,
  -- Precision and recall at the top 1, 2, 5, 10 % and AUC on its validation rows.
  metrics jsonb NOT NULL,
  -- The fitted features and trees (src/risk/model), to score with.
  model jsonb NOT NULL,
  trained_at timestamptz NOT NULL,
  trained_by uuid REFERENCES users (id),
  activated_at timestamptz,
  activated_by uuid REFERENCES users (id)
);
CREATE UNIQUE INDEX risk_models_one_active_idx ON risk_models ((status)) WHERE status = 'ACTIVE';

CREATE TABLE risk_assessments (
  id bigserial PRIMARY KEY,
  declaration_id uuid NOT NULL REFERENCES declarations (id),
  declaration_version int NOT NULL,
  model_id uuid REFERENCES risk_models (id),
  model_probability numeric(7, 6),
  model_points numeric(7, 2) NOT NULL,
  rule_points numeric(7, 2) NOT NULL,
  enterprise_points numeric(7, 2) NOT NULL,
  score numeric(7, 2) NOT NULL,
  lane text NOT NULL CHECK (lane IN ('GREEN', 'YELLOW', 'RED')),
  random_selected boolean NOT NULL,
  reasons jsonb NOT NULL,
  -- The features that pushed the model's score most, with their values.
  drivers jsonb NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX risk_assessments_declaration_idx ON risk_assessments (declaration_id, id);
CREATE INDEX risk_assessments_at_idx ON risk_assessments (at);

CREATE TABLE risk_rule_hits (
  rule_id uuid NOT NULL REFERENCES risk_rules (id),
  assessment_id bigint NOT NULL REFERENCES risk_assessments (id),
  declaration_id uuid NOT NULL REFERENCES declarations (id),
  at timestamptz NOT NULL,
  PRIMARY KEY (rule_id, assessment_id)
);
CREATE INDEX risk_rule_hits_declaration_idx ON risk_rule_hits (declaration_id);

-- What an inspection found: the label the models learn from. One per declaration, final once
-- recorded (a model must not learn from a label that changes under it).
CREATE TABLE inspection_results (
  declaration_id uuid PRIMARY KEY REFERENCES declarations (id),
  outcome text NOT NULL CHECK (outcome IN ('NOTHING_FOUND', 'FOUND', 'CRITICAL')),
  findings text,
  recorded_by uuid NOT NULL REFERENCES users (id),
  recorded_at timestamptz NOT NULL
);
CREATE INDEX inspection_results_recorded_idx ON inspection_results (recorded_at);
