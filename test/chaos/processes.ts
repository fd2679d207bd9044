// The processes a chaos run kills and starts again: Cordon itself (`cordon start`), a PostgreSQL
// server of the run's own (this machine's PostgreSQL binaries, a new cluster in a temporary
// directory) and a Mosquitto broker with persistence, as production runs them.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

/** A new database on the server of `serverUrl`; its URL. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const run = promisify(execFile);

/**
 * A PostgreSQL cluster of the run's own, so that it can be crashed: `pg_ctl stop -m immediate` ends
 * every server process at once without a checkpoint, as a power cut would, and the next start
 * recovers from the write-ahead log. The binaries are found with `pg_config`; PostgreSQL refuses to
 * run as root, so as root the cluster belongs to the `postgres` user.
 */
export class PostgresProcess {
  readonly url: string;

  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    private readonly port: number,
    private readonly asUser: string | null,
  ) {
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }

  static async start(): Promise<PostgresProcess> {
    const bin = (await run('pg_config', ['--bindir']).catch(() => {
      throw new Error('the chaos run starts a PostgreSQL server of its own: pg_config (PostgreSQL server binaries) must be installed');
    })).stdout.trim();
    const dir = mkdtempSync(path.join(tmpdir(), 'cordon-chaos-postgres-'));
    const asUser = process.getuid?.() === 0 ? 'postgres' : null;
    if (asUser) {
      const [uid, gid] = await Promise.all([run('id', ['-u', asUser]), run('id', ['-g', asUser])]);
      chownSync(dir, Number(uid.stdout), Number(gid.stdout));
    }
    const server = new PostgresProcess(bin, dir, await freePort(), asUser);
    await server.pg('initdb', ['-D', path.join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
    await server.start();
    return server;
  }

  private pg(program: string, args: string[]) {
    const binary = path.join(this.bin, program);
    return this.asUser ? run('runuser', ['-u', this.asUser, '--', binary, ...args]) : run(binary, args);
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=100`;
    await this.pg('pg_ctl', ['start', '-w', '-t', '60', '-D', path.join(this.dir, 'data'), '-l', path.join(this.dir, 'server.log'), '-o', options]);
  }

  /** `pg_dump` of a database in PostgreSQL's custom format, taken while it is in use: one consistent snapshot. */
  async dump(database: string): Promise<string> {
    const file = path.join(this.dir, `${database}-${Date.now()}.dump`);
    await this.pg('pg_dump', ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres', '-Fc', '-f', file, database]);
    return file;
  }

  /** Restores a dump into a new database; its URL. */
  async restore(file: string, database: string): Promise<string> {
    const url = await createDatabase(this.url, database);
    await this.pg('pg_restore', ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres', '--no-owner', '--exit-on-error', '-d', database, file]);
    return url;
  }

  /** Every server process ends at once, without a checkpoint. */
  async crash(): Promise<void> {
    await this.pg('pg_ctl', ['stop', '-w', '-m', 'immediate', '-D', path.join(this.dir, 'data')]);
  }

  async close(): Promise<void> {
    await this.pg('pg_ctl', ['stop', '-w', '-m', 'fast', '-D', path.join(this.dir, 'data')]).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `cordon start` as an operator runs it; killed with SIGKILL, as a power cut or the OOM killer would. */
export class CordonProcess {
  readonly url: string;
  private child: ChildProcess | null = null;
  /** The end of the output of the current process, for the failure message. */
  private output = '';
  private stopping = false;
  /** Exits nobody asked for (a crash of the server itself), with the log that led to each. */
  readonly crashes: string[] = [];

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
    this.stopping = false;
    child.once('exit', (code, signal) => {
      if (!this.stopping) this.crashes.push(`exited with ${code ?? signal}:\n${this.output}`);
    });
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
  kill(): Promise<void> {
    return this.end('SIGKILL');
  }

  /** SIGTERM: the orderly shutdown. */
  stop(): Promise<void> {
    return this.end('SIGTERM');
  }

  private async end(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.stopping = true;
    child.kill(signal);
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
