// CCTV evidence of the zones the user works in: whether every watched area (gate, warehouse, yard)
// was seen as often as the coverage policy requires over a period (the last 6 hours unless chosen
// otherwise), with each gap; the cameras and the area each watches, registered and changed by
// administrators and zone operators; customs holds on a camera's snapshots (officers); and the
// policy itself, which administrators change. The period lives in the address.
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { withQuery } from '../api/client.ts';
import { AREA_KIND_NAMES, type Camera, type CoverageArea, type CoveragePolicy, type CoverageReport } from '../api/cctv-types.ts';
import type { Book, Page } from '../api/types.ts';
import { useDirectory, useSession } from '../app/session.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, Facts, Loading, PageHeader, Section, Tag } from '../components/ui.tsx';
import { fromDateTimeLocal, toDateTimeLocal } from '../lib/date-input.ts';
import { formatDateTime, formatShortDateTime, humanize } from '../lib/format.ts';
import { canEditCctvPolicy, canPlaceCctvHolds, canWriteCameras } from '../lib/rights.ts';
import { useResource } from '../lib/use-resource.ts';
import { useLiveEvents, useThrottled } from '../live/live.tsx';
import { SeverityBadge } from './alerts.page.tsx';
import { CameraDialog, HoldDialog, PolicyDialog } from './cctv-dialogs.tsx';

const HOUR = 3_600_000;
const PERIODS = [
  ['6', 'Last 6 hours'],
  ['24', 'Last 24 hours'],
  ['168', 'Last 7 days'],
  ['custom', 'Chosen dates'],
] as const;
const DEFAULT_HOURS = '6';

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function minutesText(minutes: number): string {
  return minutes < 120 ? `${Math.round(minutes)} min` : `${(minutes / 60).toFixed(1)} h`;
}

function GapList({ area }: { area: CoverageArea }) {
  if (area.gaps.length === 0) return <span className="muted">None</span>;
  return (
    <ul className="plain-list gap-list" aria-label={`Gaps of ${area.label}`}>
      {area.gaps.map((gap) => (
        <li key={gap.from}>
          <span className="nowrap">{formatShortDateTime(gap.from)}</span> → <span className="nowrap">{gap.ongoing ? 'now, still none' : formatShortDateTime(gap.to)}</span>{' '}
          <strong className="nowrap">{minutesText(gap.minutes)}</strong>
        </li>
      ))}
    </ul>
  );
}

type Dialog = { kind: 'camera'; camera: Camera | null } | { kind: 'hold'; camera: Camera } | { kind: 'policy'; policy: CoveragePolicy };

