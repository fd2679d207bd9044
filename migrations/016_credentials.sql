-- Verifiable trade documents: the credentials the administration issues (W3C Verifiable Credentials
-- secured as vc+jwt) and the Bitstring Status Lists through which anyone checks their revocation.

-- One revocation list of 131,072 entries (the smallest length the Bitstring Status List
-- specification allows, 16 KiB) to begin with. Indexes are handed out in order and never reused.
-- When a list is full, the next allocation inserts list max(id) + 1 with the same size and goes on
-- there: nothing else changes, since each credential names the list it is on.
CREATE TABLE status_lists (
  id integer PRIMARY KEY CHECK (id > 0),
  purpose text NOT NULL CHECK (purpose = 'revocation'),
  size integer NOT NULL CHECK (size >= 131072 AND size % 8 = 0),
  next_index integer NOT NULL DEFAULT 0,
  -- The list as last signed (a vc+jwt), served as it is until a revocation changes it; null until
  -- first served. `signed_as` names the key and address it was signed with: another key or public
  -- address makes it stale.
  token text,
  signed_as text,
  signed_at timestamptz,
  revision integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (next_index BETWEEN 0 AND size)
);
INSERT INTO status_lists (id, purpose, size) VALUES (1, 'revocation', 131072);

-- Rows are never deleted: a revocation is recorded on the row, and the proof log reads them in order.
CREATE TABLE credentials (
  -- Random (v4): the id is the QR code's link, so it must not be guessable from another one.
  id uuid PRIMARY KEY,
  -- CertificateOfOrigin, ReleaseNote, ...: checked by the service, so that a new type needs no migration.
  type text NOT NULL,
  -- The declaration the document attests to; types about other records may leave it empty.
  declaration_id uuid REFERENCES declarations (id),
  enterprise_id uuid NOT NULL REFERENCES enterprises (id),
  zone_id uuid NOT NULL REFERENCES zones (id),
  status_list_id integer NOT NULL REFERENCES status_lists (id),
  status_list_index integer NOT NULL CHECK (status_list_index >= 0),
  -- The credential as signed (the JWS payload) and the compact JWS itself; the JWS is what counts.
  credential jsonb NOT NULL,
  token text NOT NULL,
  issued_at timestamptz NOT NULL,
  issued_by uuid NOT NULL,
  revoked_at timestamptz,
  revoked_by uuid,
  revocation_reason text,
  UNIQUE (status_list_id, status_list_index),
  CHECK ((revoked_at IS NULL) = (revoked_by IS NULL) AND (revoked_at IS NULL) = (revocation_reason IS NULL))
);
-- One document in force per declaration and type: a second is issued only after the first is revoked.
CREATE UNIQUE INDEX credentials_in_force_idx ON credentials (declaration_id, type) WHERE revoked_at IS NULL AND declaration_id IS NOT NULL;
CREATE INDEX credentials_declaration_idx ON credentials (declaration_id, issued_at DESC, id DESC);
CREATE INDEX credentials_enterprise_idx ON credentials (enterprise_id, issued_at DESC, id DESC);
CREATE INDEX credentials_zone_idx ON credentials (zone_id, issued_at DESC, id DESC);
CREATE INDEX credentials_issued_idx ON credentials (issued_at DESC, id DESC);
-- The revoked entries of a list, read whenever the list is signed again.
CREATE INDEX credentials_revoked_idx ON credentials (status_list_id, status_list_index) WHERE revoked_at IS NOT NULL;
