// The risk engine's HTTP shapes.
import { Type, type Static } from 'typebox';
import { IsoDate, StringEnum } from '../platform/http/schemas.ts';
import { LANES } from '../declarations/selectivity.schema.ts';
import { Share } from '../declarations/selectivity.schema.ts';
import { RULE_FIELDS, RULE_OPERATORS } from './rules.ts';

export const RiskSettingsInput = Type.Object(
  {
    redRate: Share,
    yellowRate: Share,
    retrainEveryDays: Type.Union([Type.Integer({ minimum: 1, maximum: 365 }), Type.Null()], { description: 'Retrain on this schedule when new inspection results came in; null never' }),
  },
  { additionalProperties: false },
);
export type RiskSettingsInput = Static<typeof RiskSettingsInput>;

export const RiskSettings = Type.Object({
  redRate: Type.String(),
  yellowRate: Type.String(),
  retrainEveryDays: Type.Union([Type.Integer(), Type.Null()]),
  version: Type.Integer(),
  updatedAt: Type.String(),
});

export const RuleCondition = Type.Object(
  {
    field: StringEnum(RULE_FIELDS as unknown as readonly [string, ...string[]]),
    op: StringEnum(RULE_OPERATORS),
    value: Type.Union([Type.String({ maxLength: 40 }), Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { maxItems: 500 })]),
  },
  { additionalProperties: false },
);

export const RuleInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    reason: Type.String({ minLength: 1, maxLength: 500, description: 'Why the rule exists; shown to officers when it hits' }),
    conditions: Type.Array(RuleCondition, { minItems: 1, maxItems: 20, description: 'All must hold; line fields must hold on one line' }),
    weight: Type.Optional(Type.Integer({ minimum: -100, maximum: 100, description: 'Points added to the score' })),
    forcedLane: Type.Optional(StringEnum(LANES, { description: 'The lane the declaration takes at least' })),
    validFrom: IsoDate,
    validTo: Type.Optional(IsoDate),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type RuleInput = Static<typeof RuleInput>;

const HitFigures = Type.Object({
  declarations: Type.Integer(),
  inspected: Type.Integer(),
  found: Type.Integer(),
  hitRate: Type.Union([Type.Number(), Type.Null()], { description: 'Inspected declarations hit by the rule whose inspection found something' }),
  lastHitAt: Type.Union([Type.String(), Type.Null()]),
});

export const Rule = Type.Object({
  id: Type.String(),
  name: Type.String(),
  reason: Type.String(),
  conditions: Type.Array(RuleCondition),
  weight: Type.Union([Type.Integer(), Type.Null()]),
  forcedLane: Type.Union([StringEnum(LANES), Type.Null()]),
  validFrom: Type.String(),
  validTo: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  owner: Type.Object({ id: Type.String(), name: Type.Union([Type.String(), Type.Null()]) }),
  version: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  hits: HitFigures,
});

export const RuleDetail = Type.Intersect([
  Rule,
  Type.Object({
    recentHits: Type.Array(
      Type.Object({ declarationId: Type.String(), reference: Type.String(), lane: StringEnum(LANES), at: Type.String(), outcome: Type.Union([Type.String(), Type.Null()]) }),
    ),
  }),
]);

const Metrics = Type.Record(Type.String(), Type.Unknown());

export const Model = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  status: StringEnum(['TRAINED', 'ACTIVE', 'RETIRED'] as const),
  training: Metrics,
  metrics: Metrics,
  trainedAt: Type.String(),
  activatedAt: Type.Union([Type.String(), Type.Null()]),
});

const LaneFigures = Type.Object({ inspected: Type.Integer(), found: Type.Integer(), hitRate: Type.Union([Type.Number(), Type.Null()]) });
export const Quality = Type.Object({
  weeks: Type.Array(Type.Object({ week: Type.String(), targeted: LaneFigures, random: LaneFigures, all: LaneFigures })),
  models: Type.Array(Type.Object({ version: Type.Integer(), trainedAt: Type.String(), status: Type.String(), metrics: Metrics })),
});
export const QualityQuery = Type.Object({ weeks: Type.Optional(Type.Integer({ minimum: 1, maximum: 104, default: 26 })) }, { additionalProperties: false });

export const InspectionResultInput = Type.Object(
  {
    outcome: StringEnum(['NOTHING_FOUND', 'FOUND', 'CRITICAL'] as const, { description: 'CRITICAL: a threat to public safety' }),
    findings: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type InspectionResultInput = Static<typeof InspectionResultInput>;

export const InspectionResult = Type.Object({
  outcome: Type.String(),
  findings: Type.Union([Type.String(), Type.Null()]),
  recordedBy: Type.String(),
  recordedAt: Type.String(),
});

export const DeclarationRisk = Type.Object({
  assessments: Type.Array(
    Type.Object({
      id: Type.String(),
      declarationVersion: Type.Integer(),
      model: Type.Union([Type.Object({ id: Type.String(), version: Type.Union([Type.Integer(), Type.Null()]) }), Type.Null()]),
      modelProbability: Type.Union([Type.String(), Type.Null()]),
      points: Type.Object({ model: Type.String(), rules: Type.String(), enterprise: Type.String() }),
      score: Type.String(),
      lane: StringEnum(LANES),
      randomSelected: Type.Boolean(),
      reasons: Type.Array(Type.String()),
      drivers: Type.Array(Type.Object({ feature: Type.String(), words: Type.String(), effect: Type.Number() })),
      at: Type.String(),
    }),
  ),
  inspectionResult: Type.Union([InspectionResult, Type.Null()]),
});
