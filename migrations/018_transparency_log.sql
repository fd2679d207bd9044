-- The transparency log (RFC 9162 Merkle tree). A change writes its entry in its own transaction
-- (`record` is the record as written, projected by src/proof/leaves.ts); the sequencer then gives
-- each entry its leaf index, in the order it sequences them, with the leaf (RFC 8785 canonical JSON)
-- and its hash, and keeps the hashes of the tree's perfect subtrees for proofs.
CREATE TABLE log_entries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL,
  subject_id text NOT NULL,
  record jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  leaf_index bigint UNIQUE,
  leaf text,
  leaf_hash bytea,
  CHECK ((leaf_index IS NULL) = (leaf IS NULL) AND (leaf IS NULL) = (leaf_hash IS NULL))
);
CREATE INDEX log_entries_unsequenced_idx ON log_entries (id) WHERE leaf_index IS NULL;
CREATE INDEX log_entries_subject_idx ON log_entries (kind, subject_id);
-- A book's movements, for the proof bundle its enterprise downloads.
CREATE INDEX log_entries_book_idx ON log_entries ((record ->> 'book'), leaf_index) WHERE kind = 'book.movement';

-- Hash of the perfect subtree of 2^level leaves starting at leaf idx * 2^level (level 0: the leaves).
CREATE TABLE log_nodes (
  level smallint NOT NULL,
  idx bigint NOT NULL,
  hash bytea NOT NULL,
  PRIMARY KEY (level, idx)
);

-- The tree as sequenced: its size, root, and right edge (the perfect subtrees it is made of, as
-- CompactRange.toJSON in src/proof/merkle.ts writes it).
CREATE TABLE log_state (
  id int PRIMARY KEY CHECK (id = 1),
  size bigint NOT NULL,
  root_hash bytea NOT NULL,
  edge jsonb NOT NULL,
  updated_at timestamptz NOT NULL
);
INSERT INTO log_state (id, size, root_hash, edge, updated_at)
VALUES (1, 0, decode('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex'), '{"size": 0, "hashes": []}', now());

-- Signed checkpoints as published (C2SP tlog-checkpoint notes).
CREATE TABLE log_checkpoints (
  size bigint PRIMARY KEY,
  root_hash bytea NOT NULL,
  note text NOT NULL,
  created_at timestamptz NOT NULL
);
