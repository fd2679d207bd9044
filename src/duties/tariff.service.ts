// The tariff schedule in force: loaded from the shipped sample the first time it is needed on a new
// database, replaced by an administration's own file (API or `cordon tariff load`), looked up by
// code, and resolved to the national line whose rate applies to a declaration line.
import { createHash } from 'node:crypto';
import type { Db } from '../platform/db/db.ts';
import type { Principal } from '../platform/auth/principal.ts';
import { AppError, forbidden } from '../platform/errors.ts';
import { appendEvent } from '../platform/events/outbox.ts';
import { parseRate, type Measure, type ParsedRate } from './tariff.rates.ts';
import { unitsFor } from './duty.computation.ts';
import { parseSchedule, readSample, SAMPLE } from './tariff.schedule.ts';
import { tariffRepository as repo, type ScheduleRow, type TariffLineRow } from './tariff.repository.ts';
import type { DutiesDeps } from './duties.deps.ts';
import type { TariffSchedule } from './duties.schemas.ts';

/** Who may replace the schedule. */
export const TARIFF_WRITERS = ['admin'] as const;

export type ResolvedLine = { ok: true; code: string; rate: ParsedRate } | { ok: false; several: boolean; message: string };

const LISTED = 12;

export function presentSchedule(row: ScheduleRow): TariffSchedule {
  return {
    source: row.source,
    currency: row.currency,
    sha256: row.sha256,
    lineCount: row.line_count,
    loadedAt: row.loaded_at.toISOString(),
    loadedBy: row.loaded_by,
  };
}

/** What a specific rate is charged on, in words: "net mass (kg)", "quantity in LTR, MLT or MTQ". */
function chargedOn(measure: Measure): string {
  if (measure === 'KGM') return 'net mass (kg)';
  if (measure === 'TNE') return 'net mass (t)';
  const units = unitsFor(measure);
  return `quantity in ${units.length > 1 ? `${units.slice(0, -1).join(', ')} or ${units[units.length - 1] ?? ''}` : units.join('')}`;
}

export function presentLine(row: TariffLineRow) {
  const rate = row.general_rate === null ? null : parseRate(row.general_rate);
  return {
    code: row.code,
    hsCode: row.hs_code,
    rateLine: row.rate_code,
    description: row.description,
    context: row.context,
    units: row.units,
    rate:
      rate === null
        ? null
        : {
            text: rate.text,
            computable: rate.computable,
            reason: rate.computable ? null : rate.reason,
            components: rate.computable
              ? rate.components.map((component) =>
                  component.kind === 'AD_VALOREM'
                    ? { kind: component.kind, text: component.text, percent: component.percent }
                    : {
                        kind: component.kind,
                        text: component.text,
                        amount: component.amount,
                        chargedOn: chargedOn(component.measure),
                      },
                )
              : [],
          },
  };
}

function listCodes(rows: TariffLineRow[]): string {
  const codes = rows.slice(0, LISTED).map((row) => row.code);
  return rows.length > LISTED ? `${codes.join(', ')} … (${rows.length} in all)` : codes.join(', ');
}

