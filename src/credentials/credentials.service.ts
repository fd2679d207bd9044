// Verifiable trade documents: the administration issues what its records say about a declaration
// (a certificate of origin, a release note) or a trip of its goods (a custody record) as a W3C Verifiable Credential signed with its Ed25519
// key under its did:web identifier, with an entry in a Bitstring Status List through which anyone
// can learn that it was revoked. Officers revoke; the declaring enterprise may ask for its own
// documents, which are issued at once since they only restate the records; a trip's custody record
// Cordon issues by itself once the trip completes. Verification, of
// Cordon's own credentials or a partner administration's, is the pure verifyCredential.
import { randomInt, randomUUID } from 'node:crypto';
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import { actorIdOf, ALL_ROLES, canSeeZone, type Principal, type Role } from '../platform/auth/principal.ts';
import { appendEvent } from '../platform/events/outbox.ts';
import { AppError, FieldErrors, forbidden, notFound, type ErrorDetail } from '../platform/errors.ts';
import { decodeCursor, toPage, UUID_PATTERN } from '../platform/http/pagination.ts';
import type { SigningKey } from '../platform/keys/signing-key.ts';
import type { ReferenceData } from '../reference/reference.ts';
import type { RegistryService } from '../registry/registry.service.ts';
import type { DeclarationService } from '../declarations/declaration.service.ts';
import type { DeclarationHooks, DeclarationSnapshot } from '../declarations/declaration.hooks.ts';
import { bitstringWith, encodeStatusList } from './bitstring-status-list.ts';
import { CREDENTIAL_KINDS, publishedSchema, schemaUrl, schemaViolations, type CredentialInputs, type CredentialType } from './credential-kinds.ts';
import { CREDENTIALS_V2_CONTEXT, type CredentialKind, type DeclarationFacts } from './credential.model.ts';
import { credentialsRepository as repo, type CredentialRow, type StatusListRow } from './credentials.repository.ts';
import type { Credential, CredentialListQuery, ExternalVerificationInput, Verification } from './credentials.schemas.ts';
import { buildDidDocument, didWebFromUrl, verificationMethodId, type DidDocument } from './did-web.ts';
import { releaseTimeOf } from './release-note.ts';
import type { TripCustodyFacts } from './trip-custody-record.ts';
import { signAsVcJwt, statusListAddresses, verifyCredential, type CredentialVerification } from './verification.ts';

/** Officers and admins issue; the declaring enterprise's users ask for their own, issued at once. */
export const CREDENTIAL_ISSUERS: readonly Role[] = ['admin', 'customs_officer', 'enterprise_user'];
/** Everyone reads within their scope: traders their enterprise's documents, staff their zones'. */
export const CREDENTIAL_READERS: readonly Role[] = ALL_ROLES;
export const CREDENTIAL_REVOKERS: readonly Role[] = ['admin', 'customs_officer'];
/** Checking a partner administration's documents is customs' work, and auditors'. */
export const EXTERNAL_VERIFIERS: readonly Role[] = ['admin', 'customs_officer', 'auditor'];

export const STATUS_LIST_PATH = '/api/v1/public/status-lists';

export interface CredentialsServiceDeps {
  db: Db;
  clock: Clock;
  /** The address at which the public reaches Cordon: the DID, the QR links and the list addresses derive from it. */
  publicUrl: string;
  signingKey: SigningKey;
  reference: ReferenceData;
  registry: RegistryService;
  declarations: DeclarationService;
  /** What a custody record says of a trip the caller may see (the tracking service). */
  trips: { custodyFacts(tx: Db, principal: Principal, tripId: string): Promise<TripCustodyFacts> };
}

/** Completed trips looked at by each run of the automatic issue of custody records, and how far back. */
const CUSTODY_BATCH = 50;
const CUSTODY_LOOKBACK_MS = 7 * 86_400_000;

