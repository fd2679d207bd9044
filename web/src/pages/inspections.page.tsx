// The inspection queue: the tasks YELLOW and RED lanes (and officers) opened in the zones the user
// works in, newest first, filtered by status, kind and assignee, with how long each has waited.
// Officers take a task from here; the task's own page is where it is worked. Filters live in the
// address; the list follows live events.
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, newIdempotencyKey, withQuery } from '../api/client.ts';
import { TASK_KIND_NAMES, TASK_KINDS, TASK_STATUS_NAMES, TASK_STATUSES, type TaskDetail, type TaskSummary } from '../api/inspection-types.ts';
import type { Page } from '../api/types.ts';
import { useDirectory, useSession } from '../app/session.tsx';
import { useToasts } from '../components/toasts.tsx';
import { Empty, ErrorMessage, LaneBadge, Loading, PageHeader, Section } from '../components/ui.tsx';
import { toApiError } from '../lib/form-errors.ts';
import { formatDateTime } from '../lib/format.ts';
import { useResource } from '../lib/use-resource.ts';
import { markOwnAction, useLiveEvents, useThrottled } from '../live/live.tsx';
import { OutcomeBadge, TaskStatusBadge, taskAge, taskRights } from './inspection-parts.tsx';

const PAGE_SIZE = 50;
/** The queue opens on the tasks still waiting for an officer. */
const DEFAULT_STATUS = 'OPEN';

