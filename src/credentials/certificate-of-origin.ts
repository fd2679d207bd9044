// The certificate of origin: the administration attests, for goods exported from a zone, in which
// country each line originates and under which origin criterion, to the exporter and the importing
// country's customs. Issued for EXPORT declarations whose goods are released.
import { Type, type Static } from 'typebox';
import type { FieldErrors } from '../platform/errors.ts';
import {
  COUNTRY_PATTERN,
  DeclarationRef,
  HsCode,
  Party,
  plainDecimal,
  partyOf,
  Quantity,
  STATES_WITH_RELEASED_GOODS,
  UnitCode,
  ZoneRef,
  zoneOf,
  type CredentialKind,
  type DeclarationFacts,
} from './credential.model.ts';

export const ORIGIN_CRITERIA = ['WO', 'PE', 'CC', 'CTH', 'CTSH', 'VA', 'SP'] as const;
export type OriginCriterion = (typeof ORIGIN_CRITERIA)[number];

/** What each criterion means, as preferential rules of origin word them; shown in the schema and the console. */
export const ORIGIN_CRITERION_MEANINGS: Record<OriginCriterion, string> = {
  WO: 'wholly obtained or produced entirely in the country of origin (minerals, crops, animals born and raised there)',
  PE: 'produced in the country of origin exclusively from originating materials',
  CC: 'change of chapter: non-originating materials are classified in another HS chapter (2 digits) than the goods',
  CTH: 'change of tariff heading: non-originating materials are classified in another HS heading (4 digits) than the goods',
  CTSH: 'change of tariff subheading: non-originating materials are classified in another HS subheading (6 digits) than the goods',
  VA: 'value added: the regional or local value content reaches the threshold the applicable rule sets',
  SP: 'specific process: the goods underwent the manufacturing or processing operation the product-specific rule names',
};

const OriginCriterionSchema = Type.Unsafe<OriginCriterion>({
  type: 'string',
  enum: [...ORIGIN_CRITERIA],
  description: `Origin criterion met by the goods of the line. ${ORIGIN_CRITERIA.map((code) => `${code}: ${ORIGIN_CRITERION_MEANINGS[code]}`).join('. ')}.`,
});

export const CertificateOfOriginSubject = Type.Object(
  {
    type: Type.Literal('CertificateOfOriginSubject'),
    declaration: DeclarationRef,
    exporter: Party,
    importingCountry: Type.String({ pattern: COUNTRY_PATTERN, description: 'The country the goods are exported to, whose customs the certificate is for (ISO 3166-1 alpha-2)' }),
    zone: ZoneRef,
    goods: Type.Array(
      Type.Object(
        {
          lineNo: Type.Integer({ minimum: 1 }),
          hsCode: HsCode,
          description: Type.String({ minLength: 1, maxLength: 500 }),
          quantity: Quantity,
          unit: UnitCode,
          originCountry: Type.String({ pattern: COUNTRY_PATTERN, description: 'Country of origin of the goods of the line (ISO 3166-1 alpha-2)' }),
          originCriterion: OriginCriterionSchema,
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 999 },
    ),
  },
  { additionalProperties: false },
);
export type CertificateOfOriginSubject = Static<typeof CertificateOfOriginSubject>;

export interface CertificateOfOriginInput {
  importingCountry: string;
  lines: Array<{ lineNo: number; originCriterion: OriginCriterion }>;
}

export const certificateOfOrigin: CredentialKind<CertificateOfOriginInput> = {
  type: 'CertificateOfOrigin',
  title: 'Certificate of origin',
  description:
    'The customs administration attests the origin of goods exported from a free zone: for each line of the export declaration, the country of origin and the origin criterion met.',
  subject: CertificateOfOriginSubject,

  refusal(declaration) {
    if (declaration.type !== 'EXPORT') {
      return { reason: 'type', message: `is an ${declaration.type} declaration; a certificate of origin attests goods of an EXPORT declaration` };
    }
    if (!STATES_WITH_RELEASED_GOODS.includes(declaration.state)) {
      return { reason: 'state', message: `is ${declaration.state}; a certificate of origin is issued once the goods are released` };
    }
    return null;
  },

  check(declaration, input, errors: FieldErrors, reference) {
    if (!reference.isCountry(input.importingCountry)) errors.add('/importingCountry', 'is not an ISO 3166 country code');
    const declared = new Set(declaration.lines.map((line) => line.lineNo));
    const seen = new Set<number>();
    input.lines.forEach((line, index) => {
      if (!declared.has(line.lineNo)) errors.add(`/lines/${index}/lineNo`, `the declaration has no line ${line.lineNo}`);
      else if (seen.has(line.lineNo)) errors.add(`/lines/${index}/lineNo`, `line ${line.lineNo} is given twice`);
      seen.add(line.lineNo);
    });
    const missing = [...declared].filter((lineNo) => !seen.has(lineNo));
    if (missing.length > 0) errors.add('/lines', `give the origin criterion of every line; missing: ${missing.join(', ')}`);
  },

  buildSubject(declaration, input): CertificateOfOriginSubject {
    const criteria = new Map(input.lines.map((line) => [line.lineNo, line.originCriterion]));
    return {
      type: 'CertificateOfOriginSubject',
      declaration: { reference: declaration.reference, declarationType: declaration.type },
      exporter: partyOf(declaration.enterprise),
      importingCountry: input.importingCountry,
      zone: zoneOf(declaration.zone),
      goods: declaration.lines.map((line) => ({
        lineNo: line.lineNo,
        hsCode: line.hsCode,
        description: line.description,
        quantity: plainDecimal(line.quantity),
        unit: line.unit,
        originCountry: line.originCountry,
        // check() has made sure every line has one.
        originCriterion: criteria.get(line.lineNo) as OriginCriterion,
      })),
    };
  },

  name: (declaration: DeclarationFacts) => `Certificate of origin for export ${declaration.reference}`,
};
