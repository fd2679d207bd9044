// The frame around every signed-in page: navigation by role (with the count of open alerts), the
// zone the user looks at (staff of more than one zone), the live connection's state, the user menu,
// and toasts for live events.
import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { withQuery } from '../api/client.ts';
import type { AlertRecord } from '../api/alert-types.ts';
import { ROLE_NAMES, type LiveEvent, type Page, type Principal } from '../api/types.ts';
import { useToasts } from '../components/toasts.tsx';
import { ACTION_LABELS, humanize } from '../lib/format.ts';
import { canManageUsers, canMonitorTrips, canReadAlerts, canReadCctv, canReadInspections, canReadSettings, canReadTransparencyLog, canReadTrips, canSeeTargeting, canWatchGates } from '../lib/rights.ts';
import { useResource } from '../lib/use-resource.ts';
import { isOwnAction, useLive, useLiveEvents, useThrottled, type LiveStatus } from '../live/live.tsx';
import { canDeclare, isStaff, useDirectory, useSession } from './session.tsx';

const MUTE_KEY = 'cordon.muted';

const STATUS_TEXT: Record<LiveStatus, string> = {
  connecting: 'Connecting',
  live: 'Live',
  reconnecting: 'Reconnecting',
  offline: 'Offline',
};

function LiveIndicator() {
  const { status } = useLive();
  return (
    <span className={`live live-${status}`} title={`Live updates: ${STATUS_TEXT[status].toLowerCase()}`} data-testid="live-status" data-status={status}>
      <span className="live-dot" aria-hidden="true" />
      {STATUS_TEXT[status]}
    </span>
  );
}

function ZoneSelector() {
  const { principal } = useSession();
  const { zones, zoneId, setZoneId } = useDirectory();
  if (!isStaff(principal) || zones.length < 2) return null;
  return (
    <label className="zone-select">
      <span className="visually-hidden">Zone</span>
      <select value={zoneId ?? ''} onChange={(e) => setZoneId(e.target.value || null)} aria-label="Zone shown">
        <option value="">All zones</option>
        {zones.map((zone) => (
          <option key={zone.id} value={zone.id}>
            {zone.code} · {zone.name}
          </option>
        ))}
      </select>
    </label>
  );
}

