// PLACEHOLDER
import type { AppContext } from '../context.ts';
export async function loadDemo(_ctx: AppContext): Promise<{ users: Array<{ username: string; role: string; password: string }> }> {
  return { users: [] };
}
