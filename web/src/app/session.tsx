// Who is signed in, and the directory every page names things from (zones, enterprises). The token
// lives in sessionStorage; the principal is read back from /auth/me so a reload keeps the session
// and an expired token sends the user back to the sign-in page.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, getToken, setToken, setUnauthenticatedHandler } from '../api/client.ts';
import type { Enterprise, LoginReply, Principal, Role, Zone } from '../api/types.ts';
import { fetchAll } from '../lib/use-resource.ts';

const NAME_KEY = 'cordon.displayName';
const ZONE_KEY = 'cordon.zone';

export interface Session {
  principal: Principal;
  displayName: string;
}

interface SessionState {
  session: Session | null;
  /** True until a stored token has been checked. */
  restoring: boolean;
  /** Why the last session ended, shown on the sign-in page. */
  endedBecause: string | null;
  signIn: (username: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(() => getToken() !== null);
  const [endedBecause, setEndedBecause] = useState<string | null>(null);

  const end = useCallback((reason: string | null) => {
    setToken(null);
    sessionStorage.removeItem(NAME_KEY);
    setSession(null);
    setEndedBecause(reason);
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => end('Your session has ended. Sign in again to continue.'));
    return () => setUnauthenticatedHandler(null);
  }, [end]);

  useEffect(() => {
    if (getToken() === null) return;
    const controller = new AbortController();
    api<Principal>('/api/v1/auth/me', { signal: controller.signal }).then(
      (principal) => {
        setSession({ principal, displayName: sessionStorage.getItem(NAME_KEY) ?? principal.name });
        setRestoring(false);
      },
      () => {
        if (controller.signal.aborted) return;
        end(null);
        setRestoring(false);
      },
    );
    return () => controller.abort();
  }, [end]);

  const signIn = useCallback(async (username: string, password: string) => {
    const reply = await api<LoginReply>('/api/v1/auth/login', { method: 'POST', body: { username, password } });
    setToken(reply.token);
    sessionStorage.setItem(NAME_KEY, reply.user.displayName);
    const principal = await api<Principal>('/api/v1/auth/me');
    setEndedBecause(null);
    setSession({ principal, displayName: reply.user.displayName });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api('/api/v1/auth/logout', { method: 'POST' });
    } catch {
      // The session ends on this side whatever the server says.
    }
    sessionStorage.removeItem(ZONE_KEY);
    end(null);
  }, [end]);

  const value = useMemo(() => ({ session, restoring, endedBecause, signIn, signOut }), [session, restoring, endedBecause, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSessionState(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSessionState outside SessionProvider');
  return state;
}

/** The signed-in session; only inside the pages that require one. */
export function useSession(): Session & { signOut: () => Promise<void> } {
  const { session, signOut } = useSessionState();
  if (!session) throw new Error('useSession without a session');
  return { ...session, signOut };
}

// --- rights: what the console offers each role (the server decides; this only hides what would be refused)

export const BILL_READERS: readonly Role[] = ['admin', 'customs_officer', 'risk_analyst', 'auditor', 'enterprise_user'];

export function canDeclare(principal: Principal): boolean {
  return (principal.role === 'enterprise_user' && principal.enterpriseId !== null) || declaresOnBehalf(principal);
}

/** Staff who may declare for an enterprise, which they then choose on the form. */
export function declaresOnBehalf(principal: Principal): boolean {
  return principal.role === 'admin';
}

export function canReadBills(principal: Principal): boolean {
  return BILL_READERS.includes(principal.role);
}

export function isStaff(principal: Principal): boolean {
  return principal.role !== 'enterprise_user';
}

// --- the directory: zones and enterprises by id, and the zone the user is looking at

interface Directory {
  zones: Zone[];
  enterprises: Enterprise[];
  loaded: boolean;
  zoneById: (id: string | null | undefined) => Zone | undefined;
  enterpriseById: (id: string | null | undefined) => Enterprise | undefined;
  /** The zone chosen in the header; null for every zone the user may see. */
  zoneId: string | null;
  setZoneId: (id: string | null) => void;
}

const DirectoryContext = createContext<Directory | null>(null);

export function DirectoryProvider({ children }: { children: ReactNode }) {
  const [zones, setZones] = useState<Zone[]>([]);
  const [enterprises, setEnterprises] = useState<Enterprise[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [zoneId, setZoneIdState] = useState<string | null>(() => sessionStorage.getItem(ZONE_KEY));

  useEffect(() => {
    const controller = new AbortController();
    Promise.all([fetchAll<Zone>('/api/v1/zones', controller.signal), fetchAll<Enterprise>('/api/v1/enterprises', controller.signal)]).then(
      ([z, e]) => {
        setZones(z);
        setEnterprises(e);
        setLoaded(true);
      },
      () => {
        if (!controller.signal.aborted) setLoaded(true);
      },
    );
    return () => controller.abort();
  }, []);

  const setZoneId = useCallback((id: string | null) => {
    if (id === null) sessionStorage.removeItem(ZONE_KEY);
    else sessionStorage.setItem(ZONE_KEY, id);
    setZoneIdState(id);
  }, []);

  const value = useMemo<Directory>(() => {
    const zoneMap = new Map(zones.map((z) => [z.id, z]));
    const enterpriseMap = new Map(enterprises.map((e) => [e.id, e]));
    // A zone remembered from another session that this user may not see is forgotten.
    const visibleZoneId = zoneId !== null && loaded && !zoneMap.has(zoneId) ? null : zoneId;
    return {
      zones,
      enterprises,
      loaded,
      zoneById: (id) => (id ? zoneMap.get(id) : undefined),
      enterpriseById: (id) => (id ? enterpriseMap.get(id) : undefined),
      zoneId: visibleZoneId,
      setZoneId,
    };
  }, [zones, enterprises, loaded, zoneId, setZoneId]);

  return <DirectoryContext.Provider value={value}>{children}</DirectoryContext.Provider>;
}

export function useDirectory(): Directory {
  const directory = useContext(DirectoryContext);
  if (!directory) throw new Error('useDirectory outside DirectoryProvider');
  return directory;
}
