// The processes a chaos run kills and starts again: Cordon itself (`cordon start` on a database of
// the run's own) and a Mosquitto broker with persistence, as production runs them.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STARTUP_MS = 90_000;

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => child.once('exit', resolve));
}

/** A database of the run's own on the server of `serverUrl`, dropped by `drop()`. */
export async function createDatabase(serverUrl: string, name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** `cordon start` as an operator runs it; killed with SIGKILL, as a power cut or the OOM killer would. */
export class CordonProcess {
  readonly url: string;
  private child: ChildProcess | null = null;
  /** The end of the output of the current process, for the failure message. */
  private output = '';
  starts = 0;

  constructor(
    private readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Starts the server and resolves once `/health` answers 200. */
  async start(): Promise<void> {
    this.output = '';
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/cordon.js'), 'start'], {
      cwd: ROOT,
      env: { ...process.env, ...this.env, PORT: String(this.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-30000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.child = child;
    this.starts += 1;
    const deadline = Date.now() + STARTUP_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`cordon exited with ${child.exitCode} while starting:\n${this.output}`);
      try {
        const response = await fetch(`${this.url}/health`);
        if (response.status === 200) return;
      } catch {
        // Not listening yet.
      }
      await sleep(100);
    }
    throw new Error(`cordon did not answer /health within ${STARTUP_MS / 1000} s:\n${this.output}`);
  }

  /** The last lines the current process wrote (its log), for a failure's message. */
  recentOutput(): string {
    return this.output;
  }

  /** SIGKILL: no shutdown hook runs, whatever was in flight is cut off. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
    this.child = null;
  }

  /** SIGTERM: the orderly shutdown. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    await exited(child);
    this.child = null;
  }
}

/** A Mosquitto with persistence in a directory of its own, restarted in place on the same port. */
export class MosquittoProcess {
  readonly url: string;
  private child: ChildProcess | null = null;
  private readonly dir: string;

  private constructor(private readonly port: number) {
    this.url = `mqtt://127.0.0.1:${port}`;
    this.dir = mkdtempSync(path.join(tmpdir(), 'cordon-chaos-mosquitto-'));
    writeFileSync(
      path.join(this.dir, 'mosquitto.conf'),
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        // Run as root, Mosquitto drops to its own user, which could not write the persistence file here.
        `user ${userInfo().username}`,
        'persistence true',
        `persistence_location ${this.dir}/`,
        'autosave_interval 60',
        'max_queued_messages 1000000',
        'max_inflight_messages 1000',
        'log_dest none',
        '',
      ].join('\n'),
    );
  }

  static async start(): Promise<MosquittoProcess> {
    const broker = new MosquittoProcess(await freePort());
    await broker.start();
    return broker;
  }

  async start(): Promise<void> {
    const child = spawn('mosquitto', ['-c', path.join(this.dir, 'mosquitto.conf')], { stdio: 'ignore' });
    const failed = new Promise<never>((_, reject) => child.once('error', reject));
    this.child = child;
    for (let attempt = 0; attempt < 100; attempt++) {
      const listening = await Promise.race([failed, this.listening()]);
      if (listening) return;
      await sleep(100);
    }
    throw new Error('mosquitto did not start listening');
  }

  private listening(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = createServer().listen(this.port, '127.0.0.1');
      // The port is taken: the broker holds it.
      socket.once('error', () => resolve(true));
      socket.once('listening', () => socket.close(() => resolve(false)));
    });
  }

  /** SIGTERM: Mosquitto writes its persistence file (sessions and queued messages) and exits. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    await exited(child);
    this.child = null;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
