// Verifiable documents: credentials verified per second by Cordon's verifier (signature under the
// key the DID document lists, the credential's schema, its validity and its revocation bit in the
// status list), beside raw `jose` compact JWS verification of the same tokens with the same key.
// The release notes are issued through the API for released declarations; the DID document and the
// status list are fetched from the public endpoints, as an offline verifier would hold them.
import { randomUUID } from 'node:crypto';
import { compactVerify, importJWK } from 'jose';
import { result, type Benchmark, type Result } from './benchmark.ts';
import { startBenchApp, type BenchDatabase } from './support/bench-app.ts';
import { httpClient, login, stringField } from './support/http-client.ts';
import { runLoad } from './support/load.ts';
import { releaseEverythingAtOnce, setUp } from './declarations.bench.ts';
import { verifyCredential } from '../src/credentials/verification.ts';

const CREDENTIALS = 100;
const ROUNDS = 30;

/*
 * Target, and why: ≥ 0.8 of raw jose. The signature check is the one costly step; what Cordon adds
 * (finding the key in the DID document, the schema, the status bit in an already decoded list) must
 * not cost more than a quarter of it, or a border post checking a stream of documents would feel it.
 */
const TARGET = { ratioMin: 0.8 };

async function measure(): Promise<Result[]> {
  const database: BenchDatabase = { kind: 'pglite' };
  const server = await startBenchApp(database);
  try {
    const { trader, zoneId } = await setUp(server.url, server.adminPassword);
    const admin = await login(server.url, 'admin', server.adminPassword);
    await releaseEverythingAtOnce(admin);
    const tokens: string[] = [];
    await runLoad({ count: CREDENTIALS, concurrency: 4, maxSeconds: 300 }, async (n) => {
      const declaration = await trader.expect(
        'POST',
        '/api/v1/declarations',
        {
          type: 'ADMISSION',
          zoneId,
          currency: 'USD',
          transport: { mode: 'ROAD', vehiclePlate: `CR${String(n).padStart(6, '0')}` },
          lines: [{ hsCode: '851713', description: 'Smartphones', originCountry: 'CN', quantity: '100', unit: 'H87', netMass: '2000', grossMass: '2400', customsValue: '25000.00' }],
        },
        { status: 201, headers: { 'idempotency-key': `cred-bench-${randomUUID()}` } },
      );
      const issued = await trader.expect('POST', '/api/v1/credentials/release-notes', { declarationId: stringField(declaration, 'id', 'POST declaration') }, { status: 201, headers: { 'idempotency-key': randomUUID() } });
      tokens.push(stringField(issued, 'token', 'POST release note'));
    });
    const anonymous = httpClient(server.url);
    const didDocument = await anonymous.expect('GET', '/.well-known/did.json');
    const statusList = await anonymous.send('GET', '/api/v1/public/status-lists/1');
    if (statusList.status !== 200) throw new Error(`GET the status list answered ${statusList.status}`);

    const now = new Date();
    const check = await verifyCredential(tokens[0] as string, { didDocument, statusListToken: statusList.text, now });
    if (check.verdict !== 'VALID') throw new Error(`a fresh credential did not verify: ${JSON.stringify(check.reasons)}`);
    const key = await importJWK(server.ctx.signingKey.publicJwk, 'EdDSA');

    const time = async (verify: (token: string) => Promise<void>) => {
      const started = performance.now();
      for (let round = 0; round < ROUNDS; round++) for (const token of tokens) await verify(token);
      return (tokens.length * ROUNDS) / ((performance.now() - started) / 1000);
    };
    await time(async (token) => void (await compactVerify(token, key)));
    const raw = await time(async (token) => void (await compactVerify(token, key)));
    const cordon = await time(async (token) => {
      const verdict = await verifyCredential(token, { didDocument, statusListToken: statusList.text, now });
      if (verdict.verdict !== 'VALID') throw new Error(`verification failed: ${JSON.stringify(verdict.reasons)}`);
    });
    return [result({ name: 'credentials.verify', value: cordon, unit: 'credentials/s', baseline: raw, target: TARGET })];
  } finally {
    await server.close();
  }
}

export const benchmarks: Benchmark[] = [{ name: 'credentials', run: measure }];
