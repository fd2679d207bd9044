// Who may open the live event stream. A browser's EventSource cannot send an Authorization header,
// so a signed-in client first asks for a ticket (single use, a minute long, bound to the session or
// API key that asked) and opens the stream with it; other clients may send their bearer token.
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import { AppError } from '../platform/errors.ts';
import { randomSecret, sha256Hex } from '../platform/auth/secrets.ts';
import type { Principal, Role } from '../platform/auth/principal.ts';
import { liveRepository as repo } from './live.repository.ts';

/** Every signed-in role has a live view; what each receives is filtered per event. */
export const STREAM_READERS: readonly Role[] = ['admin', 'customs_officer', 'risk_analyst', 'auditor', 'zone_operator', 'enterprise_user'];

const TICKET_PREFIX = 'cdn_t_';
const TICKET_PATTERN = /^cdn_t_[A-Za-z0-9_-]{43}$/;
export const TICKET_TTL_SECONDS = 60;
/** A few browser tabs and a machine client; more from one principal is a leak or an attack. */
export const MAX_STREAMS_PER_PRINCIPAL = 5;

export interface LiveIdentity {
  authenticate(token: string): Promise<Principal | null>;
  credentialOf(token: string): string | null;
  authenticateCredential(credential: string): Promise<Principal | null>;
}

/** The principal of a stream and the credential whose validity the stream keeps checking. */
export interface StreamViewer {
  principal: Principal;
  credential: string;
}

const unauthenticated = (message: string) => new AppError('UNAUTHENTICATED', message);

export function createLiveService(deps: { db: Db; clock: Clock; identity: LiveIdentity }) {
  const { db, clock, identity } = deps;

  return {
    /** A ticket for the caller's session or API key; `token` is the bearer token of the request. */
    async issueTicket(principal: Principal, token: string) {
      const credential = identity.credentialOf(token);
      if (!credential) throw unauthenticated('Send a bearer token: Authorization: Bearer <token>');
      const now = clock.now();
      const ticket = `${TICKET_PREFIX}${randomSecret()}`;
      const expiresAt = new Date(now.getTime() + TICKET_TTL_SECONDS * 1000);
      await db.transaction(async (tx) => {
        await repo.purgeExpiredTickets(tx, now);
        await repo.insertTicket(tx, { hash: sha256Hex(ticket), credential, principalId: principal.id, expiresAt });
      });
      return { ticket, expiresAt: expiresAt.toISOString(), streamUrl: `/api/v1/events/stream?ticket=${ticket}` };
    },

    /** The viewer of a stream opened with a ticket (used up here) or a bearer token. */
    async authenticateStream(ticket: string | undefined, authorization: string | undefined): Promise<StreamViewer> {
      let credential: string | null = null;
      if (ticket !== undefined) {
        const taken = TICKET_PATTERN.test(ticket) ? await repo.takeTicket(db, sha256Hex(ticket), clock.now()) : undefined;
        if (!taken) throw unauthenticated('The ticket is invalid, expired or already used; ask POST /api/v1/events/tickets for another');
        credential = taken.credential;
      } else if (authorization !== undefined) {
        const token = /^Bearer ([A-Za-z0-9_\-.]{10,300})$/.exec(authorization)?.[1];
        const principal = token ? await identity.authenticate(token) : null;
        if (!token || !principal) throw unauthenticated('The token is invalid, expired or revoked');
        credential = identity.credentialOf(token);
      }
      if (!credential) throw unauthenticated('Send ?ticket= (from POST /api/v1/events/tickets) or a bearer token');
      const principal = await identity.authenticateCredential(credential);
      if (!principal) throw unauthenticated('The session or API key behind the ticket has ended');
      if (!STREAM_READERS.includes(principal.role)) throw new AppError('FORBIDDEN', 'Your role does not allow this action');
      return { principal, credential };
    },

    /** Refuses a stream beyond the principal's allowance; `open` is the number it has open now. */
    checkAllowance(open: number): void {
      if (open >= MAX_STREAMS_PER_PRINCIPAL) {
        throw new AppError('RATE_LIMITED', `At most ${MAX_STREAMS_PER_PRINCIPAL} event streams may be open at once; close one first`);
      }
    },
  };
}

export type LiveService = ReturnType<typeof createLiveService>;
