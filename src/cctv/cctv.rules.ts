// The coverage policy's rules, pure: how closely each area must be watched, and which policies
// are sound. The service reads the stock and the snapshots; these functions decide.
import { FieldErrors } from '../platform/errors.ts';
import { SEVERITIES, type Severity } from '../alerts/alerts.schemas.ts';
import type { AreaKind, CoveragePolicyInput } from './cctv.schemas.ts';

export interface RequiredWatch {
  intervalMinutes: number;
  /** The class of goods that set the interval; null when the default or the gate interval applies. */
  goodsClass: string | null;
  severity: Severity;
}

const rank = (severity: Severity) => SEVERITIES.indexOf(severity);

/**
 * The longest a watched area may go without a snapshot. A warehouse holding goods of several
 * classes answers to the strictest of them (the shortest interval; on a tie, the graver severity).
 */
export function requiredWatch(policy: CoveragePolicyInput, areaKind: AreaKind, chaptersHeld: ReadonlySet<string>): RequiredWatch {
  const fallback = { goodsClass: null, severity: policy.defaultSeverity };
  switch (areaKind) {
    case 'GATE':
      return { intervalMinutes: policy.gateIntervalMinutes, ...fallback };
    case 'YARD':
      return { intervalMinutes: policy.defaultIntervalMinutes, ...fallback };
    case 'WAREHOUSE': {
      let strictest: RequiredWatch | null = null;
      for (const goodsClass of policy.goodsClasses) {
        if (!goodsClass.hsChapters.some((chapter) => chaptersHeld.has(chapter))) continue;
        const stricter =
          strictest === null ||
          goodsClass.intervalMinutes < strictest.intervalMinutes ||
          (goodsClass.intervalMinutes === strictest.intervalMinutes && rank(goodsClass.severity) > rank(strictest.severity));
        if (stricter) strictest = { intervalMinutes: goodsClass.intervalMinutes, goodsClass: goodsClass.name, severity: goodsClass.severity };
      }
      return strictest ?? { intervalMinutes: policy.defaultIntervalMinutes, ...fallback };
    }
  }
}

/** The rules a policy must meet beyond its schema; each problem names its field. */
export function checkPolicy(policy: CoveragePolicyInput, isChapter: (chapter: string) => boolean): FieldErrors {
  const errors = new FieldErrors();
  if (policy.extendedRetentionDays < policy.retentionDays) {
    errors.add('/extendedRetentionDays', `must be at least retentionDays (${policy.retentionDays}): a hold keeps snapshots longer, not shorter`);
  }
  const classOfName = new Map<string, number>();
  const classOfChapter = new Map<string, string>();
  policy.goodsClasses.forEach((goodsClass, index) => {
    const path = `/goodsClasses/${index}`;
    const name = goodsClass.name.trim().toLowerCase();
    const sameName = classOfName.get(name);
    if (sameName !== undefined) errors.add(`${path}/name`, `is already the name of goodsClasses/${sameName}`);
    else classOfName.set(name, index);
    if (goodsClass.intervalMinutes > policy.defaultIntervalMinutes) {
      errors.add(`${path}/intervalMinutes`, `must be at most defaultIntervalMinutes (${policy.defaultIntervalMinutes}): a class of goods only tightens the watch`);
    }
    goodsClass.hsChapters.forEach((chapter, chapterIndex) => {
      const chapterPath = `${path}/hsChapters/${chapterIndex}`;
      if (!isChapter(chapter)) errors.add(chapterPath, 'is not a chapter of the HS nomenclature');
      const owner = classOfChapter.get(chapter);
      if (owner !== undefined) errors.add(chapterPath, `chapter ${chapter} is already in the class "${owner}"`);
      else classOfChapter.set(chapter, goodsClass.name);
    });
  });
  return errors;
}
