// SQL of the operations endpoints: whether the database answers and is migrated, and the backlogs
// and open alerts read at each scrape. Every query here is an index range or a small aggregate.
import type { Db } from '../db/db.ts';

export interface OpenAlertCount extends Record<string, unknown> {
  kind: string;
  severity: string;
  count: number;
}

export const operationsRepository = {
  async ping(db: Db): Promise<void> {
    await db.query('SELECT 1');
  },

  async appliedMigrations(db: Db): Promise<number[]> {
    const rows = await db.query<{ version: number }>('SELECT version FROM schema_migrations');
    return rows.map((row) => Number(row.version));
  },

  /** Outbox events the partner feeds' projector has not yet read (its position is kept in the database). */
  async feedBacklog(db: Db): Promise<number> {
    const [row] = await db.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM outbox WHERE id > (SELECT last_event_id FROM feed_projection WHERE id = 1)',
    );
    return row?.count ?? 0;
  },

  /** Gate passes used at the gate whose declaration the settler has not yet completed, and the oldest use. */
  async unsettledPasses(db: Db): Promise<{ count: number; oldestUsedAt: Date | null }> {
    const [row] = await db.query<{ count: number; oldest: Date | null }>(
      "SELECT count(*)::int AS count, min(used_at) AS oldest FROM gate_passes WHERE status = 'USED' AND settled_at IS NULL",
    );
    return { count: row?.count ?? 0, oldestUsedAt: row?.oldest ?? null };
  },

  async openAlerts(db: Db): Promise<OpenAlertCount[]> {
    return db.query<OpenAlertCount>("SELECT kind, severity, count(*)::int AS count FROM alerts WHERE status = 'OPEN' GROUP BY kind, severity");
  },
};