export function CctvPage() {
  const { principal } = useSession();
  const { zones: directoryZones, zoneId: headerZoneId, setZoneId, zoneById, enterpriseById, loaded } = useDirectory();
  // Zone-scoped staff see the cameras of their own zones only.
  const zones = principal.zoneIds === null ? directoryZones : directoryZones.filter((z) => principal.zoneIds?.includes(z.id));
  const zoneId = zones.some((z) => z.id === headerZoneId) ? headerZoneId : null;
  const { push } = useToasts();
  const [params, setParams] = useSearchParams();
  const period = params.get('period') ?? DEFAULT_HOURS;
  const [dialog, setDialog] = useState<Dialog | null>(null);
  // The moment "the last N hours" ends; moved to now by Refresh.
  const [anchor, setAnchor] = useState(() => Date.now());
  const [customFrom, setCustomFrom] = useState(params.get('from') ?? toDateTimeLocal(new Date(anchor - 6 * HOUR)));
  const [customTo, setCustomTo] = useState(params.get('to') ?? toDateTimeLocal(new Date(anchor)));

  const setParam = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    setParams(next, { replace: true });
  };

  const hours = Number(period);
  const custom = period === 'custom' || !Number.isFinite(hours);
  const span = custom
    ? { from: fromDateTimeLocal(params.get('from') ?? customFrom), to: fromDateTimeLocal(params.get('to') ?? customTo) }
    : { from: new Date(anchor - hours * HOUR).toISOString(), to: new Date(anchor).toISOString() };

  const coverage = useResource<CoverageReport>(withQuery('/api/v1/cctv/coverage', { ...span, zoneId }));
  const cameras = useResource<Page<Camera>>(withQuery('/api/v1/cameras', { zoneId, limit: 200 }));
  const policy = useResource<CoveragePolicy>('/api/v1/cctv/policy');
  const books = useResource<Page<Book>>(withQuery('/api/v1/books', { zoneId, limit: 200 }));

  const reloadCameras = cameras.reload;
  const reloadPolicy = policy.reload;
  // "The last N hours" move on to now, so that what just happened (a camera registered) is in them.
  const reloadCoverage = () => {
    // Quietly: the report stays on screen while the new one loads.
    coverage.reload(true);
    if (!custom) setAnchor(Date.now());
  };
  const refresh = useThrottled(() => {
    reloadCameras(true);
    reloadCoverage();
  }, 800);
  useLiveEvents((event) => {
    if (event === null) {
      refresh();
      reloadPolicy(true);
    } else if (event.type.startsWith('camera.')) {
      if (!zoneId || event.zoneId === zoneId) refresh();
    } else if (event.type.startsWith('cctv-policy.')) {
      reloadPolicy(true);
      reloadCoverage();
    }
  });

  const cameraById = new Map((cameras.data?.items ?? []).map((camera) => [camera.id, camera]));
  const bookById = new Map((books.data?.items ?? []).map((book) => [book.id, book]));
  const mayWrite = canWriteCameras(principal);
  const mayHold = canPlaceCctvHolds(principal);
  const showZone = zones.length > 1 && !zoneId;

  const areaOf = (camera: Camera): string => {
    if (camera.areaKind === 'GATE') {
      const gate = zoneById(camera.zoneId)?.gates.find((g) => g.id === camera.gateId);
      return gate ? `Gate ${gate.code} · ${gate.name}` : 'Gate';
    }
    if (camera.areaKind === 'WAREHOUSE') {
      const book = camera.bookId ? bookById.get(camera.bookId) : undefined;
      return book ? `Book ${book.code} · ${enterpriseById(book.enterpriseId)?.name ?? book.name}` : 'Warehouse';
    }
    return 'Yard';
  };

  const areas = [...(coverage.data?.areas ?? [])].sort((a, b) => Number(b.gaps.length > 0) - Number(a.gaps.length > 0) || a.label.localeCompare(b.label));
  const withGaps = areas.filter((area) => area.gaps.length > 0).length;
  const windowError = coverage.error && coverage.error.status === 400 ? coverage.error : null;
  const fromError = windowError?.details.find((d) => d.path === '/from')?.message;
  const toError = windowError?.details.find((d) => d.path === '/to')?.message;

  if (!loaded) return <Loading label="Loading the zones…" />;

  return (
    <>
      <PageHeader
        title="CCTV"
        subtitle={`${zoneId ? `Zone ${zoneById(zoneId)?.code ?? ''}` : 'All zones you work in'} · whether every watched area was seen as often as the policy requires`}
        actions={
          mayWrite ? (
            <button type="button" className="button button-primary" onClick={() => setDialog({ kind: 'camera', camera: null })}>
              Register a camera
            </button>
          ) : null
        }
      />
      <form
        className="filters"
        aria-label="Coverage period"
        onSubmit={(e) => {
          e.preventDefault();
          if (custom) setParam({ period: 'custom', from: customFrom, to: customTo });
          reloadCoverage();
        }}
      >
        {zones.length > 1 ? (
          <label>
            Zone
            <select value={zoneId ?? ''} onChange={(e) => setZoneId(e.target.value || null)}>
              <option value="">All zones</option>
              {zones.map((z) => (
                <option key={z.id} value={z.id}>
                  {z.code} · {z.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label>
          Period
          <select
            value={custom ? 'custom' : period}
            onChange={(e) => {
              const value = e.target.value;
              setAnchor(Date.now());
              setParam(value === 'custom' ? { period: value, from: customFrom, to: customTo } : { period: value === DEFAULT_HOURS ? '' : value, from: '', to: '' });
            }}
          >
            {PERIODS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {custom ? (
          <>
            <label>
              From
              <input type="datetime-local" value={customFrom} onChange={(e) => setCustomFrom(e.target.value)} aria-invalid={fromError ? true : undefined} />
            </label>
            <label>
              To
              <input type="datetime-local" value={customTo} onChange={(e) => setCustomTo(e.target.value)} aria-invalid={toError ? true : undefined} />
            </label>
          </>
        ) : null}
        <button type="submit" className="button">
          {custom ? 'Show' : 'Refresh'}
        </button>
      </form>

      <Section
        title={coverage.data ? `Coverage (${areas.length} area${areas.length === 1 ? '' : 's'}, ${withGaps} with gaps)` : 'Coverage'}
        id="coverage"
      >
        {coverage.data ? (
          <p className="muted small section-intro">
            From {formatDateTime(coverage.data.from)} to {formatDateTime(coverage.data.to)}. A gap is a stretch longer than the area’s interval without a snapshot from any of its cameras.
          </p>
        ) : null}
        {coverage.error ? (
          <ErrorMessage error={fromError || toError ? `${fromError ? `From: ${fromError}. ` : ''}${toError ? `To: ${toError}.` : ''}` : coverage.error} title="The coverage report could not be read" />
        ) : null}
        {coverage.loading && !coverage.data ? <Loading label="Checking the coverage…" /> : null}
        {coverage.data && areas.length === 0 ? <Empty>No active camera watches an area here yet.</Empty> : null}
        {areas.length > 0 ? (
          <div className="table-wrap">
            <table className="table table-rows" aria-label="Coverage by area">
              <thead>
                <tr>
                  <th scope="col">Area</th>
                  <th scope="col">Required</th>
                  <th scope="col" className="num">
                    Snapshots
                  </th>
                  <th scope="col">Gaps</th>
                </tr>
              </thead>
              <tbody>
                {areas.map((area) => (
                  <tr key={`${area.areaKind}:${area.areaId}`} data-area-id={area.areaId} className={area.gaps.length > 0 ? 'row-flagged' : undefined}>
                    <td className="wrap">
                      <strong>{capitalize(area.label)}</strong>
                      <div className="muted small">
                        {AREA_KIND_NAMES[area.areaKind]} · {area.cameraIds.map((id) => cameraById.get(id)?.code ?? 'camera').join(', ')}
                      </div>
                    </td>
                    <td className="wrap">
                      Every {area.requiredIntervalMinutes} min <SeverityBadge severity={area.severity} />
                      <div className="muted small">
                        {area.goodsClass ? `${capitalize(area.goodsClass)} held (HS ${area.hsChapters.join(', ')})` : area.areaKind === 'GATE' ? 'Gate interval' : 'Default interval'}
                      </div>
                    </td>
                    <td className="num">{area.snapshots}</td>
                    <td className="wrap">
                      <GapList area={area} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Section>

      <Section title={cameras.data ? `Cameras (${cameras.data.items.length}${cameras.data.nextCursor ? '+' : ''})` : 'Cameras'} id="cameras">
        {cameras.error ? <ErrorMessage error={cameras.error} title="The cameras could not be read" /> : null}
        {cameras.loading && !cameras.data ? <Loading label="Loading cameras…" /> : null}
        {cameras.data && cameras.data.items.length === 0 ? <Empty>No camera is registered{zoneId ? ' in this zone' : ''}.</Empty> : null}
        {cameras.data && cameras.data.items.length > 0 ? (
          <div className="table-wrap">
            <table className="table table-rows" aria-label="Cameras">
              <thead>
                <tr>
                  <th scope="col">Camera</th>
                  <th scope="col">Area watched</th>
                  {showZone ? <th scope="col">Zone</th> : null}
                  <th scope="col" className="hide-narrow">
                    Position
                  </th>
                  <th scope="col">Status</th>
                  {mayWrite || mayHold ? (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {cameras.data.items.map((camera) => (
                  <tr key={camera.id} data-camera-code={camera.code}>
                    <td>
                      <span className="mono">{camera.code}</span>
                      <div className="muted small truncate" title={camera.name}>
                        {camera.name}
                      </div>
                    </td>
                    <td className="wrap">{areaOf(camera)}</td>
                    {showZone ? <td>{zoneById(camera.zoneId)?.code ?? '—'}</td> : null}
                    <td className="hide-narrow mono small">
                      {camera.latitude.toFixed(5)}, {camera.longitude.toFixed(5)}
                    </td>
                    <td>{camera.active ? <Tag tone="good">Active</Tag> : <Tag>Inactive</Tag>}</td>
                    {mayWrite || mayHold ? (
                      <td className="row-actions">
                        {mayWrite ? (
                          <button type="button" className="button button-small" aria-label={`Change camera ${camera.code}`} onClick={() => setDialog({ kind: 'camera', camera })}>
                            Change
                          </button>
                        ) : null}{' '}
                        {mayHold ? (
                          <button type="button" className="button button-small" aria-label={`Place a hold on the snapshots of ${camera.code}`} onClick={() => setDialog({ kind: 'hold', camera })}>
                            Hold…
                          </button>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {cameras.data?.nextCursor ? <p className="muted small">The first 200 cameras are shown; choose a zone to see its own.</p> : null}
      </Section>

      <Section
        title="Coverage policy"
        id="policy"
        actions={
          canEditCctvPolicy(principal) && policy.data ? (
            <button type="button" className="button" onClick={() => policy.data && setDialog({ kind: 'policy', policy: policy.data })}>
              Change the policy
            </button>
          ) : null
        }
      >
        {policy.error ? <ErrorMessage error={policy.error} title="The policy could not be read" /> : null}
        {policy.loading && !policy.data ? <Loading /> : null}
        {policy.data ? (
          <>
            <Facts
              items={[
                ['Gates', `every ${policy.data.gateIntervalMinutes} min`],
                ['Yards and other warehouses', `every ${policy.data.defaultIntervalMinutes} min`],
                ['Severity of their gaps', humanize(policy.data.defaultSeverity)],
                ['Snapshots kept', `${policy.data.retentionDays} days`],
                ['Under a customs hold', `${policy.data.extendedRetentionDays} days`],
                ['Version', `${policy.data.version}, ${formatDateTime(policy.data.updatedAt)}`],
              ]}
            />
            {policy.data.goodsClasses.length > 0 ? (
              <div className="table-wrap section-intro-spaced">
                <table className="table table-rows table-compact" aria-label="Classes of goods watched more closely">
                  <thead>
                    <tr>
                      <th scope="col">Goods</th>
                      <th scope="col">HS chapters</th>
                      <th scope="col">Warehouse seen every</th>
                      <th scope="col">Severity of a gap</th>
                    </tr>
                  </thead>
                  <tbody>
                    {policy.data.goodsClasses.map((goodsClass) => (
                      <tr key={goodsClass.name}>
                        <td>{capitalize(goodsClass.name)}</td>
                        <td className="mono">{goodsClass.hsChapters.join(', ')}</td>
                        <td>{goodsClass.intervalMinutes} min</td>
                        <td>
                          <SeverityBadge severity={goodsClass.severity} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
          </>
        ) : null}
      </Section>

      {dialog?.kind === 'camera' ? (
        <CameraDialog
          camera={dialog.camera}
          zones={zones}
          onClose={() => setDialog(null)}
          onSaved={(camera) => {
            push({ kind: 'success', title: `Camera ${camera.code} ${dialog.camera ? 'changed' : 'registered'}`, body: camera.name });
            setDialog(null);
            reloadCameras(true);
            reloadCoverage();
          }}
        />
      ) : null}
      {dialog?.kind === 'hold' ? (
        <HoldDialog
          camera={dialog.camera}
          onClose={() => setDialog(null)}
          onPlaced={(hold) => {
            push({
              kind: 'success',
              title: `Hold placed on ${dialog.camera.code}`,
              body: `${hold.snapshotsHeld} snapshot${hold.snapshotsHeld === 1 ? '' : 's'} kept${policy.data ? ` for ${policy.data.extendedRetentionDays} days` : ''}`,
            });
            setDialog(null);
          }}
        />
      ) : null}
      {dialog?.kind === 'policy' ? (
        <PolicyDialog
          policy={dialog.policy}
          onClose={() => setDialog(null)}
          onSaved={(saved) => {
            push({ kind: 'success', title: `Coverage policy saved (version ${saved.version})` });
            setDialog(null);
            reloadPolicy(true);
            reloadCoverage();
          }}
        />
      ) : null}
    </>
  );
}

export default CctvPage;