export function createTariffService(deps: Pick<DutiesDeps, 'db' | 'clock' | 'reference' | 'registry'>) {
  const { db, clock, reference, registry } = deps;
  /**
   * The schedule in force. On a new database the shipped sample is loaded first, once: the load
   * takes a lock and looks again, so two processes starting together load it once. Called with an
   * open transaction it loads inside it (PGlite has a single connection to offer); if that
   * transaction rolls back, the next use finds the table empty and loads again.
   */
  async function schedule(handle: Db): Promise<ScheduleRow> {
    const found = await repo.schedule(handle);
    if (found) return found;
    return handle.transaction(async (tx) => {
      await repo.lock(tx);
      const loaded = await repo.schedule(tx);
      if (loaded) return loaded;
      const { content, schedule: sample } = await readSample();
      await repo.replace(tx, {
        source: SAMPLE.source,
        currency: SAMPLE.currency,
        sha256: createHash('sha256').update(content).digest('hex'),
        loadedAt: clock.now(),
        loadedBy: null,
        lines: sample.lines,
      });
      return (await repo.schedule(tx)) as ScheduleRow;
    });
  }

  return {
    schedule,

    async getSchedule(): Promise<TariffSchedule> {
      return presentSchedule(await schedule(db));
    },

    /** An 8- or 10-digit line, or the national lines under a 6-digit subheading (or an 8-digit code without its own row). */
    async lookup(code: string) {
      const { currency } = await schedule(db);
      const exact = code.length > 6 ? await repo.line(db, code) : undefined;
      const lines = exact ? [exact] : code.length === 10 ? [] : await repo.rateLines(db, code);
      if (lines.length === 0) throw new AppError('NOT_FOUND', `No tariff line ${code.length === 6 ? 'under HS ' : ''}${code} in the schedule`);
      return { code, currency, lines: lines.map(presentLine) };
    },

    /**
     * The national line whose rate applies to a declaration line: the tariff code named (a
     * statistical line takes its 8-digit line's rate), else the only national line under the code
     * or the HS subheading.
     */
    async resolve(handle: Db, hsCode: string, tariffCode: string | null): Promise<ResolvedLine> {
      const code = tariffCode ?? hsCode;
      if (code.length >= 8) {
        const exact = await repo.line(handle, code);
        if (exact) {
          return { ok: true, code: exact.rate_code, rate: parseRate(exact.general_rate ?? '') };
        }
      }
      const lines = code.length === 10 ? [] : await repo.rateLines(handle, code);
      const [only] = lines;
      if (lines.length === 1 && only) return { ok: true, code: only.code, rate: parseRate(only.general_rate ?? '') };
      const named = code.length === 6 ? `HS ${code}` : `Tariff code ${code}`;
      if (lines.length > 1) return { ok: false, several: true, message: `${named} has several national lines: ${listCodes(lines)}; name one` };
      return { ok: false, several: false, message: `${code.length === 6 ? `HS ${code} has` : `${code} is`} no national line of the tariff schedule` };
    },

    /** Replaces the schedule with an administration's own file (same layout as the shipped sample). */
    async loadSchedule(tx: Db, actor: Principal | null, content: Buffer | string, options: { currency?: string; source?: string }): Promise<TariffSchedule> {
      if (actor && !(TARIFF_WRITERS as readonly string[]).includes(actor.role)) throw forbidden();
      const currency = options.currency ?? (await registry.getAdministration(tx)).currency;
      if (!reference.currencies.get(currency)) {
        throw new AppError('VALIDATION_FAILED', 'The tariff currency is unknown', [{ path: '/querystring/currency', message: 'is not an ISO 4217 currency code' }]);
      }
      const parsed = parseSchedule(content);
      if (parsed.errors.length > 0) throw new AppError('VALIDATION_FAILED', 'The tariff file has invalid rows; nothing was loaded', parsed.errors);
      const sha256 = createHash('sha256').update(content).digest('hex');
      await repo.lock(tx);
      await repo.replace(tx, {
        source: options.source?.trim() || 'Tariff schedule loaded by the administration',
        currency,
        sha256,
        loadedAt: clock.now(),
        loadedBy: actor?.kind === 'user' ? actor.id : null,
        lines: parsed.lines,
      });
      const row = (await repo.schedule(tx)) as ScheduleRow;
      await appendEvent(tx, {
        type: 'tariff.loaded',
        aggregateType: 'tariff',
        aggregateId: '1',
        actorId: actor?.id ?? null,
        payload: { source: row.source, currency, sha256, lineCount: row.line_count },
      });
      return presentSchedule(row);
    },
  };
}

export type TariffService = ReturnType<typeof createTariffService>;
