// Replies of the transparency log's API (src/proof/proof.schemas.ts): signed checkpoints of the
// Merkle tree that holds every logged record, the key that verifies them, the audit of the log and
// the tables against a kept checkpoint, and a book's proof bundle.

/** A signed checkpoint: the tree's size and root, and the note a party keeps to audit the log later. */
export interface Checkpoint {
  size: number;
  /** SHA-256, base64. */
  rootHash: string;
  /** The signed note (C2SP tlog-checkpoint), exactly as it must be kept: its final newline included. */
  note: string;
  createdAt: string;
}

export interface CheckpointList {
  items: Checkpoint[];
}

export interface VerifierKey {
  /** C2SP note verifier key: <name>+<key id hex>+<base64 of the Ed25519 public key>. */
  vkey: string;
  origin: string;
  /** Ed25519 public key, base64. */
  publicKey: string;
}

export interface AuditInput {
  checkpoint: string;
  verifierKey?: string;
}

/** A field whose value in its table today differs from the one its leaf logged. */
export interface AuditFieldDifference {
  field: string;
  logged: unknown;
  now: unknown;
}

export interface AuditProblem {
  leafIndex: number | null;
  /** The kind of record (book.movement, declaration.transition…), when the problem is one record. */
  kind: string | null;
  subjectId: string | null;
  message: string;
  fields: AuditFieldDifference[];
}

export interface AuditReport {
  ok: boolean;
  checkpointSize: number;
  leavesChecked: number;
  problem: AuditProblem | null;
}

/** What an enterprise keeps of its book: the movements' leaves with inclusion proofs against a checkpoint. */
export interface BookProofBundle {
  book: { id: string; code: string };
  checkpoint: string;
  verifierKey: string;
  movements: Array<{ leafIndex: number; leaf: string; auditPath: string[] }>;
}
