// The risk engine over HTTP: lane targets, analysts' rules with their hit rates, models (train,
// compare, activate), model quality over time, a declaration's assessments, and inspection results.
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { principalOf } from '../platform/http/access.ts';
import { idempotent } from '../platform/http/idempotency.ts';
import { errorResponses, IdParams } from '../platform/http/schemas.ts';
import { Type } from 'typebox';
import { INSPECTION_RECORDERS, RISK_READERS, RISK_WRITERS } from './risk.service.ts';
import {
  DeclarationRisk,
  InspectionResult,
  InspectionResultInput,
  Model,
  Quality,
  QualityQuery,
  RiskSettings,
  RiskSettingsInput,
  Rule,
  RuleDetail,
  RuleInput,
} from './risk.schemas.ts';

export function registerRiskRoutes(app: App, ctx: AppContext): void {
  const { risk, db } = ctx;
  const tags = ['risk'];
  const readers = { access: { roles: RISK_READERS } };
  const writers = { access: { roles: RISK_WRITERS } };

  app.get('/api/v1/risk/settings', { config: readers, schema: { tags, summary: 'The share of declarations each lane should take, and the retraining schedule', response: { 200: RiskSettings } } }, () =>
    risk.getSettings(),
  );

  app.put(
    '/api/v1/risk/settings',
    { config: { access: { roles: ['admin'] } }, schema: { tags, summary: 'Set the lane targets and the retraining schedule', body: RiskSettingsInput, response: { 200: RiskSettings, ...errorResponses } } },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => risk.updateSettings(tx, principalOf(request), request.body)),
  );

  app.get('/api/v1/risk/rules', { config: readers, schema: { tags, summary: 'Risk rules, by name, with their hits and hit rates', response: { 200: Type.Object({ items: Type.Array(Rule) }) } } }, () =>
    risk.listRules(),
  );

  app.post(
    '/api/v1/risk/rules',
    { config: writers, schema: { tags, summary: 'Add a risk rule; it applies to the next assessment', body: RuleInput, response: { 201: Rule, ...errorResponses } } },
    (request, reply) => idempotent(db, request, reply, 201, (tx) => risk.createRule(tx, principalOf(request), request.body)),
  );

  app.get('/api/v1/risk/rules/:id', { config: readers, schema: { tags, summary: 'A risk rule with its latest hits', params: IdParams, response: { 200: RuleDetail } } }, (request) =>
    risk.getRule(request.params.id),
  );

  app.put(
    '/api/v1/risk/rules/:id',
    { config: writers, schema: { tags, summary: 'Change a risk rule (deactivate with active: false); its hits are kept', params: IdParams, body: RuleInput, response: { 200: Rule, ...errorResponses } } },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => risk.updateRule(tx, request.params.id, request.body)),
  );

  app.get('/api/v1/risk/models', { config: readers, schema: { tags, summary: 'Trained models, newest first, with their validation figures', response: { 200: Type.Object({ items: Type.Array(Model) }) } } }, () =>
    risk.listModels(),
  );

  app.post(
    '/api/v1/risk/models',
    {
      config: writers,
      schema: { tags, summary: 'Train a new model on the shipped data and every inspection result so far; it is not active until activated', response: { 201: Model, ...errorResponses } },
    },
    async (request, reply) => {
      const model = await risk.train(principalOf(request));
      return reply.code(201).send(model);
    },
  );

  app.get('/api/v1/risk/models/:id', { config: readers, schema: { tags, summary: 'A model with its training and validation figures', params: IdParams, response: { 200: Model } } }, (request) =>
    risk.getModel(request.params.id),
  );

  app.post(
    '/api/v1/risk/models/:id/activation',
    { config: writers, schema: { tags, summary: 'Put a model to work; the one active before is retired', params: IdParams, response: { 200: Model, ...errorResponses } } },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => risk.activate(tx, principalOf(request), request.params.id)),
  );

  app.get(
    '/api/v1/risk/quality',
    { config: readers, schema: { tags, summary: 'Per week, what targeted and random inspections found; each model’s validation figures', querystring: QualityQuery, response: { 200: Quality } } },
    (request) => risk.quality(request.query.weeks ?? 26),
  );

  app.get(
    '/api/v1/declarations/:id/risk',
    { config: readers, schema: { tags, summary: 'A declaration’s assessments (score, lane, reasons, model drivers) and its inspection result', params: IdParams, response: { 200: DeclarationRisk } } },
    (request) => risk.declarationRisk(principalOf(request), request.params.id),
  );

  app.post(
    '/api/v1/declarations/:id/inspection-result',
    {
      config: { access: { roles: INSPECTION_RECORDERS } },
      schema: { tags, summary: 'Record what the inspection of a declaration found: the label the models learn from', params: IdParams, body: InspectionResultInput, response: { 201: InspectionResult, ...errorResponses } },
    },
    (request, reply) => idempotent(db, request, reply, 201, (tx) => risk.recordInspectionResult(tx, principalOf(request), request.params.id, request.body)),
  );
}
