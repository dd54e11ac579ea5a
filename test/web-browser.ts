/// <reference lib="dom" />
/**
 * Real headless Chromium for the web UI tests (Debian `chromium` via playwright-core), axe-core
 * for accessibility, and a screenshot in test/artifacts/ when a test fails. Without
 * /usr/bin/chromium the browser suites skip with a German notice, so a fresh clone still passes.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from './support/test-app';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(__dirname, 'artifacts');

let noticePrinted = false;

/** `describe` when Chromium is installed, else `describe.skip` with a notice. */
export function describeInBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, body);
    return;
  }
  if (!noticePrinted) {
    noticePrinted = true;
    console.warn(`Hinweis: Browser-Tests übersprungen (${CHROMIUM} fehlt; installieren mit „apt-get install chromium“, .ci/run tut das).`);
  }
  describe.skip(name, body);
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Chromium headless with a fresh, empty profile and no background network. */
export async function openBrowser(options: { javaScript?: boolean } = {}): Promise<BrowserSession> {
  const profile = mkdtempSync(join(tmpdir(), 'gremienlauf-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--lang=de-DE',
    ],
    locale: 'de-DE',
    timezoneId: 'Europe/Berlin',
    viewport: { width: 1280, height: 900 },
    javaScriptEnabled: options.javaScript ?? true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Lets the app listen on 127.0.0.1 (a free port) and opens Chromium for it (`openBrowser`'s
 * options): the app's base URL and the browser.
 */
export async function serveToBrowser(t: TestApp, options: { javaScript?: boolean } = {}): Promise<{ base: string; browser: BrowserSession }> {
  await t.app.listen(0, '127.0.0.1');
  const base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
  return { base, browser: await openBrowser(options) };
}

/** The password of the users a browser suite signs in as. */
export const PASSWORD = 'richtig-langes-passwort-1';

/** What the tests of a browser suite work with, once its set-up ran. */
export interface BrowserSuite {
  t: TestApp;
  base: string;
  browser: BrowserSession;
}

/**
 * The set-up of a browser suite, before its tests: the application with its clock at `now`,
 * `prepare`d (what its pages are to show), a secretariat user „sekretariat“ (PASSWORD), served to
 * Chromium with JavaScript on (axe-core runs in the page; the pages themselves need none); after
 * them, both closed.
 */
export function browserSuite(now: string, prepare: (t: TestApp) => Promise<void>, timeout = 60_000): BrowserSuite {
  const suite = {} as BrowserSuite;
  beforeAll(async () => {
    clearFailureScreenshots();
    suite.t = await startTestApp({ now });
    await prepare(suite.t);
    await suite.t.user('secretariat', { username: 'sekretariat', password: PASSWORD });
    Object.assign(suite, await serveToBrowser(suite.t));
  }, timeout);
  afterAll(async () => {
    await suite.browser?.close();
    await suite.t?.close();
  });
  return suite;
}

/** Saves a full-page screenshot under test/artifacts/ (gitignored); returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name.replace(/[^A-Za-z0-9äöüÄÖÜß_-]+/g, '-').slice(0, 120)}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Removes the failure screenshots of earlier runs, so what test/artifacts/ shows is from this one. */
export function clearFailureScreenshots(): void {
  if (!existsSync(ARTIFACTS)) return;
  for (const file of readdirSync(ARTIFACTS)) if (file.startsWith('FEHLER-')) rmSync(join(ARTIFACTS, file));
}

/**
 * Runs a test step; when it throws, keeps a screenshot of the page as it was and rethrows
 * with the screenshot's path in the message.
 */
export async function withScreenshot<T>(page: Page, name: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const file = await screenshot(page, `FEHLER-${name}`).catch(() => null);
    if (error instanceof Error && file) error.message += `\nBildschirmfoto: ${file}`;
    throw error;
  }
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

const AXE_SOURCE = () => readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core against the page (WCAG 2.0/2.1 A and AA rules): the violations found. An id given to
 * two elements counts as one too: axe 4 no longer checks it, and a label or an anchor that names
 * such an id finds the wrong element (a section labelled by itself was named by its whole text).
 * So does a link to a place on the page („#actions“) that the page does not have.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Injected through the test harness (not a <script> of the page), so the CSP does not apply.
  await page.evaluate(AXE_SOURCE());
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    const found = result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
    const ids = [...document.querySelectorAll('[id]')].map((element) => element.id);
    const twice = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
    if (twice.length) found.push({ id: 'duplicate-id', impact: 'serious', help: 'Eine id steht an mehr als einem Element', nodes: twice.map((id) => ({ target: [`#${id}`], failureSummary: undefined })) });
    const nowhere = [...document.querySelectorAll('a[href^="#"]')].map((link) => link.getAttribute('href')!.slice(1)).filter((id) => id !== '' && !document.getElementById(decodeURIComponent(id)));
    if (nowhere.length) found.push({ id: 'link-target', impact: 'serious', help: 'Ein Sprungverweis führt auf keine Stelle der Seite', nodes: [...new Set(nowhere)].map((id) => ({ target: [`a[href="#${id}"]`], failureSummary: undefined })) });
    return found;
  });
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`)
    .join('\n');
}

/**
 * Signs `username` in on the app at `base` (any session of the page ended first): the Übersicht
 * sends to the login page, which sends back to the Übersicht.
 */
export async function signIn(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto(`${base}/`);
  await page.waitForURL(/\/anmelden/);
  await page.getByLabel('Benutzername').fill(username);
  await page.getByLabel('Passwort').fill(password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.waitForURL(`${base}/`);
}

/**
 * The tables of the page that scroll sideways in their frame (`.table-wrap`), by the frame's
 * label: on a phone a list is read as cards, so none should.
 */
export function tablesScrolledSideways(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('main .table-wrap')]
      .filter((wrap) => wrap.scrollWidth > wrap.clientWidth + 1)
      .map((wrap) => wrap.getAttribute('aria-label') ?? wrap.getAttribute('aria-labelledby') ?? ''),
  );
}
