// Scanner images through the API: uploads to a task checked by their content and size, stored once
// under their SHA-256 and served back to staff; the analyst's reading; scans of a container taken
// before any declaration names it, attached when such a declaration is assessed.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../test/support/test-app.ts';
import { ConfigError, loadConfig } from '../platform/config.ts';
import { containerNumber, createInspectionWorld, declare, expectStatus, images, laneTask, smartphones, upload, type InspectionWorld, WORLD_TIMEOUT_MS } from './inspections.fixtures.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const query = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe('configuration of uploads', () => {
  it('keeps images beside the database unless told otherwise, up to 25 MB unless told otherwise', () => {
    expect(loadConfig({ CORDON_DATA_DIR: '/srv/cordon' })).toMatchObject({ objectDir: '/srv/cordon/objects', maxUploadBytes: 26_214_400 });
    expect(loadConfig({ CORDON_OBJECT_DIR: '/mnt/images', CORDON_MAX_UPLOAD_BYTES: '1048576' })).toMatchObject({ objectDir: '/mnt/images', maxUploadBytes: 1_048_576 });
    expect(() => loadConfig({ CORDON_MAX_UPLOAD_BYTES: '25MB' })).toThrow(ConfigError);
    expect(() => loadConfig({ CORDON_MAX_UPLOAD_BYTES: '10' })).toThrow('CORDON_MAX_UPLOAD_BYTES must be between 1024 and 1073741824, got 10');
  });
});

