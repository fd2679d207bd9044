// Shapes of the transparency log's API.
import { Type } from 'typebox';
import { Nullable, Uuid } from '../platform/http/schemas.ts';

const Base64Hash = Type.String({ description: 'SHA-256 hash, base64', pattern: '^[A-Za-z0-9+/]{43}=$' });
const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

export const Checkpoint = Type.Object({
  size: Type.Integer({ description: 'Leaves in the tree' }),
  rootHash: Base64Hash,
  note: Type.String({ description: 'The signed checkpoint (C2SP tlog-checkpoint in a signed note): keep it to audit the log later' }),
  createdAt: Type.String({ format: 'date-time' }),
});

export const CheckpointList = Type.Object({ items: Type.Array(Checkpoint) });
export const CheckpointListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  beforeSize: Type.Optional(Count),
});

export const VerifierKey = Type.Object({
  vkey: Type.String({ description: 'C2SP note verifier key: <name>+<key id hex>+<base64(0x01 || Ed25519 public key)>' }),
  origin: Type.String(),
  publicKey: Type.String({ description: 'Ed25519 public key, base64' }),
});

export const InclusionQuery = Type.Object({ leafIndex: Count, treeSize: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });
export const InclusionProof = Type.Object({ leafIndex: Type.Integer(), treeSize: Type.Integer(), auditPath: Type.Array(Base64Hash) });

export const ConsistencyQuery = Type.Object({ from: Count, to: Count });
export const ConsistencyProof = Type.Object({ from: Type.Integer(), to: Type.Integer(), proof: Type.Array(Base64Hash) });

export const EntryQuery = Type.Object({
  kind: Type.String({ pattern: '^[a-z]+\\.[a-z]+$', maxLength: 40 }),
  subjectId: Type.String({ minLength: 1, maxLength: 64 }),
});
export const Entry = Type.Object({
  leafIndex: Nullable(Type.Integer({ description: 'null until sequenced (within seconds)' })),
  kind: Type.String(),
  subjectId: Type.String(),
  leaf: Nullable(Type.String({ description: 'The leaf: RFC 8785 canonical JSON of kind, id and record' })),
  record: Type.Record(Type.String(), Type.Unknown()),
  recordedAt: Type.String({ format: 'date-time' }),
});
export const EntryList = Type.Object({ items: Type.Array(Entry) });

export const BookParams = Type.Object({ id: Uuid });
export const BookBundle = Type.Object({
  book: Type.Object({ id: Uuid, code: Type.String() }),
  checkpoint: Type.String({ description: 'The signed checkpoint the proofs are against' }),
  verifierKey: Type.String(),
  movements: Type.Array(Type.Object({ leafIndex: Type.Integer(), leaf: Type.String(), auditPath: Type.Array(Base64Hash) })),
});

export const AuditInput = Type.Object({
  checkpoint: Type.String({ minLength: 1, maxLength: 4096, description: 'A signed checkpoint you kept' }),
  verifierKey: Type.Optional(Type.String({ maxLength: 512, description: "The key to check it with; the administration's own when omitted" })),
});
export const AuditReport = Type.Object({
  ok: Type.Boolean(),
  checkpointSize: Type.Integer(),
  leavesChecked: Type.Integer(),
  problem: Type.Union([
    Type.Null(),
    Type.Object({
      leafIndex: Nullable(Type.Integer()),
      kind: Nullable(Type.String()),
      subjectId: Nullable(Type.String()),
      message: Type.String(),
      fields: Type.Array(Type.Object({ field: Type.String(), logged: Type.Unknown(), now: Type.Unknown() })),
    }),
  ]),
});
