// The projector: reads the outbox forward and records what partners may learn of each event as a
// signed feed item, numbered 1, 2, 3 … in the order recorded. Its position moves in the same
// transaction as the items it writes, under a row lock, so a restart or a second projector running
// at the same time never loses an item, writes one twice or leaves a hole in the numbering.
//
// An item says only what a partner administration may know: containers, their status, the
// declaration's reference, the gate, the certificate, and the name of the enterprise sending the
// goods out. Never values, goods, lanes or anything of customs' targeting.
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import type { SigningKey } from '../platform/keys/signing-key.ts';
import { readEvents, type StoredEvent } from '../platform/events/outbox.ts';
import { UUID_PATTERN } from '../platform/http/pagination.ts';
import { normalizeContainer } from '../gates/matching.ts';
import { feedsRepository as repo, type DeclarationFactsRow } from './feeds.repository.ts';
import { signFeedItem } from './feeds.signature.ts';
import type { ContainerStatus, UnsignedFeedItem } from './feeds.schemas.ts';

/** Events read per pass. */
const BATCH = 200;
/**
 * How long an outbox id missing below later events is looked for. On PostgreSQL a transaction may
 * commit after one that took a later id; one still missing after this long was rolled back.
 */
const GAP_PATIENCE_MS = 15 * 60_000;
/** A rolled-back bulk write can leave a long run of unused ids; past this many, they are not tracked. */
const MAX_GAPS_PER_PASS = 10_000;

/** Declarations whose goods leave the zone: their enterprise is the exporter partners may name. */
const OUTBOUND_TYPES: readonly string[] = ['EXPORT', 'DOMESTIC_RELEASE', 'TRANSFER'];
/** Which way the goods of a declaration cross the fence; the others cross none. */
const DIRECTION_BY_TYPE: Record<string, 'IN' | 'OUT'> = { ADMISSION: 'IN', DOMESTIC_ADMISSION: 'IN', EXPORT: 'OUT', DOMESTIC_RELEASE: 'OUT', TRANSFER: 'OUT' };

/** An item before it is numbered and signed. */
type Draft =
  | { kind: 'container.status'; zoneId: string; status: ContainerStatus; containers: string[]; declaration: DeclarationFactsRow | null; gate: string | null }
  | { kind: 'certificate.issued'; zoneId: string; credentialId: string; credentialType: string; declaration: DeclarationFactsRow | null };

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);
const distinct = (values: readonly string[]) => [...new Set(values)];

export interface ProjectorDeps {
  db: Db;
  clock: Clock;
  signingKey: SigningKey;
  /** Where the public verifies a certificate: `<publicUrl>/verify/<id>`. */
  publicUrl: string;
}

