// Chromium for the browser tests, driven by playwright-core: Debian's build (CHROMIUM_PATH, by
// default /usr/bin/chromium), never a downloaded one. Each page is watched: any console error or
// uncaught exception fails the test unless the journey expects that very HTTP refusal.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const SCREENSHOTS = path.resolve('test-results', 'screenshots');

export const LAPTOP = { width: 1280, height: 800 };
export const TABLET = { width: 1024, height: 768 };

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // WebGL for the map through the software rasterizer: CI machines have no GPU.
    args: ['--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--ignore-gpu-blocklist'],
  });
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions seen so far, minus those allowed. */
  problems(): string[];
  /** A refusal the journey provokes on purpose (e.g. 400 for a bad container number). */
  allowHttpError(status: number, urlPart: string): void;
}

export async function openPage(browser: Browser, viewport = LAPTOP): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const seen: string[] = [];
  const allowed: Array<{ status: number; urlPart: string }> = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location().url;
    const status = /status of (\d{3})/.exec(message.text())?.[1];
    if (status && allowed.some((a) => String(a.status) === status && where.includes(a.urlPart))) return;
    seen.push(`console.error: ${message.text()} (${where})`);
  });
  page.on('pageerror', (error) => seen.push(`page error: ${error.message}`));
  return {
    page,
    context,
    problems: () => [...seen],
    allowHttpError: (status, urlPart) => allowed.push({ status, urlPart }),
  };
}

export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/dashboard$/);
  await page.getByTestId('live-status').and(page.locator('[data-status="live"]')).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Let charts and fonts settle, and keep toasts from hiding what the picture is about.
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}
