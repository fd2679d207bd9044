// Users and API keys (administrators): who may sign in, with which role and over which zones or
// enterprise; creation with an initial password, changes of role, scope and name, password resets,
// deactivation. Machine clients' API keys: created with their scopes (the key shown once), revoked.
import { useMemo, useState, type ReactNode } from 'react';
import { api, newIdempotencyKey, withQuery, type ApiError } from '../api/client.ts';
import {
  API_KEY_SCOPES,
  ROLE_NAMES,
  ROLES,
  USER_ROLES,
  type ApiKey,
  type ApiKeyCreated,
  type Page,
  type Role,
  type UserAccount,
  type UserChange,
  type UserInput,
} from '../api/types.ts';
import { useDirectory, useSession } from '../app/session.tsx';
import { ErrorSummary } from '../components/error-summary.tsx';
import { Field, fieldId } from '../components/field.tsx';
import { FormDialog } from '../components/form-dialog.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, Loading, PageHeader, Section, Tag } from '../components/ui.tsx';
import { errorsByPath, toApiError } from '../lib/form-errors.ts';
import { formatShortDateTime } from '../lib/format.ts';
import { useDebounced, useResource } from '../lib/use-resource.ts';

// --- scope: an enterprise for enterprise users, zones (or all) for staff ---------------------------

interface Scope {
  role: Role;
  enterpriseId: string;
  allZones: boolean;
  zoneIds: string[];
}

function scopeBody(scope: Scope): { enterpriseId: string | null; zoneIds: string[] | null } {
  if (scope.role === 'enterprise_user') return { enterpriseId: scope.enterpriseId || null, zoneIds: null };
  return { enterpriseId: null, zoneIds: scope.allZones ? null : scope.zoneIds };
}

function scopeOf(record: { role: Role; enterpriseId: string | null; zoneIds: string[] | null }): Scope {
  return { role: record.role, enterpriseId: record.enterpriseId ?? '', allZones: record.zoneIds === null, zoneIds: record.zoneIds ?? [] };
}

function useScopeText() {
  const { enterpriseById, zoneById } = useDirectory();
  return (record: { role: Role; enterpriseId: string | null; zoneIds: string[] | null }): string => {
    if (record.enterpriseId) return enterpriseById(record.enterpriseId)?.name ?? 'An enterprise';
    if (record.zoneIds === null) return 'All zones';
    if (record.zoneIds.length === 0) return 'No zone';
    return record.zoneIds.map((id) => zoneById(id)?.code ?? '?').join(', ');
  };
}

/** Role, then the enterprise or the zones the role requires. `prefix` keeps two forms' field ids apart. */
function ScopeFields({ scope, onChange, errors, prefix }: { scope: Scope; onChange: (scope: Scope) => void; errors: Record<string, string>; prefix: string }) {
  const { zones, enterprises } = useDirectory();
  const zonesError = errors[`${prefix}/zoneIds`];
  return (
    <>
      <Field path={`${prefix}/role`} label="Role" error={errors[`${prefix}/role`]} required>
        <select value={scope.role} onChange={(e) => onChange({ ...scope, role: e.target.value as Role })}>
          {(prefix === '/key' ? ROLES : USER_ROLES).map((role) => (
            <option key={role} value={role}>
              {ROLE_NAMES[role]}
            </option>
          ))}
        </select>
      </Field>
      {scope.role === 'enterprise_user' ? (
        <Field path={`${prefix}/enterpriseId`} label="Enterprise" error={errors[`${prefix}/enterpriseId`]} hint="An enterprise user sees its own enterprise’s records only." required>
          <select value={scope.enterpriseId} onChange={(e) => onChange({ ...scope, enterpriseId: e.target.value })}>
            <option value="">Choose the enterprise…</option>
            {enterprises.map((enterprise) => (
              <option key={enterprise.id} value={enterprise.id}>
                {enterprise.name} ({enterprise.identifier})
              </option>
            ))}
          </select>
        </Field>
      ) : (
        <fieldset className={`choice-group${zonesError ? ' field-invalid' : ''}`} aria-describedby={zonesError ? `${fieldId(`${prefix}/zoneIds`)}-error` : undefined}>
          <legend>Zones worked in</legend>
          <label className="check">
            <input
              type="radio"
              id={fieldId(`${prefix}/zoneIds`)}
              name={`${prefix}-zones`}
              checked={scope.allZones}
              onChange={() => onChange({ ...scope, allZones: true })}
            />
            All zones
          </label>
          <label className="check">
            <input type="radio" name={`${prefix}-zones`} checked={!scope.allZones} onChange={() => onChange({ ...scope, allZones: false })} />
            Only these:
          </label>
          <div className="choice-list">
            {zones.map((zone) => (
              <label className="check" key={zone.id}>
                <input
                  type="checkbox"
                  disabled={scope.allZones}
                  checked={!scope.allZones && scope.zoneIds.includes(zone.id)}
                  onChange={(e) =>
                    onChange({ ...scope, zoneIds: e.target.checked ? [...scope.zoneIds, zone.id] : scope.zoneIds.filter((id) => id !== zone.id) })
                  }
                />
                <span className="mono">{zone.code}</span> {zone.name}
              </label>
            ))}
          </div>
          {zonesError ? (
            <div className="field-error" id={`${fieldId(`${prefix}/zoneIds`)}-error`}>
              {zonesError}
            </div>
          ) : null}
        </fieldset>
      )}
    </>
  );
}

