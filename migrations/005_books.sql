-- Electronic account books: lots with their customs status, and the movements that change them.
-- A lot's quantity is the sum of its movements, kept on the lot row by the transaction that adds a
-- movement, and the CHECKs make a negative balance or an over-reservation impossible.

CREATE TABLE lots (
  id uuid PRIMARY KEY,
  book_id uuid NOT NULL REFERENCES books(id),
  enterprise_id uuid NOT NULL REFERENCES enterprises(id),
  zone_id uuid NOT NULL REFERENCES zones(id),
  lot_number text NOT NULL,
  kind text NOT NULL DEFAULT 'GOODS' CHECK (kind IN ('GOODS', 'WASTE', 'SCRAP')),
  item_id uuid REFERENCES items(id),
  part_number text,
  hs_code text NOT NULL,
  description text NOT NULL,
  customs_status text NOT NULL CHECK (customs_status IN ('FOREIGN', 'DOMESTIC', 'PRIVILEGED_FOREIGN', 'NON_PRIVILEGED_FOREIGN', 'ZONE_RESTRICTED')),
  origin_country text NOT NULL,
  unit text NOT NULL,
  received_quantity numeric(18, 6) NOT NULL CHECK (received_quantity > 0),
  quantity numeric(18, 6) NOT NULL CHECK (quantity >= 0),
  reserved numeric(18, 6) NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= quantity),
  -- Customs value of one unit, in `currency`; the value of a movement is its quantity times this.
  unit_value numeric(18, 6) NOT NULL CHECK (unit_value >= 0),
  currency text NOT NULL,
  location text,
  receiving_declaration_id uuid REFERENCES declarations(id),
  receiving_line_no integer,
  receipt_date date NOT NULL,
  -- Where the goods first entered the zone, carried across transfers and processing.
  first_admission_declaration_id uuid REFERENCES declarations(id),
  first_admission_date date,
  -- The lots these goods came from (transfer source, processing inputs): the trail back to admission.
  source_lot_ids uuid[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (book_id, lot_number)
);
-- Draw-downs look lots up by item, or by HS code and part number, oldest receipt first.
CREATE INDEX lots_book_idx ON lots (book_id, item_id, receipt_date);
CREATE INDEX lots_book_hs_idx ON lots (book_id, hs_code, part_number);
CREATE INDEX lots_enterprise_idx ON lots (enterprise_id);

-- Lot numbers per book (`<book code>-000123`); the row lock serialises concurrent admissions per book.
CREATE TABLE book_counters (
  book_id uuid PRIMARY KEY REFERENCES books(id),
  last_number integer NOT NULL
);

CREATE TABLE movements (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  lot_id uuid NOT NULL REFERENCES lots(id),
  book_id uuid NOT NULL REFERENCES books(id),
  enterprise_id uuid NOT NULL REFERENCES enterprises(id),
  kind text NOT NULL CHECK (kind IN ('RECEIPT', 'REMOVAL', 'TRANSFER_IN', 'TRANSFER_OUT', 'CONSUMPTION', 'PRODUCTION', 'ADJUSTMENT')),
  -- Signed: receipts add, removals subtract.
  quantity numeric(18, 6) NOT NULL CHECK (quantity <> 0),
  value numeric(18, 2) NOT NULL,
  declaration_id uuid REFERENCES declarations(id),
  line_no integer,
  reason text,
  approved_by uuid REFERENCES users(id),
  at timestamptz NOT NULL,
  -- A movement comes from a declaration, or is an adjustment with its reason and approving officer.
  CHECK (declaration_id IS NOT NULL OR (kind = 'ADJUSTMENT' AND reason IS NOT NULL AND approved_by IS NOT NULL))
);
CREATE INDEX movements_lot_idx ON movements (lot_id, id);
-- Stock as of a date and the newest-first movement list read movements by book and time.
CREATE INDEX movements_book_idx ON movements (book_id, at, id);
CREATE INDEX movements_declaration_idx ON movements (declaration_id);

-- Quantities held for a released declaration until its goods pass the gate, so they cannot be sold twice.
CREATE TABLE reservations (
  declaration_id uuid NOT NULL REFERENCES declarations(id),
  line_no integer NOT NULL,
  lot_id uuid NOT NULL REFERENCES lots(id),
  quantity numeric(18, 6) NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (declaration_id, line_no, lot_id)
);
CREATE INDEX reservations_lot_idx ON reservations (lot_id);

-- Lines may name the lot to draw from, the national tariff line, and their role in processing.
ALTER TABLE declaration_lines
  ADD COLUMN lot_id uuid REFERENCES lots(id),
  ADD COLUMN tariff_code text,
  ADD COLUMN processing_role text CHECK (processing_role IN ('INPUT', 'OUTPUT', 'WASTE', 'SCRAP'));
