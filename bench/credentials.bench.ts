// Verifiable documents: credentials verified per second by Cordon's verifier (signature under the
// key the DID document lists, the credential's schema, its validity and its revocation bit in the
// status list), beside raw `jose` verification of the same tokens with the same key: `jwtVerify`, which
// checks the signature and reads the payload as a JWT, and `compactVerify`, the signature alone.
// The release notes are issued through the API for released declarations; the DID document and the
// status list are fetched from the public endpoints, as an offline verifier would hold them.
import { randomUUID } from 'node:crypto';
import { compactVerify, importJWK, jwtVerify } from 'jose';
import { result, type Benchmark, type Result } from './benchmark.ts';
import { startBenchApp, type BenchDatabase } from './support/bench-app.ts';
import { httpClient, login, stringField } from './support/http-client.ts';
import { runLoad } from './support/load.ts';
import { releaseEverythingAtOnce, setUp } from './declarations.bench.ts';
import { verifyCredential } from '../src/credentials/verification.ts';

const CREDENTIALS = 100;
/**
 * Rounds of all tokens by each verifier in turn, the order alternating, after a warm-up: on a shared
 * 2-core machine the speed drifts by ±10 % between seconds, so the verifiers are compared on the same
 * seconds rather than one after the other (the same verifier against itself this way reads 1.00 ± 0.01).
 */
const ROUNDS = 200;
const WARMUP_ROUNDS = 5;

/*
 * Target, and why: ≥ 0.8 of raw jose JWT verification (signature, then the payload read as JSON: what
 * any verifier of a vc+jwt must do before it can use the document). What Cordon adds (finding the key
 * in the DID document, the schema, the validity dates, the status bit in an already decoded list) must
 * not cost more than a quarter of it, or a border post checking a stream of documents would feel it.
 * The ratio to the bare signature check is reported beside it, without a target.
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

    const verifiers = {
      cordon: async (token: string) => {
        const verdict = await verifyCredential(token, { didDocument, statusListToken: statusList.text, now });
        if (verdict.verdict !== 'VALID') throw new Error(`verification failed: ${JSON.stringify(verdict.reasons)}`);
      },
      jwt: async (token: string) => void (await jwtVerify(token, key, { typ: 'vc+jwt' })),
      signature: async (token: string) => void (await compactVerify(token, key)),
    };
    const order = Object.keys(verifiers) as (keyof typeof verifiers)[];
    const milliseconds = { cordon: 0, jwt: 0, signature: 0 };
    for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
      for (const name of round % 2 === 0 ? order : [...order].reverse()) {
        const started = performance.now();
        for (const token of tokens) await verifiers[name](token);
        if (round >= WARMUP_ROUNDS) milliseconds[name] += performance.now() - started;
      }
    }
    const perSecond = (name: keyof typeof verifiers) => (tokens.length * ROUNDS) / (milliseconds[name] / 1000);
    const cordon = perSecond('cordon');
    return [
      result({ name: 'credentials.verify', value: cordon, unit: 'credentials/s', baseline: perSecond('jwt'), target: TARGET }),
      result({ name: 'credentials.verify.vs-signature-only', value: cordon, unit: 'credentials/s', baseline: perSecond('signature'), target: null }),
    ];
  } finally {
    await server.close();
  }
}

export const benchmarks: Benchmark[] = [{ name: 'credentials', run: measure }];