/** Cordon itself, issuing custody records when trips complete: it sees every zone, and is recorded as no one. */
const CORDON_ITSELF: Principal = { kind: 'user', id: 'cordon', name: 'Cordon', role: 'admin', enterpriseId: null, zoneIds: null, scopes: [] };
/** An ISO time to the second: what the credentials say. */
const isoSeconds = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function createCredentialsService(deps: CredentialsServiceDeps) {
  const { db, clock, publicUrl, signingKey, reference, registry, declarations, trips } = deps;
  const did = didWebFromUrl(publicUrl);
  const kid = verificationMethodId(did, signingKey.keyId);
  const didDocument: DidDocument = buildDidDocument(did, signingKey.publicJwk, signingKey.keyId);
  const statusListUrl = (listId: number) => `${publicUrl}${STATUS_LIST_PATH}/${listId}`;
  const verificationUrl = (id: string) => `${publicUrl}/verify/${id}`;
  /** A stored list token is current while signed with this key for this address. */
  const signedAs = (listId: number) => `${kid} ${statusListUrl(listId)}`;
  /** Completed trips whose custody record Cordon was refused: left to an officer. */
  const refusedTrips = new Set<string>();

  function present(row: CredentialRow): Credential {
    return {
      id: row.id,
      type: row.type as CredentialType,
      declarationId: row.declaration_id,
      declarationReference: row.declaration_reference,
      tripId: row.trip_id,
      tripReference: row.trip_reference,
      enterpriseId: row.enterprise_id,
      zoneId: row.zone_id,
      status: row.revoked_at ? 'REVOKED' : 'ACTIVE',
      issuedAt: row.issued_at.toISOString(),
      issuedBy: row.issued_by,
      revokedAt: row.revoked_at?.toISOString() ?? null,
      revokedBy: row.revoked_by,
      revocationReason: row.revocation_reason,
      verificationUrl: verificationUrl(row.id),
      // As signed, in the signed order of its members (the stored JSON is for queries).
      credential: JSON.parse(Buffer.from(row.token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>,
      token: row.token,
    };
  }

  function visible(principal: Principal, row: CredentialRow): boolean {
    if (principal.role === 'enterprise_user') return principal.enterpriseId !== null && principal.enterpriseId === row.enterprise_id;
    return canSeeZone(principal, row.zone_id);
  }

  async function visibleRow(tx: Db, principal: Principal, id: string, forUpdate = false): Promise<CredentialRow> {
    const row = await repo.get(tx, id, forUpdate);
    if (!row || !visible(principal, row)) throw notFound('Credential');
    return row;
  }

  /** The declaration as the caller may see it, with its enterprise and zone; refused at `path` otherwise. */
  async function factsOf(tx: Db, principal: Principal, declarationId: string, path: string): Promise<DeclarationFacts> {
    let declaration: Awaited<ReturnType<DeclarationService['get']>>;
    try {
      declaration = await declarations.get(principal, declarationId, tx);
    } catch (caught) {
      if (caught instanceof AppError && caught.code === 'NOT_FOUND') {
        throw new AppError('VALIDATION_FAILED', 'No such declaration', [{ path, message: 'no declaration with this id that you may see' }]);
      }
      throw caught;
    }
    const enterprise = await registry.findEnterprise(tx, declaration.enterpriseId);
    const zone = await registry.findZone(tx, declaration.zoneId);
    if (!enterprise || !zone) throw new AppError('INTERNAL', `Declaration ${declaration.reference} names an enterprise or zone that is not registered`);
    return {
      id: declaration.id,
      reference: declaration.reference,
      type: declaration.type,
      state: declaration.state,
      enterprise: { id: enterprise.id, name: enterprise.name, identifier: enterprise.identifier, country: enterprise.country },
      zone: { id: zone.id, code: zone.code, name: zone.name, locode: zone.locode || null },
      destinationCountry: declaration.destinationCountry,
      transport: declaration.transport,
      lines: declaration.lines,
      releasedAt: releaseTimeOf(declaration.history),
    };
  }

  /** The status list credential: which of the list's entries are revoked, signed as the administration. */
  async function signStatusList(tx: Db, list: StatusListRow, at: Date): Promise<string> {
    const bits = bitstringWith(Number(list.size), await repo.revokedIndexes(tx, list.id));
    const address = statusListUrl(list.id);
    const document = {
      '@context': [CREDENTIALS_V2_CONTEXT],
      id: address,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: did,
      validFrom: isoSeconds(at),
      credentialSubject: { id: `${address}#list`, type: 'BitstringStatusList', statusPurpose: list.purpose, encodedList: encodeStatusList(bits) },
    };
    const token = await signAsVcJwt(document, signingKey.privateKey, kid);
    await repo.storeStatusListToken(tx, list.id, token, signedAs(list.id), at);
    return token;
  }

  async function statusListToken(listId: number): Promise<string | null> {
    const stored = await repo.getStatusList(db, listId);
    if (!stored) return null;
    if (stored.token && stored.signed_as === signedAs(listId)) return stored.token;
    return db.transaction(async (tx) => {
      const list = await repo.lockStatusList(tx, listId);
      if (!list) return null;
      if (list.token && list.signed_as === signedAs(listId)) return list.token;
      return signStatusList(tx, list, clock.now());
    });
  }

  /**
   * Issues a document of `type` about a declaration, or about one trip of its goods (`tripId`),
   * refusals named at `path`: the field of the request that names the declaration or trip.
   */
  async function issue<T extends CredentialType>(
    tx: Db,
    principal: Principal,
    type: T,
    subject: { declarationId: string; tripId: string | null; path: string },
    input: CredentialInputs[T],
  ): Promise<Credential> {
    const kind = CREDENTIAL_KINDS[type] as CredentialKind<CredentialInputs[T]>;
    const { path } = subject;
    const facts = await factsOf(tx, principal, subject.declarationId, path);
    const refusal = kind.refusal(facts);
    if (refusal) {
      const detail = [{ path, message: refusal.message }];
      throw refusal.reason === 'type'
        ? new AppError('VALIDATION_FAILED', `A ${kind.title.toLowerCase()} cannot be issued for ${facts.reference}`, detail)
        : new AppError('INVALID_TRANSITION', `A ${kind.title.toLowerCase()} cannot be issued for ${facts.reference} yet`, detail);
    }
    const errors = new FieldErrors();
    kind.check(facts, input, errors, { isCountry: (code) => reference.countries.get(code) !== undefined });
    errors.throwIfAny();

    // Taking the index locks the open list: issues run one at a time, so the check below sees any other just committed.
    const { listId, index } = await repo.allocateIndex(tx, (size) => randomInt(size));
    const inForce = await repo.findInForce(tx, subject, type);
    if (inForce) {
      const of = inForce.trip_reference ? `trip ${inForce.trip_reference}` : facts.reference;
      throw new AppError('CONFLICT', `A ${kind.title.toLowerCase()} is already in force for ${of}; revoke it before issuing another`, [
        { path, message: `credential ${inForce.id} is in force` },
      ]);
    }
    const at = clock.now();
    const id = randomUUID();
    const listAddress = statusListUrl(listId);
    const credential = {
      '@context': [CREDENTIALS_V2_CONTEXT],
      id: `urn:uuid:${id}`,
      type: ['VerifiableCredential', type],
      name: kind.name(facts, input),
      description: kind.description,
      issuer: did,
      validFrom: isoSeconds(at),
      credentialSubject: kind.buildSubject(facts, input),
      credentialSchema: { id: schemaUrl(publicUrl, type), type: 'JsonSchema' },
      credentialStatus: {
        id: `${listAddress}#${index}`,
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: String(index),
        statusListCredential: listAddress,
      },
    };
    const violations = schemaViolations(type, credential);
    if (violations.length > 0) {
      // What the records say does not fit the document (an unusual code in the registry, say): refused, named.
      const details: ErrorDetail[] = violations.map((v) => ({ path: v.path === '/credentialSubject/importingCountry' ? '/importingCountry' : `/credential${v.path}`, message: v.message }));
      throw new AppError('VALIDATION_FAILED', `The ${kind.title.toLowerCase()} would not meet its published schema`, details);
    }
    const token = await signAsVcJwt(credential, signingKey.privateKey, kid);
    await repo.insert(tx, {
      id,
      type,
      declarationId: facts.id,
      tripId: subject.tripId,
      enterpriseId: facts.enterprise.id,
      zoneId: facts.zone.id,
      statusListId: listId,
      statusListIndex: index,
      credential,
      token,
      issuedAt: at,
      issuedBy: actorIdOf(principal),
    });
    await appendEvent(tx, {
      type: 'credential.issued',
      aggregateType: 'credential',
      aggregateId: id,
      zoneId: facts.zone.id,
      enterpriseId: facts.enterprise.id,
      actorId: actorIdOf(principal),
      payload: { credentialType: type, declarationId: facts.id, reference: facts.reference, ...(subject.tripId ? { tripId: subject.tripId } : {}) },
      at,
    });
    return present((await repo.get(tx, id)) as CredentialRow);
  }

  /** The custody record of a completed trip the caller may see: its trader may ask for it, as officers may. */
  async function issueTripCustodyRecord(tx: Db, principal: Principal, tripId: string): Promise<Credential> {
    if (!CREDENTIAL_ISSUERS.includes(principal.role)) throw forbidden();
    let trip: TripCustodyFacts;
    try {
      trip = await trips.custodyFacts(tx, principal, tripId);
    } catch (caught) {
      if (caught instanceof AppError && caught.code === 'NOT_FOUND') {
        throw new AppError('VALIDATION_FAILED', 'No such trip', [{ path: '/tripId', message: 'no trip with this id that you may see' }]);
      }
      throw caught;
    }
    if (trip.status !== 'COMPLETED') {
      throw new AppError('INVALID_TRANSITION', `A custody record cannot be issued for trip ${trip.reference} yet`, [
        { path: '/tripId', message: `is ${trip.status}; a custody record is issued once the trip has completed` },
      ]);
    }
    return issue(tx, principal, 'TripCustodyRecord', { declarationId: trip.declarationId, tripId: trip.tripId, path: '/tripId' }, trip);
  }

  /** Revokes a locked row in force: its bit set in the list signed again, the change recorded and announced. */
  async function revokeRow(tx: Db, row: CredentialRow, by: string | null, reason: string, at: Date): Promise<void> {
    // Locked before the change: a revocation of another entry of the list waits, then signs with both bits.
    const list = await repo.lockStatusList(tx, row.status_list_id);
    if (!list) throw new AppError('INTERNAL', `Status list ${row.status_list_id} is missing`);
    await repo.revoke(tx, row.id, by, reason, at);
    await signStatusList(tx, list, at);
    await appendEvent(tx, {
      type: 'credential.revoked',
      aggregateType: 'credential',
      aggregateId: row.id,
      zoneId: row.zone_id,
      enterpriseId: row.enterprise_id,
      actorId: by,
      payload: { credentialType: row.type, declarationId: row.declaration_id, reference: row.declaration_reference, ...(row.trip_id ? { tripId: row.trip_id } : {}) },
      at,
    });
  }

  function issuerOf(result: CredentialVerification, name: string | null): Verification['issuer'] {
    return result.issuer === null ? null : { id: result.issuer, name: result.issuer === did ? name : null };
  }

  return {
    did,
    didDocument,

    issueCertificateOfOrigin(tx: Db, principal: Principal, input: { declarationId: string } & CredentialInputs['CertificateOfOrigin']): Promise<Credential> {
      const { declarationId, importingCountry, lines } = input;
      return issue(tx, principal, 'CertificateOfOrigin', { declarationId, tripId: null, path: '/declarationId' }, { importingCountry, lines });
    },

    issueReleaseNote(tx: Db, principal: Principal, declarationId: string): Promise<Credential> {
      return issue(tx, principal, 'ReleaseNote', { declarationId, tripId: null, path: '/declarationId' }, {});
    },

    issueTripCustodyRecord,

    /**
     * Issues, as Cordon itself, the custody record of each trip completed in the last week that never
     * had one; a trip refused one (its declaration no longer released, say) is skipped from then on,
     * and named to the caller to log. Returns how many were issued and the trips skipped with why.
     */
    async issuePendingCustodyRecords(): Promise<{ issued: number; skipped: Array<{ tripId: string; reason: string }> }> {
      const pending = await repo.tripsAwaitingCustodyRecord(db, new Date(clock.now().getTime() - CUSTODY_LOOKBACK_MS), [...refusedTrips], CUSTODY_BATCH);
      let issued = 0;
      const skipped: Array<{ tripId: string; reason: string }> = [];
      for (const tripId of pending) {
        try {
          await db.transaction((tx) => issueTripCustodyRecord(tx, CORDON_ITSELF, tripId));
          issued += 1;
        } catch (caught) {
          // Refused (its declaration no longer released, say): not asked again by this process.
          if (!(caught instanceof AppError)) throw caught;
          refusedTrips.add(tripId);
          skipped.push({ tripId, reason: caught.message });
        }
      }
      return { issued, skipped };
    },

    async list(principal: Principal, query: CredentialListQuery) {
      const limit = query.limit ?? 50;
      const cursor = decodeCursor(query.cursor, 2, ([at, id]) => !Number.isNaN(Date.parse(at ?? '')) && UUID_PATTERN.test(id ?? ''));
      const trader = principal.role === 'enterprise_user';
      if (trader && principal.enterpriseId === null) return { items: [], nextCursor: null };
      const rows = await repo.list(db, {
        declarationId: query.declarationId,
        tripId: query.tripId,
        type: query.type,
        enterpriseId: trader ? principal.enterpriseId : null,
        zoneIds: trader ? null : principal.zoneIds,
        after: cursor ? { issuedAt: cursor[0] ?? '', id: cursor[1] ?? '' } : null,
        limit,
      });
      return toPage(rows, limit, (row) => [row.issued_at.toISOString(), row.id], present);
    },

    async get(principal: Principal, id: string): Promise<Credential> {
      return present(await visibleRow(db, principal, id));
    },

    /** The address the credential's QR code carries, for a caller who may see it. */
    async verificationLink(principal: Principal, id: string): Promise<string> {
      return verificationUrl((await visibleRow(db, principal, id)).id);
    },

    async revoke(tx: Db, principal: Principal, id: string, reason: string): Promise<Credential> {
      const row = await visibleRow(tx, principal, id, true);
      if (row.revoked_at) {
        throw new AppError('CONFLICT', 'The credential is already revoked', [{ path: '/reason', message: `revoked at ${row.revoked_at.toISOString()}` }]);
      }
      await revokeRow(tx, row, actorIdOf(principal), reason.trim(), clock.now());
      return present((await repo.get(tx, row.id)) as CredentialRow);
    },

    /**
     * Declaration hooks: a declaration withdrawn after its release (cancelled by customs) takes back
     * what its documents said, so they are revoked by Cordon in the same transaction. Its trips'
     * custody records stay in force: the goods did travel as they say.
     */
    hooks: {
      async withdrawn(tx: Db, declaration: DeclarationSnapshot, at: Date): Promise<void> {
        for (const row of await repo.inForceForDeclaration(tx, declaration.id)) {
          await revokeRow(tx, row, null, `Declaration ${declaration.reference} was cancelled`, at);
        }
      },
    } satisfies Partial<DeclarationHooks>,

    // --- public ------------------------------------------------------------------------------------

    schema(type: CredentialType): Record<string, unknown> {
      return publishedSchema(type, schemaUrl(publicUrl, type));
    },

    /** The signed status list; null when there is no such list. */
    statusListToken,

    /** What the QR code's page needs: the token and whether it is in force. Anyone holding the link may read it. */
    async publicCredential(id: string) {
      const row = await repo.get(db, id);
      if (!row) throw notFound('Credential');
      return {
        id: row.id,
        type: row.type as CredentialType,
        token: row.token,
        status: row.revoked_at ? ('REVOKED' as const) : ('ACTIVE' as const),
        revokedAt: row.revoked_at?.toISOString() ?? null,
        verificationUrl: verificationUrl(row.id),
      };
    },

    /** Verifies a credential against this administration's DID document and its own status lists. */
    async verify(token: string): Promise<Verification> {
      const prefix = `${publicUrl}${STATUS_LIST_PATH}/`;
      const own = statusListAddresses(token).find((address) => address.startsWith(prefix) && /^[1-9][0-9]{0,8}$/.test(address.slice(prefix.length)));
      const listToken = own ? await statusListToken(Number(own.slice(prefix.length))) : null;
      const result = await verifyCredential(token, { didDocument, statusListToken: listToken, now: clock.now() });
      const administration = await registry.getAdministration(db);
      return { ...result, issuer: issuerOf(result, administration.name) };
    },

    /** Verifies a partner administration's credential against the DID document (and status list) given. */
    async verifyExternal(input: ExternalVerificationInput): Promise<Verification> {
      const result = await verifyCredential(input.token, { didDocument: input.didDocument, statusListToken: input.statusList ?? null, now: clock.now() });
      return { ...result, issuer: issuerOf(result, null) };
    },
  };
}

export type CredentialsService = ReturnType<typeof createCredentialsService>;
