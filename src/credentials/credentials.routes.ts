// Verifiable documents over HTTP: issuing, reading, revoking and checking credentials for signed-in
// callers; and for anyone, without signing in, what a verifier needs: the DID document, the
// credential schemas, the status lists, a credential by its QR code's id, and a verdict on a token.
import QRCode from 'qrcode';
import { Type } from 'typebox';
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { principalOf } from '../platform/http/access.ts';
import { idempotent } from '../platform/http/idempotency.ts';
import { errorResponses, IdParams, Page } from '../platform/http/schemas.ts';
import { notFound } from '../platform/errors.ts';
import { CREDENTIAL_ISSUERS, CREDENTIAL_READERS, CREDENTIAL_REVOKERS, EXTERNAL_VERIFIERS, STATUS_LIST_PATH } from './credentials.service.ts';
import {
  CertificateOfOriginInput,
  Credential,
  CredentialListQuery,
  ExternalVerificationInput,
  ListIdParams,
  PublicCredential,
  ReleaseNoteInput,
  RevocationInput,
  TripCustodyRecordInput,
  TypeParams,
  Verification,
  VerificationInput,
} from './credentials.schemas.ts';
import { SCHEMA_PATH } from './credential-kinds.ts';
import { didDocumentPaths } from './did-web.ts';
import { VC_JWT_MEDIA_TYPE } from './verification.ts';

const publicErrors = { 400: Type.Ref('ErrorBody'), 404: Type.Ref('ErrorBody') };

export function registerCredentialRoutes(app: App, ctx: AppContext): void {
  const { credentials, db } = ctx;
  const tags = ['credentials'];
  const readers = { access: { roles: CREDENTIAL_READERS } };
  const issuers = { access: { roles: CREDENTIAL_ISSUERS } };

  app.post(
    '/api/v1/credentials/certificates-of-origin',
    {
      config: issuers,
      schema: {
        tags,
        summary: 'Issue a certificate of origin for a released EXPORT declaration (its trader may ask for it too)',
        body: CertificateOfOriginInput,
        response: { 201: Credential, ...errorResponses },
      },
    },
    (request, reply) => idempotent(db, request, reply, 201, (tx) => credentials.issueCertificateOfOrigin(tx, principalOf(request), request.body)),
  );

  app.post(
    '/api/v1/credentials/release-notes',
    { config: issuers, schema: { tags, summary: 'Issue a release note for a released declaration', body: ReleaseNoteInput, response: { 201: Credential, ...errorResponses } } },
    (request, reply) => idempotent(db, request, reply, 201, (tx) => credentials.issueReleaseNote(tx, principalOf(request), request.body.declarationId)),
  );

  app.post(
    '/api/v1/credentials/trip-custody-records',
    {
      config: issuers,
      schema: {
        tags,
        summary: 'Issue the custody record of a completed trip (Cordon issues it by itself when the trip completes; again after a revocation)',
        body: TripCustodyRecordInput,
        response: { 201: Credential, ...errorResponses },
      },
    },
    (request, reply) => idempotent(db, request, reply, 201, (tx) => credentials.issueTripCustodyRecord(tx, principalOf(request), request.body.tripId)),
  );

  app.get(
    '/api/v1/credentials',
    { config: readers, schema: { tags, summary: 'Credentials issued, newest first: a trader its own, staff those of their zones', querystring: CredentialListQuery, response: { 200: Page(Credential), ...errorResponses } } },
    (request) => credentials.list(principalOf(request), request.query),
  );

  app.get('/api/v1/credentials/:id', { config: readers, schema: { tags, summary: 'One credential', params: IdParams, response: { 200: Credential, ...errorResponses } } }, (request) =>
    credentials.get(principalOf(request), request.params.id),
  );

  app.get(
    '/api/v1/credentials/:id/qr.svg',
    {
      config: readers,
      schema: {
        tags,
        summary: "A QR code (SVG) of the credential's public verification page",
        params: IdParams,
        produces: ['image/svg+xml'],
        response: { 200: { description: 'SVG image', content: { 'image/svg+xml': { schema: Type.String() } } }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const link = await credentials.verificationLink(principalOf(request), request.params.id);
      const svg = await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      return reply.type('image/svg+xml').header('cache-control', 'private, max-age=3600').send(svg);
    },
  );

  app.post(
    '/api/v1/credentials/:id/revocation',
    { config: { access: { roles: CREDENTIAL_REVOKERS } }, schema: { tags, summary: 'Revoke a credential: its bit is set in the published status list', params: IdParams, body: RevocationInput, response: { 200: Credential, ...errorResponses } } },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => credentials.revoke(tx, principalOf(request), request.params.id, request.body.reason)),
  );

  app.post(
    '/api/v1/credentials/external-verification',
    {
      config: { access: { roles: EXTERNAL_VERIFIERS } },
      // A partner's DID document and status list come with the token.
      bodyLimit: 1024 * 1024,
      schema: { tags, summary: "Verify a partner administration's credential against its DID document (and status list)", body: ExternalVerificationInput, response: { 200: Verification, ...errorResponses } },
    },
    (request) => credentials.verifyExternal(request.body),
  );

  // --- public: no sign-in ------------------------------------------------------------------------

  for (const path of didDocumentPaths(ctx.config.publicUrl)) {
    app.get(
      path,
      {
        config: { access: 'public' },
        // Where did:web resolvers look, outside the API's paths: left out of the API document.
        schema: { hide: true },
      },
      (_request, reply) => reply.type('application/did+json').header('cache-control', 'public, max-age=300').send(JSON.stringify(credentials.didDocument)),
    );
  }

  app.get(
    `${SCHEMA_PATH}/:type`,
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The JSON Schema (draft 2020-12) of a kind of credential',
        params: TypeParams,
        produces: ['application/schema+json'],
        response: { 200: { description: 'JSON Schema', content: { 'application/schema+json': { schema: Type.Unknown() } } }, ...publicErrors },
      },
    },
    (request, reply) => reply.type('application/schema+json').header('cache-control', 'public, max-age=3600').send(JSON.stringify(credentials.schema(request.params.type))),
  );

  app.get(
    `${STATUS_LIST_PATH}/:id`,
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A revocation list: a BitstringStatusListCredential secured as vc+jwt',
        params: ListIdParams,
        produces: [VC_JWT_MEDIA_TYPE],
        response: { 200: { description: 'Compact JWS', content: { [VC_JWT_MEDIA_TYPE]: { schema: Type.String() } } }, ...publicErrors },
      },
    },
    async (request, reply) => {
      const token = await credentials.statusListToken(request.params.id);
      if (token === null) throw notFound('Status list');
      // A revocation must show at once: caches ask again every time.
      return reply.type(VC_JWT_MEDIA_TYPE).header('cache-control', 'no-cache').send(token);
    },
  );

  app.get(
    '/api/v1/public/credentials/:id',
    { config: { access: 'public' }, schema: { tags, summary: 'A credential by the id its QR code carries: the token and whether it is in force', params: IdParams, response: { 200: PublicCredential, ...publicErrors } } },
    (request) => credentials.publicCredential(request.params.id),
  );

  app.post(
    '/api/v1/public/credentials/verification',
    {
      config: { access: 'public' },
      bodyLimit: 128 * 1024,
      schema: { tags, summary: 'Verify a credential this administration issued: VALID, REVOKED or INVALID, with the reasons', body: VerificationInput, response: { 200: Verification, ...publicErrors } },
    },
    (request) => credentials.verify(request.body.token),
  );
}
