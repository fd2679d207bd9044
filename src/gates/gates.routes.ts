// Gates over HTTP: passes (list, issue for part of the goods, cancel), reader events with the
// decision in the reply, passages and their override, and the gate's tolerances.
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { principalOf } from '../platform/http/access.ts';
import { idempotent } from '../platform/http/idempotency.ts';
import { errorResponses, IdParams, Page } from '../platform/http/schemas.ts';
import { GATE_EVENT_SENDERS, GATE_OVERRIDERS, GATE_READERS, PASS_ISSUERS, PASS_READERS } from './gates.service.ts';
import {
  GateEventInput,
  GatePass,
  GatePassage,
  GatePassageListQuery,
  GatePassInput,
  GatePassListQuery,
  GateSettings,
  GateSettingsInput,
  ReasonInput,
} from './gates.schemas.ts';

export function registerGateRoutes(app: App, ctx: AppContext): void {
  const { gates, db } = ctx;
  const tags = ['gates'];

  app.get(
    '/api/v1/gate-settings',
    { config: { access: { roles: GATE_READERS } }, schema: { tags, summary: 'OCR confidence threshold, weight tolerance and pass validity', response: { 200: GateSettings, ...errorResponses } } },
    () => gates.getSettings(),
  );

  app.put(
    '/api/v1/gate-settings',
    { config: { access: { roles: ['admin'] } }, schema: { tags, summary: 'Set the gate tolerances', body: GateSettingsInput, response: { 200: GateSettings, ...errorResponses } } },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => gates.updateSettings(tx, principalOf(request), request.body)),
  );

  app.get(
    '/api/v1/gate-passes',
    { config: { access: { roles: PASS_READERS } }, schema: { tags, summary: 'Gate passes, newest first; traders see their own', querystring: GatePassListQuery, response: { 200: Page(GatePass), ...errorResponses } } },
    (request) => gates.listPasses(principalOf(request), request.query),
  );

  app.get('/api/v1/gate-passes/:id', { config: { access: { roles: PASS_READERS } }, schema: { tags, summary: 'One gate pass', params: IdParams, response: { 200: GatePass, ...errorResponses } } }, (request) =>
    gates.getPass(principalOf(request), request.params.id),
  );

  app.post(
    '/api/v1/gate-passes',
    {
      config: { access: { roles: PASS_ISSUERS } },
      schema: { tags, summary: "Issue a pass for part of a released declaration's goods", body: GatePassInput, response: { 201: GatePass, ...errorResponses } },
    },
    (request, reply) => idempotent(db, request, reply, 201, (tx) => gates.issuePass(tx, principalOf(request), request.body)),
  );

  app.post(
    '/api/v1/gate-passes/:id/cancellation',
    { config: { access: { roles: PASS_ISSUERS } }, schema: { tags, summary: 'Cancel an unused pass', params: IdParams, body: ReasonInput, response: { 200: GatePass, ...errorResponses } } },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => gates.cancelPass(tx, principalOf(request), request.params.id, request.body.reason)),
  );

  // The reader waits at the barrier for this answer: no Idempotency-Key needed, the reader's own
  // event id makes a retry return the decision already taken.
  app.post(
    '/api/v1/gate-events',
    {
      config: { access: { roles: GATE_EVENT_SENDERS, keyScope: 'gate-events:write' } },
      schema: {
        tags,
        summary: 'A reader event at a gate (plate, containers, seals, weight): answered with OPEN or HOLD and the reasons',
        body: GateEventInput,
        response: { 200: GatePassage, 201: GatePassage, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { passage, replayed } = await gates.recordEvent(principalOf(request), request.body);
      // The books post after the answer has gone (a timer retries whatever this misses).
      if (passage.decision === 'OPEN') gates.settleSoon((error) => request.log.warn({ err: error }, 'settling gate passages failed'));
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(replayed ? 200 : 201).send(passage);
    },
  );

  app.get(
    '/api/v1/gate-passages',
    { config: { access: { roles: GATE_READERS } }, schema: { tags, summary: 'Passages at the gates of your zones, newest first', querystring: GatePassageListQuery, response: { 200: Page(GatePassage), ...errorResponses } } },
    (request) => gates.listPassages(principalOf(request), request.query),
  );

  app.get('/api/v1/gate-passages/:id', { config: { access: { roles: GATE_READERS } }, schema: { tags, summary: 'One passage with its evidence', params: IdParams, response: { 200: GatePassage, ...errorResponses } } }, (request) =>
    gates.getPassage(principalOf(request), request.params.id),
  );

  app.post(
    '/api/v1/gate-passages/:id/override',
    {
      config: { access: { roles: GATE_OVERRIDERS } },
      schema: { tags, summary: 'Let a held truck through, with the reason', params: IdParams, body: ReasonInput, response: { 200: GatePassage, ...errorResponses } },
    },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => gates.override(tx, principalOf(request), request.params.id, request.body.reason)),
  );
}