/** /zoneIds/2 → /zoneIds: the zones are one field. */
const withPrefix = (prefix: string) => (path: string) => `${prefix}${path.replace(/^\/zoneIds\/\d+$/, '/zoneIds')}`;

const LABELS: Record<string, string> = {
  username: 'Username',
  displayName: 'Name',
  role: 'Role',
  enterpriseId: 'Enterprise',
  zoneIds: 'Zones',
  password: 'Password',
  name: 'Name',
  scopes: 'Scopes',
  expiresAt: 'Expires',
};
const describeField = (path: string) => LABELS[path.split('/').pop() ?? ''] ?? path;

/** 16 characters from an unambiguous alphabet, drawn by the browser's CSPRNG. */
function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

// --- users ---------------------------------------------------------------------------------------

type UserDialog = { kind: 'create' } | { kind: 'edit'; user: UserAccount } | { kind: 'password'; user: UserAccount } | { kind: 'deactivate'; user: UserAccount };

function useSubmit(onDone: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setBusy(false);
      onDone();
    } catch (caught) {
      setError(toApiError(caught));
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

function CreateUserDialog({ onClose, onSaved }: { onClose: () => void; onSaved: (user: UserAccount) => void }) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [scope, setScope] = useState<Scope>({ role: 'enterprise_user', enterpriseId: '', allZones: true, zoneIds: [] });
  const [key] = useState(newIdempotencyKey);
  const { busy, error, run } = useSubmit(onClose);
  const normalize = withPrefix('/user');
  const errors = error ? errorsByPath(error.details, normalize) : {};

  const submit = () =>
    run(async () => {
      const body: UserInput = { username: username.trim(), displayName: displayName.trim(), role: scope.role, password, ...scopeBody(scope) };
      const user = await api<UserAccount>('/api/v1/users', { method: 'POST', body, idempotencyKey: key });
      onSaved(user);
    });

  return (
    <FormDialog open title="New user" submitLabel="Create user" busy={busy} onSubmit={() => void submit()} onClose={onClose} wide>
      {error ? <ErrorSummary error={error} title="The user was not created" normalize={normalize} describe={describeField} /> : null}
      <div className="form-grid form-grid-2">
        <Field path="/user/username" label="Username" error={errors['/user/username']} hint="Lower-case letters, digits, “.”, “_” or “-”; 3 to 64 characters." required>
          <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" spellCheck={false} autoFocus />
        </Field>
        <Field path="/user/displayName" label="Name" error={errors['/user/displayName']} hint="As the console greets the user." required>
          <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} autoComplete="off" />
        </Field>
        <ScopeFields scope={scope} onChange={setScope} errors={errors} prefix="/user" />
        <Field path="/user/password" label="Initial password" error={errors['/user/password']} hint="12 characters or more. Give it to the user through a safe channel." required>
          <input value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" spellCheck={false} className="mono" />
        </Field>
        <div className="field field-action">
          <button type="button" className="button" onClick={() => setPassword(generatePassword())}>
            Generate a password
          </button>
        </div>
      </div>
    </FormDialog>
  );
}

