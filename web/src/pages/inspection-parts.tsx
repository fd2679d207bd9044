// Small pieces the inspection pages share: badges for a task's status, its outcome and a scan's
// reading (always with their word), the age of a task, and what an officer may do with a task now,
// as the server decides it (src/inspections/inspections.service.ts).
import type { Principal } from '../api/types.ts';
import { OUTCOME_NAMES, TASK_STATUS_NAMES, type Outcome, type Reading, type TaskStatus, type TaskSummary } from '../api/inspection-types.ts';
import { Tag } from '../components/ui.tsx';
import { formatDuration } from '../lib/format.ts';
import { canWorkInspections } from '../lib/rights.ts';

const STATUS_TONES: Record<TaskStatus, 'warn' | 'info' | 'good' | 'neutral'> = { OPEN: 'warn', IN_PROGRESS: 'info', COMPLETED: 'good', CANCELLED: 'neutral' };
const OUTCOME_TONES: Record<Outcome, 'good' | 'warn' | 'bad'> = { RELEASE_AS_DECLARED: 'good', RELEASE_WITH_CORRECTIONS: 'warn', SEIZE: 'bad', REJECT: 'bad' };

export function TaskStatusBadge({ status }: { status: TaskStatus }) {
  return <Tag tone={STATUS_TONES[status]}>{TASK_STATUS_NAMES[status]}</Tag>;
}

export function OutcomeBadge({ outcome }: { outcome: Outcome }) {
  return <Tag tone={OUTCOME_TONES[outcome]}>{OUTCOME_NAMES[outcome]}</Tag>;
}

export function ReadingBadge({ reading }: { reading: Reading }) {
  return <Tag tone={reading === 'SUSPECT' ? 'bad' : 'good'}>{reading === 'SUSPECT' ? 'Suspect' : 'Clear'}</Tag>;
}

/** How long the task has waited (open) or took (decided, cancelled). */
export function taskAge(task: Pick<TaskSummary, 'openedAt' | 'status' | 'decidedAt' | 'updatedAt'>, now = Date.now()): string {
  const end = task.status === 'COMPLETED' ? Date.parse(task.decidedAt ?? task.updatedAt) : task.status === 'CANCELLED' ? Date.parse(task.updatedAt) : now;
  return formatDuration(Math.max(0, (end - Date.parse(task.openedAt)) / 1000));
}

export const isTaskOpen = (task: Pick<TaskSummary, 'status'>) => task.status === 'OPEN' || task.status === 'IN_PROGRESS';

export interface TaskRights {
  /** Take the task (or take it over from another officer). */
  take: boolean;
  /** Assign it to an officer of its zone (administrators: they do not take tasks themselves). */
  assign: boolean;
  /** Another officer holds it: this officer must take it over before working on it. */
  heldByAnother: boolean;
  /** Change the kind, start, upload scans. */
  work: boolean;
  start: boolean;
  read: boolean;
  /** Findings and the outcome, once started. */
  decide: boolean;
}

export function taskRights(principal: Principal, task: Pick<TaskSummary, 'status' | 'assignee'>): TaskRights {
  const writer = canWorkInspections(principal);
  const open = isTaskOpen(task);
  const officer = principal.role === 'customs_officer';
  const heldByAnother = officer && task.assignee !== null && task.assignee.id !== principal.id;
  const work = writer && open && !heldByAnother;
  return {
    take: officer && open && task.assignee?.id !== principal.id,
    assign: principal.role === 'admin' && open,
    heldByAnother,
    work,
    start: work && task.status === 'OPEN',
    read: writer && open,
    decide: work && task.status === 'IN_PROGRESS',
  };
}
