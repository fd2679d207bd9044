// The inspection tasks of one declaration, on its page, for the staff who read inspections: each
// with its kind, status or outcome and assignee, leading to the task where it is worked.
import { Link } from 'react-router';
import { withQuery } from '../api/client.ts';
import { TASK_KIND_NAMES, type TaskSummary } from '../api/inspection-types.ts';
import type { Page } from '../api/types.ts';
import { useSession } from '../app/session.tsx';
import { ErrorMessage, Loading, Section } from '../components/ui.tsx';
import { formatShortDateTime } from '../lib/format.ts';
import { useResource } from '../lib/use-resource.ts';
import { useLiveEvents, useThrottled } from '../live/live.tsx';
import { OutcomeBadge, TaskStatusBadge } from './inspection-parts.tsx';

export function DeclarationInspections({ declarationId }: { declarationId: string }) {
  const { principal } = useSession();
  const tasks = useResource<Page<TaskSummary>>(withQuery('/api/v1/inspections', { declarationId, limit: 50 }));
  const { reload } = tasks;
  const refresh = useThrottled(() => reload(true), 500);
  useLiveEvents((event) => {
    if (event === null || (event.type.startsWith('inspection.') && event.data.declarationId === declarationId) || event.aggregateId === declarationId) refresh();
  });

  const items = tasks.data?.items ?? [];
  // A declaration that no lane or officer sent to inspection says nothing here.
  if (tasks.data && items.length === 0) return null;
  return (
    <Section title={`Inspection${items.length === 1 ? '' : 's'}`} id="inspections">
      {tasks.error ? <ErrorMessage error={tasks.error} title="The inspection tasks could not be read" /> : null}
      {tasks.loading && !tasks.data ? <Loading label="Loading inspection tasks…" /> : null}
      {items.length > 0 ? (
        <ul className="plain-list" aria-label="Inspection tasks">
          {items.map((task) => (
            <li key={task.id} data-task-id={task.id}>
              <Link to={`/inspections/${task.id}`}>{TASK_KIND_NAMES[task.kind]}</Link> {task.outcome ? <OutcomeBadge outcome={task.outcome} /> : <TaskStatusBadge status={task.status} />}
              <span className="muted small">
                {' '}
                · {task.assignee ? (task.assignee.id === principal.id ? 'yours' : task.assignee.name) : 'nobody assigned'} · opened {formatShortDateTime(task.openedAt)}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </Section>
  );
}
