// The transparency log. Changes write their entries in their own transactions (leaves.ts); the
// sequencer gives them leaves in a Merkle tree (RFC 9162) and keeps the hashes of its perfect
// subtrees; checkpoints sign the tree's size and root (C2SP tlog-checkpoint); proofs show that a
// leaf is in the tree and that a later tree extends an earlier one; the audit recomputes everything
// from the tables and names the first record that no longer matches its leaf.
import canonicalize from 'canonicalize';
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import type { SigningKey } from '../platform/keys/signing-key.ts';
import { canSeeRecord, type Principal } from '../platform/auth/principal.ts';
import { AppError, notFound } from '../platform/errors.ts';
import { logRepository as repo, type CheckpointRow } from './log.repository.ts';
import { CompactRange, consistencyProof, hashesEqual, hashToBase64, inclusionProof, leafHash, type Hash, type HashSource, type PerfectSubtree } from './merkle.ts';
import { formatCheckpoint, parseSignedCheckpoint, signCheckpoint, verifierKey, verifyCheckpoint } from './checkpoint.ts';

/** Entries sequenced per transaction. */
const SEQUENCE_BATCH = 5000;
/** Leaves the audit reads per query. */
const AUDIT_BATCH = 20_000;
/** PostgreSQL's SQLSTATE for text that is not of the type it is cast to (a leaf that is not JSON). */
const INVALID_TEXT_REPRESENTATION = '22P02';

interface LeafParts {
  kind?: string;
  id?: string;
  record?: Record<string, unknown>;
}

/** A leaf's parts as written (`{kind, id, record}`), or null for text that is not a JSON object. */
function parseLeaf(text: string): LeafParts | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export interface Checkpoint {
  size: number;
  rootHash: string;
  note: string;
  createdAt: string;
}

/** What the audit found: ok, or the first leaf (or the tree) that differs, in words and by record. */
export interface AuditReport {
  ok: boolean;
  checkpointSize: number;
  leavesChecked: number;
  problem: null | {
    leafIndex: number | null;
    kind: string | null;
    subjectId: string | null;
    message: string;
    /** Fields whose value in the table today differs from the leaf's. */
    fields: Array<{ field: string; logged: unknown; now: unknown }>;
  };
}

export interface LogDeps {
  db: Db;
  clock: Clock;
  signingKey: SigningKey;
  /** The log's name in its checkpoints (and the name of its key). */
  origin: string;
}

const perfectLevel = (subtree: PerfectSubtree) => Math.round(Math.log2(subtree.end - subtree.start));

/** Node hashes from the store: one query per batch the proof generator asks for. */
function storedHashes(db: Db): HashSource {
  return {
    async perfectSubtreeHashes(subtrees) {
      const wanted = subtrees.map((subtree) => {
        const level = perfectLevel(subtree);
        return { level, idx: subtree.start / 2 ** level };
      });
      const found = await repo.nodes(db, wanted);
      return wanted.map(({ level, idx }) => {
        const hash = found.get(`${level}:${idx}`);
        if (!hash) throw new AppError('INTERNAL', `the log lacks the node ${level}:${idx}`);
        return hash;
      });
    },
  };
}

export function leafOf(kind: string, subjectId: string, record: unknown): string {
  return canonicalize({ kind, id: subjectId, record }) as string;
}

function present(row: CheckpointRow): Checkpoint {
  return { size: Number(row.size), rootHash: hashToBase64(row.root_hash), note: row.note, createdAt: row.created_at.toISOString() };
}

function differences(logged: Record<string, unknown>, now: Record<string, unknown> | null): Array<{ field: string; logged: unknown; now: unknown }> {
  if (!now) return [];
  return [...new Set([...Object.keys(logged), ...Object.keys(now)])]
    .filter((field) => JSON.stringify(logged[field]) !== JSON.stringify(now[field]))
    .map((field) => ({ field, logged: logged[field] ?? null, now: now[field] ?? null }));
}