function EditUserDialog({ user, onClose, onSaved }: { user: UserAccount; onClose: () => void; onSaved: (user: UserAccount) => void }) {
  const [displayName, setDisplayName] = useState(user.displayName);
  const [scope, setScope] = useState<Scope>(scopeOf(user));
  const { busy, error, run } = useSubmit(onClose);
  const normalize = withPrefix('/user');
  const errors = error ? errorsByPath(error.details, normalize) : {};

  const submit = () =>
    run(async () => {
      // Only what changed is sent: a change of rights ends the user's sessions, a new name does not.
      const change: UserChange = {};
      if (displayName.trim() !== user.displayName) change.displayName = displayName.trim();
      const before = scopeBody(scopeOf(user));
      const after = scopeBody(scope);
      if (scope.role !== user.role) change.role = scope.role;
      if (after.enterpriseId !== before.enterpriseId) change.enterpriseId = after.enterpriseId;
      if (JSON.stringify(after.zoneIds) !== JSON.stringify(before.zoneIds)) change.zoneIds = after.zoneIds;
      if (Object.keys(change).length === 0) return;
      const saved = await api<UserAccount>(`/api/v1/users/${user.id}`, { method: 'PATCH', body: change, idempotencyKey: newIdempotencyKey() });
      onSaved(saved);
    });

  return (
    <FormDialog
      open
      title={`Change ${user.username}`}
      description="A new role or scope ends the user’s open sessions: they sign in again with the new rights."
      submitLabel="Save changes"
      busy={busy}
      onSubmit={() => void submit()}
      onClose={onClose}
      wide
    >
      {error ? <ErrorSummary error={error} title="The user was not changed" normalize={normalize} describe={describeField} /> : null}
      <div className="form-grid form-grid-2">
        <Field path="/user/displayName" label="Name" error={errors['/user/displayName']} required>
          <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} autoComplete="off" autoFocus />
        </Field>
        <ScopeFields scope={scope} onChange={setScope} errors={errors} prefix="/user" />
      </div>
    </FormDialog>
  );
}

function PasswordDialog({ user, onClose, onSaved }: { user: UserAccount; onClose: () => void; onSaved: (user: UserAccount) => void }) {
  const [password, setPassword] = useState('');
  const { busy, error, run } = useSubmit(onClose);
  const errors = error ? errorsByPath(error.details, withPrefix('/user')) : {};
  return (
    <FormDialog
      open
      title={`Reset the password of ${user.username}`}
      description="The user’s open sessions end; they sign in with the new password."
      submitLabel="Set the password"
      busy={busy}
      onSubmit={() =>
        void run(async () => {
          onSaved(await api<UserAccount>(`/api/v1/users/${user.id}`, { method: 'PATCH', body: { password }, idempotencyKey: newIdempotencyKey() }));
        })
      }
      onClose={onClose}
    >
      {error && !errors['/user/password'] ? <ErrorMessage error={error} title="The password was not changed" /> : null}
      <Field path="/user/password" label="New password" error={errors['/user/password']} hint="12 characters or more." required>
        <input value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" spellCheck={false} className="mono" autoFocus />
      </Field>
      <div>
        <button type="button" className="button" onClick={() => setPassword(generatePassword())}>
          Generate a password
        </button>
      </div>
    </FormDialog>
  );
}

function DeactivateDialog({ user, onClose, onSaved }: { user: UserAccount; onClose: () => void; onSaved: (user: UserAccount) => void }) {
  const { busy, error, run } = useSubmit(onClose);
  return (
    <FormDialog
      open
      title={`Deactivate ${user.username}?`}
      description={
        <>
          <strong>{user.displayName}</strong> can no longer sign in, and their open sessions end now. Their past actions stay in the records. You can
          reactivate the account later.
        </>
      }
      submitLabel="Deactivate"
      danger
      busy={busy}
      onSubmit={() =>
        void run(async () => {
          onSaved(await api<UserAccount>(`/api/v1/users/${user.id}`, { method: 'PATCH', body: { active: false }, idempotencyKey: newIdempotencyKey() }));
        })
      }
      onClose={onClose}
    >
      {error ? <ErrorMessage error={error} title="Not deactivated" /> : null}
    </FormDialog>
  );
}

