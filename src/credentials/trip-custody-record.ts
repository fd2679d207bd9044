// The trip custody record: the administration attests that a container travelled under customs
// control from one gate to another, sealed by a named electronic seal or lock, when it left and
// arrived, whether the seal stayed intact, what went wrong on the way, and which track the device
// reported (by its digest, so that a party given the track can check it is the one attested).
// Issued once a trip has completed; Cordon issues it itself when a trip completes.
import { Type, type Static } from 'typebox';
import { DeclarationRef, Party, partyOf, STATES_WITH_RELEASED_GOODS, ZoneRef, zoneOf, type CredentialKind, type DeclarationFacts } from './credential.model.ts';

/** Incidents a record lists at most; a trip with more says so by `incidentsOmitted`. */
export const MAX_CUSTODY_INCIDENTS = 200;

/** Alert kinds that mean the seal did not stay intact. */
const SEAL_BROKEN_ALERTS: readonly string[] = ['SEAL_OPENED_OUTSIDE_GATE', 'SEAL_TAMPERED'];

/** What the tracking records say of a completed trip (src/tracking/). */
export interface TripCustodyFacts {
  tripId: string;
  reference: string;
  status: string;
  declarationId: string;
  containerNumber: string;
  device: { id: string; type: 'E_SEAL' | 'E_LOCK' };
  origin: { gateCode: string; gateName: string; zone: DeclarationFacts['zone'] };
  destination: { gateCode: string; gateName: string; zone: DeclarationFacts['zone'] };
  startedAt: string | null;
  endedAt: string | null;
  /** Completed by the seal opening at the destination gate, or by an officer's hand. */
  completedByOfficer: boolean;
  endNote: string | null;
  tampered: boolean;
  track: { positions: number; distanceMeters: number; sha256: string };
  /** The trip's alerts, oldest first. */
  incidents: Array<{ kind: string; severity: string; at: string }>;
}

const GateRef = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 40 }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    zone: ZoneRef,
  },
  { additionalProperties: false },
);

export const TripCustodyRecordSubject = Type.Object(
  {
    type: Type.Literal('TripCustodyRecordSubject'),
    trip: Type.Object(
      {
        reference: Type.String({ pattern: '^TRP-[0-9]{4}-[0-9]{6,}$', description: "The trip's reference at the administration" }),
        container: Type.String({ minLength: 1, maxLength: 20, description: 'ISO 6346 container number' }),
        device: Type.Object(
          {
            id: Type.String({ pattern: '^[A-Za-z0-9._-]{3,64}$', description: 'The seal or lock as it names itself' }),
            type: Type.Union([Type.Literal('E_SEAL'), Type.Literal('E_LOCK')]),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
    declaration: DeclarationRef,
    enterprise: Party,
    origin: GateRef,
    destination: GateRef,
    departedAt: Type.String({ format: 'date-time', description: 'When the trip started: the seal armed at the origin gate, or an officer' }),
    arrivedAt: Type.String({ format: 'date-time', description: 'When the trip completed' }),
    completion: Type.Union([Type.Literal('SEAL_OPENED_AT_DESTINATION'), Type.Literal('CONFIRMED_BY_OFFICER')]),
    officerNote: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: "The officer's note of a completion by hand" })),
    sealIntact: Type.Boolean({ description: 'No tampering reported and the seal never opened outside a gate' }),
    track: Type.Object(
      {
        positions: Type.Integer({ minimum: 0, description: 'Fixes the device reported and Cordon kept' }),
        distanceMeters: Type.Integer({ minimum: 0 }),
        sha256: Type.String({
          pattern: '^[0-9a-f]{64}$',
          description: 'SHA-256 (hex) of the UTF-8 text of the fixes in time order, one line each: milliseconds since 1970, latitude and longitude in degrees × 10^7 as integers, comma-separated, each line ending in a line feed',
        }),
      },
      { additionalProperties: false },
    ),
    incidents: Type.Array(
      Type.Object(
        {
          kind: Type.String({ pattern: '^[A-Z_]{2,40}$', description: 'ROUTE_DEVIATION, SEAL_TAMPERED, ...' }),
          severity: Type.Union([Type.Literal('INFO'), Type.Literal('WARNING'), Type.Literal('CRITICAL')]),
          at: Type.String({ format: 'date-time' }),
        },
        { additionalProperties: false },
      ),
      { maxItems: MAX_CUSTODY_INCIDENTS, description: 'The alerts raised on the way, oldest first' },
    ),
    incidentsOmitted: Type.Optional(Type.Integer({ minimum: 1, description: 'Incidents beyond those listed' })),
  },
  { additionalProperties: false },
);
export type TripCustodyRecordSubject = Static<typeof TripCustodyRecordSubject>;

const gateRef = (gate: TripCustodyFacts['origin']) => ({ code: gate.gateCode, name: gate.gateName, zone: zoneOf(gate.zone) });

export const tripCustodyRecord: CredentialKind<TripCustodyFacts> = {
  type: 'TripCustodyRecord',
  title: 'Trip custody record',
  description:
    'The customs administration attests that a container travelled under customs control, sealed by an electronic seal or lock, from one gate to another: when, whether the seal stayed intact, the incidents on the way, and the digest of the track reported.',
  subject: TripCustodyRecordSubject,

  refusal(declaration) {
    if (!STATES_WITH_RELEASED_GOODS.includes(declaration.state)) {
      return { reason: 'state', message: `is ${declaration.state}; goods travel under custody only once released` };
    }
    return null;
  },

  check() {
    // Everything a custody record says comes from the records; the service issues it only for a completed trip.
  },

  buildSubject(declaration, trip): TripCustodyRecordSubject {
    const incidents = trip.incidents.slice(0, MAX_CUSTODY_INCIDENTS).map(({ kind, severity, at }) => ({ kind, severity: severity as 'INFO' | 'WARNING' | 'CRITICAL', at }));
    const omitted = trip.incidents.length - incidents.length;
    return {
      type: 'TripCustodyRecordSubject',
      trip: { reference: trip.reference, container: trip.containerNumber, device: trip.device },
      declaration: { reference: declaration.reference, declarationType: declaration.type },
      enterprise: partyOf(declaration.enterprise),
      origin: gateRef(trip.origin),
      destination: gateRef(trip.destination),
      departedAt: trip.startedAt ?? '',
      arrivedAt: trip.endedAt ?? '',
      completion: trip.completedByOfficer ? 'CONFIRMED_BY_OFFICER' : 'SEAL_OPENED_AT_DESTINATION',
      ...(trip.completedByOfficer && trip.endNote ? { officerNote: trip.endNote } : {}),
      sealIntact: !trip.tampered && !trip.incidents.some((incident) => SEAL_BROKEN_ALERTS.includes(incident.kind)),
      track: trip.track,
      incidents,
      ...(omitted > 0 ? { incidentsOmitted: omitted } : {}),
    };
  },

  name: (declaration, trip) => `Custody record of trip ${trip.reference} (container ${trip.containerNumber}, declaration ${declaration.reference})`,
};
