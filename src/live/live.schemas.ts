// Request and reply schemas of the live event stream and its tickets.
import { Type, type Static } from 'typebox';
import { IsoDateTime } from '../platform/http/schemas.ts';

export const Ticket = Type.Object({
  ticket: Type.String({ description: 'Single use; valid for 60 seconds' }),
  expiresAt: IsoDateTime,
  streamUrl: Type.String({ description: 'The stream with this ticket, relative to the server' }),
});

export const StreamQuery = Type.Object(
  {
    // No pattern here: a malformed ticket is refused like an unknown one (401), not as bad input.
    ticket: Type.Optional(Type.String({ maxLength: 200, description: 'From POST /api/v1/events/tickets; or send a bearer token instead' })),
    lastEventId: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Resume after this event id, as the Last-Event-ID header does (which wins when both are sent)' }),
    ),
  },
  { additionalProperties: false },
);
export type StreamQuery = Static<typeof StreamQuery>;

export const StreamHeaders = Type.Object({
  'last-event-id': Type.Optional(Type.String({ description: 'Resume after this event id (sent by a reconnecting EventSource)' })),
});

export const EVENT_STREAM_DESCRIPTION = [
  'Server-Sent Events. Each domain event is an unnamed message whose `id` is the outbox id and whose `data` is',
  '`{ id, type, aggregateType, aggregateId, zoneId, enterpriseId, at, data }`, with `data` holding a few safe fields per type.',
  'Control messages: `ready` (caught up; data `{ lastEventId }`), `reset` (resumed from too far back: reload, then carry on),',
  '`end` (the server ends the stream; data `{ reason }`: shutdown, signed-out, too-slow, error).',
  'A comment heartbeat comes every 15 seconds.',
].join(' ');
