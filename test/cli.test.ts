// The `cordon` command as an operator runs it: a real process on a fresh data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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
});