export function InspectionsPage() {
  const { principal } = useSession();
  const { zones, zoneId, zoneById } = useDirectory();
  const { push } = useToasts();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? DEFAULT_STATUS;
  const kind = params.get('kind') ?? '';
  const assignee = params.get('assignee') ?? '';
  const officer = principal.role === 'customs_officer';
  const [taking, setTaking] = useState<string | null>(null);

  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  // Cursors of the pages before the current one; the current page's cursor is the last.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const filterKey = [status, kind, assignee, zoneId ?? ''].join('|');
  useEffect(() => {
    setCursors([null]);
  }, [filterKey]);

  const list = useResource<Page<TaskSummary>>(
    withQuery('/api/v1/inspections', { status: status === 'ANY' ? '' : status, kind, assignee, zoneId, limit: PAGE_SIZE, cursor }),
  );
  const { reload } = list;
  const refresh = useThrottled(() => reload(true), 800);
  useLiveEvents((event) => {
    if (event && !event.type.startsWith('inspection.')) return;
    if (event && zoneId && event.zoneId !== zoneId) return;
    if (cursors.length === 1) refresh();
  });

  const take = async (task: TaskSummary) => {
    setTaking(task.id);
    try {
      markOwnAction(task.id);
      await api<TaskDetail>(`/api/v1/inspections/${task.id}/assignment`, { method: 'POST', body: {}, idempotencyKey: newIdempotencyKey() });
      push({ kind: 'success', title: `${task.declarationReference}: the task is yours`, href: `/inspections/${task.id}` });
      reload(true);
    } catch (caught) {
      push({ kind: 'error', title: `${task.declarationReference}: not taken`, body: toApiError(caught).message });
    } finally {
      setTaking(null);
    }
  };

  const items = list.data?.items ?? [];
  const showZone = zones.length > 1 && !zoneId;
  const paged = cursors.length > 1 || Boolean(list.data?.nextCursor);
  const statusName = status === 'ANY' ? 'Inspection tasks' : `${TASK_STATUS_NAMES[status as TaskSummary['status']] ?? status} tasks`;

  return (
    <>
      <PageHeader
        title="Inspections"
        subtitle={`${zoneId ? `Zone ${zoneById(zoneId)?.code ?? ''}` : 'All zones you work in'} · document checks, scans and examinations the lanes and officers asked for`}
      />
      <form className="filters" role="search" aria-label="Filter inspection tasks" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select value={status} onChange={(e) => setParam('status', e.target.value === DEFAULT_STATUS ? '' : e.target.value)}>
            {TASK_STATUSES.map((s) => (
              <option key={s} value={s}>
                {TASK_STATUS_NAMES[s]}
              </option>
            ))}
            <option value="ANY">Any status</option>
          </select>
        </label>
        <label>
          Kind
          <select value={kind} onChange={(e) => setParam('kind', e.target.value)}>
            <option value="">Any kind</option>
            {TASK_KINDS.map((k) => (
              <option key={k} value={k}>
                {TASK_KIND_NAMES[k]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Assigned to
          <select value={assignee} onChange={(e) => setParam('assignee', e.target.value)}>
            <option value="">Anyone or nobody</option>
            {officer ? <option value="me">Me</option> : null}
            <option value="none">Nobody yet</option>
          </select>
        </label>
      </form>

      <Section title={list.data ? `${statusName} (${items.length}${list.data.nextCursor ? '+' : ''})` : statusName} id="tasks">
        {list.error ? <ErrorMessage error={list.error} title="The inspection tasks could not be read" /> : null}
        {list.loading && !list.data ? <Loading label="Loading inspection tasks…" /> : null}
        {list.data && items.length === 0 && cursors.length === 1 ? <Empty>No inspection task matches these filters.</Empty> : null}
        {items.length > 0 ? (
          <div className="table-wrap">
            <table className="table table-rows" aria-label="Inspection tasks">
              <thead>
                <tr>
                  <th scope="col">Declaration</th>
                  <th scope="col">Lane</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Status</th>
                  <th scope="col">Assignee</th>
                  <th scope="col">Age</th>
                  {showZone ? (
                    <th scope="col" className="hide-narrow">
                      Zone
                    </th>
                  ) : null}
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((task) => {
                  const rights = taskRights(principal, task);
                  const mine = task.assignee?.id === principal.id;
                  return (
                    <tr key={task.id} data-task-id={task.id}>
                      <td>
                        <Link to={`/inspections/${task.id}`} className="mono">
                          {task.declarationReference}
                        </Link>
                        <div className="muted small truncate" title={task.enterpriseName}>
                          {task.enterpriseName}
                        </div>
                      </td>
                      <td>
                        <LaneBadge lane={task.lane} />
                      </td>
                      <td>
                        {TASK_KIND_NAMES[task.kind]}
                        {task.origin === 'OFFICER' ? <div className="muted small">Added by an officer</div> : null}
                      </td>
                      <td>
                        {task.outcome ? <OutcomeBadge outcome={task.outcome} /> : <TaskStatusBadge status={task.status} />}
                      </td>
                      <td>{task.assignee ? (mine ? 'You' : (task.assignee.name ?? 'An officer')) : <span className="muted">Nobody yet</span>}</td>
                      <td className="nowrap" title={`Opened ${formatDateTime(task.openedAt)}`}>
                        {taskAge(task)}
                      </td>
                      {showZone ? <td className="hide-narrow">{zoneById(task.zoneId)?.code ?? '—'}</td> : null}
                      <td className="row-actions">
                        {rights.take ? (
                          <button
                            type="button"
                            className="button button-small"
                            disabled={taking !== null}
                            aria-label={`${task.assignee ? 'Take over' : 'Take'} ${task.declarationReference}`}
                            onClick={() => void take(task)}
                          >
                            {taking === task.id ? 'Taking…' : task.assignee ? 'Take over' : 'Take'}
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
        {paged ? (
          <div className="pager">
            <button type="button" className="button" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
              ‹ Newer
            </button>
            <button
              type="button"
              className="button"
              disabled={!list.data?.nextCursor}
              onClick={() => {
                const next = list.data?.nextCursor;
                if (next) setCursors((c) => [...c, next]);
              }}
            >
              Older ›
            </button>
          </div>
        ) : null}
      </Section>
    </>
  );
}

export default InspectionsPage;
