// Offline check of a book's proof bundle: the checkpoint is signed by the administration's key
// (given by the one checking, from a source they trust), and each movement's leaf is in the tree
// that checkpoint describes. Needs nothing but the bundle and the key.
import { parseSignedCheckpoint, verifyCheckpoint } from './checkpoint.ts';
import { hashFromBase64, leafHash, verifyInclusion, type Hash } from './merkle.ts';

export interface BookBundleFile {
  book: { id: string; code: string };
  checkpoint: string;
  verifierKey: string;
  movements: Array<{ leafIndex: number; leaf: string; auditPath: string[] }>;
}

export interface BundleVerdict {
  ok: boolean;
  checkpointSize: number | null;
  movementsChecked: number;
  problems: string[];
  /** The movements as the leaves record them, in log order. */
  movements: Array<{ leafIndex: number; record: Record<string, unknown> }>;
}

export function verifyBookBundle(bundle: BookBundleFile, verifierKey: string): BundleVerdict {
  const verdict: BundleVerdict = { ok: false, checkpointSize: null, movementsChecked: 0, problems: [], movements: [] };
  if (!verifyCheckpoint(bundle.checkpoint, verifierKey)) {
    verdict.problems.push('the checkpoint is not signed by the given key');
    return verdict;
  }
  const { size, rootHash } = parseSignedCheckpoint(bundle.checkpoint).checkpoint;
  verdict.checkpointSize = size;
  for (const movement of bundle.movements) {
    const path = movement.auditPath.map(hashFromBase64);
    const leaf = leafHash(Buffer.from(movement.leaf, 'utf8'));
    if (path.some((hash) => hash === undefined) || !verifyInclusion(leaf, movement.leafIndex, size, path as Hash[], rootHash)) {
      verdict.problems.push(`movement at leaf ${movement.leafIndex} is not in the log the checkpoint describes`);
      continue;
    }
    const parsed = JSON.parse(movement.leaf) as { kind?: string; record?: Record<string, unknown> };
    if (parsed.kind !== 'book.movement' || parsed.record?.book !== bundle.book.id) {
      verdict.problems.push(`leaf ${movement.leafIndex} is not a movement of book ${bundle.book.code}`);
      continue;
    }
    verdict.movementsChecked += 1;
    verdict.movements.push({ leafIndex: movement.leafIndex, record: parsed.record });
  }
  verdict.ok = verdict.problems.length === 0;
  return verdict;
}
