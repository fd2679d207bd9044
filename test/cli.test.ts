// The `cordon` command as an operator runs it: a real process on a fresh data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = path.resolve(import.meta.dirname, '../bin/cordon.js');

function run(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, ...args], {
    // The embedded MQTT broker on a free port: 1883 may be another broker's (MQTT_URL of the run).
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', MQTT_URL: '', MQTT_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function waitForHealth(url: string, child: ChildProcess, seconds = 60): Promise<void> {
  for (let i = 0; i < seconds * 4; i += 1) {
    if (child.exitCode !== null) throw new Error('server exited early');
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('server did not become healthy');
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('cordon command', () => {
  it('refuses to start on bad configuration and says which variable is wrong', async () => {
    const { exited, output } = run(['start'], { PORT: 'eighty' });
    expect(await exited).toBe(2);
    expect(output()).toContain('PORT must be a whole number');
  });

  it('starts on a new data directory, prints the admin password once, keeps data across restarts and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cordon-cli-'));
    dirs.push(dataDir);
    const env = { CORDON_DATA_DIR: dataDir, CORDON_DEMO: 'false', CORDON_SIMULATE: 'false', PORT: '3917' };
    const url = 'http://127.0.0.1:3917';

    const first = run(['start'], env);
    await waitForHealth(url, first.child);
    const printed = /admin\s+admin\s+(\S+)/.exec(first.output());
    expect(printed?.[1]).toBeTruthy();
    const password = printed?.[1] ?? '';
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(login.status).toBe(200);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = run(['start'], env);
    await waitForHealth(url, second.child);
    expect(second.output()).not.toContain('Credentials');
    const again = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(again.status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 120_000);

  it('backs up by copying the data directory of a stopped server: the copy starts with the same records and accounts', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cordon-cli-'));
    const copyDir = mkdtempSync(path.join(tmpdir(), 'cordon-cli-copy-'));
    dirs.push(dataDir, copyDir);
    const adminPassword = 'backup-test-password-1';
    const env = { CORDON_DATA_DIR: dataDir, CORDON_DEMO: 'false', CORDON_SIMULATE: 'false', CORDON_ADMIN_PASSWORD: adminPassword, PORT: '3918' };
    const url = 'http://127.0.0.1:3918';
    const call = async (token: string | null, method: string, route: string, body?: unknown) => {
      const response = await fetch(`${url}${route}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const signIn = async () => String((await call(null, 'POST', '/api/v1/auth/login', { username: 'admin', password: adminPassword })).body.token);

    const original = run(['start'], env);
    await waitForHealth(url, original.child);
    const zone = await call(await signIn(), 'POST', '/api/v1/zones', {
      code: 'BACKUP1',
      name: 'Backup Zone',
      locode: 'USNYC',
      zoneType: 'FREE_ZONE',
      territorialPattern: 1,
      perimeter: { type: 'Polygon', coordinates: [[[-74.05, 40.66], [-74.0, 40.66], [-74.0, 40.7], [-74.05, 40.7], [-74.05, 40.66]]] },
    });
    expect(zone.status).toBe(201);
    original.child.kill('SIGTERM');
    expect(await original.exited).toBe(0);

    cpSync(dataDir, copyDir, { recursive: true });
    rmSync(dataDir, { recursive: true, force: true });
    const restored = run(['start'], { ...env, CORDON_DATA_DIR: copyDir });
    await waitForHealth(url, restored.child);
    const token = await signIn();
    expect((await call(token, 'GET', `/api/v1/zones/${String(zone.body.id)}`)).body).toMatchObject({ code: 'BACKUP1', name: 'Backup Zone' });
    restored.child.kill('SIGTERM');
    expect(await restored.exited).toBe(0);
  }, 120_000);
});
