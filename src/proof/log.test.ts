// The transparency log through the API, as an auditor, a trader and an outside party use it: every
// movement and decision becomes a leaf; checkpoints are signed; inclusion and consistency proofs
// verify; the audit passes on an honest database and names the record a direct SQL change altered;
// a book's proof bundle verifies offline.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../../test/support/test-app.ts';
import { createEnterprise, createUser, createZone, declarationBody } from '../../test/support/factories.ts';
import { DEFAULT_SELECTIVITY } from '../declarations/selectivity.schema.ts';
import { containerCheckDigit } from '../reference/validators.ts';
import { parseSignedCheckpoint, verifierKey, verifyCheckpoint } from './checkpoint.ts';
import { hashFromBase64, leafHash, nodeHash, verifyConsistency, verifyInclusion, type Hash } from './merkle.ts';
import { verifyBookBundle } from './bundle.ts';

const container = () => {
  const body = `LOGU${String(randomBytes(3).readUIntBE(0, 3) % 1_000_000).padStart(6, '0')}`;
  return `${body}${containerCheckDigit(body)}`;
};

/** MTH straight from RFC 9162 2.1.1, recursive, for an independent recomputation of roots. */
function referenceRoot(leaves: Hash[]): Hash {
  if (leaves.length === 1) return leaves[0] as Hash;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

const b64 = (text: string) => hashFromBase64(text) as Hash;

describe('transparency log', () => {
  let t: TestApp;
  let trader: ApiClient;
  let otherTrader: ApiClient;
  let officer: ApiClient;
  let auditor: ApiClient;
  let reader: ApiClient;
  let zoneId: string;
  let gateId: string;
  let bookId: string;

  /** An admission released and through the gate: transitions, a gate decision and a book movement. */
  const admitted = async () => {
    const truck = { plate: `LG${randomBytes(2).toString('hex').toUpperCase()}`, containers: [container()], seals: ['S1'] };
    const submitted = await trader.post('/api/v1/declarations', declarationBody(zoneId, { transport: { mode: 'ROAD', vehiclePlate: truck.plate, containers: truck.containers, seals: truck.seals } }));
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    expect((await officer.post(`/api/v1/declarations/${submitted.body.id}/decisions`, { action: 'RELEASE' })).status).toBe(200);
    const opened = await reader.post('/api/v1/gate-events', {
      gateId,
      readerEventId: `log-${randomBytes(6).toString('hex')}`,
      at: new Date().toISOString(),
      plate: { value: truck.plate, confidence: 0.99 },
      containers: truck.containers.map((number) => ({ number, confidence: 0.99 })),
      seals: truck.seals,
    });
    expect(opened.body.decision, JSON.stringify(opened.body)).toBe('OPEN');
    await t.ctx.gates.settle();
    return submitted.body.id as string;
  };
  const checkpoint = async () => {
    const published = await auditor.post('/api/v1/transparency/checkpoints');
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    return published.body as { size: number; rootHash: string; note: string };
  };
  const movementsOf = async (declarationId: string) =>
    ((await trader.get(`/api/v1/books/${bookId}/movements?limit=200`)).body.items as Array<{ id: string; declaration: { id: string } | null }>).filter((m) => m.declaration?.id === declarationId);

  beforeAll(async () => {
    t = await createTestApp();
    zoneId = (await createZone(t.admin)).id;
    const enterprise = await createEnterprise(t.admin, [zoneId]);
    trader = await createUser(t, 'enterprise_user', { enterpriseId: enterprise.id });
    otherTrader = await createUser(t, 'enterprise_user', { enterpriseId: (await createEnterprise(t.admin, [zoneId])).id });
    officer = await createUser(t, 'customs_officer');
    auditor = await createUser(t, 'auditor');
    gateId = (await t.admin.post(`/api/v1/zones/${zoneId}/gates`, { code: 'L1', name: 'Log gate', kind: 'ROAD', direction: 'BOTH', latitude: 40.7, longitude: -74 })).body.id;
    reader = t.client((await t.admin.post('/api/v1/api-keys', { name: 'Log gate readers', role: 'zone_operator', zoneIds: [zoneId], scopes: ['gate-events:write'] })).body.key);
    bookId = (await t.admin.get(`/api/v1/books?enterpriseId=${enterprise.id}`)).body.items[0].id;
    const { version: _v, updatedAt: _u, ...settings } = (await t.admin.get('/api/v1/administration')).body;
    await t.admin.put('/api/v1/administration', { ...settings, selectivity: { ...DEFAULT_SELECTIVITY, randomRedShare: '0', randomYellowShare: '0', autoReleaseGreen: false, rules: [] } });
  });
  afterAll(() => t.close());

  it('makes each movement and decision a leaf, signs checkpoints and proves inclusion and consistency', async () => {
    const declarationId = await admitted();
    const first = await checkpoint();
    const key = (await t.anonymous.get('/api/v1/transparency/key')).body;
    expect(verifyCheckpoint(first.note, key.vkey)).toBe(true);
    const otherKey = verifierKey(key.origin, generateKeyPairSync('ed25519').publicKey);
    expect(verifyCheckpoint(first.note, otherKey)).toBe(false);
    expect(parseSignedCheckpoint(first.note).checkpoint).toMatchObject({ origin: key.origin, size: first.size });

    // The movement, the release and the gate's decision each have their leaf.
    const [movement] = await movementsOf(declarationId);
    const entries = (await auditor.get(`/api/v1/transparency/entries?kind=book.movement&subjectId=${movement?.id}`)).body.items;
    expect(entries).toHaveLength(1);
    expect(JSON.parse(entries[0].leaf)).toMatchObject({ kind: 'book.movement', id: movement?.id, record: { book: bookId, kind: 'RECEIPT', declaration: declarationId } });
    const transitions = (await t.ctx.db.query<{ id: number; action: string }>('SELECT id, action FROM declaration_transitions WHERE declaration_id = $1 ORDER BY id', [declarationId])).map((row) => row.action);
    expect(transitions).toContain('RELEASE');
    const logged = await t.ctx.db.query<{ kind: string; n: number }>(`SELECT kind, count(*)::int AS n FROM log_entries WHERE record ->> 'declaration' = $1 GROUP BY kind ORDER BY kind`, [declarationId]);
    expect(logged.map((row) => row.kind)).toEqual(['book.movement', 'declaration.transition', 'gate.decision']);

    const proof = (await auditor.get(`/api/v1/transparency/proofs/inclusion?leafIndex=${entries[0].leafIndex}&treeSize=${first.size}`)).body;
    expect(verifyInclusion(leafHash(Buffer.from(entries[0].leaf)), entries[0].leafIndex, first.size, proof.auditPath.map(b64), b64(first.rootHash))).toBe(true);
    // The root, recomputed here from every leaf by the RFC's definition, is the checkpoint's.
    const leaves = await t.ctx.db.query<{ leaf: string }>('SELECT leaf FROM log_entries WHERE leaf_index < $1 ORDER BY leaf_index', [first.size]);
    expect(Buffer.from(referenceRoot(leaves.map((row) => leafHash(Buffer.from(row.leaf))))).toString('base64')).toBe(first.rootHash);

    await admitted();
    const second = await checkpoint();
    expect(second.size).toBeGreaterThan(first.size);
    // Anyone may check that the log only grew.
    const consistency = await t.anonymous.get(`/api/v1/transparency/proofs/consistency?from=${first.size}&to=${second.size}`);
    expect(consistency.status).toBe(200);
    expect(verifyConsistency(first.size, second.size, consistency.body.proof.map(b64), b64(first.rootHash), b64(second.rootHash))).toBe(true);
    expect(verifyConsistency(first.size, second.size, consistency.body.proof.map(b64), b64(second.rootHash), b64(first.rootHash))).toBe(false);
  });

  it('records each document issued and revoked, with the hash of the signed token', async () => {
    const declarationId = await admitted();
    const issued = await trader.post('/api/v1/credentials/release-notes', { declarationId });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    expect((await officer.post(`/api/v1/credentials/${issued.body.id}/revocation`, { reason: 'issued in error' })).status).toBe(200);
    await checkpoint();
    const entriesOf = async (kind: string) => (await auditor.get(`/api/v1/transparency/entries?kind=${kind}&subjectId=${issued.body.id}`)).body.items;
    const [issue] = await entriesOf('credential.issued');
    expect(issue.record).toMatchObject({ type: 'ReleaseNote', declaration: declarationId, tokenSha256: createHash('sha256').update(issued.body.token).digest('hex') });
    const [revocation] = await entriesOf('credential.revoked');
    expect(revocation.record).toMatchObject({ reason: 'issued in error' });
    expect(revocation.leafIndex).toBeGreaterThan(issue.leafIndex);
  });

  it('refuses proofs beyond the tree, and keeps records out of reach of traders and the public', async () => {
    const size = (await checkpoint()).size;
    const beyond = await auditor.get(`/api/v1/transparency/proofs/inclusion?leafIndex=0&treeSize=${size + 1000}`);
    expect(beyond.status).toBe(400);
    expect(beyond.body.error.details[0].path).toBe('/treeSize');
    expect((await t.anonymous.get('/api/v1/transparency/consistency?from=2&to=1')).status).toBe(404);
    expect((await t.anonymous.get('/api/v1/transparency/proofs/consistency?from=2&to=1')).status).toBe(400);
    expect((await trader.get(`/api/v1/transparency/proofs/inclusion?leafIndex=0&treeSize=${size}`)).status).toBe(403);
    expect((await trader.get('/api/v1/transparency/entries?kind=book.movement&subjectId=1')).status).toBe(403);
    expect((await trader.post('/api/v1/transparency/checkpoints')).status).toBe(403);
    expect((await t.anonymous.get('/api/v1/transparency/checkpoint')).status).toBe(200);
  });

  it('gives an enterprise its book with proofs that verify offline, and only its own', async () => {
    await admitted();
    const bundle = (await trader.get(`/api/v1/books/${bookId}/proof-bundle`)).body;
    const { vkey } = (await t.anonymous.get('/api/v1/transparency/key')).body;
    const verdict = verifyBookBundle(bundle, vkey);
    expect(verdict.problems).toEqual([]);
    expect(verdict.ok).toBe(true);
    const movements = (await trader.get(`/api/v1/books/${bookId}/movements?limit=200`)).body.items;
    expect(verdict.movementsChecked).toBe(movements.length);

    const altered = structuredClone(bundle);
    altered.movements[0].leaf = altered.movements[0].leaf.replace(/"quantity":"[^"]+"/, '"quantity":"1"');
    expect(verifyBookBundle(altered, vkey).ok).toBe(false);
    expect(verifyBookBundle(bundle, verifierKey('other', generateKeyPairSync('ed25519').publicKey)).ok).toBe(false);
    expect((await otherTrader.get(`/api/v1/books/${bookId}/proof-bundle`)).status).toBe(404);
  });

  it('passes the audit on an honest database and names the record a direct SQL change altered', async () => {
    const declarationId = await admitted();
    const kept = await checkpoint();
    const audit = (body: Record<string, unknown>) => auditor.post('/api/v1/transparency/audit', body);
    const honest = await audit({ checkpoint: kept.note });
    expect(honest.body).toMatchObject({ ok: true, checkpointSize: kept.size, leavesChecked: kept.size, problem: null });

    // Behind Cordon's back: a movement's quantity is changed in the table.
    const [movement] = await movementsOf(declarationId);
    await t.ctx.db.query('UPDATE movements SET quantity = quantity + 5 WHERE id = $1', [movement?.id]);
    const tampered = (await audit({ checkpoint: kept.note })).body;
    expect(tampered.ok).toBe(false);
    expect(tampered.problem).toMatchObject({ kind: 'book.movement', subjectId: movement?.id });
    expect(tampered.problem.message).toContain(`book.movement ${movement?.id} differs from its leaf`);
    expect(tampered.problem.fields.map((field: { field: string }) => field.field)).toEqual(['quantity']);
    await t.ctx.db.query('UPDATE movements SET quantity = quantity - 5 WHERE id = $1', [movement?.id]);
    expect((await audit({ checkpoint: kept.note })).body.ok).toBe(true);

    // The log itself rewritten, leaf and hash together: the root no longer matches the checkpoint.
    const [entry] = await t.ctx.db.query<{ id: number; leaf: string }>(`SELECT id, leaf FROM log_entries WHERE kind = 'declaration.transition' AND record ->> 'declaration' = $1 ORDER BY id LIMIT 1`, [declarationId]);
    const forged = (entry?.leaf ?? '').replace('"actorRole":"enterprise_user"', '"actorRole":"customs_officer"');
    expect(forged).not.toBe(entry?.leaf);
    await t.ctx.db.query(`UPDATE log_entries SET leaf = $2::text, record = ($2::text)::jsonb -> 'record', leaf_hash = $3 WHERE id = $1`, [entry?.id, forged, Buffer.from(leafHash(Buffer.from(forged)))]);
    const rewritten = (await audit({ checkpoint: kept.note })).body;
    expect(rewritten.ok).toBe(false);
    expect(rewritten.problem).toMatchObject({ kind: 'declaration.transition', fields: [{ field: 'actorRole', logged: 'customs_officer', now: 'enterprise_user' }] });
    await t.ctx.db.query(`UPDATE log_entries SET leaf = $2::text, record = ($2::text)::jsonb -> 'record', leaf_hash = $3 WHERE id = $1`, [entry?.id, entry?.leaf, Buffer.from(leafHash(Buffer.from(entry?.leaf ?? '')))]);

    // A leaf rewritten into text that is not JSON: named, with its hash rewritten too or not.
    const garbage = 'not a record at all';
    const [victim] = await t.ctx.db.query<{ id: number; leaf_index: number; leaf: string; leaf_hash: Buffer }>(
      `SELECT id, leaf_index, leaf, leaf_hash FROM log_entries WHERE kind = 'book.movement' AND leaf_index < $1 ORDER BY leaf_index DESC LIMIT 1`,
      [kept.size],
    );
    const victimIndex = Number(victim?.leaf_index);
    await t.ctx.db.query('UPDATE log_entries SET leaf = $2 WHERE id = $1', [victim?.id, garbage]);
    expect((await audit({ checkpoint: kept.note })).body).toMatchObject({ ok: false, problem: { leafIndex: victimIndex, message: `leaf ${victimIndex} was changed in the log` } });
    await t.ctx.db.query('UPDATE log_entries SET leaf_hash = $2 WHERE id = $1', [victim?.id, Buffer.from(leafHash(Buffer.from(garbage)))]);
    expect((await audit({ checkpoint: kept.note })).body).toMatchObject({ ok: false, problem: { leafIndex: victimIndex, message: `leaf ${victimIndex} is not a record: its text was rewritten in the log` } });
    await t.ctx.db.query('UPDATE log_entries SET leaf = $2, leaf_hash = $3 WHERE id = $1', [victim?.id, victim?.leaf, victim?.leaf_hash]);
    expect((await audit({ checkpoint: kept.note })).body.ok).toBe(true);

    // A leaf deleted from the log is missed where it was.
    const [gone] = await t.ctx.db.query<{ leaf_index: number }>(`DELETE FROM log_entries WHERE leaf_index = (SELECT max(leaf_index) FROM log_entries WHERE leaf_index < $1) RETURNING leaf_index`, [kept.size]);
    expect((await audit({ checkpoint: kept.note })).body).toMatchObject({ ok: false, problem: { leafIndex: Number(gone?.leaf_index), message: `leaf ${Number(gone?.leaf_index)} is missing from the log` } });

    // A checkpoint signed by someone else is refused before anything is read.
    const stranger = verifierKey('someone', generateKeyPairSync('ed25519').publicKey);
    expect((await audit({ checkpoint: kept.note, verifierKey: stranger })).body).toMatchObject({ ok: false, problem: { message: 'the checkpoint is not signed by this key' } });
  });
});
