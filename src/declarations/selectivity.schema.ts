// The administration's selectivity settings: which declarations go to which lane before (and
// beside) the risk engine. Stored in the administration's settings; applied by selectivity.ts.
import { Type, type Static } from 'typebox';
import { Decimal, StringEnum } from '../platform/http/schemas.ts';

export const LANES = ['GREEN', 'YELLOW', 'RED'] as const;
export type Lane = (typeof LANES)[number];

export const DECLARATION_TYPES = [
  'ADMISSION',
  'EXPORT',
  'DOMESTIC_RELEASE',
  'DOMESTIC_ADMISSION',
  'TRANSFER',
  'PROCESSING',
  'DESTRUCTION',
] as const;
export type DeclarationType = (typeof DECLARATION_TYPES)[number];

export const AEO_STATUSES = ['NONE', 'AEO_C', 'AEO_S', 'AEO_F'] as const;
export type AeoStatus = (typeof AEO_STATUSES)[number];

/** A share between 0 and 1 written as a decimal string, e.g. "0.03" for 3 %. */
export const Share = Type.String({ pattern: '^(0(\\.[0-9]{1,4})?|1(\\.0{1,4})?)$', description: 'Share between 0 and 1, e.g. "0.03"' });

export const SelectivityRule = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    lane: StringEnum(LANES),
    reason: Type.String({ minLength: 1, maxLength: 500, description: 'Shown to officers as the lane reason' }),
    /** Every condition given must hold for the rule to hit. */
    declarationTypes: Type.Optional(Type.Array(StringEnum(DECLARATION_TYPES), { maxItems: 7 })),
    hsPrefixes: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{2,6}$' }), { maxItems: 200 })),
    originCountries: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Z]{2}$' }), { maxItems: 250 })),
    enterpriseIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 1000 })),
    /** Hits only enterprises whose AEO status is one of these. */
    aeoStatuses: Type.Optional(Type.Array(StringEnum(AEO_STATUSES), { maxItems: 4 })),
    /** Hits when the declaration's total customs value is at least this. */
    minTotalValue: Type.Optional(Decimal),
  },
  { additionalProperties: false },
);
export type SelectivityRule = Static<typeof SelectivityRule>;

export const SelectivitySettings = Type.Object(
  {
    /** Share of declarations sent to RED at random, whatever the rules say (unbiased control sample). */
    randomRedShare: Share,
    /** Share of declarations sent to YELLOW at random. */
    randomYellowShare: Share,
    /** Release GREEN declarations without an officer (DOMESTIC_RELEASE still waits for payment). */
    autoReleaseGreen: Type.Boolean(),
    rules: Type.Array(SelectivityRule, { maxItems: 500 }),
  },
  { additionalProperties: false },
);
export type SelectivitySettings = Static<typeof SelectivitySettings>;

export const DEFAULT_SELECTIVITY: SelectivitySettings = {
  randomRedShare: '0.01',
  randomYellowShare: '0.02',
  autoReleaseGreen: true,
  rules: [],
};
