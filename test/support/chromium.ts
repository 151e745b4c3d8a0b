import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM = process.env.JOBCHARTS_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
/** Headless, and no background traffic to hosts this machine cannot reach (DESIGN.md). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const required = process.env.JOBCHARTS_REQUIRE_BROWSER === '1';
/** Whether a browser test runs: Chromium is there, or JOBCHARTS_REQUIRE_BROWSER=1 (.ci/run) makes its absence fail. */
export const browserTestsRun = hasChromium || required;

export function warnIfSkipped(name: string): void {
  if (browserTestsRun) return;
  console.warn(`\n[${name}] SKIPPED: no Chromium at ${CHROMIUM}. Install it (apt-get install chromium) or set JOBCHARTS_CHROMIUM; JOBCHARTS_REQUIRE_BROWSER=1 (set by .ci/run) makes a missing browser fail this test instead.\n`);
}

export interface HeadlessChromium {
  page: Page;
  /** Messages the page logged and errors it threw, for failure messages. */
  console: string[];
  close(): Promise<void>;
}

export interface LaunchChromiumOptions extends Pick<BrowserContextOptions, 'viewport' | 'deviceScaleFactor'> {
  /** Also print each error the page throws to stderr as it happens (`[page error] …`). */
  printPageErrors?: boolean;
}

/** Headless Debian Chromium with a throw-away profile, flags as in DESIGN.md; Playwright's default viewport unless given. */
export async function launchChromium({ printPageErrors = false, ...contextOptions }: LaunchChromiumOptions = {}): Promise<HeadlessChromium> {
  if (!hasChromium) throw new Error(`JOBCHARTS_REQUIRE_BROWSER=1 but no Chromium at ${CHROMIUM}: install it (apt-get install chromium)`);
  const profile = mkdtempSync(join(tmpdir(), 'jobcharts-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    ...contextOptions,
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const messages: string[] = [];
  page.on('console', (message) => messages.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => messages.push(`page error: ${error.message}`));
  if (printPageErrors) page.on('pageerror', (error) => console.error('[page error]', error.message));
  page.setDefaultTimeout(30_000);
  return {
    page,
    console: messages,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface StaticSite {
  url: string;
  close(): Promise<void>;
}

/** Serves fixed files on 127.0.0.1 (a page's own origin, another port than the simulator's). */
export async function serveFiles(files: Record<string, { type: string; body: string }>): Promise<StaticSite> {
  const server: Server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file.type }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Closes what a browser test opened, in order, skipping what never opened (a failed `beforeAll`). */
export async function closeInOrder(...opened: ({ close(): Promise<void> } | undefined)[]): Promise<void> {
  for (const thing of opened) await thing?.close();
}
