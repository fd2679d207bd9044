import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../platform/errors.ts';
import {
  CompactRange,
  consistencyProof,
  EMPTY_ROOT,
  type Hash,
  InMemoryHashSource,
  inclusionProof,
  isValidSubtree,
  leafHash,
  nodeHash,
  type PerfectSubtreeHash,
  rootFromInclusionProof,
  rootOf,
  subtreeConsistencyProof,
  subtreeInclusionProof,
  verifyConsistency,
  verifyInclusion,
  verifySubtreeConsistency,
  verifySubtreeInclusion,
} from './merkle.ts';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const unhex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

// ---------------------------------------------------------------------------------------------
// An independent reference, written from the definitions of RFC 9162 section 2.1 and of the
// Merkle Tree Certificates draft: recursive, with its own SHA-256 calls, sharing no code with
// the module under test.

const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const digest = createHash('sha256');
  for (const part of parts) digest.update(part);
  return new Uint8Array(digest.digest());
};
const refLeaf = (data: Uint8Array): Uint8Array => sha256(Uint8Array.of(0), data);
const refNode = (left: Uint8Array, right: Uint8Array): Uint8Array => sha256(Uint8Array.of(1), left, right);
/** k: the largest power of two smaller than n (n >= 2). */
const refSplit = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/** MTH(D[lo:hi]) over fixed leaf hashes, memoised so that thousands of proofs stay cheap. */
function referenceTree(leaves: readonly Uint8Array[]) {
  const memo = new Map<string, Uint8Array>();
  const mth = (lo: number, hi: number): Uint8Array => {
    const key = `${lo}:${hi}`;
    const known = memo.get(key);
    if (known) return known;
    const n = hi - lo;
    let result: Uint8Array;
    if (n === 0) result = sha256();
    else if (n === 1) result = leaves[lo] as Uint8Array;
    else {
      const k = refSplit(n);
      result = refNode(mth(lo, lo + k), mth(lo + k, hi));
    }
    memo.set(key, result);
    return result;
  };
  /** PATH(m, D[lo:hi]) with m an absolute index. */
  const path = (m: number, lo: number, hi: number): Uint8Array[] => {
    if (hi - lo === 1) return [];
    const k = lo + refSplit(hi - lo);
    return m < k ? [...path(m, lo, k), mth(k, hi)] : [...path(m, k, hi), mth(lo, k)];
  };
  /** SUBPROOF(m, D[lo:lo+n], b) of RFC 9162 2.1.4.1. */
  const subproof = (m: number, lo: number, hi: number, b: boolean): Uint8Array[] => {
    if (m === hi - lo) return b ? [] : [mth(lo, hi)];
    const k = refSplit(hi - lo);
    return m <= k ? [...subproof(m, lo, lo + k, b), mth(lo + k, hi)] : [...subproof(m - k, lo + k, hi, false), mth(lo, lo + k)];
  };
  /** SUBTREE_SUBPROOF(start, end, D[lo:hi], b) of the draft, absolute indices. */
  const subtreeSubproof = (start: number, end: number, lo: number, hi: number, b: boolean): Uint8Array[] => {
    if (start === lo && end === hi) return b ? [] : [mth(lo, hi)];
    const k = lo + refSplit(hi - lo);
    if (end <= k) return [...subtreeSubproof(start, end, lo, k, b), mth(k, hi)];
    if (k <= start) return [...subtreeSubproof(start, end, k, hi, b), mth(lo, k)];
    return [...subtreeSubproof(k, end, k, hi, false), mth(lo, k)];
  };
  return { mth, path, subproof, subtreeSubproof };
}

/** The root PATH(m, D[lo:hi]) leads to, undoing the recursive definition from its last element. */
function rootFromPath(leaf: Uint8Array, m: number, lo: number, hi: number, proof: readonly Uint8Array[]): Uint8Array {
  if (hi - lo === 1) {
    expect(proof).toHaveLength(0);
    return leaf;
  }
  const k = lo + refSplit(hi - lo);
  const sibling = proof[proof.length - 1] as Uint8Array;
  const rest = proof.slice(0, -1);
  return m < k ? refNode(rootFromPath(leaf, m, lo, k, rest), sibling) : refNode(sibling, rootFromPath(leaf, m, k, hi, rest));
}