function UsersSection() {
  const { principal } = useSession();
  const { push } = useToasts();
  const scopeText = useScopeText();
  const users = useResource<Page<UserAccount>>(withQuery('/api/v1/users', { limit: 200 }));
  const [dialog, setDialog] = useState<UserDialog | null>(null);
  const [search, setSearch] = useState('');
  const [role, setRole] = useState('');
  const [status, setStatus] = useState('active');
  const q = useDebounced(search.trim().toLowerCase(), 150);

  const all = users.data?.items;
  const shown = useMemo(
    () =>
      (all ?? []).filter(
        (u) =>
          (!q || u.username.includes(q) || u.displayName.toLowerCase().includes(q)) &&
          (!role || u.role === role) &&
          (status === '' || (status === 'active') === u.active),
      ),
    [all, q, role, status],
  );

  const saved = (verb: string) => (user: UserAccount) => {
    push({ kind: 'success', title: `${user.username} ${verb}` });
    users.reload(true);
  };

  const reactivate = (user: UserAccount) => {
    api<UserAccount>(`/api/v1/users/${user.id}`, { method: 'PATCH', body: { active: true }, idempotencyKey: newIdempotencyKey() }).then(saved('reactivated'), (error: unknown) =>
      push({ kind: 'error', title: `${user.username} was not reactivated`, body: toApiError(error).message }),
    );
  };

  return (
    <Section
      title="Users"
      id="users"
      actions={
        <button type="button" className="button button-primary" onClick={() => setDialog({ kind: 'create' })}>
          New user
        </button>
      }
    >
      <div className="filters">
        <label>
          Find
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Username or name" />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="">Any role</option>
            {USER_ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_NAMES[r]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="active">Active</option>
            <option value="inactive">Deactivated</option>
            <option value="">Any</option>
          </select>
        </label>
        <span className="spacer" />
        {all ? (
          <span className="muted small" aria-live="polite">
            {shown.length} of {all.length} users
          </span>
        ) : null}
      </div>
      {users.error ? <ErrorMessage error={users.error} title="The users could not be read" /> : null}
      <div className="table-wrap">
        <table className="table table-rows" aria-label="Users">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Scope</th>
              <th scope="col">Status</th>
              <th scope="col" className="hide-narrow">
                Changed
              </th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((user) => (
              <tr key={user.id} data-username={user.username}>
                <td className="wrap">
                  <span className="mono">{user.username}</span>
                  <div className="muted small">{user.displayName}</div>
                </td>
                <td>{ROLE_NAMES[user.role]}</td>
                <td className="wrap">{scopeText(user)}</td>
                <td>{user.active ? <Tag tone="good">Active</Tag> : <Tag>Deactivated</Tag>}</td>
                <td className="nowrap hide-narrow">{formatShortDateTime(user.updatedAt)}</td>
                <td className="row-actions row-actions-pair">
                  <button type="button" className="button button-small" aria-label={`Change ${user.username}`} onClick={() => setDialog({ kind: 'edit', user })}>
                    Change
                  </button>
                  <button type="button" className="button button-small" aria-label={`Reset the password of ${user.username}`} onClick={() => setDialog({ kind: 'password', user })}>
                    Password
                  </button>
                  {user.active ? (
                    <button
                      type="button"
                      className="button button-small button-danger-quiet"
                      aria-label={`Deactivate ${user.username}`}
                      disabled={user.id === principal.id}
                      title={user.id === principal.id ? 'You cannot deactivate your own account' : undefined}
                      onClick={() => setDialog({ kind: 'deactivate', user })}
                    >
                      Deactivate
                    </button>
                  ) : (
                    <button type="button" className="button button-small" aria-label={`Reactivate ${user.username}`} onClick={() => reactivate(user)}>
                      Reactivate
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {users.loading && !all ? <Loading label="Loading users…" /> : null}
        {all && shown.length === 0 ? <Empty>{all.length === 0 ? 'There is no user yet.' : 'No user matches these filters.'}</Empty> : null}
      </div>
      {users.data?.nextCursor ? <p className="muted small">The first 200 users are shown.</p> : null}

      {dialog?.kind === 'create' ? <CreateUserDialog onClose={() => setDialog(null)} onSaved={saved('created')} /> : null}
      {dialog?.kind === 'edit' ? <EditUserDialog user={dialog.user} onClose={() => setDialog(null)} onSaved={saved('changed')} /> : null}
      {dialog?.kind === 'password' ? <PasswordDialog user={dialog.user} onClose={() => setDialog(null)} onSaved={saved('has a new password')} /> : null}
      {dialog?.kind === 'deactivate' ? <DeactivateDialog user={dialog.user} onClose={() => setDialog(null)} onSaved={saved('deactivated')} /> : null}
    </Section>
  );
}

// --- API keys ------------------------------------------------------------------------------------

const SCOPE_HINTS: Record<string, string> = {
  'declarations:write': 'submit declarations',
  'stock-reports:write': 'upload ERP/WMS stock reports',
  'gate-events:write': 'report gate passages',
  'telemetry:write': 'send device telemetry',
  'cctv:write': 'send CCTV events',
  'payments:write': 'confirm payments',
  'scans:write': 'upload scanner images',
};

function keyStatus(key: ApiKey): ReactNode {
  if (key.revokedAt) return <Tag>Revoked</Tag>;
  if (key.expiresAt && new Date(key.expiresAt) <= new Date()) return <Tag tone="warn">Expired</Tag>;
  return <Tag tone="good">Active</Tag>;
}

function CreateKeyDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (key: ApiKeyCreated) => void }) {
  const [name, setName] = useState('');
  const [scope, setScope] = useState<Scope>({ role: 'enterprise_user', enterpriseId: '', allZones: true, zoneIds: [] });
  const [scopes, setScopes] = useState<string[]>([]);
  const [expires, setExpires] = useState('');
  const [key] = useState(newIdempotencyKey);
  const { busy, error, run } = useSubmit(() => undefined);
  const normalize = withPrefix('/key');
  const errors = error ? errorsByPath(error.details, (p) => normalize(p).replace(/^\/key\/scopes\/\d+$/, '/key/scopes')) : {};

  const submit = () =>
    run(async () => {
      const body = {
        name: name.trim(),
        role: scope.role,
        ...scopeBody(scope),
        scopes,
        // The key works until the end of the day chosen (UTC).
        expiresAt: expires ? `${expires}T23:59:59Z` : null,
      };
      onCreated(await api<ApiKeyCreated>('/api/v1/api-keys', { method: 'POST', body, idempotencyKey: key }));
    });

  return (
    <FormDialog open title="New API key" submitLabel="Create key" busy={busy} onSubmit={() => void submit()} onClose={onClose} wide>
      {error ? <ErrorSummary error={error} title="The key was not created" normalize={normalize} describe={describeField} /> : null}
      <div className="form-grid form-grid-2">
        <Field path="/key/name" label="Name" error={errors['/key/name']} hint="The machine client, e.g. “Meridian SAP EWM connector”." required>
          <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" autoFocus />
        </Field>
        <Field path="/key/expiresAt" label="Expires after" error={errors['/key/expiresAt']} hint="The end of this day (UTC). Leave empty for a key that does not expire.">
          <input type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />
        </Field>
        <ScopeFields scope={scope} onChange={setScope} errors={errors} prefix="/key" />
        <fieldset className={`choice-group span-all${errors['/key/scopes'] ? ' field-invalid' : ''}`}>
          <legend>What the key may do</legend>
          <div className="choice-list">
            {API_KEY_SCOPES.map((s, index) => (
              <label className="check" key={s}>
                <input
                  type="checkbox"
                  id={index === 0 ? fieldId('/key/scopes') : undefined}
                  checked={scopes.includes(s)}
                  onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))}
                />
                <span className="mono">{s}</span> <span className="muted">{SCOPE_HINTS[s]}</span>
              </label>
            ))}
          </div>
          {errors['/key/scopes'] ? <div className="field-error">{errors['/key/scopes']}</div> : null}
        </fieldset>
      </div>
    </FormDialog>
  );
}

