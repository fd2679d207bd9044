// Serves the operations console, the React application that Vite builds into web/dist, at `/` on
// the API's own origin. Hashed assets are cached for a year; index.html is revalidated on every
// load, so a new build is picked up at once. Any other path outside the API answers index.html, so
// that the console's own routes (/declarations/…) survive a reload. When the console has not been
// built the server still runs and says so at `/`.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { App } from '../platform/http/types.ts';

/** Where `vite build` writes the console (web/vite.config.ts). */
export const CONSOLE_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

const YEAR_MS = 365 * 24 * 3600 * 1000;
/** A file at the top of the build (favicon, robots.txt): one segment, no traversal possible. */
const TOP_LEVEL_FILE = /^\/[A-Za-z0-9][A-Za-z0-9._-]*\.[A-Za-z0-9]+$/;
const ASSET = /^\/assets\/[A-Za-z0-9._-]+$/;

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cordon</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;color:#1f2933;max-width:40rem;margin:4rem auto;padding:0 1rem}code{background:#eef1f4;padding:.1rem .3rem;border-radius:3px}</style>
</head><body>
<h1>Cordon is running; its console is not built</h1>
<p>The API answers under <code>/api/v1</code> and its documentation is at <a href="/docs">/docs</a>.</p>
<p>To build the web console, run <code>npm run build:web</code> (<code>npm start</code> builds it when it is missing or out of date), then reload this page.</p>
</body></html>
`;

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

export async function registerConsole(app: App, options: { root?: string } = {}): Promise<void> {
  const root = options.root ?? CONSOLE_DIR;
  // Only `reply.sendFile`, given the root at each call: the one route below decides what each path
  // answers, and a console not built yet is no error at start.
  await app.register(fastifyStatic, { serve: false });

  app.get(
    '/*',
    { config: { access: 'public' }, schema: { hide: true }, logLevel: 'warn' },
    async (request, reply) => {
      const pathname = request.url.split('?')[0] ?? '/';
      // An unknown API path is an API error, never the console's page.
      if (pathname === '/api' || pathname.startsWith('/api/')) return reply.callNotFound();
      if (!(await isFile(path.join(root, 'index.html')))) {
        return reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_BUILT);
      }
      // Asset names carry their content hash: a changed file is a new name.
      if (ASSET.test(pathname)) return reply.sendFile(pathname.slice(1), root, { maxAge: YEAR_MS, immutable: true });
      if (TOP_LEVEL_FILE.test(pathname) && pathname !== '/index.html' && (await isFile(path.join(root, pathname)))) {
        return reply.header('cache-control', 'no-cache').sendFile(pathname.slice(1), root, { cacheControl: false });
      }
      return reply.header('cache-control', 'no-cache').sendFile('index.html', root, { cacheControl: false });
    },
  );
}
