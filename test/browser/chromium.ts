/**
 * Debian's Chromium as the browser tests drive it (playwright-core never downloads one): a fresh
 * profile at a hospital's 1024×768, in French, taking downloads; pages whose script errors fail the test.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { CHROMIUM_PATH } from '../../lib/report/pdf';

export const chromiumAvailable = requireChromiumUnderCi(existsSync(CHROMIUM_PATH));

/**
 * On a developer's machine without Chromium the browser tests are skipped with a warning; under CI
 * (CI=true, as `.ci/run` is called) a missing browser fails the run instead, so a green CI always
 * means the pages were driven.
 */
export function requireChromiumUnderCi(present: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (present) return true;
  if (env.CI === 'true') throw new Error(`Chromium is required under CI: ${CHROMIUM_PATH} is absent (apt-get install -y chromium).`);
  console.warn(`Browser tests skipped: ${CHROMIUM_PATH} is absent (install it with: apt-get install -y chromium).`);
  return false;
}

/** A browser on a fresh profile (Playwright passes it as --user-data-dir); `options` for another window. */
export function launchBrowser(profile: string, options: Parameters<typeof chromium.launchPersistentContext>[1] = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1024, height: 768 },
    locale: 'fr-FR',
    acceptDownloads: true,
    ...options,
  });
}

/** Opens a page; `done` closes it and checks its scripts threw nothing. */
export async function openPage(context: BrowserContext, url: string): Promise<Page & { done(): Promise<void> }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  return Object.assign(page, {
    async done() {
      await page.close();
      expect(errors).toEqual([]);
    },
  });
}

/** Where screenshots go, to be looked at: `CAQES_SCREENSHOTS`, else `caqes-screenshots` in the system's temporary folder. */
export const SCREENSHOTS = process.env.CAQES_SCREENSHOTS ?? join(tmpdir(), 'caqes-screenshots');

/** Saves what the window shows (or the whole page) as `<name>.png` in SCREENSHOTS. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}

/** A serious or critical accessibility violation axe-core finds, with where. */
export interface Violation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

let axeSource: Promise<string> | null = null;

/**
 * Runs axe-core (WCAG 2.1 A and AA rules) on the page as it is shown and returns its serious and
 * critical violations. The engine is evaluated through the DevTools protocol, which the page's
 * Content-Security-Policy does not govern: the page itself stays as served.
 */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(await axeSource);
  const found = await page.evaluate<Violation[]>(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })))`);
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
