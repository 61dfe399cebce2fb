import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sparticuzChromium from '@sparticuz/chromium';
import { chromium, type BrowserContext } from 'playwright-core';

/**
 * Headless Chromium from the `@sparticuz/chromium` npm package, which ships the binary inside the
 * package (unpacked to the temp folder on first use), so `npm install` brings the browser and the
 * browser tests never skip for lack of one.
 */
export async function launchChromium(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: await sparticuzChromium.executablePath(),
    headless: true,
    args: [
      ...sparticuzChromium.args,
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export function describeWithChromium(name: string, fn: () => void): void {
  describe(name, fn);
}

export interface RenderedPage {
  /** Console errors/warnings, page errors and any non-file request. */
  problems: string[];
  hasChartJs: boolean;
  chartTypes: string[];
  /** Non-transparent pixels per canvas id. */
  paintedPixels: Record<string, number>;
  decisionText: string;
  confusionCells: number;
  escapedHtmlLeaked: boolean;
}

/** Loads a report page from a file:// URL in a fresh profile and reports what rendered. */
export async function renderInChromium(html: string): Promise<RenderedPage> {
  const dir = mkdtempSync(join(tmpdir(), 'tuneloop-chromium-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, html);
  const browser = await launchChromium(join(dir, 'profile'));
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file://')) problems.push(`network request: ${r.url()}`);
    });
    await page.goto(`file://${file}`, { waitUntil: 'load' });
    const result = await page.evaluate(() => {
      const w = window as unknown as { tuneloopCharts?: { config: { type: string } }[]; Chart?: unknown };
      const paintedPixels: Record<string, number> = {};
      for (const canvas of Array.from(document.querySelectorAll('canvas'))) {
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
        paintedPixels[canvas.id] = n;
      }
      return {
        hasChartJs: typeof w.Chart === 'function',
        chartTypes: (w.tuneloopCharts ?? []).map((c) => c.config.type),
        paintedPixels,
        decisionText: document.querySelector('[data-testid=decision]')?.textContent ?? '',
        confusionCells: document.querySelectorAll('table.confusion td').length,
        escapedHtmlLeaked: document.querySelectorAll('b').length > 0,
      };
    });
    return { problems, ...result };
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
