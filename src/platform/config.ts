// The one place that reads the environment. Everything is validated here, once, at start;
// the process refuses to start on bad configuration and says which variable is wrong and why.
import { isIP } from 'node:net';
import path from 'node:path';

export interface Config {
  port: number;
  host: string;
  /** Directory for the embedded database and other local state. */
  dataDir: string;
  /** Directory of the object store (scan images), each file named by its SHA-256. */
  objectDir: string;
  /** Largest accepted upload of a file (a scan image), in bytes. */
  maxUploadBytes: number;
  /** PostgreSQL connection string; when absent the embedded PGlite database in dataDir is used. */
  databaseUrl: string | null;
  /** Password for the first `admin` user, applied only when the database is new. */
  adminPassword: string | null;
  /** Load the demo administration on a new database. */
  demo: boolean;
  /** Keep simulated traffic flowing while the server runs. */
  simulate: boolean;
  /** Declarations per minute produced by the simulator. */
  simulateRate: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Maximum accepted request body, in bytes. */
  bodyLimit: number;
  /**
   * Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client; empty trusts
   * none, and the client is the connection's peer (login throttling counts per client address).
   */
  trustProxy: string[];
  /** Lifetime of a bearer token issued at login, in seconds. */
  tokenTtlSeconds: number;
  /** Key of the HMAC with which the bank signs payment confirmations; null refuses them (503). */
  paymentSecret: string | null;
  /**
   * The address at which the public reaches this server (no trailing slash): the administration's
   * did:web identifier, the links in documents' QR codes and status lists are built on it.
   */
  publicUrl: string;
  /**
   * The administration's Ed25519 signing key (PKCS#8 PEM) for checkpoints and credentials; when
   * absent, a key is generated on first start and kept in the database.
   */
  signingKeyPem: string | null;
  /** Name of the transparency log in its checkpoints (the C2SP origin line). */
  logOrigin: string;
  /**
   * The MQTT broker devices publish telemetry to (mqtt://, mqtts://, ws://, wss://, credentials of
   * Cordon's subscriber in the URL); when null, Cordon runs its own broker on mqttHost:mqttPort.
   */
  mqttUrl: string | null;
  /** Port of the embedded MQTT broker (0: any free port). */
  mqttPort: number;
  /** Interface the embedded MQTT broker listens on. */
  mqttHost: string;
  /** Client id of Cordon's subscriber: the broker keeps its persistent session under this id. */
  mqttClientId: string;
  /** Shared-subscription group (`$share/<group>/…`) so that several Cordon processes split the telemetry; null subscribes alone. */
  mqttSharedGroup: string | null;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function readBool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

export function loadConfig(env: Env = process.env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const logLevel = (env.LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const adminPassword = env.CORDON_ADMIN_PASSWORD ?? null;
  if (adminPassword !== null && adminPassword.length < 12) {
    throw new ConfigError('CORDON_ADMIN_PASSWORD must be at least 12 characters long');
  }
  const paymentSecret = env.CORDON_PAYMENT_SECRET || null;
  if (paymentSecret !== null && paymentSecret.length < 32) {
    throw new ConfigError('CORDON_PAYMENT_SECRET must be at least 32 characters long');
  }
  const demo = readBool(env, 'CORDON_DEMO', true);
  const dataDir = path.resolve(env.CORDON_DATA_DIR?.trim() || './data');
  const port = readInt(env, 'PORT', 3000, 0, 65535);
  const publicUrl = (env.CORDON_PUBLIC_URL?.trim() || `http://localhost:${port}`).replace(/\/+$/, '');
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(publicUrl);
  } catch {
    throw new ConfigError(`CORDON_PUBLIC_URL must be an absolute http(s) URL, got "${publicUrl}"`);
  }
  if (!['http:', 'https:'].includes(parsedUrl.protocol) || parsedUrl.search || parsedUrl.hash) {
    throw new ConfigError(`CORDON_PUBLIC_URL must be an http(s) URL without query or fragment, got "${publicUrl}"`);
  }
  const signingKeyPem = env.CORDON_SIGNING_KEY?.trim() || null;
  if (signingKeyPem !== null && !signingKeyPem.startsWith('-----BEGIN PRIVATE KEY-----')) {
    throw new ConfigError('CORDON_SIGNING_KEY must be an Ed25519 private key in PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)');
  }
  const logOrigin = env.CORDON_LOG_ORIGIN?.trim() || `${parsedUrl.host}/log`;
  if (!/^[\x21-\x7e]+$/.test(logOrigin)) throw new ConfigError(`CORDON_LOG_ORIGIN must be printable ASCII without spaces, got "${logOrigin}"`);
  const mqttUrl = env.MQTT_URL?.trim() || null;
  if (mqttUrl !== null && !/^(mqtts?|wss?):\/\/[^\s/]+\/?$/.test(mqttUrl)) {
    throw new ConfigError(`MQTT_URL must be mqtt://, mqtts://, ws:// or wss:// followed by [user:password@]host[:port], got "${mqttUrl.replace(/\/\/[^@/]*@/, '//…@')}"`);
  }
  const mqttClientId = env.MQTT_CLIENT_ID?.trim() || 'cordon-ingest';
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(mqttClientId)) throw new ConfigError(`MQTT_CLIENT_ID must be 1 to 64 letters, digits, dots, dashes or underscores, got "${mqttClientId}"`);
  const mqttSharedGroup = env.MQTT_SHARED_GROUP?.trim() || null;
  if (mqttSharedGroup !== null && !/^[A-Za-z0-9._-]{1,64}$/.test(mqttSharedGroup)) {
    throw new ConfigError(`MQTT_SHARED_GROUP must be 1 to 64 letters, digits, dots, dashes or underscores, got "${mqttSharedGroup}"`);
  }
  // The embedded broker has no shared subscriptions: sharing is for several processes on one external broker.
  if (mqttSharedGroup !== null && mqttUrl === null) throw new ConfigError('MQTT_SHARED_GROUP needs MQTT_URL (the embedded broker serves one process)');
  const trustProxy = (env.CORDON_TRUST_PROXY ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  for (const entry of trustProxy) {
    const [address, bits, extra] = entry.split('/');
    const version = isIP(address ?? '');
    const maxBits = version === 6 ? 128 : 32;
    if (version === 0 || extra !== undefined || (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits))) {
      throw new ConfigError(`CORDON_TRUST_PROXY must be a comma-separated list of IP addresses or CIDR ranges, got "${entry}"`);
    }
  }
  return {
    port,
    host: env.HOST?.trim() || '127.0.0.1',
    dataDir,
    // Beside the database by default, so that one directory holds all of a server's state.
    objectDir: path.resolve(env.CORDON_OBJECT_DIR?.trim() || path.join(dataDir, 'objects')),
    databaseUrl,
    adminPassword,
    demo,
    simulate: readBool(env, 'CORDON_SIMULATE', demo),
    simulateRate: readInt(env, 'CORDON_SIMULATE_RATE', 6, 1, 6000),
    logLevel,
    bodyLimit: readInt(env, 'CORDON_BODY_LIMIT', 1_048_576, 1024, 104_857_600),
    maxUploadBytes: readInt(env, 'CORDON_MAX_UPLOAD_BYTES', 26_214_400, 1024, 1_073_741_824),
    trustProxy,
    tokenTtlSeconds: readInt(env, 'CORDON_TOKEN_TTL', 8 * 3600, 60, 30 * 24 * 3600),
    paymentSecret,
    publicUrl,
    signingKeyPem,
    logOrigin,
    mqttUrl,
    mqttPort: readInt(env, 'MQTT_PORT', 1883, 0, 65535),
    mqttHost: env.MQTT_HOST?.trim() || '127.0.0.1',
    mqttClientId,
    mqttSharedGroup,
  };
}
