// Builds the console into web/dist when it is missing or older than its sources; `npm start` runs
// this first, so that `npm install && npm start` serves a console that matches the checkout.
// `--force` builds in any case. Without Vite (an install without dev dependencies) or on a failed
// build it says so and leaves the server to start anyway: the API does not need the console.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const built = path.join(root, 'web', 'dist', 'index.html');
const sources = ['web/src', 'web/public', 'web/index.html', 'vite.config.ts', 'package-lock.json'].map((p) => path.join(root, p));

/** The newest modification time under a file or folder. */
function newest(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(target)) latest = Math.max(latest, newest(path.join(target, entry)));
  return latest;
}

const say = (text) => process.stdout.write(`${text}\n`);

const force = process.argv.includes('--force');
const stale = force || !existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs;
if (!stale) process.exit(0);

let vite;
try {
  vite = await import('vite');
} catch {
  say('The web console is not built and Vite is not installed (npm install installs it); the API starts without the console.');
  process.exit(0);
}

say('Building the web console…');
const started = Date.now();
try {
  await vite.build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
  say(`Web console built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
} catch (error) {
  say(`The web console could not be built: ${error instanceof Error ? error.message : String(error)}`);
  // `npm run build:web` is the strict form: there a failed build is a failure.
  process.exit(process.argv.includes('--strict') ? 1 : 0);
}
