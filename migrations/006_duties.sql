-- Duties and payments: the tariff schedule, exchange rates, duty settings (excise), bills and the
-- payments that settle them.

-- The schedule in force: one row, replaced with its lines when an administration loads its own.
CREATE TABLE tariff_schedule (
  id integer PRIMARY KEY CHECK (id = 1),
  source text NOT NULL,
  -- The currency of the schedule's specific rates ("5.5¢/kg" is 0.055 of it).
  currency text NOT NULL,
  sha256 text NOT NULL,
  line_count integer NOT NULL,
  loaded_at timestamptz NOT NULL,
  -- NULL when loaded by Cordon itself (the shipped sample) or from the command line.
  loaded_by uuid
);

-- The 8- and 10-digit lines. The rate sits on the 8-digit line, or on a 10-digit line without an
-- 8-digit row above it: `rate_code` names that line (the line itself or its 8-digit parent).
CREATE TABLE tariff_lines (
  code text PRIMARY KEY,
  hs_code text NOT NULL,
  rate_code text NOT NULL,
  description text NOT NULL,
  context jsonb NOT NULL DEFAULT '[]',
  units jsonb NOT NULL DEFAULT '[]',
  -- The General rate as written; NULL on statistical lines and where the schedule gives none.
  general_rate text
);
CREATE INDEX tariff_lines_hs_idx ON tariff_lines (hs_code, code);

-- One unit of `currency` is worth `rate_to_national` units of the administration's currency from
-- `valid_from` until the next rate of the same currency.
CREATE TABLE exchange_rates (
  currency text NOT NULL,
  valid_from date NOT NULL,
  rate_to_national numeric(24, 10) NOT NULL CHECK (rate_to_national > 0),
  updated_at timestamptz NOT NULL,
  updated_by uuid,
  PRIMARY KEY (currency, valid_from)
);

CREATE TABLE duty_settings (
  id integer PRIMARY KEY CHECK (id = 1),
  settings jsonb NOT NULL,
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid
);
INSERT INTO duty_settings (id, settings) VALUES (1, '{"exciseBasis": "DUTY_PAID_VALUE", "excise": []}'::jsonb)
ON CONFLICT DO NOTHING;

-- Numbers behind the RF creditor references of bills: unique, never reused (gaps are harmless).
CREATE SEQUENCE bill_payment_reference_seq;

CREATE TABLE bills (
  -- UUIDv7: time-ordered, so the primary key doubles as the newest-first pagination key.
  id uuid PRIMARY KEY,
  -- The declaration's reference and the bill's place among its bills: FTZ49-2026-000123-B1.
  number text NOT NULL UNIQUE,
  declaration_id uuid NOT NULL REFERENCES declarations(id),
  enterprise_id uuid NOT NULL REFERENCES enterprises(id),
  zone_id uuid NOT NULL REFERENCES zones(id),
  currency text NOT NULL,
  duty numeric(20, 4) NOT NULL,
  excise numeric(20, 4) NOT NULL,
  vat numeric(20, 4) NOT NULL,
  total numeric(20, 4) NOT NULL,
  -- Per line and tax: amount, rate, basis and the formula in words; plus the rates used.
  lines jsonb NOT NULL,
  assessment jsonb NOT NULL,
  assessment_date date NOT NULL,
  payment_reference text NOT NULL UNIQUE,
  qr_payload text NOT NULL,
  status text NOT NULL CHECK (status IN ('UNPAID', 'PAID', 'GUARANTEED', 'CANCELLED')),
  created_at timestamptz NOT NULL,
  paid_at timestamptz,
  guarantee_reference text,
  guaranteed_at timestamptz,
  guaranteed_by uuid,
  cancelled_at timestamptz
);
CREATE INDEX bills_declaration_idx ON bills (declaration_id);
CREATE INDEX bills_enterprise_idx ON bills (enterprise_id, id DESC);
CREATE INDEX bills_zone_idx ON bills (zone_id, id DESC);
-- A declaration has at most one bill that is not cancelled.
CREATE UNIQUE INDEX bills_open_idx ON bills (declaration_id) WHERE status <> 'CANCELLED';

-- Payments confirmed by the bank, one per bank reference: a repeated confirmation finds its row
-- and gets the stored answer.
CREATE TABLE payments (
  id uuid PRIMARY KEY,
  bank_reference text NOT NULL UNIQUE,
  bill_id uuid NOT NULL REFERENCES bills(id),
  payment_reference text NOT NULL,
  amount numeric(20, 4) NOT NULL,
  currency text NOT NULL,
  paid_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  response jsonb NOT NULL
);
CREATE INDEX payments_bill_idx ON payments (bill_id);