function CreatedKeyDialog({ created, onClose }: { created: ApiKeyCreated; onClose: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = () => {
    navigator.clipboard.writeText(created.key).then(
      () => setCopied('yes'),
      () => {
        setCopied('no');
        document.getElementById('created-key')?.focus();
      },
    );
  };
  return (
    <FormDialog open title={`API key “${created.name}” created`} cancelLabel="I have stored the key" onClose={onClose} wide>
      <div className="notice" role="alert">
        <strong>Copy the key now: it is shown only this once.</strong> Cordon keeps only a hash of it and cannot show it again. Store it in the client’s secret store; if it
        is lost, revoke it and create another.
      </div>
      <label htmlFor="created-key" className="field-label">
        API key
      </label>
      <div className="secret-row">
        <input id="created-key" className="mono secret" readOnly value={created.key} onFocus={(e) => e.target.select()} spellCheck={false} />
        <button type="button" className="button button-primary" onClick={copy}>
          Copy
        </button>
      </div>
      <div className="small" aria-live="polite">
        {copied === 'yes' ? <span className="check-ok">✓ Copied to the clipboard</span> : null}
        {copied === 'no' ? <span className="check-bad">The browser did not allow copying: the key is selected, copy it with Ctrl+C.</span> : null}
      </div>
    </FormDialog>
  );
}

function RevokeKeyDialog({ apiKey, onClose, onRevoked }: { apiKey: ApiKey; onClose: () => void; onRevoked: (key: ApiKey) => void }) {
  const { busy, error, run } = useSubmit(onClose);
  return (
    <FormDialog
      open
      title={`Revoke the key “${apiKey.name}”?`}
      description="Every call made with it is refused from now on. This cannot be undone: the client needs a new key."
      submitLabel="Revoke key"
      danger
      busy={busy}
      onSubmit={() =>
        void run(async () => {
          onRevoked(await api<ApiKey>(`/api/v1/api-keys/${apiKey.id}`, { method: 'DELETE', idempotencyKey: newIdempotencyKey() }));
        })
      }
      onClose={onClose}
    >
      {error ? <ErrorMessage error={error} title="Not revoked" /> : null}
    </FormDialog>
  );
}

function ApiKeysSection() {
  const { push } = useToasts();
  const scopeText = useScopeText();
  const keys = useResource<Page<ApiKey>>(withQuery('/api/v1/api-keys', { limit: 200 }));
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [showRevoked, setShowRevoked] = useState(false);
  const all = keys.data?.items;
  const shown = (all ?? []).filter((k) => showRevoked || !k.revokedAt);

  return (
    <Section
      title="API keys"
      id="api-keys"
      actions={
        <>
          <label className="check small">
            <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} />
            Show revoked keys
          </label>
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            New API key
          </button>
        </>
      }
    >
      <p className="muted small section-intro">Machine clients (ERP connectors, gate readers, devices) call the API with a key, within its role, scope and scopes.</p>
      {keys.error ? <ErrorMessage error={keys.error} title="The API keys could not be read" /> : null}
      <div className="table-wrap">
        <table className="table table-rows" aria-label="API keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role and scope</th>
              <th scope="col">May</th>
              <th scope="col" className="hide-narrow">
                Created
              </th>
              <th scope="col">Expires</th>
              <th scope="col" className="hide-narrow">
                Last used
              </th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((k) => (
              <tr key={k.id}>
                <td className="wrap">{k.name}</td>
                <td className="wrap">
                  {ROLE_NAMES[k.role]}
                  <div className="muted small">{scopeText(k)}</div>
                </td>
                <td className="wrap small">{k.scopes.length > 0 ? k.scopes.join(', ') : <span className="muted">read only</span>}</td>
                <td className="nowrap hide-narrow">{formatShortDateTime(k.createdAt)}</td>
                <td className="nowrap">{k.expiresAt ? formatShortDateTime(k.expiresAt) : 'Never'}</td>
                <td className="nowrap hide-narrow">{k.lastUsedAt ? formatShortDateTime(k.lastUsedAt) : 'Never'}</td>
                <td>{keyStatus(k)}</td>
                <td className="row-actions">
                  {k.revokedAt ? null : (
                    <button type="button" className="button button-small button-danger-quiet" aria-label={`Revoke ${k.name}`} onClick={() => setRevoking(k)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {keys.loading && !all ? <Loading label="Loading API keys…" /> : null}
        {all && shown.length === 0 ? <Empty>{all.length === 0 ? 'No API key has been created.' : 'Every key has been revoked.'}</Empty> : null}
      </div>

      {creating ? (
        <CreateKeyDialog
          onClose={() => setCreating(false)}
          onCreated={(key) => {
            setCreating(false);
            setCreated(key);
            keys.reload(true);
          }}
        />
      ) : null}
      {created ? <CreatedKeyDialog created={created} onClose={() => setCreated(null)} /> : null}
      {revoking ? (
        <RevokeKeyDialog
          apiKey={revoking}
          onClose={() => setRevoking(null)}
          onRevoked={(key) => {
            push({ kind: 'success', title: `Key “${key.name}” revoked` });
            keys.reload(true);
          }}
        />
      ) : null}
    </Section>
  );
}

export function UsersPage() {
  return (
    <>
      <PageHeader title="Users and API keys" subtitle="Who may sign in to Cordon or call its API, with which role, over which zones or enterprise" />
      <UsersSection />
      <ApiKeysSection />
    </>
  );
}
