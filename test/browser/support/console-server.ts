// A real Cordon server for the browser tests: the test application (PGlite in memory) with the
// demo administration loaded, listening on an ephemeral port of the loopback interface, serving
// the built console. Selectivity is made deterministic, so that a journey knows which lane its
// declaration gets: no random control share, and no lane from the score alone (the risk engine's
// lane targets are zero: its thresholds would be read from the demo's month, which is drawn anew for
// each day the demo is loaded on); the rules still choose lanes, and the score and its reasons are
// still shown.
import { loadDemo } from '../../../src/demo/demo.ts';
import { ADMIN_PASSWORD, createTestApp, type ApiClient, type TestApp } from '../../support/test-app.ts';

export interface ConsoleServer {
  url: string;
  t: TestApp;
  password(username: string): string;
  /** An API client signed in as a demo user, to find records the journeys open. */
  api(username: string): Promise<ApiClient>;
  close(): Promise<void>;
}

export async function startConsoleServer(): Promise<ConsoleServer> {
  const t = await createTestApp();
  const { users } = await loadDemo(t.ctx);
  const passwords = new Map(users.map((user) => [user.username, user.password]));
  passwords.set('admin', ADMIN_PASSWORD);

  const administration = await t.admin.get('/api/v1/administration');
  const { name, country, currency, hsEdition, vatRate, statusModel, selectivity } = administration.body;
  const updated = await t.admin.put('/api/v1/administration', {
    name,
    country,
    currency,
    hsEdition,
    vatRate,
    statusModel,
    selectivity: { ...selectivity, randomRedShare: '0', randomYellowShare: '0' },
  });
  if (updated.status !== 200) throw new Error(`setting selectivity failed: ${JSON.stringify(updated.body)}`);
  const { retrainEveryDays } = (await t.admin.get('/api/v1/risk/settings')).body;
  const targets = await t.admin.put('/api/v1/risk/settings', { redRate: '0', yellowRate: '0', retrainEveryDays });
  if (targets.status !== 200) throw new Error(`setting the lane targets failed: ${JSON.stringify(targets.body)}`);

  const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const password = (username: string) => {
    const found = passwords.get(username);
    if (!found) throw new Error(`no demo user ${username}`);
    return found;
  };
  return {
    url,
    t,
    password,
    api: (username) => t.login(username, password(username)),
    close: () => t.close(),
  };
}
