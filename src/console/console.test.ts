// The console's serving: the SPA fallback outside the API, cache headers by kind of file, the page
// shown before the console is built, and the security headers the console relies on.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAccessControl } from '../platform/http/access.ts';
import { registerErrorHandling } from '../platform/http/errors.plugin.ts';
import type { App } from '../platform/http/types.ts';
import { createTestApp, type TestApp } from '../../test/support/test-app.ts';
import { registerConsole } from './console.plugin.ts';

async function consoleApp(root: string): Promise<App> {
  const app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
  registerErrorHandling(app);
  registerAccessControl(app, () => Promise.resolve(null));
  await registerConsole(app, { root });
  await app.ready();
  return app;
}

describe('console serving', () => {
  let dir: string;
  let built: App;
  let unbuilt: App;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cordon-console-'));
    const dist = path.join(dir, 'dist');
    await mkdir(path.join(dist, 'assets'), { recursive: true });
    await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>Cordon</title><div id="root"></div>');
    await writeFile(path.join(dist, 'assets', 'index-AbC123.js'), 'console.log(1);');
    await writeFile(path.join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await writeFile(path.join(dir, 'secret.txt'), 'outside the build');
    built = await consoleApp(dist);
    unbuilt = await consoleApp(path.join(dir, 'missing'));
  });
  afterAll(async () => {
    await built.close();
    await unbuilt.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers the console at / and at any console path, revalidated on every load', async () => {
    for (const url of ['/', '/dashboard', '/declarations/0190f3a8-0000-7000-8000-000000000000?tab=lines']) {
      const response = await built.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.body).toContain('<div id="root">');
    }
  });

  it('caches hashed assets for a year and top-level files not at all', async () => {
    const asset = await built.inject({ method: 'GET', url: '/assets/index-AbC123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-type']).toContain('javascript');
    const icon = await built.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('answers a missing asset and an unknown API path with the API error, never the page', async () => {
    for (const url of ['/assets/gone-123.js', '/api/v1/nothing', '/api']) {
      const response = await built.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
  });

  it('serves nothing from outside the build', async () => {
    for (const url of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const response = await built.inject({ method: 'GET', url });
      expect(response.body, url).not.toContain('outside the build');
    }
  });

  it('says the console is not built, and still serves the API, when there is no build', async () => {
    const response = await unbuilt.inject({ method: 'GET', url: '/declarations' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('console is not built');
    expect((await unbuilt.inject({ method: 'GET', url: '/api/v1/x' })).statusCode).toBe(404);
  });
});

describe('console in the application', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('is served under the security policy the console needs (same-origin scripts, map workers and images)', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/dashboard' });
    expect([200, 503]).toContain(response.statusCode);
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("worker-src 'self' blob:");
    expect(csp).toContain("img-src 'self' data: blob:");
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  it('adds no route to the API document', async () => {
    const document = await t.anonymous.get('/openapi.json');
    const operations = ['/health', '/ready', '/metrics'];
    expect(Object.keys(document.body.paths).filter((p) => !p.startsWith('/api/v1/') && !operations.includes(p))).toEqual([]);
  });
});
