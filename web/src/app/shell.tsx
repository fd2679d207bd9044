// The frame around every signed-in page: navigation by role, the zone the user looks at (staff of
// more than one zone), the live connection's state, the user menu, and toasts for live events.
import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { ROLE_NAMES, type LiveEvent, type Principal } from '../api/types.ts';
import { useToasts } from '../components/toasts.tsx';
import { ACTION_LABELS, humanize } from '../lib/format.ts';
import { canManageUsers, canReadSettings, canSeeTargeting } from '../lib/rights.ts';
import { isOwnAction, useLive, useLiveEvents, type LiveStatus } from '../live/live.tsx';
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
}

/** The pages of every day, always in the bar, and the administration's, under "More". */
function navEntries(principal: Principal): { primary: NavEntry[]; more: NavEntry[] } {
  const staff = isStaff(principal);
  const primary: NavEntry[] = [
    { to: '/dashboard', label: 'Dashboard' },
    { to: '/declarations', label: 'Declarations', end: true },
    ...(canDeclare(principal) ? [{ to: '/declarations/new', label: 'New declaration' }] : []),
    { to: '/books', label: 'Books' },
    ...(canSeeTargeting(principal) ? [{ to: '/risk', label: 'Risk' }] : []),
    { to: '/zones', label: 'Zones map' },
  ];
  const more: NavEntry[] = [
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
  const { primary, more } = navEntries(principal);

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

  const link = (entry: NavEntry) => (
    <NavLink key={entry.to} to={entry.to} end={entry.end ?? false}>
      {entry.label}
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
