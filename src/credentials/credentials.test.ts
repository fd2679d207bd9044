// Verifiable trade documents through the API, as the exporter, the officer and a stranger with the
// QR code see them: issued from what the records say, verified at the public endpoint, revoked
// through the published status list, refused when they would not hold, and checked offline.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CompactSign, compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../../test/support/test-app.ts';
import { createEnterprise, createUser, createZone } from '../../test/support/factories.ts';
import { declareAndPass, expectStatus, line, setSelectivity, submit } from '../books/books.fixtures.ts';
import { readEvents } from '../platform/events/outbox.ts';
import { runVerifyCredential } from './credentials.cli.ts';
import { credentialsRepository } from './credentials.repository.ts';
import { buildDidDocument, didWebFromUrl } from './did-web.ts';

const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));

/** The bit of a status list token at `index`, read without Cordon's own decoder. */
function bitInList(listToken: string, index: number): number {
  const encoded: string = payloadOf(listToken).credentialSubject.encodedList;
  expect(encoded.startsWith('u')).toBe(true);
  const bytes = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
  expect(bytes.length).toBe(131_072 / 8);
  return ((bytes[Math.floor(index / 8)] ?? 0) >> (7 - (index % 8))) & 1;
}

describe('verifiable documents', () => {
  let t: TestApp;
  let zone: { id: string; code: string };
  let e1: { id: string; name: string };
  let trader1: ApiClient;
  let trader2: ApiClient;
  let officer: ApiClient;
  let officerElsewhere: ApiClient;
  let auditor: ApiClient;
  let exported: { id: string; reference: string };
  let admitted: { id: string; reference: string };
  let publicUrl: string;
  let did: string;
  const dirs: string[] = [];

  const certificateBody = (declarationId: string, overrides: Record<string, unknown> = {}) => ({
    declarationId,
    importingCountry: 'DE',
    lines: [
      { lineNo: 1, originCriterion: 'WO' },
      { lineNo: 2, originCriterion: 'CTH' },
    ],
    ...overrides,
  });
  const verifyPublicly = async (token: string) => {
    const response = await t.anonymous.post('/api/v1/public/credentials/verification', { token });
    expectStatus(response, 200);
    return response.body;
  };
  const errorCodes = (verification: { reasons: Array<{ code: string; severity: string }> }) => verification.reasons.filter((r) => r.severity === 'error').map((r) => r.code);

  beforeAll(async () => {
    t = await createTestApp();
    publicUrl = t.ctx.config.publicUrl;
    did = didWebFromUrl(publicUrl);
    await setSelectivity(t, { rules: [{ name: 'Apparel', lane: 'YELLOW', reason: 'valuation check', hsPrefixes: ['62'] }] });
    zone = await createZone(t.admin, { locode: 'USNYC' });
    const otherZone = await createZone(t.admin, { locode: 'USEWR' });
    e1 = await createEnterprise(t.admin, [zone.id]);
    const e2 = await createEnterprise(t.admin, [zone.id]);
    trader1 = await createUser(t, 'enterprise_user', { enterpriseId: e1.id });
    trader2 = await createUser(t, 'enterprise_user', { enterpriseId: e2.id });
    officer = await createUser(t, 'customs_officer', { zoneIds: [zone.id] });
    officerElsewhere = await createUser(t, 'customs_officer', { zoneIds: [otherZone.id] });
    auditor = await createUser(t, 'auditor');
    const operator = await createUser(t, 'zone_operator', { zoneIds: [zone.id] });
    const actors = { trader: trader1, officer, operator };
    const goods = [
      line(100, 25000, { partNumber: 'VC-1', hsCode: '851713', description: 'Smartphones', originCountry: 'US' }),
      line(40, 8000, { partNumber: 'VC-2', hsCode: '847130', description: 'Laptops', originCountry: 'US' }),
    ];
    admitted = await declareAndPass(actors, zone.id, 'ADMISSION', goods, {
      transport: { mode: 'ROAD', vehiclePlate: 'NYC4471', containers: ['CSQU3054383'] },
    });
    exported = await submit(trader1, zone.id, 'EXPORT', [line(60, 15000, { partNumber: 'VC-1', hsCode: '851713', description: 'Smartphones', originCountry: 'US' }), line(10, 2000, { partNumber: 'VC-2', hsCode: '847130', description: 'Laptops', originCountry: 'US' })], {
      destinationCountry: 'DE',
    });
    expect((exported as { state?: string }).state).toBe('RELEASED');
  }, 60_000);
  afterAll(async () => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  describe('a certificate of origin asked for by the exporter', () => {
    let issued: any;

    beforeAll(async () => {
      const response = await trader1.post('/api/v1/credentials/certificates-of-origin', certificateBody(exported.id), { 'idempotency-key': 'coo-first' });
      expectStatus(response, 201);
      issued = response.body;
    });

    it('is issued at once with what the records say, signed as vc+jwt under the did:web key', () => {
      expect(issued).toMatchObject({ type: 'CertificateOfOrigin', status: 'ACTIVE', declarationId: exported.id, declarationReference: exported.reference, enterpriseId: e1.id, zoneId: zone.id });
      expect(issued.verificationUrl).toBe(`${publicUrl}/verify/${issued.id}`);
      const credential = issued.credential;
      expect(credential['@context'][0]).toBe('https://www.w3.org/ns/credentials/v2');
      expect(credential).toMatchObject({
        id: `urn:uuid:${issued.id}`,
        type: ['VerifiableCredential', 'CertificateOfOrigin'],
        issuer: did,
        credentialSchema: { id: `${publicUrl}/api/v1/public/credential-schemas/CertificateOfOrigin`, type: 'JsonSchema' },
        credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListCredential: `${publicUrl}/api/v1/public/status-lists/1` },
        credentialSubject: {
          declaration: { reference: exported.reference, declarationType: 'EXPORT' },
          exporter: { id: `urn:uuid:${e1.id}`, name: e1.name },
          importingCountry: 'DE',
          zone: { code: zone.code, locode: 'USNYC' },
          goods: [
            { lineNo: 1, hsCode: '851713', description: 'Smartphones', quantity: '60', unit: 'H87', originCountry: 'US', originCriterion: 'WO' },
            { lineNo: 2, hsCode: '847130', description: 'Laptops', quantity: '10', unit: 'H87', originCountry: 'US', originCriterion: 'CTH' },
          ],
        },
      });
      expect(credential.credentialStatus.statusListIndex).toMatch(/^\d+$/);
      expect(Date.parse(credential.validFrom)).not.toBeNaN();
      expect(decodeProtectedHeader(issued.token)).toEqual({ alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: `${did}#${t.ctx.signingKey.keyId}` });
      expect(payloadOf(issued.token)).toEqual(credential);
    });

    it('is VALID at the public endpoint, for anyone, with its revocation checked', async () => {
      const verification = await verifyPublicly(issued.token);
      expect(verification.verdict).toBe('VALID');
      expect(verification.reasons).toEqual([]);
      const administration = (await t.admin.get('/api/v1/administration')).body;
      expect(verification.issuer).toEqual({ id: did, name: administration.name });
      expect(verification.credential).toEqual(issued.credential);
      const byQr = await t.anonymous.get(`/api/v1/public/credentials/${issued.id}`);
      expectStatus(byQr, 200);
      expect(byQr.body).toEqual({ id: issued.id, type: 'CertificateOfOrigin', token: issued.token, status: 'ACTIVE', revokedAt: null, verificationUrl: issued.verificationUrl });
    });

    it('answers a retry with the same Idempotency-Key with the same document, and refuses a second one in force', async () => {
      const retry = await trader1.post('/api/v1/credentials/certificates-of-origin', certificateBody(exported.id), { 'idempotency-key': 'coo-first' });
      expectStatus(retry, 201);
      expect(retry.body.id).toBe(issued.id);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      const second = await officer.post('/api/v1/credentials/certificates-of-origin', certificateBody(exported.id));
      expectStatus(second, 409);
      expect(second.body.error.details).toEqual([{ path: '/declarationId', message: `credential ${issued.id} is in force` }]);
    });

    it('is INVALID once one field of its payload is changed', async () => {
      const [header, , signature] = (issued.token as string).split('.');
      const changed = structuredClone(issued.credential);
      changed.credentialSubject.goods[0].originCountry = 'CN';
      const tampered = [header, Buffer.from(JSON.stringify(changed)).toString('base64url'), signature].join('.');
      const verification = await verifyPublicly(tampered);
      expect(verification).toMatchObject({ verdict: 'INVALID', credential: null, issuer: null });
      expect(errorCodes(verification)).toEqual(['SIGNATURE_INVALID']);
    });

    it('is INVALID when the same content is signed by another key under the administration’s key id', async () => {
      const forged = await new CompactSign(new TextEncoder().encode(JSON.stringify(issued.credential)))
        .setProtectedHeader({ alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: `${did}#${t.ctx.signingKey.keyId}` })
        .sign(generateKeyPairSync('ed25519').privateKey);
      const verification = await verifyPublicly(forged);
      expect(verification.verdict).toBe('INVALID');
      expect(errorCodes(verification)).toEqual(['SIGNATURE_INVALID']);
    });

    it('carries a QR code of its public verification page', async () => {
      const response = await trader1.get(`/api/v1/credentials/${issued.id}/qr.svg`);
      expectStatus(response, 200);
      expect(response.headers['content-type']).toMatch(/^image\/svg\+xml/);
      expect(response.body).toBe(await QRCode.toString(`${publicUrl}/verify/${issued.id}`, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
    });

    it("is not shown to another enterprise's user or to an officer of another zone", async () => {
      for (const [client, url] of [
        [trader2, `/api/v1/credentials/${issued.id}`],
        [trader2, `/api/v1/credentials/${issued.id}/qr.svg`],
        [officerElsewhere, `/api/v1/credentials/${issued.id}`],
      ] as const) {
        const response = await client.get(url);
        expectStatus(response, 404);
        expect(response.body.error.code).toBe('NOT_FOUND');
      }
      for (const client of [trader2, officerElsewhere]) {
        const listed = await client.get(`/api/v1/credentials?declarationId=${exported.id}`);
        expectStatus(listed, 200);
        expect(listed.body.items).toEqual([]);
        expect((await client.get('/api/v1/credentials?limit=200')).body.items.map((c: { id: string }) => c.id)).not.toContain(issued.id);
      }
      const asked = await trader2.post('/api/v1/credentials/certificates-of-origin', certificateBody(exported.id));
      expectStatus(asked, 400);
      expect(asked.body.error.details).toEqual([{ path: '/declarationId', message: 'no declaration with this id that you may see' }]);
      expect((await trader1.get(`/api/v1/credentials?declarationId=${exported.id}`)).body.items.map((c: { id: string }) => c.id)).toEqual([issued.id]);
      expect((await auditor.get(`/api/v1/credentials/${issued.id}`)).status).toBe(200);
    });
  });

  describe('refusals at issue', () => {
    it('names the bad origin criterion, the unknown country and the lines left out; nothing is issued', async () => {
      const before = (await officer.get('/api/v1/credentials?limit=200')).body.items.length;
      const criterion = await officer.post(
        '/api/v1/credentials/certificates-of-origin',
        certificateBody(exported.id, { lines: [{ lineNo: 1, originCriterion: 'XX' }, { lineNo: 2, originCriterion: 'PE' }] }),
      );
      expectStatus(criterion, 400);
      expect(criterion.body.error.details).toEqual([{ path: '/lines/0/originCriterion', message: 'must be one of WO, PE, CC, CTH, CTSH, VA, SP' }]);
      const semantic = await officer.post(
        '/api/v1/credentials/certificates-of-origin',
        certificateBody(exported.id, { importingCountry: 'QQ', lines: [{ lineNo: 1, originCriterion: 'WO' }, { lineNo: 7, originCriterion: 'PE' }] }),
      );
      expectStatus(semantic, 400);
      expect(semantic.body.error.details).toEqual([
        { path: '/importingCountry', message: 'is not an ISO 3166 country code' },
        { path: '/lines/1/lineNo', message: 'the declaration has no line 7' },
        { path: '/lines', message: 'give the origin criterion of every line; missing: 2' },
      ]);
      expect((await officer.get('/api/v1/credentials?limit=200')).body.items.length).toBe(before);
    });

    it('refuses a certificate of origin for an ADMISSION, and any document before release', async () => {
      const admission = await officer.post('/api/v1/credentials/certificates-of-origin', certificateBody(admitted.id));
      expectStatus(admission, 400);
      expect(admission.body.error.details).toEqual([
        { path: '/declarationId', message: 'is an ADMISSION declaration; a certificate of origin attests goods of an EXPORT declaration' },
      ]);
      const waiting = await submit(trader1, zone.id, 'ADMISSION', [line(5, 500, { hsCode: '620342', description: "Men's cotton trousers", originCountry: 'BD' })]);
      expect(waiting.state).toBe('ASSESSED');
      const early = await trader1.post('/api/v1/credentials/release-notes', { declarationId: waiting.id });
      expectStatus(early, 409);
      expect(early.body.error).toMatchObject({ code: 'INVALID_TRANSITION', details: [{ path: '/declarationId', message: 'is ASSESSED; a release note is issued once the goods are released' }] });
    });
  });

  describe('a release note', () => {
    it('states the release time from the declaration’s history, the truck and containers, and the lines', async () => {
      const response = await officer.post('/api/v1/credentials/release-notes', { declarationId: admitted.id });
      expectStatus(response, 201);
      const declaration = (await officer.get(`/api/v1/declarations/${admitted.id}`)).body;
      const releasedAt = declaration.history.filter((step: { toState: string }) => step.toState === 'RELEASED').at(-1).at;
      expect(response.body.credential.credentialSubject).toEqual({
        type: 'ReleaseNoteSubject',
        declaration: { reference: admitted.reference, declarationType: 'ADMISSION' },
        enterprise: expect.objectContaining({ id: `urn:uuid:${e1.id}`, name: e1.name }),
        zone: expect.objectContaining({ code: zone.code, locode: 'USNYC' }),
        releasedAt,
        transport: { mode: 'ROAD', vehiclePlate: 'NYC4471', containers: ['CSQU3054383'] },
        lines: [
          { lineNo: 1, hsCode: '851713', description: 'Smartphones', quantity: '100', unit: 'H87' },
          { lineNo: 2, hsCode: '847130', description: 'Laptops', quantity: '40', unit: 'H87' },
        ],
      });
      expect((await verifyPublicly(response.body.token)).verdict).toBe('VALID');
    });
  });

  describe('revocation', () => {
    it('sets the bit in the published status list, re-signed, and the credential verifies REVOKED', async () => {
      const declaration = await submit(trader1, zone.id, 'EXPORT', [line(5, 1250, { partNumber: 'VC-1', hsCode: '851713', description: 'Smartphones', originCountry: 'US' })], { destinationCountry: 'FR' });
      const issued = (await officer.post('/api/v1/credentials/certificates-of-origin', { declarationId: declaration.id, importingCountry: 'FR', lines: [{ lineNo: 1, originCriterion: 'VA' }] })).body;
      const index = Number(issued.credential.credentialStatus.statusListIndex);
      const before = await t.anonymous.get('/api/v1/public/status-lists/1');
      expectStatus(before, 200);
      expect(bitInList(before.body, index)).toBe(0);

      expectStatus(await trader1.post(`/api/v1/credentials/${issued.id}/revocation`, { reason: 'mine' }), 403);
      const revoked = await officer.post(`/api/v1/credentials/${issued.id}/revocation`, { reason: 'Origin of the smartphones found to be CN at verification' });
      expectStatus(revoked, 200);
      expect(revoked.body).toMatchObject({ status: 'REVOKED', revocationReason: 'Origin of the smartphones found to be CN at verification' });

      const list = await t.anonymous.get('/api/v1/public/status-lists/1');
      expectStatus(list, 200);
      expect(list.headers['content-type']).toMatch(/^application\/vc\+jwt/);
      expect(list.body).not.toBe(before.body);
      expect(bitInList(list.body, index)).toBe(1);
      expect(bitInList(list.body, index + 1)).toBe(0);
      // The list verifies under the key the DID document publishes.
      const didDocument = (await t.anonymous.get('/.well-known/did.json')).body;
      const key = await importJWK(didDocument.verificationMethod[0].publicKeyJwk as JWK, 'EdDSA');
      const { protectedHeader } = await compactVerify(list.body as string, key);
      expect(protectedHeader).toMatchObject({ typ: 'vc+jwt', kid: didDocument.verificationMethod[0].id });
      expect(payloadOf(list.body)).toMatchObject({ id: `${publicUrl}/api/v1/public/status-lists/1`, type: ['VerifiableCredential', 'BitstringStatusListCredential'], issuer: did, credentialSubject: { type: 'BitstringStatusList', statusPurpose: 'revocation' } });

      const verification = await verifyPublicly(issued.token);
      expect(verification.verdict).toBe('REVOKED');
      expect(errorCodes(verification)).toEqual(['REVOKED']);
      expect((await t.anonymous.get(`/api/v1/public/credentials/${issued.id}`)).body).toMatchObject({ status: 'REVOKED', revokedAt: revoked.body.revokedAt });
      const again = await officer.post(`/api/v1/credentials/${issued.id}/revocation`, { reason: 'twice' });
      expectStatus(again, 409);

      // The events went out with the zone and enterprise that route them.
      const events = (await readEvents(t.ctx.db, 0, 100_000)).filter((event) => event.aggregateId === issued.id);
      expect(events.map((event) => [event.type, event.zoneId, event.enterpriseId])).toEqual([
        ['credential.issued', zone.id, e1.id],
        ['credential.revoked', zone.id, e1.id],
      ]);

      // A new certificate may replace it, on an index of its own.
      const replacement = await officer.post('/api/v1/credentials/certificates-of-origin', { declarationId: declaration.id, importingCountry: 'FR', lines: [{ lineNo: 1, originCriterion: 'CTSH' }] });
      expectStatus(replacement, 201);
      expect(Number(replacement.body.credential.credentialStatus.statusListIndex)).not.toBe(index);
      expect((await verifyPublicly(replacement.body.token)).verdict).toBe('VALID');
    });

    it('keeps every bit when two revocations of one list run at once, and issues one document when two are asked at once', async () => {
      const released = await Promise.all([1, 2].map(() => submit(trader1, zone.id, 'ADMISSION', [line(2, 200)])));
      const notes = await Promise.all(released.map(async (d) => (await officer.post('/api/v1/credentials/release-notes', { declarationId: d.id })).body));
      const revocations = await Promise.all(notes.map((note) => officer.post(`/api/v1/credentials/${note.id}/revocation`, { reason: 'withdrawn' })));
      expect(revocations.map((r) => r.status)).toEqual([200, 200]);
      const list = (await t.anonymous.get('/api/v1/public/status-lists/1')).body;
      for (const note of notes) expect(bitInList(list, Number(note.credential.credentialStatus.statusListIndex))).toBe(1);

      const asked = await Promise.all([trader1, officer].map((client) => client.post('/api/v1/credentials/release-notes', { declarationId: released[0]?.id })));
      expect(asked.map((r) => r.status).sort()).toEqual([201, 409]);
    });
  });

  describe('what a verifier fetches', () => {
    it('serves the DID document with the signing key for assertion, and the schemas', async () => {
      const response = await t.anonymous.get('/.well-known/did.json');
      expectStatus(response, 200);
      expect(response.headers['content-type']).toMatch(/^application\/did\+json/);
      expect(response.body).toEqual(buildDidDocument(did, t.ctx.signingKey.publicJwk, t.ctx.signingKey.keyId));
      expect(response.body.verificationMethod[0].publicKeyJwk.x).toBe(t.ctx.signingKey.publicJwk.x);

      const schema = await t.anonymous.get('/api/v1/public/credential-schemas/CertificateOfOrigin');
      expectStatus(schema, 200);
      expect(schema.body).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', $id: `${publicUrl}/api/v1/public/credential-schemas/CertificateOfOrigin`, title: 'Certificate of origin' });
      const criterion = schema.body.properties.credentialSubject.properties.goods.items.properties.originCriterion;
      expect(criterion.enum).toEqual(['WO', 'PE', 'CC', 'CTH', 'CTSH', 'VA', 'SP']);
      expect(criterion.description).toContain('CTH: change of tariff heading');
      expectStatus(await t.anonymous.get('/api/v1/public/credential-schemas/ReleaseNote'), 200);
      expectStatus(await t.anonymous.get('/api/v1/public/credential-schemas/Passport'), 400);
      expectStatus(await t.anonymous.get('/api/v1/public/status-lists/99'), 404);
    });
  });

  describe('offline verification with the cordon command', () => {
    it('says VALID, REVOKED or INVALID from the files fetched from the public endpoints', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'cordon-credentials-'));
      dirs.push(dir);
      const write = (name: string, content: string) => {
        const file = path.join(dir, name);
        writeFileSync(file, content);
        return file;
      };
      const note = (await trader1.post('/api/v1/credentials/release-notes', { declarationId: exported.id })).body;
      const revokedNote = (await officer.post('/api/v1/credentials/release-notes', { declarationId: (await submit(trader1, zone.id, 'ADMISSION', [line(3, 300)])).id })).body;
      expectStatus(await officer.post(`/api/v1/credentials/${revokedNote.id}/revocation`, { reason: 'issued in error' }), 200);

      const didFile = write('did.json', JSON.stringify((await t.anonymous.get('/.well-known/did.json')).body));
      const statusFile = write('status-list.jwt', (await t.anonymous.get('/api/v1/public/status-lists/1')).body);
      const credentialFile = write('note.json', JSON.stringify((await t.anonymous.get(`/api/v1/public/credentials/${note.id}`)).body));
      const revokedFile = write('revoked.jwt', revokedNote.token);
      const [header, , signature] = (note.token as string).split('.');
      const changed = { ...note.credential, validFrom: '2020-01-01T00:00:00Z' };
      const tamperedFile = write('tampered.jwt', [header, Buffer.from(JSON.stringify(changed)).toString('base64url'), signature].join('.'));

      const run = async (file: string, status?: string) => {
        const lines: string[] = [];
        const code = await runVerifyCredential(file, { did: didFile, status }, (text) => lines.push(text));
        return { code, lines };
      };
      const valid = await run(credentialFile, statusFile);
      expect(valid.code).toBe(0);
      expect(valid.lines[0]).toBe('VALID');
      expect(valid.lines.join('\n')).toContain(`issuer      ${did}`);
      const unchecked = await run(credentialFile);
      expect(unchecked.code).toBe(0);
      expect(unchecked.lines.join('\n')).toContain('notice      STATUS_NOT_CHECKED');
      const revoked = await run(revokedFile, statusFile);
      expect(revoked).toMatchObject({ code: 1, lines: expect.arrayContaining(['REVOKED']) });
      expect(revoked.lines[0]).toBe('REVOKED');
      const tampered = await run(tamperedFile, statusFile);
      expect(tampered.code).toBe(1);
      expect(tampered.lines[0]).toBe('INVALID');
      expect(tampered.lines.join('\n')).toContain('SIGNATURE_INVALID');
      const missing = await run(path.join(dir, 'nothing.jwt'));
      expect(missing).toMatchObject({ code: 1, lines: ['INVALID', expect.stringContaining('UNREADABLE')] });
    });
  });

  describe("a partner administration's credential", () => {
    it('verifies against the DID document and status list the officer gives', async () => {
      const partnerDid = 'did:web:douane.partner.example';
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const didDocument = buildDidDocument(partnerDid, publicKey.export({ format: 'jwk' }), 'p256');
      const credential = {
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        id: 'urn:uuid:5f1c9d2e-3b4a-4c6d-8e7f-9a0b1c2d3e4f',
        type: ['VerifiableCredential', 'ExportLicence'],
        issuer: partnerDid,
        validFrom: '2026-01-01T00:00:00Z',
        credentialSubject: { licence: 'EXP-2026-118', holder: 'Atelier Lyonnais SA' },
      };
      const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(credential)))
        .setProtectedHeader({ alg: 'ES256', typ: 'vc+jwt', kid: `${partnerDid}#p256` })
        .sign(privateKey);
      for (const client of [officer, auditor]) {
        const response = await client.post('/api/v1/credentials/external-verification', { token, didDocument });
        expectStatus(response, 200);
        expect(response.body).toMatchObject({ verdict: 'VALID', issuer: { id: partnerDid, name: null }, credential });
      }
      const ours = (await trader1.get(`/api/v1/credentials?declarationId=${exported.id}`)).body.items[0].token;
      const mismatched = await officer.post('/api/v1/credentials/external-verification', { token: ours, didDocument });
      expect(mismatched.body.verdict).toBe('INVALID');
      expect(errorCodes(mismatched.body)).toEqual(['UNKNOWN_ISSUER']);
      expectStatus(await trader1.post('/api/v1/credentials/external-verification', { token, didDocument }), 403);
    });
  });

  describe('status list indexes', () => {
    it('are handed out at random and never twice; asked only for taken ones, the lowest free index is used', async () => {
      const rows = await t.ctx.db.query<{ status_list_index: number }>('SELECT status_list_index FROM credentials WHERE status_list_id = 1 ORDER BY issued_at, id');
      const indexes = rows.map((row) => Number(row.status_list_index));
      expect(indexes.length).toBeGreaterThanOrEqual(5);
      expect(new Set(indexes).size).toBe(indexes.length);
      // In order they would be 0, 1, 2, ...; at random all below 100 per document has a chance under 10^-12.
      expect(Math.max(...indexes)).toBeGreaterThan(100 * indexes.length);

      const taken = new Set(indexes);
      let lowestFree = 0;
      while (taken.has(lowestFree)) lowestFree += 1;
      const rolledBack = new Error('roll back');
      let allocated: { listId: number; index: number } | null = null;
      await expect(
        t.ctx.db.transaction(async (tx) => {
          allocated = await credentialsRepository.allocateIndex(tx, () => indexes[0] as number);
          throw rolledBack;
        }),
      ).rejects.toBe(rolledBack);
      expect(allocated).toEqual({ listId: 1, index: lowestFree });
    });
  });
});