export function createLogService(deps: LogDeps) {
  const { db, clock, signingKey, origin } = deps;
  const key = { name: origin, privateKey: signingKey.privateKey, publicKey: signingKey.publicKey };

  async function sequenceBatch(): Promise<number> {
    return db.transaction(async (tx) => {
      const state = await repo.state(tx, true);
      const entries = await repo.unsequenced(tx, SEQUENCE_BATCH);
      if (entries.length === 0) return 0;
      const tree = CompactRange.fromJSON(state.edge);
      const leaves: string[] = [];
      const hashes: Hash[] = [];
      const indexes: number[] = [];
      const nodes = { levels: [] as number[], indexes: [] as number[], hashes: [] as Hash[] };
      for (const entry of entries) {
        const leaf = leafOf(entry.kind, entry.subject_id, entry.record);
        const hash = leafHash(Buffer.from(leaf, 'utf8'));
        indexes.push(tree.size);
        leaves.push(leaf);
        hashes.push(hash);
        tree.append(hash, (subtree) => {
          const level = perfectLevel(subtree);
          nodes.levels.push(level);
          nodes.indexes.push(subtree.start / 2 ** level);
          nodes.hashes.push(subtree.hash);
        });
      }
      await repo.assignLeaves(tx, entries.map((entry) => Number(entry.id)), indexes, leaves, hashes);
      await repo.insertNodes(tx, nodes.levels, nodes.indexes, nodes.hashes);
      await repo.saveState(tx, tree.size, tree.root(), tree.toJSON(), clock.now());
      return entries.length;
    });
  }

  /** Gives every entry written so far its leaf; returns how many. */
  async function sequence(): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await sequenceBatch();
      total += count;
      if (count < SEQUENCE_BATCH) return total;
    }
  }

  async function latest(): Promise<Checkpoint | null> {
    const row = await repo.latestCheckpoint(db);
    return row ? present(row) : null;
  }

  /** Sequences what is pending and signs a checkpoint of the tree (the latest again when it has not grown). */
  async function publish(): Promise<Checkpoint> {
    await sequence();
    const state = await repo.state(db);
    const size = Number(state.size);
    const previous = await repo.latestCheckpoint(db);
    if (previous && Number(previous.size) === size) return present(previous);
    const note = signCheckpoint(formatCheckpoint({ origin, size, rootHash: state.root_hash }), key);
    return present(await repo.insertCheckpoint(db, { size, rootHash: state.root_hash, note, at: clock.now() }));
  }

  // The tree only grows: a size once seen needs no read to accept a proof request within it.
  let knownSize = 0;
  async function treeSizeAtMost(size: number, field: string): Promise<void> {
    if (size <= knownSize) return;
    knownSize = Number((await repo.state(db)).size);
    if (size > knownSize) throw new AppError('VALIDATION_FAILED', `The log holds ${knownSize} leaves`, [{ path: field, message: `must be at most ${knownSize}` }]);
  }

  return {
    sequence,
    publish,
    latest,

    /** The key that verifies checkpoints, as a C2SP verifier key, with its parts. */
    verifierKey(): { vkey: string; origin: string; publicKey: string } {
      return { vkey: verifierKey(origin, signingKey.publicKey), origin, publicKey: signingKey.publicKeyBytes.toString('base64') };
    },

    async checkpoints(limit: number, beforeSize: number | null): Promise<Checkpoint[]> {
      return (await repo.checkpoints(db, limit, beforeSize)).map(present);
    },

    async inclusion(leafIndex: number, treeSize: number): Promise<{ leafIndex: number; treeSize: number; auditPath: string[] }> {
      if (leafIndex >= treeSize) throw new AppError('VALIDATION_FAILED', 'The leaf is not in a tree of that size', [{ path: '/leafIndex', message: 'must be below treeSize' }]);
      await treeSizeAtMost(treeSize, '/treeSize');
      const path = await inclusionProof(leafIndex, treeSize, storedHashes(db));
      return { leafIndex, treeSize, auditPath: path.map(hashToBase64) };
    },

    async consistency(from: number, to: number): Promise<{ from: number; to: number; proof: string[] }> {
      if (from > to) throw new AppError('VALIDATION_FAILED', 'The first tree must not be larger than the second', [{ path: '/from', message: 'must be at most to' }]);
      await treeSizeAtMost(to, '/to');
      const proof = await consistencyProof(from, to, storedHashes(db));
      return { from, to, proof: proof.map(hashToBase64) };
    },

    async entries(kind: string, subjectId: string) {
      return (await repo.entriesOf(db, kind, subjectId)).map((row) => ({
        leafIndex: row.leaf_index === null ? null : Number(row.leaf_index),
        kind: row.kind,
        subjectId: row.subject_id,
        leaf: row.leaf,
        record: row.record,
        recordedAt: row.recorded_at.toISOString(),
      }));
    },

    /**
     * A book's movements with their inclusion proofs against a checkpoint of the log as it stands
     * (signed now if it grew): what its enterprise keeps to show, offline, that the book it was
     * given is the book customs holds.
     */
    async bookBundle(principal: Principal, bookId: string) {
      const book = await repo.book(db, bookId);
      if (!book || !canSeeRecord(principal, { enterpriseId: book.enterprise_id, zoneId: book.zone_id })) throw notFound('Book');
      const checkpoint = await publish();
      const source = storedHashes(db);
      const movements = [];
      for (const row of await repo.bookLeaves(db, bookId, checkpoint.size)) {
        const leafIndex = Number(row.leaf_index);
        movements.push({ leafIndex, leaf: row.leaf, auditPath: (await inclusionProof(leafIndex, checkpoint.size, source)).map(hashToBase64) });
      }
      return { book: { id: bookId, code: book.code }, checkpoint: checkpoint.note, verifierKey: verifierKey(origin, signingKey.publicKey), movements };
    },

    /**
     * Checks the log against a checkpoint a party kept: its signature, then every leaf up to its
     * size present and in order, each leaf's hash, each record as its table holds it today, and
     * the root; stops at the first thing that differs.
     */
    async audit(checkpointNote: string, vkey?: string): Promise<AuditReport> {
      /** The first leaf below `size` whose text is not JSON, read in batches; null when none. */
      const firstUnreadableLeaf = async (size: number): Promise<number | null> => {
        for (let from = 0; from < size; from += AUDIT_BATCH) {
          const found = (await repo.leafRange(db, from, Math.min(size, from + AUDIT_BATCH))).find((row) => parseLeaf(row.leaf) === null);
          if (found) return Number(found.leaf_index);
        }
        return null;
      };
      const checked = verifyCheckpoint(checkpointNote, vkey ?? verifierKey(origin, signingKey.publicKey));
      const { size, rootHash } = parseSignedCheckpoint(checkpointNote).checkpoint;
      const report = (leavesChecked: number, problem: AuditReport['problem']): AuditReport => ({ ok: problem === null, checkpointSize: size, leavesChecked, problem });
      if (!checked) return report(0, { leafIndex: null, kind: null, subjectId: null, message: 'the checkpoint is not signed by this key', fields: [] });
      // The records are compared in the database (one join per kind) while the leaves stream through
      // here in order, the next batch read while this one is hashed; the earliest problem is reported.
      // A leaf rewritten into text that is not JSON stops the comparison in SQL; it is then looked for here.
      const changedRecord = repo.firstChangedRecord(db, size).then(
        (row) => ({ row, unreadable: false }),
        (caught: unknown) => {
          if ((caught as { code?: unknown }).code === INVALID_TEXT_REPRESENTATION) return { row: null, unreadable: true };
          throw caught;
        },
      );
      const tree = CompactRange.empty();
      let broken: { leafIndex: number; problem: NonNullable<AuditReport['problem']> } | null = null;
      let next = repo.leafHashRange(db, 0, Math.min(size, AUDIT_BATCH));
      for (let from = 0; from < size && !broken; from += AUDIT_BATCH) {
        const rows = await next;
        if (from + AUDIT_BATCH < size) next = repo.leafHashRange(db, from + AUDIT_BATCH, Math.min(size, from + 2 * AUDIT_BATCH));
        for (const row of rows) {
          const leafIndex = Number(row.leaf_index);
          if (leafIndex !== tree.size) break;
          if (!row.intact) {
            const [changed] = await repo.leafRange(db, leafIndex, leafIndex + 1);
            const { kind = null, id = null } = parseLeaf(changed?.leaf ?? '') ?? {};
            const what = kind && id ? ` (${kind} ${id})` : '';
            broken = { leafIndex, problem: { leafIndex, kind, subjectId: id, message: `leaf ${leafIndex}${what} was changed in the log`, fields: [] } };
            break;
          }
          tree.append(row.leaf_hash);
        }
        if (!broken && tree.size < Math.min(size, from + AUDIT_BATCH)) {
          broken = { leafIndex: tree.size, problem: { leafIndex: tree.size, kind: null, subjectId: null, message: `leaf ${tree.size} is missing from the log`, fields: [] } };
        }
      }
      await next.catch(() => undefined);
      const { row: changed, unreadable } = await changedRecord;
      if (unreadable) {
        const leafIndex = await firstUnreadableLeaf(size);
        if (leafIndex !== null && (!broken || leafIndex < broken.leafIndex)) {
          return report(leafIndex, { leafIndex, kind: null, subjectId: null, message: `leaf ${leafIndex} is not a record: its text was rewritten in the log`, fields: [] });
        }
      }
      if (changed && (!broken || Number(changed.leaf_index) < broken.leafIndex)) {
        const leafIndex = Number(changed.leaf_index);
        const [row] = await repo.leafRange(db, leafIndex, leafIndex + 1);
        const logged = parseLeaf(row?.leaf ?? '')?.record ?? {};
        const now = await repo.currentRecord(db, leafIndex);
        const what = `${changed.kind} ${changed.subject_id}`;
        const message = now ? `${what} differs from its leaf ${leafIndex}` : `${what} of leaf ${leafIndex} is gone from its table`;
        return report(leafIndex, { leafIndex, kind: changed.kind, subjectId: changed.subject_id, message, fields: differences(logged, now) });
      }
      if (broken) return report(broken.leafIndex, broken.problem);
      if (!hashesEqual(tree.root(), rootHash)) {
        return report(size, { leafIndex: null, kind: null, subjectId: null, message: `the leaves do not hash to the checkpoint's root (${size} leaves)`, fields: [] });
      }
      return report(size, null);
    },
  };
}

export type LogService = ReturnType<typeof createLogService>;
