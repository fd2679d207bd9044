// The Merkle tree of the transparency log (RFC 9162 section 2.1, the tree of RFC 6962): hashing,
// the tree hash of a list of leaves, the compact range a sequencer keeps while appending, proof
// generation over a store of node hashes, and proof verification, including the subtree proofs of
// the Merkle Tree Certificates draft (draft-ietf-plants-merkle-tree-certs, section "Subtrees").
//
// Tree sizes and indices are JavaScript numbers and must be safe integers (below 2^53): every
// function here uses arithmetic (`% 2`, `Math.floor(n / 2)`) rather than the 32-bit bitwise
// operators, so the bit-twiddling of the RFC stays exact over the whole range.
import { hash as sha256 } from 'node:crypto';
import { AppError, FieldErrors } from '../platform/errors.ts';

/** A SHA-256 digest: a leaf hash, a node hash or a root hash. */
export type Hash = Uint8Array;

export const HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** MTH({}) = SHA-256 of the empty string. Treat as read-only: `rootOf([])` hands out copies. */
export const EMPTY_ROOT: Hash = sha256('sha256', new Uint8Array(0), 'buffer');

/** SHA-256(0x00 || data). */
export function leafHash(data: Uint8Array): Hash {
  const input = new Uint8Array(data.length + 1);
  input[0] = LEAF_PREFIX;
  input.set(data, 1);
  return sha256('sha256', input, 'buffer');
}

/** SHA-256(0x01 || left || right), for two 32-byte hashes. */
export function nodeHash(left: Hash, right: Hash): Hash {
  if (!isHash(left) || !isHash(right)) {
    throw new AppError('VALIDATION_FAILED', `a node is the hash of two ${HASH_SIZE}-byte hashes`);
  }
  return hashChildren(left, right);
}

// One buffer reused for every node: a million-leaf tree hashes a million nodes.
const nodeInput = Buffer.alloc(1 + 2 * HASH_SIZE);
nodeInput[0] = NODE_PREFIX;

/** nodeHash without the length checks, for callers that only hold 32-byte hashes. */
function hashChildren(left: Hash, right: Hash): Hash {
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return sha256('sha256', nodeInput, 'buffer');
}

// Where a million nodes are hashed (rootOf, CompactRange, InMemoryHashSource), hashes travel as
// "packed" strings of 32 latin1 ('binary') characters, one per byte. A Buffer per digest costs an
// off-heap allocation and makes tree building three to four times slower than SHA-256 itself;
// short strings live on the JavaScript heap. Hashes are unpacked only where they leave.
type PackedHash = string;

function packedChildren(left: PackedHash, right: PackedHash): PackedHash {
  nodeInput.write(left, 1, HASH_SIZE, 'latin1');
  nodeInput.write(right, 1 + HASH_SIZE, HASH_SIZE, 'latin1');
  return sha256('sha256', nodeInput, 'binary');
}

/** Hashes two unpacked children into a packed parent: the first level above the leaves. */
function packedParentOf(left: Hash, right: Hash): PackedHash {
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return sha256('sha256', nodeInput, 'binary');
}

function pack(hash: Hash): PackedHash {
  return Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('latin1');
}

function unpack(packed: PackedHash): Hash {
  return Buffer.from(packed, 'latin1');
}

export function isHash(value: Uint8Array): boolean {
  return value.length === HASH_SIZE;
}

export function hashesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}

export function hashToBase64(hash: Hash): string {
  return Buffer.from(hash).toString('base64');
}

