-- Book control: bills of materials for processing, ERP/WMS stock reports, their reconciliation with
-- the books, and the administration's reconciliation thresholds.

-- A bill of materials says what one unit of an output item consumes. Each change is a new version;
-- the version in force on a date is the one with the latest valid_from on or before it.
CREATE TABLE boms (
  id uuid PRIMARY KEY,
  enterprise_id uuid NOT NULL REFERENCES enterprises(id),
  output_item_id uuid NOT NULL REFERENCES items(id),
  version integer NOT NULL CHECK (version > 0),
  -- Share of production that comes out as good output (0 < yield <= 1); inputs are divided by it.
  yield_share numeric(9, 6) NOT NULL CHECK (yield_share > 0 AND yield_share <= 1),
  valid_from date NOT NULL,
  note text,
  created_by uuid,
  created_at timestamptz NOT NULL,
  UNIQUE (output_item_id, version)
);
CREATE INDEX boms_enterprise_idx ON boms (enterprise_id, id DESC);
CREATE INDEX boms_output_idx ON boms (output_item_id, valid_from DESC, version DESC);

CREATE TABLE bom_inputs (
  bom_id uuid NOT NULL REFERENCES boms(id),
  line_no integer NOT NULL,
  input_item_id uuid NOT NULL REFERENCES items(id),
  -- Gross input per output unit, including what ends as waste and scrap.
  quantity_per_output numeric(18, 6) NOT NULL CHECK (quantity_per_output > 0),
  waste_share numeric(9, 6) NOT NULL DEFAULT 0 CHECK (waste_share >= 0 AND waste_share < 1),
  scrap_share numeric(9, 6) NOT NULL DEFAULT 0 CHECK (scrap_share >= 0 AND scrap_share < 1),
  -- Items the waste and scrap are booked as; NULL: booked under the input item itself.
  waste_item_id uuid REFERENCES items(id),
  scrap_item_id uuid REFERENCES items(id),
  PRIMARY KEY (bom_id, line_no),
  UNIQUE (bom_id, input_item_id),
  CHECK (waste_share + scrap_share < 1)
);

-- The administration's tolerances: a discrepancy is flagged when it exceeds either.
CREATE TABLE reconciliation_settings (
  id integer PRIMARY KEY CHECK (id = 1),
  -- Share of the book quantity (0.01 = 1 %).
  share_threshold numeric(9, 6) NOT NULL CHECK (share_threshold >= 0 AND share_threshold <= 1),
  -- Value in the administration's currency.
  value_threshold numeric(18, 2) NOT NULL CHECK (value_threshold >= 0),
  version integer NOT NULL DEFAULT 1,
  updated_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO reconciliation_settings (id, share_threshold, value_threshold) VALUES (1, 0.01, 1000) ON CONFLICT DO NOTHING;

-- Stock as the enterprise's ERP/WMS sees it on a date, uploaded per book.
CREATE TABLE stock_reports (
  id uuid PRIMARY KEY,
  book_id uuid NOT NULL REFERENCES books(id),
  enterprise_id uuid NOT NULL REFERENCES enterprises(id),
  zone_id uuid NOT NULL REFERENCES zones(id),
  as_of date NOT NULL,
  source text,
  format text NOT NULL CHECK (format IN ('JSON', 'CSV')),
  line_count integer NOT NULL,
  uploaded_by uuid,
  uploaded_at timestamptz NOT NULL
);
CREATE INDEX stock_reports_book_idx ON stock_reports (book_id, id DESC);

CREATE TABLE stock_report_lines (
  stock_report_id uuid NOT NULL REFERENCES stock_reports(id),
  line_no integer NOT NULL,
  part_number text NOT NULL,
  hs_code text NOT NULL,
  customs_status text NOT NULL,
  quantity numeric(18, 6) NOT NULL CHECK (quantity >= 0),
  unit text NOT NULL,
  value numeric(21, 6),
  PRIMARY KEY (stock_report_id, line_no)
);

-- A comparison of a stock report with the book as of the report's date, with the thresholds applied.
CREATE TABLE reconciliations (
  id uuid PRIMARY KEY,
  stock_report_id uuid NOT NULL REFERENCES stock_reports(id),
  book_id uuid NOT NULL REFERENCES books(id),
  enterprise_id uuid NOT NULL REFERENCES enterprises(id),
  zone_id uuid NOT NULL REFERENCES zones(id),
  as_of date NOT NULL,
  share_threshold numeric(9, 6) NOT NULL,
  value_threshold numeric(18, 2) NOT NULL,
  currency text NOT NULL,
  matched_count integer NOT NULL,
  shortage_count integer NOT NULL,
  overage_count integer NOT NULL,
  flagged_count integer NOT NULL,
  created_by uuid,
  created_at timestamptz NOT NULL
);
CREATE INDEX reconciliations_book_idx ON reconciliations (book_id, id DESC);
CREATE INDEX reconciliations_report_idx ON reconciliations (stock_report_id, id DESC);

CREATE TABLE reconciliation_discrepancies (
  reconciliation_id uuid NOT NULL REFERENCES reconciliations(id),
  line_no integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('SHORTAGE', 'OVERAGE')),
  item_id uuid REFERENCES items(id),
  part_number text,
  hs_code text NOT NULL,
  customs_status text NOT NULL,
  unit text NOT NULL,
  description text,
  -- Derived figures are unconstrained NUMERIC: sums and products may outgrow a line's precision.
  book_quantity numeric NOT NULL,
  reported_quantity numeric NOT NULL,
  -- The absolute difference; kind says which way.
  quantity numeric NOT NULL CHECK (quantity > 0),
  -- quantity / book_quantity; NULL when the book holds none.
  share numeric,
  unit_value numeric,
  value numeric,
  currency text,
  flagged boolean NOT NULL,
  flag_reasons text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (reconciliation_id, line_no)
);
