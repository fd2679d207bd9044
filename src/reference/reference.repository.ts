// SQL of the reference capability: which HS edition the administration has put in force.
import type { Db } from '../platform/db/db.ts';
import { DEFAULT_HS_EDITION, isHsEdition, type HsEdition } from './reference.ts';

/** The administration's HS edition; HS 2022 until the administration is set up (or if it names an unknown one). */
export async function findHsEditionInForce(db: Db): Promise<HsEdition> {
  const [row] = await db.query<{ hs_edition: string }>('SELECT hs_edition FROM administration WHERE id = 1');
  return isHsEdition(row?.hs_edition) ? row.hs_edition : DEFAULT_HS_EDITION;
}