/** The hash written as standard, padded base64 of exactly 32 bytes; undefined for anything else. */
export function hashFromBase64(text: string): Hash | undefined {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  // Buffer ignores the unused low bits of the last character; only the canonical spelling is accepted.
  return bytes.length === HASH_SIZE && bytes.toString('base64') === text ? new Uint8Array(bytes) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Arithmetic over safe integers

function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

const isOdd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

/** The smallest power of two >= n (1 for n <= 1): BIT_CEIL of the draft. */
function bitCeil(n: number): number {
  let power = 1;
  while (power < n) power *= 2;
  return power;
}

/** The largest power of two <= n, for n >= 1. */
function largestPowerOfTwoAtMost(n: number): number {
  let power = 1;
  while (power * 2 <= n) power *= 2;
  return power;
}

/** k of the RFC: the largest power of two smaller than n, for n >= 2 (so k < n <= 2k). */
function splitPoint(n: number): number {
  return largestPowerOfTwoAtMost(n - 1);
}

function isPowerOfTwo(n: number): boolean {
  return n >= 1 && bitCeil(n) === n;
}

/**
 * Whether [start, end) is a subtree in the sense of the Merkle Tree Certificates draft:
 * 0 <= start <= end and start is a multiple of BIT_CEIL(end - start). Every node of every tree
 * size is one, and so is every interval a proof ever needs the hash of.
 */
export function isValidSubtree(start: number, end: number): boolean {
  return isCount(start) && isCount(end) && start <= end && start % bitCeil(end - start) === 0;
}

// ---------------------------------------------------------------------------------------------
// Tree hash

/**
 * MTH over the given leaf hashes. Computed level by level in one working array (each level
 * overwrites the front of the one below), the odd last node of a level moving up unchanged:
 * that is exactly the RFC's split at the largest power of two below n.
 */
export function rootOf(leafHashes: readonly Hash[]): Hash {
  const count = leafHashes.length;
  if (count === 0) return Uint8Array.from(EMPTY_ROOT);
  for (let i = 0; i < count; i++) {
    if (!isHash(leafHashes[i] as Hash)) {
      throw new AppError('VALIDATION_FAILED', `leaf hash ${i} is not ${HASH_SIZE} bytes`, [
        { path: `/leafHashes/${i}`, message: `must be ${HASH_SIZE} bytes` },
      ]);
    }
  }
  if (count === 1) return Uint8Array.from(leafHashes[0] as Hash);
  const level: PackedHash[] = new Array<PackedHash>(Math.ceil(count / 2));
  let width = 0;
  for (let i = 0; i + 1 < count; i += 2) level[width++] = packedParentOf(leafHashes[i] as Hash, leafHashes[i + 1] as Hash);
  if (isOdd(count)) level[width++] = pack(leafHashes[count - 1] as Hash);
  while (width > 1) {
    let next = 0;
    for (let i = 0; i + 1 < width; i += 2) level[next++] = packedChildren(level[i] as PackedHash, level[i + 1] as PackedHash);
    if (isOdd(width)) level[next++] = level[width - 1] as PackedHash;
    width = next;
  }
  return unpack(level[0] as PackedHash);
}

// ---------------------------------------------------------------------------------------------
// Compact range

/**
 * A perfect subtree D[start:end] of the log: end - start is a power of two and start a multiple
 * of it. It is a node of every tree that contains it, so its hash never changes once known.
 */
export interface PerfectSubtree {
  readonly start: number;
  readonly end: number;
}

export interface PerfectSubtreeHash extends PerfectSubtree {
  readonly hash: Hash;
}

/** A compact range as stored: its size and the hashes of its perfect subtrees, left to right. */
export interface CompactRangeJson {
  size: number;
  hashes: string[];
}

/**
 * The right edge of a tree of `size` leaves: the hashes of the perfect subtrees it is made of,
 * largest (leftmost) first, one per set bit of the size. Appending costs amortised one node hash
 * and the root costs one node hash per subtree, so a sequencer or an audit can stream any number
 * of leaves in constant memory.
 */
export class CompactRange {
  private constructor(
    private treeSize: number,
    private readonly subtreeHashes: PackedHash[],
  ) {}

  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /** Reads a stored range (from toJSON), refusing sizes and hashes that do not fit together. */
  static fromJSON(json: unknown): CompactRange {
    const { size, hashes } = (typeof json === 'object' && json !== null ? json : {}) as { size?: unknown; hashes?: unknown };
    const problems = new FieldErrors();
    if (typeof size !== 'number' || !isCount(size)) problems.add('/size', 'must be a whole number of leaves');
    if (!Array.isArray(hashes)) problems.add('/hashes', 'must be a list of base64 hashes');
    problems.throwIfAny('The compact range is malformed');
    const count = size as number;
    const list = hashes as unknown[];
    if (list.length !== subtreeCount(count)) {
      problems.add('/hashes', `a range of ${count} leaves has ${subtreeCount(count)} subtree hashes, not ${list.length}`);
    }
    const decoded = list.map((item, i) => {
      const hash = typeof item === 'string' ? hashFromBase64(item) : undefined;
      if (hash === undefined) problems.add(`/hashes/${i}`, `must be the base64 of a ${HASH_SIZE}-byte hash`);
      return hash === undefined ? '' : pack(hash);
    });
    problems.throwIfAny('The compact range is malformed');
    return new CompactRange(count, decoded);
  }

  get size(): number {
    return this.treeSize;
  }

  /**
   * Appends the next leaf. `onCompleted`, when given, receives every perfect subtree this leaf
   * completes (the leaf itself first, then each node merged above it) so that a store can keep
   * each node hash once and later answer proof requests (see HashSource).
   */
  append(leaf: Hash, onCompleted?: (subtree: PerfectSubtreeHash) => void): void {
    if (!isHash(leaf)) throw new AppError('VALIDATION_FAILED', `a leaf hash is ${HASH_SIZE} bytes`);
    if (this.treeSize >= Number.MAX_SAFE_INTEGER) throw new AppError('CONFLICT', 'the tree is full');
    let hash = pack(leaf);
    let start = this.treeSize;
    let width = 1;
    onCompleted?.({ start, end: start + width, hash: Uint8Array.from(leaf) });
    // Each trailing set bit of the old size is a left sibling of the same width waiting to merge.
    for (let bits = this.treeSize; isOdd(bits); bits = half(bits)) {
      hash = packedChildren(this.subtreeHashes.pop() as PackedHash, hash);
      start -= width;
      width *= 2;
      onCompleted?.({ start, end: start + width, hash: unpack(hash) });
    }
    this.subtreeHashes.push(hash);
    this.treeSize += 1;
  }

  /** MTH of the leaves appended so far. */
  root(): Hash {
    const count = this.subtreeHashes.length;
    if (count === 0) return Uint8Array.from(EMPTY_ROOT);
    let root = this.subtreeHashes[count - 1] as PackedHash;
    for (let i = count - 2; i >= 0; i--) root = packedChildren(this.subtreeHashes[i] as PackedHash, root);
    return unpack(root);
  }

  /** The perfect subtrees of the range with their hashes, left to right. */
  subtrees(): PerfectSubtreeHash[] {
    const result: PerfectSubtreeHash[] = [];
    let start = 0;
    let index = 0;
    for (let width = largestPowerOfTwoAtMost(Math.max(this.treeSize, 1)); width >= 1; width /= 2) {
      if (hasBit(this.treeSize, width)) {
        result.push({ start, end: start + width, hash: unpack(this.subtreeHashes[index++] as PackedHash) });
        start += width;
      }
    }
    return result;
  }

  clone(): CompactRange {
    return new CompactRange(this.treeSize, this.subtreeHashes.slice());
  }

  toJSON(): CompactRangeJson {
    return { size: this.treeSize, hashes: this.subtreeHashes.map((packed) => hashToBase64(unpack(packed))) };
  }
}

/** Number of set bits of n: the number of perfect subtrees in a range of n leaves. */
function subtreeCount(n: number): number {
  let count = 0;
  for (let bits = n; bits > 0; bits = half(bits)) if (isOdd(bits)) count++;
  return count;
}

/** Whether the bit worth `power` (a power of two) is set in n. */
function hasBit(n: number, power: number): boolean {
  return isOdd(Math.floor(n / power));
}

// ---------------------------------------------------------------------------------------------
// Proof generation

/**
 * Where proofs get their node hashes from. Generators only ever ask for perfect subtrees (see
 * PerfectSubtree), never for the hash of a ragged right edge: those they compose themselves from
 * the perfect subtrees it is made of. So a store needs nothing but the nodes `CompactRange.append`
 * reports, each written once and never changed, and answers without knowing the tree size.
 * Every subtree asked for lies within the tree size the proof is for.
 */
export interface HashSource {
  /** MTH(D[start:end]) of each requested perfect subtree, in the order asked. */
  perfectSubtreeHashes(subtrees: readonly PerfectSubtree[]): Promise<Hash[]>;
}

/** A HashSource over leaf hashes held in memory, with every node computed up front. */
export class InMemoryHashSource implements HashSource {
  /** levels[h][i] = MTH(D[i * 2^h : (i + 1) * 2^h]), packed. */
  private readonly levels: PackedHash[][];

  constructor(leafHashes: readonly Hash[]) {
    const leaves = leafHashes.map((leaf, i) => {
      if (!isHash(leaf)) throw new AppError('VALIDATION_FAILED', `leaf hash ${i} is not ${HASH_SIZE} bytes`);
      return pack(leaf);
    });
    this.levels = [leaves];
    for (let below = leaves; below.length >= 2; ) {
      const level: PackedHash[] = [];
      for (let i = 0; i + 1 < below.length; i += 2) level.push(packedChildren(below[i] as PackedHash, below[i + 1] as PackedHash));
      this.levels.push(level);
      below = level;
    }
  }

  get size(): number {
    return (this.levels[0] as PackedHash[]).length;
  }

  perfectSubtreeHashes(subtrees: readonly PerfectSubtree[]): Promise<Hash[]> {
    // Inside the executor, so that an unknown subtree rejects the promise rather than throwing.
    return new Promise((resolve) => {
      resolve(
        subtrees.map(({ start, end }) => {
          const width = end - start;
          const aligned = isPowerOfTwo(width) && isCount(start) && start % width === 0;
          const packed = aligned ? this.levels[Math.log2(width)]?.[start / width] : undefined;
          if (packed === undefined) {
            throw new AppError('NOT_FOUND', `[${start}, ${end}) is not a perfect subtree of the ${this.size} leaves held`);
          }
          return unpack(packed);
        }),
      );
    });
  }
}

interface Interval {
  start: number;
  end: number;
}

/**
 * The intervals whose hashes make up SUBTREE_PROOF(start, end, D_size) of the draft, in proof
 * order, walking down from the root instead of recursing. With start = 0 this is PROOF(end, D_n)
 * of RFC 9162 2.1.4.1; with end = start + 1 it is PATH(start, D_n) of 2.1.3.1.
 * Requires a non-empty valid subtree [start, end) with end <= size.
 */
function subtreeProofIntervals(start: number, end: number, size: number): Interval[] {
  const topDown: Interval[] = [];
  let low = 0;
  let high = size;
  let from = start;
  // Whether the subtree's own hash may be left out: the verifier knows it already, unless the
  // walk has had to cut the subtree in two (then its right part's hash must be sent).
  let knownToVerifier = true;
  while (!(from === low && end === high)) {
    const k = low + splitPoint(high - low);
    if (end <= k) {
      topDown.push({ start: k, end: high });
      high = k;
    } else if (k <= from) {
      topDown.push({ start: low, end: k });
      low = k;
    } else {
      // from < k < end happens only with from = low: the subtree is cut at k.
      topDown.push({ start: low, end: k });
      low = k;
      from = k;
      knownToVerifier = false;
    }
  }
  if (!knownToVerifier) topDown.push({ start: low, end: high });
  return topDown.reverse();
}

/** The perfect subtrees an interval that is a valid subtree is made of, left to right. */
function perfectSubtreesOf(interval: Interval): PerfectSubtree[] {
  const pieces: PerfectSubtree[] = [];
  for (let at = interval.start; at < interval.end; ) {
    const width = largestPowerOfTwoAtMost(interval.end - at);
    pieces.push({ start: at, end: at + width });
    at += width;
  }
  return pieces;
}

/** Fetches, in one request, everything the intervals need, then folds each ragged edge. */
async function hashIntervals(intervals: readonly Interval[], source: HashSource): Promise<Hash[]> {
  const piecesPerInterval = intervals.map(perfectSubtreesOf);
  const request = piecesPerInterval.flat();
  const answer = request.length === 0 ? [] : await source.perfectSubtreeHashes(request);
  if (answer.length !== request.length || !answer.every(isHash)) {
    throw new AppError('INTERNAL', `the hash source answered ${answer.length} hashes for ${request.length} subtrees, or hashes of the wrong size`);
  }
  let next = 0;
  return piecesPerInterval.map((pieces) => {
    const hashes = answer.slice(next, next + pieces.length);
    next += pieces.length;
    // MTH of a ragged interval splits at its largest perfect part: H(p1, H(p2, ... pk)).
    let hash = hashes[hashes.length - 1] as Hash;
    for (let i = hashes.length - 2; i >= 0; i--) hash = hashChildren(hashes[i] as Hash, hash);
    return hash;
  });
}

function requireCount(value: number, name: string): void {
  if (!isCount(value)) {
    throw new AppError('VALIDATION_FAILED', `${name} must be a whole number`, [{ path: `/${name}`, message: 'must be a whole number' }]);
  }
}

function invalid(name: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${name} ${message}`, [{ path: `/${name}`, message }]);
}

/** The audit path PATH(index, D_size) of RFC 9162 2.1.3.1, from the leaf up. */
export async function inclusionProof(index: number, size: number, source: HashSource): Promise<Hash[]> {
  requireCount(index, 'index');
  requireCount(size, 'size');
  if (index >= size) throw invalid('index', `must be below the tree size ${size}`);
  return hashIntervals(subtreeProofIntervals(index, index + 1, size), source);
}

/** PROOF(size1, D_size2) of RFC 9162 2.1.4.1; empty when the sizes are equal. */
export async function consistencyProof(size1: number, size2: number, source: HashSource): Promise<Hash[]> {
  requireCount(size1, 'size1');
  requireCount(size2, 'size2');
  if (size1 === 0) throw invalid('size1', 'must be at least 1: nothing proves consistency with the empty tree');
  if (size1 > size2) throw invalid('size1', `must not exceed size2 (${size2})`);
  if (size1 === size2) return [];
  return hashIntervals(subtreeProofIntervals(0, size1, size2), source);
}

/** The inclusion proof of entry `index` in the subtree [start, end): PATH(index - start, D[start:end]). */
export async function subtreeInclusionProof(index: number, start: number, end: number, source: HashSource): Promise<Hash[]> {
  requireCount(index, 'index');
  if (!isValidSubtree(start, end)) throw invalid('start', `and end do not form a subtree: [${start}, ${end})`);
  if (index < start || index >= end) throw invalid('index', `must lie in [${start}, ${end})`);
  const relative = subtreeProofIntervals(index - start, index - start + 1, end - start);
  return hashIntervals(
    relative.map((interval) => ({ start: interval.start + start, end: interval.end + start })),
    source,
  );
}

/** SUBTREE_PROOF(start, end, D_size): the subtree [start, end) is part of the tree of `size` leaves. */
export async function subtreeConsistencyProof(start: number, end: number, size: number, source: HashSource): Promise<Hash[]> {
  requireCount(size, 'size');
  if (!isValidSubtree(start, end)) throw invalid('start', `and end do not form a subtree: [${start}, ${end})`);
  if (end > size) throw invalid('end', `must not exceed the tree size ${size}`);
  if (start === end) return [];
  return hashIntervals(subtreeProofIntervals(start, end, size), source);
}

// ---------------------------------------------------------------------------------------------
// Verification. Verifiers take untrusted input and answer true or false; they never throw.

/**
 * The root an inclusion proof leads to (RFC 9162 2.1.3.2, "evaluating" in the draft), or
 * undefined when the proof cannot be one for this index and size.
 */
export function rootFromInclusionProof(leaf: Hash, index: number, size: number, proof: readonly Hash[]): Hash | undefined {
  if (!isCount(index) || !isCount(size) || index >= size) return undefined;
  if (!isHash(leaf) || !proof.every(isHash)) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (isOdd(fn) || fn === sn) {
      r = hashChildren(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : undefined;
}

/** RFC 9162 2.1.3.2: `proof` shows the leaf hash at `index` in the tree of `size` leaves with `root`. */
export function verifyInclusion(leaf: Hash, index: number, size: number, proof: readonly Hash[], root: Hash): boolean {
  const computed = rootFromInclusionProof(leaf, index, size, proof);
  return computed !== undefined && hashesEqual(computed, root);
}

/**
 * RFC 9162 2.1.4.2: the tree of size2 with root2 extends the tree of size1 with root1.
 * Equal sizes need an empty proof and equal roots; size1 = 0 is refused, as an empty tree is a
 * prefix of anything and a proof of it would prove nothing.
 */
export function verifyConsistency(size1: number, size2: number, proof: readonly Hash[], root1: Hash, root2: Hash): boolean {
  if (!isCount(size1) || !isCount(size2) || size1 === 0 || size1 > size2) return false;
  if (!proof.every(isHash)) return false;
  if (size1 === size2) return proof.length === 0 && hashesEqual(root1, root2);
  if (proof.length === 0) return false;
  let path = proof;
  if (isPowerOfTwo(size1)) {
    // The old root is itself a node of the new tree; the proof leaves it out.
    if (!isHash(root1)) return false;
    path = [root1, ...proof];
  }
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Hash;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && hashesEqual(fr, root1) && hashesEqual(sr, root2);
}

/**
 * Subtree inclusion (draft, "Verifying a Subtree Inclusion Proof"): the leaf hash is entry
 * `index` (an index in the whole log) of the subtree [start, end) whose hash is `subtreeHash`.
 */
export function verifySubtreeInclusion(
  leaf: Hash,
  index: number,
  start: number,
  end: number,
  proof: readonly Hash[],
  subtreeHash: Hash,
): boolean {
  if (!isValidSubtree(start, end) || !isCount(index) || index < start || index >= end) return false;
  return verifyInclusion(leaf, index - start, end - start, proof, subtreeHash);
}

/**
 * Subtree consistency (draft, "Verifying a Subtree Consistency Proof"): the subtree [start, end)
 * with hash `subtreeHash` is part of the tree of `size` leaves with `root`. The empty subtree is
 * part of every tree: it needs an empty proof and the hash of the empty string, and `root` is
 * not looked at.
 */
export function verifySubtreeConsistency(
  start: number,
  end: number,
  size: number,
  proof: readonly Hash[],
  subtreeHash: Hash,
  root: Hash,
): boolean {
  if (!isValidSubtree(start, end) || !isCount(size) || end > size) return false;
  if (!proof.every(isHash)) return false;
  if (start === end) return proof.length === 0 && hashesEqual(subtreeHash, EMPTY_ROOT);
  let fn = start;
  let sn = end - 1;
  let tn = size - 1;
  const shift = (): void => {
    fn = half(fn);
    sn = half(sn);
    tn = half(tn);
  };
  if (sn === tn) {
    while (fn !== sn) shift();
  } else {
    while (fn !== sn && isOdd(sn)) shift();
  }
  let rest = proof;
  let seed: Hash;
  if (fn === sn) {
    // The subtree's root is a node of the tree: the verifier's own hash starts both chains.
    seed = subtreeHash;
    if (rest.length > 0 && !isHash(seed)) return false;
  } else {
    if (rest.length === 0) return false;
    seed = rest[0] as Hash;
    rest = rest.slice(1);
  }
  let fr = seed;
  let sr = seed;
  for (const c of rest) {
    if (tn === 0) return false;
    if (isOdd(sn) || sn === tn) {
      if (fn < sn) fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (!isOdd(sn) && sn !== 0) shift();
    } else {
      sr = hashChildren(sr, c);
    }
    shift();
  }
  return tn === 0 && hashesEqual(fr, subtreeHash) && hashesEqual(sr, root);
}
