-- The administration's signing key, when none is configured (CORDON_SIGNING_KEY): generated on first
-- start and kept here so that checkpoints and credentials stay verifiable across restarts. One row.
CREATE TABLE signing_keys (
  id text PRIMARY KEY,
  algorithm text NOT NULL CHECK (algorithm = 'Ed25519'),
  private_key_pem text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
