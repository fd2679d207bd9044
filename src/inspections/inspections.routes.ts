// Inspections API: /api/v1/inspections (the queue, tasks, assignment, findings, outcomes) and
// /api/v1/scans (scanner images, their readings and the images themselves).
//
// An image is uploaded as the raw request body, its metadata in the query string, as the stock
// reports' CSV is: a scanner posts the file it wrote, without multipart encoding, and the body is
// read once into memory within the upload limit. Those routes accept any Content-Type: the content
// itself says whether it is an image.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../platform/errors.ts';
import { principalOf } from '../platform/http/access.ts';
import { idempotent } from '../platform/http/idempotency.ts';
import { errorResponses, IdParams, Page } from '../platform/http/schemas.ts';
import { extensionOf, IMAGE_TYPES } from './image-type.ts';
import { INSPECTION_READERS, INSPECTION_WRITERS, SCAN_SCOPE, SCAN_UPLOADERS } from './inspections.service.ts';
import {
  AdvanceScanQuery,
  AssignmentInput,
  FindingInput,
  KindChangeInput,
  OpenTaskInput,
  OutcomeInput,
  ReadingInput,
  Scan,
  TaskDetail,
  TaskListQuery,
  TaskScanQuery,
  TaskSummary,
} from './inspections.schemas.ts';

const tags = ['inspections'];
const readers = { access: { roles: INSPECTION_READERS } };
const writers = { access: { roles: INSPECTION_WRITERS } };

/** The raw image body as OpenAPI shows it; it is checked by its content, not validated as JSON. */
const ImageBody = Type.Unsafe<unknown>({ format: 'binary', description: 'The image file: JPEG, PNG, TIFF or DICOM' });

