import { existsSync } from 'node:fs';

/** Debian's Chromium, where the browser tests find it; `CAQES_CHROMIUM` names another. */
export const CHROMIUM_PATH = process.env.CAQES_CHROMIUM ?? '/usr/bin/chromium';

/**
 * A printable page as an A4 PDF, through headless Chromium on this machine (playwright-core drives
 * the installed browser, never a downloaded one). Lambda has no browser: on AWS the page itself is
 * printed from the reader's browser.
 *
 * @example
 * await writeFile('rapport.pdf', await htmlToPdf(buildReportPage(view)));
 * @throws Error when Chromium is not installed at `executablePath`, or fails to render.
 */
export async function htmlToPdf(html: string, executablePath = CHROMIUM_PATH): Promise<Buffer> {
  if (!existsSync(executablePath)) throw new Error(`Chromium est introuvable (${executablePath}) : installez-le (apt-get install chromium) ou indiquez-le dans CAQES_CHROMIUM`);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  } finally {
    await browser.close();
  }
}
