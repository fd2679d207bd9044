// The release note: the administration attests that the goods of a declaration were released, when,
// and on which transport (containers, plate), with a summary of the lines. Issued for any
// declaration whose goods are released, whatever its type.
import { Type, type Static } from 'typebox';
import {
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
} from './credential.model.ts';

export const ReleaseNoteSubject = Type.Object(
  {
    type: Type.Literal('ReleaseNoteSubject'),
    declaration: DeclarationRef,
    enterprise: Party,
    zone: ZoneRef,
    releasedAt: Type.String({ format: 'date-time', description: 'When customs released the goods' }),
    transport: Type.Object(
      {
        mode: Type.String({ pattern: '^[A-Z_]{2,30}$', description: 'SEA, ROAD, RAIL, AIR, ...' }),
        vehiclePlate: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
        containers: Type.Array(Type.String({ minLength: 1, maxLength: 20, description: 'ISO 6346 container number' }), { maxItems: 100 }),
      },
      { additionalProperties: false },
    ),
    lines: Type.Array(
      Type.Object(
        {
          lineNo: Type.Integer({ minimum: 1 }),
          hsCode: HsCode,
          description: Type.String({ minLength: 1, maxLength: 500 }),
          quantity: Quantity,
          unit: UnitCode,
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 999 },
    ),
  },
  { additionalProperties: false },
);
export type ReleaseNoteSubject = Static<typeof ReleaseNoteSubject>;

/** The release time of a declaration: its last step into RELEASED (a release after inspection corrections is the one that counts). */
export function releaseTimeOf(history: ReadonlyArray<{ toState: string; at: string }>): string | null {
  return history.filter((step) => step.toState === 'RELEASED').at(-1)?.at ?? null;
}

export const releaseNote: CredentialKind<Record<string, never>> = {
  type: 'ReleaseNote',
  title: 'Release note',
  description: 'The customs administration attests that the goods of a declaration were released from customs control in a free zone, when, and on which transport.',
  subject: ReleaseNoteSubject,

  refusal(declaration) {
    if (!STATES_WITH_RELEASED_GOODS.includes(declaration.state) || declaration.releasedAt === null) {
      return { reason: 'state', message: `is ${declaration.state}; a release note is issued once the goods are released` };
    }
    return null;
  },

  check() {
    // Everything a release note says comes from the declaration.
  },

  buildSubject(declaration): ReleaseNoteSubject {
    const { transport } = declaration;
    return {
      type: 'ReleaseNoteSubject',
      declaration: { reference: declaration.reference, declarationType: declaration.type },
      enterprise: partyOf(declaration.enterprise),
      zone: zoneOf(declaration.zone),
      releasedAt: declaration.releasedAt ?? '',
      transport: {
        mode: transport.mode,
        ...(transport.vehiclePlate ? { vehiclePlate: transport.vehiclePlate } : {}),
        containers: transport.containers ?? [],
      },
      lines: declaration.lines.map((line) => ({
        lineNo: line.lineNo,
        hsCode: line.hsCode,
        description: line.description,
        quantity: plainDecimal(line.quantity),
        unit: line.unit,
      })),
    };
  },

  name: (declaration) => `Release note for declaration ${declaration.reference}`,
};
