// The rules of inspections that need no database: which task a lane opens, how findings correct a
// declaration, and which label an outcome gives the risk engine.
import type { DeclarationSnapshot } from '../declarations/declaration.hooks.ts';
import type { LineCorrection } from '../declarations/declaration.service.ts';
import type { FindingRow } from './inspections.repository.ts';
import type { Label, OutcomeInput, TaskKind } from './inspections.schemas.ts';

/** A YELLOW lane checks documents; a RED lane scans the containers, or examines goods that travel without. */
export function kindForLane(declaration: Pick<DeclarationSnapshot, 'lane' | 'transport'>): TaskKind | null {
  if (declaration.lane === 'YELLOW') return 'DOCUMENT_CHECK';
  if (declaration.lane === 'RED') return declaration.transport.containers.length > 0 ? 'NON_INTRUSIVE_SCAN' : 'PHYSICAL_EXAMINATION';
  return null;
}

/** The findings' corrections per line, later findings overriding earlier ones field by field. */
export function correctionsOf(findings: Pick<FindingRow, 'line_no' | 'corrections'>[]): LineCorrection[] {
  const byLine = new Map<number, LineCorrection>();
  for (const finding of findings) {
    const fields = Object.entries(finding.corrections).filter(([, value]) => value !== undefined);
    if (fields.length === 0) continue;
    byLine.set(finding.line_no, { ...(byLine.get(finding.line_no) ?? { lineNo: finding.line_no }), ...Object.fromEntries(fields) });
  }
  return [...byLine.values()].sort((a, b) => a.lineNo - b.lineNo);
}

/** The risk engine's label of an outcome: a seizure or anything prohibited is critical. */
export function labelOf(outcome: OutcomeInput['outcome'], findings: Pick<FindingRow, 'kind'>[]): Label {
  if (outcome === 'SEIZE' || findings.some((finding) => finding.kind === 'PROHIBITED')) return 'CRITICAL';
  return outcome === 'RELEASE_AS_DECLARED' ? 'NOTHING_FOUND' : 'FOUND';
}