export function registerInspectionRoutes(app: App, ctx: AppContext): void {
  const { db, inspections } = ctx;
  const limit = ctx.config.maxUploadBytes;

  app.get(
    '/api/v1/inspections',
    {
      config: readers,
      schema: {
        tags,
        summary: 'Inspection tasks of the zones you work in, newest first',
        querystring: TaskListQuery,
        response: { 200: Page(TaskSummary), ...errorResponses },
      },
    },
    (request) => inspections.list(principalOf(request), request.query),
  );

  app.post(
    '/api/v1/inspections',
    {
      config: writers,
      schema: { tags, summary: 'Open another inspection task on an assessed declaration, saying why', body: OpenTaskInput, response: { 201: TaskDetail, ...errorResponses } },
    },
    (request, reply) => idempotent(db, request, reply, 201, (tx) => inspections.open(tx, principalOf(request), request.body)),
  );

  app.get(
    '/api/v1/inspections/:id',
    {
      config: readers,
      schema: {
        tags,
        summary: 'A task with its declaration (summary and lines), scans, findings and outcome',
        params: IdParams,
        response: { 200: TaskDetail, ...errorResponses },
      },
    },
    (request) => inspections.get(principalOf(request), request.params.id),
  );

  app.put(
    '/api/v1/inspections/:id/kind',
    {
      config: writers,
      schema: { tags, summary: "Change the task's kind (document check, non-intrusive scan, physical examination)", params: IdParams, body: KindChangeInput, response: { 200: TaskDetail, ...errorResponses } },
    },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => inspections.changeKind(tx, principalOf(request), request.params.id, request.body)),
  );

  app.post(
    '/api/v1/inspections/:id/assignment',
    {
      config: writers,
      schema: {
        tags,
        summary: 'Assign the task to a customs officer of its zone; without assigneeId, take it yourself',
        params: IdParams,
        body: AssignmentInput,
        response: { 200: TaskDetail, ...errorResponses },
      },
    },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => inspections.assign(tx, principalOf(request), request.params.id, request.body)),
  );

  app.post(
    '/api/v1/inspections/:id/start',
    {
      config: writers,
      schema: {
        tags,
        summary: 'Start the inspection (taking the task when unassigned); a RED declaration goes under inspection',
        params: IdParams,
        response: { 200: TaskDetail, ...errorResponses },
      },
    },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => inspections.start(tx, principalOf(request), request.params.id)),
  );

  app.post(
    '/api/v1/inspections/:id/findings',
    {
      config: writers,
      schema: {
        tags,
        summary: 'Record a finding on a line of the declaration, with corrected values where its kind applies',
        params: IdParams,
        body: FindingInput,
        response: { 201: TaskDetail, ...errorResponses },
      },
    },
    (request, reply) => idempotent(db, request, reply, 201, (tx) => inspections.recordFinding(tx, principalOf(request), request.params.id, request.body)),
  );

  app.post(
    '/api/v1/inspections/:id/outcome',
    {
      config: writers,
      schema: {
        tags,
        summary: 'Decide the declaration: release (as declared, or with the corrections found), seize or reject',
        description:
          'Release outcomes release the declaration, or leave it under inspection until its duties (billed again after corrections) ' +
          'are paid; SEIZE and REJECT reject it. The outcome is the risk engine\'s label: NOTHING_FOUND, FOUND, or CRITICAL for a ' +
          'seizure or any PROHIBITED finding.',
        params: IdParams,
        body: OutcomeInput,
        response: { 200: TaskDetail, ...errorResponses },
      },
    },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => inspections.decide(tx, principalOf(request), request.params.id, request.body)),
  );

  app.get(
    '/api/v1/scans/:id',
    { config: readers, schema: { tags, summary: 'A scan with its reading', params: IdParams, response: { 200: Scan, ...errorResponses } } },
    (request) => inspections.getScan(principalOf(request), request.params.id),
  );

  app.get(
    '/api/v1/scans/:id/image',
    {
      config: readers,
      schema: {
        tags,
        summary: 'The image of a scan, as uploaded',
        params: IdParams,
        response: { 200: { description: 'The image', content: Object.fromEntries(IMAGE_TYPES.map((type) => [type, { schema: ImageBody }])) }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const image = await inspections.scanImage(principalOf(request), request.params.id);
      return reply
        .type(image.type)
        .header('content-length', image.size)
        // Content-addressed: the same URL always answers the same bytes, to those still allowed to see them.
        .header('etag', `"${image.sha256}"`)
        .header('cache-control', 'private, max-age=86400')
        .header('content-disposition', `inline; filename="scan-${image.scanId}.${extensionOf(image.type)}"`)
        .send(image.stream);
    },
  );

  app.post(
    '/api/v1/scans/:id/reading',
    {
      config: writers,
      schema: { tags, summary: "Record the image analyst's reading of a scan: CLEAR or SUSPECT, with a note", params: IdParams, body: ReadingInput, response: { 200: Scan, ...errorResponses } },
    },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => inspections.readScan(tx, principalOf(request), request.params.id, request.body)),
  );

  // Encapsulated, so that raw bodies of any type are taken here and nowhere else.
  void app.register((scoped, _options, done) => {
    const upload = scoped.withTypeProvider<TypeBoxTypeProvider>();
    upload.removeAllContentTypeParsers();
    upload.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limit }, (_request, body, parsed) => parsed(null, body));
    // Refused before a byte is read when the client announces too much.
    upload.addHook('onRequest', (request, _reply, next) => {
      const length = Number(request.headers['content-length'] ?? 0);
      if (length > limit) {
        next(new AppError('PAYLOAD_TOO_LARGE', `The image is larger than the ${limit} bytes accepted`, [{ path: '/body', message: `must be at most ${limit} bytes` }]));
        return;
      }
      next();
    });
    const consumes = [...IMAGE_TYPES, 'application/octet-stream'];
    const uploadDescription = `The image is the request body (at most ${limit} bytes), recognised by its content: JPEG, PNG, TIFF or DICOM; anything else is refused with 415.`;

    upload.post(
      '/api/v1/inspections/:id/scans',
      {
        bodyLimit: limit,
        config: { access: { roles: INSPECTION_WRITERS, keyScope: SCAN_SCOPE } },
        schema: {
          tags,
          summary: 'Upload a scan image taken for the task',
          description: uploadDescription,
          consumes,
          params: IdParams,
          querystring: TaskScanQuery,
          body: ImageBody,
          response: { 201: Scan, ...errorResponses, 413: Type.Ref('ErrorBody'), 415: Type.Ref('ErrorBody') },
        },
      },
      (request, reply) => {
        const image = inspections.checkImage(request.body);
        // A retry is recognised by the image's hash and the metadata, not by comparing megabytes.
        request.body = { sha256: image.sha256, ...request.query };
        return idempotent(db, request, reply, 201, (tx) => inspections.recordTaskScan(tx, principalOf(request), request.params.id, request.query, image));
      },
    );

    upload.post(
      '/api/v1/scans',
      {
        bodyLimit: limit,
        config: { access: { roles: SCAN_UPLOADERS, keyScope: SCAN_SCOPE } },
        schema: {
          tags,
          summary: 'Upload a scan of a container, before or after a declaration names it',
          description:
            `${uploadDescription} The scan joins the open inspection task whose declaration names the container; otherwise ` +
            'it is attached to the task a declaration naming the container opens when assessed within 30 days. Zone operators upload ' +
            "only through a scanner's API key.",
          consumes,
          querystring: AdvanceScanQuery,
          body: ImageBody,
          response: { 201: Scan, ...errorResponses, 413: Type.Ref('ErrorBody'), 415: Type.Ref('ErrorBody') },
        },
      },
      (request, reply) => {
        const image = inspections.checkImage(request.body);
        request.body = { sha256: image.sha256, ...request.query };
        return idempotent(db, request, reply, 201, (tx) => inspections.recordAdvanceScan(tx, principalOf(request), request.query, image));
      },
    );
    done();
  });
}