export function createFeedProjector(deps: ProjectorDeps) {
  const { db, clock, signingKey, publicUrl } = deps;

  async function declarationOf(tx: Db, id: unknown): Promise<DeclarationFactsRow | null> {
    return typeof id === 'string' && UUID_PATTERN.test(id) ? repo.declarationFacts(tx, id) : null;
  }

  function containerStatus(declaration: DeclarationFactsRow, zoneId: string, status: ContainerStatus, gate: string | null, containers = declaration.container_numbers): Draft | null {
    const numbers = distinct(containers.map(normalizeContainer));
    // A container feed: goods that travel without a container have no item of it.
    if (numbers.length === 0) return null;
    return { kind: 'container.status', zoneId, status, containers: numbers, declaration, gate };
  }

  /** What partners learn of one event; null for the many events that are none of their business. */
  async function draftOf(tx: Db, event: StoredEvent): Promise<Draft | null> {
    switch (event.type) {
      case 'declaration.release': {
        const declaration = await declarationOf(tx, event.aggregateId);
        return declaration ? containerStatus(declaration, declaration.zone_id, 'RELEASED', null) : null;
      }
      case 'declaration.complete': {
        const declaration = await declarationOf(tx, event.aggregateId);
        if (!declaration) return null;
        // A transfer completes when its goods are taken into the destination zone's books.
        if (declaration.type === 'TRANSFER') {
          return declaration.destination_zone_id ? containerStatus(declaration, declaration.destination_zone_id, 'ARRIVED', null) : null;
        }
        const direction = DIRECTION_BY_TYPE[declaration.type];
        // Goods that went through a gate on a pass have their item from the gate, with its code.
        if (!direction || (await repo.passedAGate(tx, declaration.id))) return null;
        return containerStatus(declaration, declaration.zone_id, direction === 'IN' ? 'GATED_IN' : 'GATED_OUT', null);
      }
      case 'gate.passage': {
        // Only a truck that went through on its pass: opened by the gate, or let through by an officer.
        if (event.payload.decision !== 'OPEN' && event.payload.status !== 'OVERRIDDEN') return null;
        const passage = await repo.passageFacts(tx, event.aggregateId);
        if (!passage?.pass_id || passage.pass_used_by !== passage.id || !passage.pass_direction) return null;
        const declaration = await declarationOf(tx, passage.declaration_id);
        if (!declaration) return null;
        const onPass = passage.pass_containers ?? [];
        const containers = onPass.length > 0 ? onPass : passage.read_containers.map((read) => read.number);
        return containerStatus(declaration, passage.zone_id, passage.pass_direction === 'IN' ? 'GATED_IN' : 'GATED_OUT', passage.gate_code, containers);
      }
      case 'credential.issued': {
        const { payload } = event;
        const credentialId = text(payload.credentialId) ?? text(payload.id) ?? event.aggregateId;
        const credentialType = text(payload.credentialType) ?? text(payload.type) ?? 'VerifiableCredential';
        const declaration = await declarationOf(tx, payload.declarationId);
        const zoneId = event.zoneId ?? declaration?.zone_id ?? null;
        // Partners subscribe by zone: a certificate of no zone reaches none of them.
        return zoneId ? { kind: 'certificate.issued', zoneId, credentialId, credentialType, declaration } : null;
      }
      default:
        return null;
    }
  }

  function unsigned(id: number, event: StoredEvent, zone: string, draft: Draft): UnsignedFeedItem {
    const { declaration } = draft;
    const shared = {
      id,
      occurredAt: event.occurredAt.toISOString(),
      zone,
      declarationReference: declaration?.reference ?? null,
      exporterName: declaration && OUTBOUND_TYPES.includes(declaration.type) ? declaration.enterprise_name : null,
    };
    if (draft.kind === 'container.status') {
      return { ...shared, kind: draft.kind, status: draft.status, containers: draft.containers, gate: draft.gate };
    }
    return {
      ...shared,
      kind: draft.kind,
      credentialId: draft.credentialId,
      credentialType: draft.credentialType,
      verifyUrl: `${publicUrl}/verify/${encodeURIComponent(draft.credentialId)}`,
    };
  }

  /** Numbers, signs and stores the items of `events`; returns the last item id used. */
  async function record(tx: Db, events: readonly StoredEvent[], lastItemId: number, at: Date): Promise<number> {
    let itemId = lastItemId;
    for (const event of events) {
      const draft = await draftOf(tx, event);
      if (!draft) continue;
      const zone = await repo.zoneName(tx, draft.zoneId);
      if (zone === null) continue;
      itemId += 1;
      const { body, signature } = await signFeedItem(unsigned(itemId, event, zone, draft), signingKey);
      await repo.insertItem(tx, { id: itemId, eventId: event.id, kind: draft.kind, zoneId: draft.zoneId, occurredAt: event.occurredAt, body, signature, at });
    }
    return itemId;
  }

  /** Ids in (after, upTo] that `events` lack. */
  function missingIds(after: number, events: readonly StoredEvent[]): number[] {
    const missing: number[] = [];
    let expected = after + 1;
    for (const event of events) {
      for (; expected < event.id && missing.length < MAX_GAPS_PER_PASS; expected += 1) missing.push(expected);
      expected = event.id + 1;
    }
    return missing;
  }

  /** One pass in one transaction; true when more events may be waiting. */
  async function pass(): Promise<boolean> {
    return db.transaction(async (tx) => {
      const position = await repo.lockProjection(tx);
      const now = clock.now();
      // Late events first: one that committed while no projector ran is found before its gap expires.
      const late = await repo.lateEvents(tx, BATCH);
      await repo.removeGaps(tx, late.map((event) => event.id));
      await repo.forgetGapsNoticedBefore(tx, new Date(now.getTime() - GAP_PATIENCE_MS));
      const fresh = await readEvents(tx, position.last_event_id, BATCH);
      await repo.addGaps(tx, missingIds(position.last_event_id, fresh), now);
      const lastItemId = await record(tx, [...late, ...fresh], position.last_item_id, now);
      const lastEventId = fresh[fresh.length - 1]?.id ?? position.last_event_id;
      if (lastEventId !== position.last_event_id || lastItemId !== position.last_item_id) await repo.saveProjection(tx, lastEventId, lastItemId);
      return fresh.length === BATCH || late.length === BATCH;
    });
  }

  return {
    /** Records the items of every event written so far; safe to run from several processes at once. */
    async project(): Promise<void> {
      while (await pass());
    },
  };
}

export type FeedProjector = ReturnType<typeof createFeedProjector>;
