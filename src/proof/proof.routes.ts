// The transparency log over HTTP. Checkpoints, the verifier key and consistency proofs are public:
// they hold hashes only, and any party must be able to check that the log only grows. Inclusion
// proofs and entries name records, so they are for staff; an enterprise gets its book's proofs.
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { principalOf } from '../platform/http/access.ts';
import type { Role } from '../platform/auth/principal.ts';
import { errorResponses } from '../platform/http/schemas.ts';
import {
  AuditInput,
  AuditReport,
  BookBundle,
  BookParams,
  Checkpoint,
  CheckpointList,
  CheckpointListQuery,
  ConsistencyProof,
  ConsistencyQuery,
  EntryList,
  EntryQuery,
  InclusionProof,
  InclusionQuery,
  VerifierKey,
} from './proof.schemas.ts';

const LOG_READERS: readonly Role[] = ['admin', 'customs_officer', 'risk_analyst', 'auditor'];
const AUDITORS: readonly Role[] = ['admin', 'auditor'];
const BOOK_HOLDERS: readonly Role[] = [...LOG_READERS, 'zone_operator', 'enterprise_user'];

export function registerProofRoutes(app: App, ctx: AppContext): void {
  const { log } = ctx;
  const tags = ['transparency'];

  app.get(
    '/api/v1/transparency/checkpoint',
    { config: { access: 'public' }, schema: { tags, summary: 'The latest signed checkpoint of the log', response: { 200: Checkpoint, ...errorResponses } } },
    async () => (await log.latest()) ?? log.publish(),
  );

  app.get(
    '/api/v1/transparency/checkpoints',
    { config: { access: 'public' }, schema: { tags, summary: 'Signed checkpoints, largest first', querystring: CheckpointListQuery, response: { 200: CheckpointList, ...errorResponses } } },
    async (request) => ({ items: await log.checkpoints(request.query.limit ?? 50, request.query.beforeSize ?? null) }),
  );

  app.post(
    '/api/v1/transparency/checkpoints',
    { config: { access: { roles: AUDITORS } }, schema: { tags, summary: 'Sequence pending entries and sign a checkpoint now', response: { 201: Checkpoint, ...errorResponses } } },
    async (_request, reply) => reply.code(201).send(await log.publish()),
  );

  app.get(
    '/api/v1/transparency/key',
    { config: { access: 'public' }, schema: { tags, summary: 'The key that signs checkpoints (C2SP verifier key)', response: { 200: VerifierKey, ...errorResponses } } },
    () => log.verifierKey(),
  );

  app.get(
    '/api/v1/transparency/proofs/consistency',
    { config: { access: 'public' }, schema: { tags, summary: 'Proof that the tree of size `to` extends the tree of size `from` (RFC 9162 2.1.4)', querystring: ConsistencyQuery, response: { 200: ConsistencyProof, ...errorResponses } } },
    (request) => log.consistency(request.query.from, request.query.to),
  );

  app.get(
    '/api/v1/transparency/proofs/inclusion',
    { config: { access: { roles: LOG_READERS } }, schema: { tags, summary: 'Audit path of a leaf in the tree of a size (RFC 9162 2.1.3)', querystring: InclusionQuery, response: { 200: InclusionProof, ...errorResponses } } },
    (request) => log.inclusion(request.query.leafIndex, request.query.treeSize),
  );

  app.get(
    '/api/v1/transparency/entries',
    { config: { access: { roles: LOG_READERS } }, schema: { tags, summary: 'The log entries of a record, with their leaves', querystring: EntryQuery, response: { 200: EntryList, ...errorResponses } } },
    async (request) => ({ items: await log.entries(request.query.kind, request.query.subjectId) }),
  );

  app.post(
    '/api/v1/transparency/audit',
    { config: { access: { roles: AUDITORS } }, schema: { tags, summary: 'Check the log and the tables against a checkpoint you kept', body: AuditInput, response: { 200: AuditReport, ...errorResponses } } },
    (request) => log.audit(request.body.checkpoint, request.body.verifierKey),
  );

  app.get(
    '/api/v1/books/:id/proof-bundle',
    { config: { access: { roles: BOOK_HOLDERS } }, schema: { tags, summary: "The book's movements with inclusion proofs against a checkpoint of the log as it stands, to verify offline", params: BookParams, response: { 200: BookBundle, ...errorResponses } } },
    (request) => log.bookBundle(principalOf(request), request.params.id),
  );
}