/** [MTH(D[0:m]), MTH(D[0:n])] as SUBPROOF(m, D[lo:hi], b) rebuilds them from the old root. */
function rootsFromConsistency(m: number, lo: number, hi: number, b: boolean, proof: readonly Uint8Array[], oldRoot: Uint8Array): [Uint8Array, Uint8Array] {
  if (m === hi - lo) {
    expect(proof).toHaveLength(b ? 0 : 1);
    const hash = b ? oldRoot : (proof[0] as Uint8Array);
    return [hash, hash];
  }
  const k = refSplit(hi - lo);
  const last = proof[proof.length - 1] as Uint8Array;
  const rest = proof.slice(0, -1);
  if (m <= k) {
    const [older, newer] = rootsFromConsistency(m, lo, lo + k, b, rest, oldRoot);
    return [older, refNode(newer, last)];
  }
  const [older, newer] = rootsFromConsistency(m - k, lo + k, hi, false, rest, oldRoot);
  return [refNode(last, older), refNode(last, newer)];
}

/** [subtree hash, tree hash] as SUBTREE_SUBPROOF(start, end, D[lo:hi], b) rebuilds them. */
function rootsFromSubtreeConsistency(
  start: number,
  end: number,
  lo: number,
  hi: number,
  b: boolean,
  proof: readonly Uint8Array[],
  subtreeHash: Uint8Array,
): [Uint8Array, Uint8Array] {
  if (start === lo && end === hi) {
    expect(proof).toHaveLength(b ? 0 : 1);
    const hash = b ? subtreeHash : (proof[0] as Uint8Array);
    return [hash, hash];
  }
  const k = lo + refSplit(hi - lo);
  const last = proof[proof.length - 1] as Uint8Array;
  const rest = proof.slice(0, -1);
  if (end <= k) {
    const [sub, tree] = rootsFromSubtreeConsistency(start, end, lo, k, b, rest, subtreeHash);
    return [sub, refNode(tree, last)];
  }
  if (k <= start) {
    const [sub, tree] = rootsFromSubtreeConsistency(start, end, k, hi, b, rest, subtreeHash);
    return [sub, refNode(last, tree)];
  }
  const [sub, tree] = rootsFromSubtreeConsistency(k, end, k, hi, false, rest, subtreeHash);
  return [refNode(last, sub), refNode(last, tree)];
}

/** A small seeded generator (mulberry32), so that a failure can be replayed. */
function seededRandom(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}

// ---------------------------------------------------------------------------------------------
// The reference tree of RFC 6962, as published by transparency-dev/merkle (testonly/constants.go
// and proof/verify_test.go), themselves from the Certificate Transparency test data.

const REFERENCE_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(unhex);
const REFERENCE_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
/** Hashes of every perfect subtree of the 8-leaf tree, by level then position. */
const REFERENCE_NODES = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ],
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ],
  ['d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'],
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
];
const REFERENCE_INCLUSION_PROOFS = [
  { index: 0, size: 8, proof: [REFERENCE_NODES[0]![1]!, REFERENCE_NODES[1]![1]!, REFERENCE_NODES[2]![1]!] },
  { index: 5, size: 8, proof: [REFERENCE_NODES[0]![4]!, REFERENCE_NODES[1]![3]!, REFERENCE_NODES[2]![0]!] },
  { index: 2, size: 3, proof: [REFERENCE_NODES[1]![0]!] },
  { index: 1, size: 5, proof: [REFERENCE_NODES[0]![0]!, REFERENCE_NODES[1]![1]!, REFERENCE_NODES[0]![4]!] },
];
const REFERENCE_CONSISTENCY_PROOFS = [
  { size1: 1, size2: 8, proof: [REFERENCE_NODES[0]![1]!, REFERENCE_NODES[1]![1]!, REFERENCE_NODES[2]![1]!] },
  { size1: 6, size2: 8, proof: [REFERENCE_NODES[1]![2]!, REFERENCE_NODES[1]![3]!, REFERENCE_NODES[2]![0]!] },
  { size1: 2, size2: 5, proof: [REFERENCE_NODES[1]![1]!, REFERENCE_NODES[0]![4]!] },
  { size1: 6, size2: 7, proof: [REFERENCE_NODES[1]![2]!, REFERENCE_NODES[0]![6]!, REFERENCE_NODES[2]![0]!] },
];

