// `cordon verify-credential FILE --did DID.json [--status LIST]`: verifies a credential offline,
// with the issuer's DID document and, when given, its status list, as saved from the issuer's
// public addresses (/.well-known/did.json, /api/v1/public/status-lists/{id}). No database, no
// network: the verdict rests on the files alone.
import { readFile } from 'node:fs/promises';
import { shown, verifyCredential, type CredentialVerification } from './verification.ts';

export interface VerifyCredentialOptions {
  did: string;
  status?: string | undefined;
}

/** A credential file holds the compact JWS, or the JSON the public endpoint answers ({ token, ... }). */
function tokenOf(content: string): string {
  const text = content.trim();
  if (!text.startsWith('{')) return text;
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { token?: unknown }).token === 'string') return (parsed as { token: string }).token;
  throw new Error('the JSON holds no "token"');
}

function describe(result: CredentialVerification): string[] {
  const lines: string[] = [result.verdict];
  const credential = result.credential;
  if (credential) {
    const types = Array.isArray(credential.type) ? credential.type.filter((t) => t !== 'VerifiableCredential').join(', ') : String(credential.type);
    lines.push(`  credential  ${shown(credential.id)} (${types})`);
    if (typeof credential.name === 'string') lines.push(`  name        ${credential.name}`);
    lines.push(`  issuer      ${String(result.issuer)}`);
    lines.push(`  valid from  ${shown(credential.validFrom)}${credential.validUntil === undefined ? '' : ` until ${shown(credential.validUntil)}`}`);
  }
  for (const reason of result.reasons) lines.push(`  ${reason.severity === 'error' ? 'error ' : 'notice'}      ${reason.code}: ${reason.message}`);
  lines.push(`  checked at  ${result.checkedAt}`);
  return lines;
}

/** Returns the exit status: 0 when the credential is VALID, 1 otherwise (REVOKED, INVALID, unreadable files). */
export async function runVerifyCredential(
  file: string,
  options: VerifyCredentialOptions,
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  now: Date = new Date(),
): Promise<number> {
  let token: string;
  let didDocument: unknown;
  let statusListToken: string | null = null;
  try {
    token = tokenOf(await readFile(file, 'utf8'));
    didDocument = JSON.parse(await readFile(options.did, 'utf8'));
    if (options.status) statusListToken = (await readFile(options.status, 'utf8')).trim();
  } catch (caught) {
    out('INVALID');
    out(`  error       UNREADABLE: ${caught instanceof Error ? caught.message : String(caught)}`);
    return 1;
  }
  const result = await verifyCredential(token, { didDocument, statusListToken, now });
  for (const line of describe(result)) out(line);
  return result.verdict === 'VALID' ? 0 : 1;
}