describe('scans', () => {
  let w: InspectionWorld;
  /** A scanner at the quay: the zone operator's API key with the scans:write scope. */
  let scanner: ApiClient;

  beforeAll(async () => {
    w = await createInspectionWorld();
    const key = await w.admin.post('/api/v1/api-keys', { name: 'quay scanner 1', role: 'zone_operator', zoneIds: [w.zone.id], scopes: ['scans:write'] });
    expectStatus(key, 201);
    scanner = w.t.client(key.body.key);
  }, WORLD_TIMEOUT_MS);
  afterAll(() => w?.t.close());

  async function scanTask(containers = [containerNumber('MSC', 100)]) {
    const red = await declare(w, { lines: [smartphones], transport: { mode: 'SEA', containers } });
    const task = await laneTask(w, red.id);
    expect(task.kind).toBe('NON_INTRUSIVE_SCAN');
    return { declaration: red, task };
  }

  async function imageOf(token: string, url: string) {
    const response = await w.t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    return { status: response.statusCode, bytes: response.rawPayload, headers: response.headers };
  }

  describe('uploads to a task', () => {
    it('stores an image under its SHA-256, written whole to the object directory, and serves it back to staff', async () => {
      const container = containerNumber('MSC', 101);
      const { task } = await scanTask([container]);
      const bytes = images.png();
      const response = await upload(w.officer.client, `/api/v1/inspections/${task.id}/scans?${query({ kind: 'XRAY', scannerId: 'QUAY-XR-1', containerNumber: container.toLowerCase() })}`, bytes, 'image/png');
      expectStatus(response, 201);
      const hash = sha256(bytes);
      expect(response.body).toMatchObject({
        taskId: task.id,
        zoneId: w.zone.id,
        kind: 'XRAY',
        scannerId: 'QUAY-XR-1',
        containerNumber: container,
        image: { sha256: hash, size: bytes.length, type: 'image/png', url: `/api/v1/scans/${response.body.id}/image` },
        recordedBy: w.officer.id,
        reading: null,
      });

      const file = path.join(w.t.ctx.config.objectDir, hash.slice(0, 2), hash.slice(2, 4), hash);
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file).equals(bytes)).toBe(true);

      const served = await imageOf(w.auditor.token, response.body.image.url);
      expect(served.status).toBe(200);
      expect(served.headers['content-type']).toBe('image/png');
      expect(served.headers.etag).toBe(`"${hash}"`);
      expect(served.bytes.equals(bytes)).toBe(true);
      for (const [outsider, status] of [[w.trader, 403], [w.operator, 403], [w.officerElsewhere, 404]] as const) {
        expect((await imageOf(outsider.token, response.body.image.url)).status).toBe(status);
        expectStatus(await outsider.client.get(`/api/v1/scans/${response.body.id}`), status);
      }

      const detail = await w.officer.client.get(`/api/v1/inspections/${task.id}`);
      expect(detail.body.scans).toEqual([response.body]);
    });

    it('trusts the content, not the Content-Type: a PDF called PNG is refused (415) and nothing is kept; a JPEG sent as octet-stream is a JPEG', async () => {
      const { task } = await scanTask();
      const url = `/api/v1/inspections/${task.id}/scans?${query({ kind: 'CT', scannerId: 'CT-2' })}`;
      const pdf = images.pdf();
      const refused = await upload(w.officer.client, url, pdf, 'image/png');
      expectStatus(refused, 415);
      expect(refused.body.error).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', details: [{ path: '/body', message: expect.stringContaining('JPEG, PNG, TIFF or DICOM') }] });
      expectStatus(await upload(w.officer.client, url, Buffer.from('{"image": "no"}'), 'application/json'), 415);
      const hash = sha256(pdf);
      expect(existsSync(path.join(w.t.ctx.config.objectDir, hash.slice(0, 2), hash.slice(2, 4), hash))).toBe(false);

      const jpeg = images.jpeg();
      const accepted = await upload(w.officer.client, url, jpeg, 'application/octet-stream');
      expectStatus(accepted, 201);
      expect(accepted.body.image).toMatchObject({ type: 'image/jpeg', sha256: sha256(jpeg) });
      const tiff = await upload(w.officer.client, url, images.tiff(), 'image/tiff');
      expect(tiff.body.image.type).toBe('image/tiff');
      expect((await w.officer.client.get(`/api/v1/inspections/${task.id}`)).body.scans).toHaveLength(2);
    });

    it('refuses an image over the upload limit with 413', async () => {
      const { task } = await scanTask();
      const limit = w.t.ctx.config.maxUploadBytes;
      expect(limit).toBe(25 * 1024 * 1024);
      const tooLarge = Buffer.concat([images.png(), Buffer.alloc(limit)]);
      const response = await upload(w.officer.client, `/api/v1/inspections/${task.id}/scans?${query({ kind: 'XRAY', scannerId: 'XR-1' })}`, tooLarge, 'image/png');
      expectStatus(response, 413);
      expect(response.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: [{ path: '/body', message: `must be at most ${limit} bytes` }] });
      expect((await w.officer.client.get(`/api/v1/inspections/${task.id}`)).body.scans).toEqual([]);
    });

    it('names bad metadata: a container that fails ISO 6346 or is not the declaration\'s, a time in the future, an unknown kind', async () => {
      const { task } = await scanTask();
      const base = `/api/v1/inspections/${task.id}/scans`;
      const bad = async (fields: Record<string, string>, path: string) => {
        const response = await upload(w.officer.client, `${base}?${query({ kind: 'XRAY', scannerId: 'XR-1', ...fields })}`, images.png(), 'image/png');
        expectStatus(response, 400);
        expect(response.body.error.details.map((d: { path: string }) => d.path)).toEqual([path]);
      };
      await bad({ containerNumber: 'MSCU1000003' }, '/querystring/containerNumber');
      await bad({ containerNumber: containerNumber('OTH', 5) }, '/querystring/containerNumber');
      await bad({ scannedAt: new Date(Date.now() + 3_600_000).toISOString() }, '/querystring/scannedAt');
      await bad({ kind: 'MRI' }, '/querystring/kind');
      expect((await w.officer.client.get(`/api/v1/inspections/${task.id}`)).body.scans).toEqual([]);
    });

    it("records the analyst's reading, and answers a retried upload with the first scan", async () => {
      const { task } = await scanTask();
      const bytes = images.jpeg();
      const url = `/api/v1/inspections/${task.id}/scans?${query({ kind: 'XRAY', scannerId: 'XR-1' })}`;
      const first = await upload(w.officer.client, url, bytes, 'image/jpeg', { 'idempotency-key': `scan-${task.id}` });
      expectStatus(first, 201);
      const retry = await upload(w.officer.client, url, bytes, 'image/jpeg', { 'idempotency-key': `scan-${task.id}` });
      expectStatus(retry, 201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body.id).toBe(first.body.id);
      const other = await upload(w.officer.client, url, images.jpeg(), 'image/jpeg', { 'idempotency-key': `scan-${task.id}` });
      expectStatus(other, 422);

      const read = await w.officer.client.post(`/api/v1/scans/${first.body.id}/reading`, { reading: 'SUSPECT', note: 'dense mass behind the pallets' });
      expectStatus(read, 200);
      expect(read.body.reading).toEqual({ reading: 'SUSPECT', note: 'dense mass behind the pallets', readBy: { id: w.officer.id, name: expect.any(String) }, readAt: expect.any(String) });
      expectStatus(await w.officer.client.post(`/api/v1/scans/${first.body.id}/reading`, { reading: 'MAYBE', note: '' }), 400);
      expectStatus(await w.auditor.client.post(`/api/v1/scans/${first.body.id}/reading`, { reading: 'CLEAR', note: 'fine' }), 403);
      expect((await w.analyst.client.get(`/api/v1/scans/${first.body.id}`)).body.reading.reading).toBe('SUSPECT');
    });
  });

  describe('advance scans', () => {
    it('keeps a scan of a container no declaration names yet, and attaches it to the task a declaration naming the container opens', async () => {
      const container = containerNumber('ADV', 200);
      const advance = await upload(scanner, `/api/v1/scans?${query({ zoneId: w.zone.id, containerNumber: container, kind: 'XRAY', scannerId: 'QUAY-XR-7' })}`, images.png(), 'image/png');
      expectStatus(advance, 201);
      expect(advance.body).toMatchObject({ taskId: null, containerNumber: container, attachedAt: null, zoneId: w.zone.id });
      // Too old, or taken in another zone: not this declaration's.
      const old = await upload(w.admin, `/api/v1/scans?${query({ zoneId: w.zone.id, containerNumber: container, kind: 'XRAY', scannerId: 'QUAY-XR-7', scannedAt: new Date(Date.now() - 40 * 86_400_000).toISOString() })}`, images.png(), 'image/png');
      expectStatus(old, 201);
      const elsewhere = await upload(w.admin, `/api/v1/scans?${query({ zoneId: w.otherZone.id, containerNumber: container, kind: 'CT', scannerId: 'OTHER-CT' })}`, images.png(), 'image/png');
      expectStatus(elsewhere, 201);
      // The image is read before any declaration exists.
      expectStatus(await w.officer.client.post(`/api/v1/scans/${advance.body.id}/reading`, { reading: 'CLEAR', note: 'homogeneous load' }), 200);

      const red = await declare(w, { lines: [smartphones], transport: { mode: 'SEA', containers: [container] } });
      const task = await laneTask(w, red.id);
      const detail = (await w.officer.client.get(`/api/v1/inspections/${task.id}`)).body;
      expect(detail.scans).toHaveLength(1);
      expect(detail.scans[0]).toMatchObject({ id: advance.body.id, taskId: task.id, attachedAt: expect.any(String), reading: { reading: 'CLEAR' } });
      expect((await w.officer.client.get(`/api/v1/scans/${old.body.id}`)).body.taskId).toBeNull();
      expect((await w.admin.get(`/api/v1/scans/${elsewhere.body.id}`)).body.taskId).toBeNull();

      // Decided on the stored image, without moving the container again.
      expectStatus(await w.officer.client.post(`/api/v1/inspections/${task.id}/start`), 200);
      const decided = await w.officer.client.post(`/api/v1/inspections/${task.id}/outcome`, { outcome: 'RELEASE_AS_DECLARED', reason: 'scan clear' });
      expectStatus(decided, 200);
      expect(decided.body.declaration.state).toBe('RELEASED');

      // A scan taken while a task is open joins it at once.
      const next = await declare(w, { lines: [smartphones], transport: { mode: 'SEA', containers: [containerNumber('ADV', 201)] } });
      const nextTask = await laneTask(w, next.id);
      const joined = await upload(scanner, `/api/v1/scans?${query({ zoneId: w.zone.id, containerNumber: containerNumber('ADV', 201), kind: 'CT', scannerId: 'QUAY-CT-1' })}`, images.png(), 'image/png');
      expectStatus(joined, 201);
      expect(joined.body.taskId).toBe(nextTask.id);
    });

    it('takes scans from customs and from scanners with the scope, in the zones they work in', async () => {
      const url = (zoneId: string) => `/api/v1/scans?${query({ zoneId, containerNumber: containerNumber('ACC', 1), kind: 'XRAY', scannerId: 'XR-9' })}`;
      expectStatus(await upload(w.operator.client, url(w.zone.id), images.png(), 'image/png'), 403);
      expectStatus(await upload(w.trader.client, url(w.zone.id), images.png(), 'image/png'), 403);
      expectStatus(await upload(w.auditor.client, url(w.zone.id), images.png(), 'image/png'), 403);
      const unscoped = await w.admin.post('/api/v1/api-keys', { name: 'gate reader', role: 'zone_operator', zoneIds: [w.zone.id], scopes: ['gate-events:write'] });
      expectStatus(await upload(w.t.client(unscoped.body.key), url(w.zone.id), images.png(), 'image/png'), 403);
      const elsewhere = await upload(scanner, url(w.otherZone.id), images.png(), 'image/png');
      expectStatus(elsewhere, 400);
      expect(elsewhere.body.error.details).toEqual([{ path: '/querystring/zoneId', message: 'no such zone' }]);
      expectStatus(await upload(w.officer.client, url(w.zone.id), images.png(), 'image/png'), 201);
      const missing = await upload(scanner, `/api/v1/scans?${query({ zoneId: w.zone.id, kind: 'XRAY', scannerId: 'XR-9' })}`, images.png(), 'image/png');
      expectStatus(missing, 400);
      expect(missing.body.error.details).toEqual([{ path: '/querystring/containerNumber', message: 'is required' }]);
    });
  });
});
