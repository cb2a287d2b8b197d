/**
 * The one-page visual report in a real headless Chromium (Debian's, never a downloaded one): the
 * charts are drawn and visible, the page asks for nothing over the network, and it prints on one A4
 * sheet. Screenshots are left in out/test/ for a person to look at.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summaryModel, type SummaryInput } from '../../lib/report/summary-model';
import { buildSummaryPage } from '../../lib/report/summary-page';
import { colours, decodePng } from '../helpers/png';
import { input, largeRegion } from '../report/fixtures';
import { chromiumAvailable, launchBrowser, seriousViolations } from './chromium';

const SCREENSHOTS = join('out', 'test');

describe.skipIf(!chromiumAvailable)('the summary page in headless Chromium', () => {
  let profile: string;
  let context: BrowserContext;
  const requests: string[] = [];

  beforeAll(async () => {
    profile = await mkdtemp(join(tmpdir(), 'caqes-chromium-'));
    context = await launchBrowser(profile, { viewport: { width: 900, height: 1300 }, deviceScaleFactor: 1 });
    // Nothing may be fetched: every request is recorded and refused.
    await context.route('**/*', async (route) => {
      requests.push(route.request().url());
      await route.abort();
    });
    await mkdir(SCREENSHOTS, { recursive: true });
  }, 30_000);

  afterAll(async () => {
    await context?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  async function open(summary: SummaryInput): Promise<Page> {
    const page = await context.newPage();
    await page.setContent(buildSummaryPage(summaryModel(summary)), { waitUntil: 'load' });
    return page;
  }

  /** How many pages the print to PDF gives (each page object of the file). */
  async function pdfPages(page: Page): Promise<number> {
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    return (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  }

  it('draws every chart visibly: boxes of real size, bars in the status colours, the trend line', async () => {
    const page = await open(input);
    const charts = page.locator('svg.chart');
    expect(await charts.count()).toBe(5);
    const png = await page.screenshot({ fullPage: true });
    await writeFile(join(SCREENSHOTS, 'summary-page.png'), png);
    // The one-page report is a page OMéDIT opens too: no serious accessibility violation (issue 22).
    expect(await seriousViolations(page)).toEqual([]);
    const pixels = decodePng(png);
    const found: Record<string, Map<string, number>> = {};
    for (let i = 0; i < 5; i++) {
      const chart = charts.nth(i);
      await expect.poll(() => chart.isVisible()).toBe(true);
      const box = (await chart.boundingBox())!;
      expect(box.width).toBeGreaterThan(150);
      expect(box.height).toBeGreaterThan(30);
      const id = (await chart.getAttribute('aria-labelledby'))!.split(' ')[0]!;
      found[id] = colours(pixels, box);
      // Not a blank area: a good part of it is drawn.
      const blank = found[id].get('#ffffff') ?? 0;
      expect(1 - blank / (box.width * box.height), id).toBeGreaterThan(0.02);
    }
    // MO: sites met, not met and pending, each colour over a real area (a bar, not an anti-aliased edge).
    for (const colour of ['#2e7d32', '#c62828', '#e69f00']) expect(found['chart-mo-t']!.get(colour) ?? 0, colour).toBeGreaterThan(100);
    expect(found['chart-ipp-t']!.get('#c62828') ?? 0).toBeGreaterThan(100);
    // The region's I999 share over the years: a line with its points.
    expect(found['chart-mo-share-t']!.get('#3f6e9a') ?? 0).toBeGreaterThan(30);
    // The ATIH columns, 2024 in red: flagged.
    expect(found['chart-mo-amount-t']!.get('#3f6e9a') ?? 0).toBeGreaterThan(300);
    expect(found['chart-mo-amount-t']!.get('#c62828') ?? 0).toBeGreaterThan(20);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('prints on one A4 page, the footer inside it', async () => {
    const page = await open(input);
    expect(await pdfPages(page)).toBe(1);
    await page.emulateMedia({ media: 'print' });
    const [pageBox, footerBox] = [await page.locator('main.page').boundingBox(), await page.locator('footer').boundingBox()];
    expect(footerBox!.y + footerBox!.height).toBeLessThanOrEqual(pageBox!.y + pageBox!.height);
    await page.close();
  });

  it('still prints on one page for a large region: 56 establishments on all 13 indicators', async () => {
    const page = await open(largeRegion(56));
    expect(await page.locator('svg.chart').count()).toBe(15);
    await writeFile(join(SCREENSHOTS, 'summary-page-large.png'), await page.screenshot({ fullPage: true }));
    expect(await pdfPages(page)).toBe(1);
    await page.emulateMedia({ media: 'print' });
    const [pageBox, footerBox] = [await page.locator('main.page').boundingBox(), await page.locator('footer').boundingBox()];
    expect(footerBox!.y + footerBox!.height).toBeLessThanOrEqual(pageBox!.y + pageBox!.height);
    for (const box of await page.locator('svg.chart').evaluateAll((svgs) => svgs.map((s) => s.getBoundingClientRect().height))) expect(box).toBeGreaterThan(20);
    expect(requests).toEqual([]);
    await page.close();
  });
});