describe('the reference tree of RFC 6962', () => {
  const leaves = REFERENCE_LEAVES.map(leafHash);

  it('hashes the empty tree, a leaf and a node with the RFC prefixes', () => {
    expect(hex(EMPTY_ROOT)).toBe(REFERENCE_ROOTS[0]);
    expect(hex(leafHash(new Uint8Array(0)))).toBe(REFERENCE_ROOTS[1]);
    expect(hex(nodeHash(leaves[0]!, leaves[1]!))).toBe(REFERENCE_ROOTS[2]);
  });

  it('gives the published root for every size from 0 to 8, in one go and leaf by leaf', () => {
    const range = CompactRange.empty();
    expect(hex(range.root())).toBe(REFERENCE_ROOTS[0]);
    for (let size = 0; size <= 8; size++) {
      expect(hex(rootOf(leaves.slice(0, size))), `rootOf, size ${size}`).toBe(REFERENCE_ROOTS[size]);
      if (size > 0) {
        range.append(leaves[size - 1]!);
        expect(hex(range.root()), `compact range, size ${size}`).toBe(REFERENCE_ROOTS[size]);
      }
    }
    expect(hex(rootOf(leaves))).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
  });

  it('keeps the published right edge for every size, and reports each node it completes', async () => {
    const range = CompactRange.empty();
    const completed: PerfectSubtreeHash[] = [];
    for (const leaf of leaves) range.append(leaf, (node) => completed.push(node));
    // Right edges of the published CompactTrees(): size 7 is [0,4) [4,6) [6,7).
    const edgeOf7 = CompactRange.empty();
    for (const leaf of leaves.slice(0, 7)) edgeOf7.append(leaf);
    expect(edgeOf7.subtrees().map(({ start, end, hash }) => [start, end, hex(hash)])).toEqual([
      [0, 4, REFERENCE_NODES[2]![0]],
      [4, 6, REFERENCE_NODES[1]![2]],
      [6, 7, REFERENCE_NODES[0]![6]],
    ]);
    expect(range.subtrees().map(({ start, end }) => [start, end])).toEqual([[0, 8]]);
    // Every node of the 8-leaf tree is reported exactly once, with its published hash.
    expect(completed).toHaveLength(15);
    for (const { start, end, hash } of completed) {
      const width = end - start;
      expect(hex(hash), `[${start}, ${end})`).toBe(REFERENCE_NODES[Math.log2(width)]![start / width]);
    }
    const source = new InMemoryHashSource(leaves);
    const all = completed.map(({ start, end }) => ({ start, end }));
    expect((await source.perfectSubtreeHashes(all)).map(hex)).toEqual(completed.map((node) => hex(node.hash)));
  });

  it('generates the published inclusion and consistency proofs, and verifies them', async () => {
    const source = new InMemoryHashSource(leaves);
    for (const { index, size, proof } of REFERENCE_INCLUSION_PROOFS) {
      const generated = await inclusionProof(index, size, source);
      expect(generated.map(hex), `inclusion ${index} in ${size}`).toEqual(proof);
      expect(verifyInclusion(leaves[index]!, index, size, generated, unhex(REFERENCE_ROOTS[size]!))).toBe(true);
    }
    for (const { size1, size2, proof } of REFERENCE_CONSISTENCY_PROOFS) {
      const generated = await consistencyProof(size1, size2, source);
      expect(generated.map(hex), `consistency ${size1} to ${size2}`).toEqual(proof);
      expect(verifyConsistency(size1, size2, generated, unhex(REFERENCE_ROOTS[size1]!), unhex(REFERENCE_ROOTS[size2]!))).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The JSON test vectors of transparency-dev/merkle (testdata/, see testdata/rfc9162/SOURCE.md).

const VECTOR_ROOT = join(import.meta.dirname, 'testdata', 'rfc9162');
const VECTOR_FOLDERS = { inclusion: 98, consistency: 98, subtreeinclusion: 204, subtreeconsistency: 118 } as const;
type VectorFolder = keyof typeof VECTOR_FOLDERS;

interface Vector {
  file: string;
  data: Record<string, unknown>;
}

function loadVectors(folder: VectorFolder): Vector[] {
  const directory = join(VECTOR_ROOT, folder);
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file: `${folder}/${file}`, data: JSON.parse(readFileSync(join(directory, file), 'utf8')) as Record<string, unknown> }));
}

const bytes = (value: unknown): Uint8Array => new Uint8Array(Buffer.from(value as string, 'base64'));
const hashes = (value: unknown): Uint8Array[] => ((value ?? []) as string[]).map(bytes);
// Indices past 2^53 (the vectors hold a few near 2^64) reach us as unsafe numbers after
// JSON.parse; the verifiers refuse any index or size that is not a safe integer, and every such
// vector expects a rejection.
const count = (value: unknown): number => value as number;

const VERIFY: Record<VectorFolder, (v: Record<string, unknown>) => boolean> = {
  inclusion: (v) => verifyInclusion(bytes(v.leafHash), count(v.leafIdx), count(v.treeSize), hashes(v.proof), bytes(v.root)),
  consistency: (v) => verifyConsistency(count(v.size1), count(v.size2), hashes(v.proof), bytes(v.root1), bytes(v.root2)),
  subtreeinclusion: (v) =>
    verifySubtreeInclusion(bytes(v.leafHash), count(v.leafIdx), count(v.start), count(v.end), hashes(v.proof), bytes(v.root)),
  subtreeconsistency: (v) =>
    verifySubtreeConsistency(count(v.start), count(v.end), count(v.size), hashes(v.proof), bytes(v.root1), bytes(v.root2)),
};

describe('the transparency-dev/merkle test vectors', () => {
  const loaded = Object.fromEntries(Object.keys(VECTOR_FOLDERS).map((folder) => [folder, loadVectors(folder as VectorFolder)])) as Record<
    VectorFolder,
    Vector[]
  >;

  it('are all there: 518 files in four folders, each with proofs to accept and proofs to reject', () => {
    expect(Object.values(loaded).flat()).toHaveLength(518);
    for (const [folder, expected] of Object.entries(VECTOR_FOLDERS)) {
      const vectors = loaded[folder as VectorFolder];
      expect(vectors, folder).toHaveLength(expected);
      expect(vectors.some((v) => v.data.wantErr === false), `${folder} has valid proofs`).toBe(true);
      expect(vectors.some((v) => v.data.wantErr === true), `${folder} has invalid proofs`).toBe(true);
    }
  });

  for (const folder of Object.keys(VECTOR_FOLDERS) as VectorFolder[]) {
    describe(folder, () => {
      it.each(loaded[folder].map((vector) => [vector.file, vector] as const))('%s', (file, { data }) => {
        const accepted = VERIFY[folder](data);
        const expected = data.wantErr === false;
        expect(accepted, `${file} (${String(data.desc)}) must be ${expected ? 'accepted' : 'rejected'}`).toBe(expected);
      });
    });
  }
});

// ---------------------------------------------------------------------------------------------
// The accumulated test vectors of the draft (appendix "Subtree Test Vectors"): every output of
// each subtree algorithm over trees of up to 130 leaves d[i] = i, folded into one SHA-256.

describe('the subtree test vectors of the Merkle Tree Certificates draft', () => {
  const leaves = Array.from({ length: 130 }, (_, i) => leafHash(Uint8Array.of(i)));
  const source = new InMemoryHashSource(leaves);
  const reference = referenceTree(leaves);
  const validSubtrees = (upTo: number): [number, number][] => {
    const result: [number, number][] = [];
    for (let end = 0; end <= upTo; end++) for (let start = 0; start <= end; start++) if (isValidSubtree(start, end)) result.push([start, end]);
    return result;
  };

  it('matches the digest of every subtree hash', () => {
    const digest = createHash('sha256');
    for (const [start, end] of validSubtrees(130)) digest.update(`[${start}, ${end}) ${hex(rootOf(leaves.slice(start, end)))}\n`);
    expect(digest.digest('hex')).toBe('b82806ad4265bb151c1119c0f4db437bb4d1a1f887b3a7fba1cd4ebf552e3e81');
  });

  it('matches the digest of every subtree inclusion proof, each of which verifies', async () => {
    const digest = createHash('sha256');
    let verified = 0;
    for (const [start, end] of validSubtrees(130)) {
      for (let index = start; index < end; index++) {
        const proof = await subtreeInclusionProof(index, start, end, source);
        if (verifySubtreeInclusion(leaves[index]!, index, start, end, proof, reference.mth(start, end))) verified++;
        digest.update(`${index} [${start}, ${end})${proof.map((hash) => ` ${hex(hash)}`).join('')}\n`);
      }
    }
    expect(digest.digest('hex')).toBe('ac2a8f989e44d99e399db448050ff5f19757df53cfb716aa81015d3955d8163f');
    expect(verified).toBe(12807);
  });

  it('matches the digest of every subtree consistency proof, each of which verifies', async () => {
    const digest = createHash('sha256');
    let cases = 0;
    let verified = 0;
    for (let size = 0; size <= 130; size++) {
      for (const [start, end] of validSubtrees(size)) {
        const proof = await subtreeConsistencyProof(start, end, size, source);
        cases++;
        if (verifySubtreeConsistency(start, end, size, proof, reference.mth(start, end), reference.mth(0, size))) verified++;
        digest.update(`[${start}, ${end}) ${size}${proof.map((hash) => ` ${hex(hash)}`).join('')}\n`);
      }
    }
    expect(digest.digest('hex')).toBe('10fa99b37bf9bf9ffa26b412fbd98bd75363256d0b75d61bc4538b9c9c5a0a74');
    expect(verified).toBe(cases);
  });
});

// ---------------------------------------------------------------------------------------------
// Random trees: every generated proof equals the proof the RFC's definitions give, rebuilds the
// right roots by those definitions, and passes the module's own verifier.

describe('proofs for random tree sizes, against the recursive definitions', () => {
  const LEAF_COUNT = 3000;
  const leaves = Array.from({ length: LEAF_COUNT }, (_, i) => refLeaf(new TextEncoder().encode(`entry ${i}`)));
  const source = new InMemoryHashSource(leaves);
  const reference = referenceTree(leaves);
  const random = seededRandom(20_260_612);

  it('agrees with the reference on the root of every size', () => {
    const range = CompactRange.empty();
    for (let size = 1; size <= LEAF_COUNT; size++) {
      range.append(leaves[size - 1]!);
      if (size % 97 === 0 || size < 70) {
        const root = hex(reference.mth(0, size));
        expect(hex(range.root()), `compact range, size ${size}`).toBe(root);
        expect(hex(rootOf(leaves.slice(0, size))), `rootOf, size ${size}`).toBe(root);
      }
    }
  });

  it('200 inclusion proofs', async () => {
    for (let i = 0; i < 200; i++) {
      const size = 1 + random(LEAF_COUNT);
      const index = random(size);
      const label = `leaf ${index} of ${size}`;
      const proof = await inclusionProof(index, size, source);
      expect(proof.map(hex), label).toEqual(reference.path(index, 0, size).map(hex));
      expect(hex(rootFromPath(leaves[index]!, index, 0, size, proof)), label).toBe(hex(reference.mth(0, size)));
      expect(verifyInclusion(leaves[index]!, index, size, proof, reference.mth(0, size)), label).toBe(true);
      // The same proof must not pass for a neighbouring leaf.
      if (size > 1) {
        const other = (index + 1) % size;
        expect(verifyInclusion(leaves[other]!, other, size, proof, reference.mth(0, size)), `${label}, moved`).toBe(false);
      }
    }
  });

  it('200 consistency proofs', async () => {
    for (let i = 0; i < 200; i++) {
      const size2 = 1 + random(LEAF_COUNT);
      const size1 = 1 + random(size2);
      const label = `${size1} to ${size2}`;
      const proof = await consistencyProof(size1, size2, source);
      const expected = size1 === size2 ? [] : reference.subproof(size1, 0, size2, true);
      expect(proof.map(hex), label).toEqual(expected.map(hex));
      if (size1 < size2) {
        const [older, newer] = rootsFromConsistency(size1, 0, size2, true, proof, reference.mth(0, size1));
        expect(hex(older), label).toBe(hex(reference.mth(0, size1)));
        expect(hex(newer), label).toBe(hex(reference.mth(0, size2)));
      }
      expect(verifyConsistency(size1, size2, proof, reference.mth(0, size1), reference.mth(0, size2)), label).toBe(true);
      if (size1 < size2) {
        // A log that rewrote its history: the old root does not match any more.
        expect(verifyConsistency(size1, size2, proof, reference.mth(1, size1 + 1), reference.mth(0, size2)), `${label}, forked`).toBe(false);
      }
    }
  });

  it('100 subtree inclusion proofs and 100 subtree consistency proofs', async () => {
    const randomSubtree = (size: number): [number, number] => {
      for (;;) {
        const end = 1 + random(size);
        const start = random(end);
        if (isValidSubtree(start, end)) return [start, end];
      }
    };
    for (let i = 0; i < 100; i++) {
      const size = 1 + random(LEAF_COUNT);
      const [start, end] = randomSubtree(size);
      const index = start + random(end - start);
      const label = `leaf ${index} of [${start}, ${end})`;
      const proof = await subtreeInclusionProof(index, start, end, source);
      expect(proof.map(hex), label).toEqual(reference.path(index, start, end).map(hex));
      expect(hex(rootFromPath(leaves[index]!, index, start, end, proof)), label).toBe(hex(reference.mth(start, end)));
      expect(verifySubtreeInclusion(leaves[index]!, index, start, end, proof, reference.mth(start, end)), label).toBe(true);

      const consistency = await subtreeConsistencyProof(start, end, size, source);
      const consistencyLabel = `[${start}, ${end}) in ${size}`;
      expect(consistency.map(hex), consistencyLabel).toEqual(reference.subtreeSubproof(start, end, 0, size, true).map(hex));
      const [sub, tree] = rootsFromSubtreeConsistency(start, end, 0, size, true, consistency, reference.mth(start, end));
      expect(hex(sub), consistencyLabel).toBe(hex(reference.mth(start, end)));
      expect(hex(tree), consistencyLabel).toBe(hex(reference.mth(0, size)));
      expect(verifySubtreeConsistency(start, end, size, consistency, reference.mth(start, end), reference.mth(0, size)), consistencyLabel).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('the compact range', () => {
  const leaves = Array.from({ length: 1000 }, (_, i) => leafHash(Uint8Array.of(i % 256, i >> 8)));

  it('survives storage as JSON and keeps growing to the same roots', () => {
    const straight = CompactRange.empty();
    let stored = JSON.stringify(CompactRange.empty());
    for (let i = 0; i < leaves.length; i++) {
      straight.append(leaves[i]!);
      const resumed = CompactRange.fromJSON(JSON.parse(stored));
      resumed.append(leaves[i]!);
      stored = JSON.stringify(resumed);
    }
    const final = CompactRange.fromJSON(JSON.parse(stored));
    expect(final.size).toBe(1000);
    expect(JSON.parse(stored).hashes).toHaveLength(6); // 1000 = 0b1111101000
    expect(hex(final.root())).toBe(hex(straight.root()));
    expect(hex(final.root())).toBe(hex(rootOf(leaves)));
  });

  it('refuses a stored range whose hashes do not fit its size, or are not base64 hashes', () => {
    const range = CompactRange.empty();
    for (const leaf of leaves.slice(0, 5)) range.append(leaf);
    const json = range.toJSON();
    const fieldsOf = (value: unknown): string[] => {
      try {
        CompactRange.fromJSON(value);
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe('VALIDATION_FAILED');
        return (error as AppError).details.map((detail) => detail.path);
      }
      throw new Error('accepted');
    };
    expect(fieldsOf({ ...json, size: 7 })).toEqual(['/hashes']); // 7 leaves make three subtrees, 5 make two
    expect(fieldsOf({ ...json, size: -1 })).toEqual(['/size']);
    expect(fieldsOf({ ...json, size: 1.5 })).toEqual(['/size']);
    expect(fieldsOf({ size: 5, hashes: [json.hashes[0], 'not base64!'] })).toEqual(['/hashes/1']);
    expect(fieldsOf({ size: 5, hashes: [json.hashes[0], json.hashes[1]!.replace('=', 'A')] })).toEqual(['/hashes/1']);
    expect(fieldsOf(null)).toEqual(['/size', '/hashes']);
    expect(CompactRange.fromJSON(json).root()).toEqual(range.root());
  });

  it('is copied by clone, not shared', () => {
    const range = CompactRange.empty();
    range.append(leaves[0]!);
    const copy = range.clone();
    copy.append(leaves[1]!);
    expect(range.size).toBe(1);
    expect(hex(range.root())).toBe(hex(leaves[0]!));
    expect(hex(copy.root())).toBe(hex(rootOf(leaves.slice(0, 2))));
  });
});

describe('arguments', () => {
  const leaves = Array.from({ length: 10 }, (_, i) => leafHash(Uint8Array.of(i)));
  const source = new InMemoryHashSource(leaves);
  const root = rootOf(leaves);

  const rejection = async (promise: Promise<unknown>): Promise<AppError> => {
    const error = await promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  };

  it('generators refuse impossible requests with a validation error naming the argument', async () => {
    expect((await rejection(inclusionProof(10, 10, source))).details[0]?.path).toBe('/index');
    expect((await rejection(inclusionProof(-1, 10, source))).details[0]?.path).toBe('/index');
    expect((await rejection(inclusionProof(0.5, 10, source))).details[0]?.path).toBe('/index');
    expect((await rejection(consistencyProof(0, 10, source))).details[0]?.path).toBe('/size1');
    expect((await rejection(consistencyProof(7, 6, source))).details[0]?.path).toBe('/size1');
    expect((await rejection(subtreeInclusionProof(3, 2, 6, source))).details[0]?.path).toBe('/start');
    expect((await rejection(subtreeInclusionProof(6, 4, 6, source))).details[0]?.path).toBe('/index');
    expect((await rejection(subtreeConsistencyProof(8, 10, 9, source))).details[0]?.path).toBe('/end');
    expect((await rejection(inclusionProof(0, 11, source))).code).toBe('NOT_FOUND'); // beyond what the source holds
    expect(await consistencyProof(4, 4, source)).toEqual([]);
    expect(await subtreeConsistencyProof(3, 3, 10, source)).toEqual([]);
  });

  it('verifiers answer false, without throwing, for sizes and indices that are not safe whole numbers', async () => {
    const proof = await inclusionProof(3, 10, source);
    expect(verifyInclusion(leaves[3]!, 3, 10, proof, root)).toBe(true);
    for (const index of [-1, 3.5, Number.NaN, Infinity, 2 ** 53 + 3]) {
      expect(verifyInclusion(leaves[3]!, index, 10, proof, root), String(index)).toBe(false);
      expect(verifyInclusion(leaves[3]!, 3, index, proof, root), String(index)).toBe(false);
      expect(verifyConsistency(index, 10, [], root, root), String(index)).toBe(false);
      expect(verifySubtreeConsistency(0, 10, index, [], root, root), String(index)).toBe(false);
      expect(verifySubtreeInclusion(leaves[3]!, 3, 0, index, proof, root), String(index)).toBe(false);
    }
    expect(rootFromInclusionProof(leaves[3]!, 3, 10, proof)).toEqual(root);
    expect(rootFromInclusionProof(leaves[3]!, 3, 10, proof.slice(1))).toBeUndefined();
  });

  it('a proof longer than the tree is tall is refused, even when it hashes to a real root', () => {
    // [a] is the path of b in the tree (a, b); offered for b as the only leaf of a tree of
    // size 1, it would lead to the root of size 2 if the verifier let the path outgrow the tree.
    const [a, b] = leaves as [Hash, Hash];
    const rootOfTwo = rootOf([a, b]);
    expect(verifyInclusion(b, 1, 2, [a], rootOfTwo)).toBe(true);
    expect(verifyInclusion(b, 0, 1, [a], rootOfTwo)).toBe(false);
    expect(verifySubtreeInclusion(b, 5, 5, 6, [a], rootOfTwo)).toBe(false);
    expect(verifySubtreeConsistency(1, 2, 2, [a], b, rootOfTwo)).toBe(true);
    expect(verifySubtreeConsistency(0, 1, 1, [a], b, rootOfTwo)).toBe(false);
    expect(verifyConsistency(1, 1, [a], b, rootOfTwo)).toBe(false);
  });

  it('a consistency proof with one hash too many is refused, even when both roots are made to match', async () => {
    const proof = await consistencyProof(3, 4, source);
    const [root3, root4] = [rootOf(leaves.slice(0, 3)), rootOf(leaves.slice(0, 4))];
    expect(verifyConsistency(3, 4, proof, root3, root4)).toBe(true);
    // One more hash x on top would turn the roots into H(x, root3) and H(x, root4).
    const x = leaves[9]!;
    expect(verifyConsistency(3, 4, [...proof, x], nodeHash(x, root3), nodeHash(x, root4))).toBe(false);
  });

  it('hashing refuses hashes of the wrong length', () => {
    expect(() => nodeHash(new Uint8Array(31), leaves[0]!)).toThrow(AppError);
    expect(() => rootOf([leaves[0]!, new Uint8Array(33)])).toThrow(AppError);
    expect(() => CompactRange.empty().append(new Uint8Array(0))).toThrow(AppError);
  });

  it('rootOf hands out a fresh empty root each time', () => {
    const empty: Hash = rootOf([]);
    empty[0] = 0;
    expect(hex(rootOf([]))).toBe(REFERENCE_ROOTS[0]);
    expect(hex(EMPTY_ROOT)).toBe(REFERENCE_ROOTS[0]);
  });
});
