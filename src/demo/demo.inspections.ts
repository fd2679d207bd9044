// Inspections in the demo, as officers work them: the task is taken and started; a container scan
// gets an X-ray image and the analyst's reading; what is found becomes a finding with corrected
// values; and the outcome releases (as declared, or with corrections and a new bill) or rejects.
// Outcomes are the labels the risk models learn from.
import { deflateSync } from 'node:zlib';
import { Decimal } from 'decimal.js';
import type { Db } from '../platform/db/db.ts';
import type { Principal } from '../platform/auth/principal.ts';
import type { InspectionsService } from '../inspections/inspections.service.ts';
import type { Rng } from './demo.random.ts';

type Task = Awaited<ReturnType<InspectionsService['list']>>['items'][number];

/** The declaration's task waiting for an officer (open or started), if any. */
export async function openTaskOf(inspections: InspectionsService, officer: Principal, declarationId: string): Promise<Task | null> {
  const tasks = (await inspections.list(officer, { declarationId, limit: 10 })).items;
  return tasks.find((task) => task.status === 'OPEN' || task.status === 'IN_PROGRESS') ?? null;
}

/** Takes and starts the task (a RED declaration goes under inspection). */
export async function startTask(db: Db, inspections: InspectionsService, officer: Principal, task: Task): Promise<void> {
  if (task.status !== 'OPEN') return;
  await db.transaction(async (tx) => {
    await inspections.assign(tx, officer, task.id, {});
    await inspections.start(tx, officer, task.id);
  });
}

/**
 * What the officer concludes: goods as declared; found, and corrected where the declaration brings
 * goods in or pays duty on them (a quantity counted, a value found low), else rejected; or rejected.
 */
export type Verdict = 'AS_DECLARED' | 'FOUND' | 'REJECT';

/** Finishes a started task: the scan and its reading where the task is a scan, a finding unless as declared, and the outcome. */
export async function finishTask(
  db: Db,
  inspections: InspectionsService,
  officer: Principal,
  rng: Rng,
  task: Task,
  declaration: { type: string; transport: { containers?: string[] }; lines: Array<{ lineNo: number; quantity: string; customsValue: string }> },
  verdict: Verdict,
): Promise<void> {
  const found = verdict !== 'AS_DECLARED';
  await db.transaction(async (tx) => {
    if (task.kind === 'NON_INTRUSIVE_SCAN') {
      const image = xrayImage(rng);
      const container = declaration.transport.containers?.[0];
      const scan = await inspections.recordTaskScan(tx, officer, task.id, { kind: 'XRAY', scannerId: 'NII-PORT-1', ...(container ? { containerNumber: container } : {}) }, inspections.checkImage(image));
      await inspections.readScan(tx, officer, scan.id, {
        reading: found ? 'SUSPECT' : 'CLEAR',
        note: found ? 'Density in the rear third does not match the declared cargo' : 'Uniform load consistent with the declared goods',
      });
    }
    const line = declaration.lines[0];
    if (!found || !line) {
      await inspections.decide(tx, officer, task.id, { outcome: 'RELEASE_AS_DECLARED', reason: 'Goods as declared' });
      return;
    }
    if (verdict === 'FOUND' && declaration.type === 'DOMESTIC_RELEASE') {
      const customsValue = new Decimal(line.customsValue).times(1.25).toFixed(2);
      await inspections.recordFinding(tx, officer, task.id, { lineNo: line.lineNo, kind: 'UNDERVALUATION', note: 'Invoice price a quarter below the supplier price list found in the cargo', corrections: { customsValue } });
      await inspections.decide(tx, officer, task.id, { outcome: 'RELEASE_WITH_CORRECTIONS', reason: 'Value corrected to the price list; duty billed on the difference' });
    } else if (verdict === 'FOUND' && (declaration.type === 'ADMISSION' || declaration.type === 'DOMESTIC_ADMISSION')) {
      const quantity = new Decimal(line.quantity).times(1.1).ceil().toFixed();
      await inspections.recordFinding(tx, officer, task.id, { lineNo: line.lineNo, kind: 'QUANTITY', note: 'One pallet more than declared', corrections: { quantity } });
      await inspections.decide(tx, officer, task.id, { outcome: 'RELEASE_WITH_CORRECTIONS', reason: 'Quantity corrected to the count at examination' });
    } else {
      await inspections.recordFinding(tx, officer, task.id, { lineNo: line.lineNo, kind: 'QUANTITY', note: 'Quantity found exceeds the declared quantity by more than 10 %' });
      await inspections.decide(tx, officer, task.id, { outcome: 'REJECT', reason: 'Quantity found at examination exceeds the declared quantity by more than 10 %' });
    }
  });
}

// --- an X-ray-like greyscale PNG --------------------------------------------------------------------

const WIDTH = 320;
const HEIGHT = 128;

/** A container's outline with cargo blocks of varying density, as a greyscale PNG. */
export function xrayImage(rng: Rng): Buffer {
  const blocks = Array.from({ length: rng.int(3, 7) }, () => ({ x: rng.int(20, 260), w: rng.int(20, 60), y: rng.int(30, 70), h: rng.int(20, 50), shade: rng.int(60, 160) }));
  const rows: Buffer[] = [];
  for (let y = 0; y < HEIGHT; y++) {
    const row = Buffer.alloc(WIDTH + 1);
    for (let x = 0; x < WIDTH; x++) {
      let value = 235;
      if (y > 16 && y < HEIGHT - 16 && x > 8 && x < WIDTH - 8) value = 215;
      if ((y === 16 || y === HEIGHT - 16) && x > 8 && x < WIDTH - 8) value = 40;
      for (const block of blocks) if (x >= block.x && x < block.x + block.w && y >= block.y && y < block.y + block.h) value = Math.min(value, block.shade);
      row[x + 1] = Math.max(0, Math.min(255, value + rng.int(-6, 6)));
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(WIDTH, 0);
  header.writeUInt32BE(HEIGHT, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, no interlace
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (ISO 3309) as PNG chunks carry it. */
export function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