function UserMenu({ muted, setMuted }: { muted: boolean; setMuted: (value: boolean) => void }) {
  const { principal, displayName, signOut } = useSession();
  const { enterpriseById } = useDirectory();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const location = useLocation();

  useEffect(() => {
    setOpen(false);
  }, [location.pathname]);
  useEffect(() => {
    if (!open) return;
    const onClick = (event: MouseEvent) => {
      if (ref.current && !ref.current.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', onClick);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onClick);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const enterprise = enterpriseById(principal.enterpriseId);
  return (
    <div className="user-menu" ref={ref}>
      <button type="button" className="user-button" aria-haspopup="true" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        <span className="user-name">{displayName}</span>
        <span className="user-role">{ROLE_NAMES[principal.role]}</span>
      </button>
      {open ? (
        <div className="user-popover">
          <div className="user-popover-head">
            <strong>{displayName}</strong>
            <span>
              {principal.name} · {ROLE_NAMES[principal.role]}
            </span>
            {enterprise ? <span>{enterprise.name}</span> : null}
          </div>
          <label className="check">
            <input type="checkbox" checked={!muted} onChange={(e) => setMuted(!e.target.checked)} />
            Notify me of live events
          </label>
          <button type="button" className="button button-block" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      ) : null}
    </div>
  );
}

/** One notice per declaration for a burst of its events (a submission is assessed and may be released at once). */
function useLiveToasts(muted: boolean) {
  const { principal } = useSession();
  const { push } = useToasts();
  const { zoneId, zoneById } = useDirectory();
  const pending = useRef(new Map<string, LiveEvent[]>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  useLiveEvents((event) => {
    if (!event || muted) return;
    if (zoneId && event.zoneId !== zoneId) return;
    if (event.type === 'book.discrepancy') {
      const d = event.data;
      push({
        kind: 'alert',
        title: `Alert: ${humanize(String(d.kind ?? 'discrepancy'))} in a book`,
        body: `${String(d.partNumber ?? d.hsCode ?? '')} · ${String(d.quantity ?? '')} ${String(d.unit ?? '')}`.trim(),
        ...(typeof d.reconciliationId === 'string' ? { href: `/reconciliations/${d.reconciliationId}` } : {}),
      });
      return;
    }
    if (event.type === 'alert.raised') {
      if (!canReadAlerts(principal)) return;
      const d = event.data;
      push({
        kind: 'alert',
        title: `Alert: ${typeof d.message === 'string' ? d.message : humanize(String(d.kind ?? 'alert'))}`,
        body: `${humanize(String(d.severity ?? ''))}${zoneById(event.zoneId) ? ` · ${zoneById(event.zoneId)?.code ?? ''}` : ''}`,
        href: '/alerts',
      });
      return;
    }
    if (!event.type.startsWith('declaration.')) return;
    const list = pending.current.get(event.aggregateId) ?? [];
    list.push(event);
    pending.current.set(event.aggregateId, list);
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      for (const [id, events] of pending.current) {
        const last = events[events.length - 1];
        if (!last || isOwnAction(id)) continue;
        const d = last.data;
        const reference = String(d.reference ?? 'Declaration');
        const submitted = events.some((e) => e.type === 'declaration.submit');
        const action = last.type.slice('declaration.'.length).toUpperCase();
        const zone = zoneById(last.zoneId)?.code;
        const lane = typeof d.lane === 'string' ? ` · ${d.lane}` : '';
        const state = typeof d.state === 'string' ? humanize(d.state) : '';
        push({
          kind: submitted ? 'info' : action === 'REJECT' ? 'error' : 'success',
          title: submitted ? `New declaration ${reference}` : `${reference}: ${(ACTION_LABELS[action] ?? humanize(action)).toLowerCase()}`,
          body: `${humanize(String(d.declarationType ?? ''))}${lane} · ${state}${zone ? ` · ${zone}` : ''}`,
          href: `/declarations/${id}`,
        });
      }
      pending.current.clear();
    }, 600);
  });
}

interface NavEntry {
  to: string;
  label: string;
  end?: boolean;
  /** A count beside the label (open alerts); none when null. */
  count?: string | null;
}

const OPEN_ALERTS_SHOWN = 99;

/**
 * How many alerts are open in the zone shown, read again when alerts are raised or acknowledged:
 * one small page of the feed, so more than 99 reads "99+".
 */
function useOpenAlertCount(principal: Principal): string | null {
  const { zoneId } = useDirectory();
  const allowed = canReadAlerts(principal);
  const open = useResource<Page<AlertRecord>>(allowed ? withQuery('/api/v1/alerts', { status: 'OPEN', zoneId, limit: OPEN_ALERTS_SHOWN }) : null);
  const { reload } = open;
  const refresh = useThrottled(() => reload(true), 1500);
  useLiveEvents((event) => {
    if (allowed && (event === null || event.type.startsWith('alert.'))) refresh();
  });
  if (!open.data || open.data.items.length === 0) return null;
  return open.data.nextCursor ? `${OPEN_ALERTS_SHOWN}+` : String(open.data.items.length);
}

/**
 * The pages of every day, always in the bar, and the rest under "More". What is every day depends on
 * the role: a trader's books; customs' alerts, inspections and gates; the analyst's risk desk.
 */
function navEntries(principal: Principal, openAlerts: string | null): { primary: NavEntry[]; more: NavEntry[] } {
  const staff = isStaff(principal);
  const books: NavEntry = { to: '/books', label: 'Books' };
  // Customs declares only now and then, on an enterprise's behalf.
  const newDeclaration: NavEntry = { to: '/declarations/new', label: 'New declaration' };
  const primary: NavEntry[] = [
    { to: '/dashboard', label: 'Dashboard' },
    { to: '/declarations', label: 'Declarations', end: true },
    ...(canDeclare(principal) && !staff ? [newDeclaration] : []),
    ...(staff ? [] : [books]),
    ...(canReadAlerts(principal) ? [{ to: '/alerts', label: 'Alerts', count: openAlerts }] : []),
    ...(canReadInspections(principal) ? [{ to: '/inspections', label: 'Inspections' }] : []),
    ...(canWatchGates(principal) ? [{ to: '/gates', label: 'Gates' }] : []),
    ...(canMonitorTrips(principal) ? [{ to: '/monitoring', label: 'Monitoring' }] : []),
    ...(canSeeTargeting(principal) ? [{ to: '/risk', label: 'Risk' }] : []),
  ];
  const more: NavEntry[] = [
    ...(canDeclare(principal) && staff ? [newDeclaration] : []),
    ...(staff ? [books] : []),
    ...(canReadCctv(principal) ? [{ to: '/cctv', label: 'CCTV' }] : []),
    ...(canReadTrips(principal) ? [{ to: '/trips', label: 'Trips' }, { to: '/devices', label: 'Tracking devices' }] : []),
    ...(canReadTransparencyLog(principal) ? [{ to: '/transparency', label: 'Transparency log' }] : []),
    { to: '/zones', label: 'Zones map' },
    staff || !principal.enterpriseId ? { to: '/enterprises', label: 'Enterprises' } : { to: `/enterprises/${principal.enterpriseId}`, label: 'Your enterprise' },
    { to: '/tariff', label: 'Tariff' },
    ...(canReadSettings(principal) ? [{ to: '/settings', label: 'Settings' }] : []),
    ...(canManageUsers(principal) ? [{ to: '/users', label: 'Users and API keys' }] : []),
  ];
  return { primary, more };
}

/**
 * True while the bar's content is wider than the bar: then every page goes under one "Menu"
 * button. The width the full bar needed is kept, so it comes back once the window is wide enough.
 */
function useCompactBar(bar: RefObject<HTMLElement | null>): boolean {
  const [compact, setCompact] = useState(false);
  const needed = useRef(0);
  useLayoutEffect(() => {
    const element = bar.current;
    if (!element) return;
    const check = () => {
      if (!element.classList.contains('topbar-compact')) {
        if (element.scrollWidth > element.clientWidth + 1) {
          needed.current = element.scrollWidth;
          setCompact(true);
        }
      } else if (element.clientWidth >= needed.current) {
        setCompact(false);
      }
    };
    check();
    const observer = new ResizeObserver(check);
    observer.observe(element);
    for (const child of Array.from(element.children)) observer.observe(child);
    return () => observer.disconnect();
  }, [bar]);
  return compact;
}

function MainNav({ compact }: { compact: boolean }) {
  const { principal } = useSession();
  const { pathname } = useLocation();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const openAlerts = useOpenAlertCount(principal);
  const { primary, more } = navEntries(principal, openAlerts);

  useEffect(() => {
    setOpen(false);
  }, [pathname, compact]);
  useEffect(() => {
    if (!open) return;
    const onClick = (event: MouseEvent) => {
      if (ref.current && !ref.current.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('mousedown', onClick);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onClick);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  // The open alerts' count is in sight in the bar: beside "Alerts", or on "Menu" when that holds it.
  const count = (value: string, inSight: boolean, words: string) => (
    <span className="nav-count" data-testid={inSight ? 'open-alert-count' : undefined}>
      {value}
      <span className="visually-hidden"> {words}</span>
    </span>
  );
  const link = (entry: NavEntry) => (
    <NavLink key={entry.to} to={entry.to} end={entry.end ?? false}>
      {entry.label}
      {entry.count ? count(entry.count, !compact, 'open') : null}
    </NavLink>
  );
  const inMenu = compact ? [...primary, ...more] : more;
  const menuActive = inMenu.some((entry) => (entry.end ? pathname === entry.to : pathname.startsWith(entry.to)));
  return (
    <nav aria-label="Main" className="nav" ref={ref}>
      {compact ? null : primary.map(link)}
      <div className="nav-more">
        <button
          type="button"
          ref={button}
          className={`nav-more-button${menuActive ? ' active' : ''}`}
          aria-expanded={open}
          aria-controls={open ? 'nav-more-list' : undefined}
          onClick={() => setOpen((o) => !o)}
        >
          {compact ? 'Menu' : 'More'}
          {compact && openAlerts ? count(openAlerts, true, 'open alerts') : null}
          <span className="nav-caret" aria-hidden="true">
            ▾
          </span>
        </button>
        {open ? (
          <div id="nav-more-list" className="nav-popover">
            {inMenu.map(link)}
          </div>
        ) : null}
      </div>
    </nav>
  );
}

export function Shell() {
  const { pathname } = useLocation();
  // A new page starts at its top, as it would in a site of separate pages.
  useEffect(() => {
    // (Newer browsers answer scrollTo with a promise, which an effect must not return.)
    window.scrollTo(0, 0);
  }, [pathname]);
  const [muted, setMutedState] = useState(() => localStorage.getItem(MUTE_KEY) === '1');
  const setMuted = (value: boolean) => {
    localStorage.setItem(MUTE_KEY, value ? '1' : '0');
    setMutedState(value);
  };
  useLiveToasts(muted);
  const bar = useRef<HTMLElement>(null);
  const compact = useCompactBar(bar);

  return (
    <div className="app">
      <a
        className="skip-link"
        href="#main"
        onClick={(event) => {
          // Focus without a hash in the address, which the router would take for a navigation.
          event.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header className={`topbar${compact ? ' topbar-compact' : ''}`} ref={bar}>
        <NavLink to="/dashboard" className="brand" aria-label="Cordon, dashboard">
          <span className="brand-mark" aria-hidden="true">
            C
          </span>
          Cordon
        </NavLink>
        <MainNav compact={compact} />
        <div className="topbar-right">
          <ZoneSelector />
          <LiveIndicator />
          <UserMenu muted={muted} setMuted={setMuted} />
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
