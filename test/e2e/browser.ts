import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { seedWorkshop, type Workshop } from '../helpers/factories';
import { chromiumPath } from '../helpers/requirements';
import type { ApiClient } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { stockClient, waitFor, type StockClient } from '../helpers/yclient';

/**
 * End-to-end plumbing: Debian's Chromium through playwright-core, browser
 * contexts signed in with a session cookie from the API, and a Node reader of
 * a section's document to check what the server really has.
 */

export const artifactsDir = join(process.cwd(), 'test/e2e/artifacts');

/**
 * Debian's Chromium. A file that launches it declares `// @module-tag needs-chromium`
 * on a line of its own, so that it is skipped where Chromium is missing (test/helpers/requirements.ts).
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * SEC24: Content-Security-Policy violations seen by any page of any context this file
 * opened, from the page's `securitypolicyviolation` events and from Chromium's console
 * ("Refused to ... because it violates ... Content Security Policy"). Every e2e file
 * imports this module, and each test fails if one appeared while it ran.
 */
const cspViolations: string[] = [];

/** The violations seen so far, left in place. */
export function seenCspViolations(): readonly string[] {
  return [...cspViolations];
}

/** Takes the violations seen so far (a test that provokes one on purpose). */
export function takeCspViolations(): string[] {
  return cspViolations.splice(0);
}

const expectNoCspViolation = () => {
  expect(takeCspViolations(), 'Content-Security-Policy violations in the browser').toEqual([]);
};
afterEach(expectNoCspViolation);
// Pages still open after the last test (closed in a file's afterAll) are checked too.
afterAll(expectNoCspViolation);

/** Reports every CSP violation of `context`'s pages into `cspViolations`. */
async function watchCsp(context: BrowserContext): Promise<void> {
  await context.exposeBinding('__twinpadCspViolation', (_source, report: unknown) => {
    cspViolations.push(`securitypolicyviolation ${JSON.stringify(report)}`);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = { directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber, sample: e.sample };
      (window as unknown as { __twinpadCspViolation(r: unknown): void }).__twinpadCspViolation(report);
    });
  });
  context.on('console', (msg) => {
    if (/Content.Security.Policy/i.test(msg.text())) cspViolations.push(`console ${msg.type()}: ${msg.text()}`);
  });
}

/** A fresh browser context (its own cookies, IndexedDB and BroadcastChannel) signed in as `client`. */
export async function signedInContext(browser: Browser, baseUrl: string, client: ApiClient | null): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 720 } });
  await watchCsp(context);
  if (client?.cookie) {
    const eq = client.cookie.indexOf('=');
    await context.addCookies([{ name: client.cookie.slice(0, eq), value: client.cookie.slice(eq + 1), url: baseUrl, httpOnly: true, sameSite: 'Lax' }]);
  }
  return context;
}

/** Fails the test on uncaught page errors (collected, checked by the caller). */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

export function sectionUrl(proposalId: string, sectionId: string): string {
  return `/proposals/${proposalId}/sections/${sectionId}`;
}

/** The editor of the open section. */
export function editorOf(page: Page) {
  return page.getByTestId('section-editor');
}

/** Plain text of the open section, from Tiptap's document (caret labels excluded). */
export async function editorText(page: Page): Promise<string> {
  return editorOf(page).evaluate((el) => {
    const clone = el.cloneNode(true) as HTMLElement;
    clone.querySelectorAll('.collab-caret').forEach((c) => c.remove());
    return clone.innerText;
  });
}

/** Text of a Y.XmlFragment (all text nodes, paragraphs joined by newlines). */
export function fragmentText(fragment: Y.XmlFragment): string {
  const parts: string[] = [];
  const walk = (node: Y.XmlElement | Y.XmlText | Y.XmlFragment): string => {
    if (node instanceof Y.XmlText) return node.toString().replace(/<[^>]+>/g, '');
    return node.toArray().map((child) => walk(child as Y.XmlElement | Y.XmlText)).join('');
  };
  for (const child of fragment.toArray()) parts.push(walk(child as Y.XmlElement | Y.XmlText));
  return parts.join('\n');
}

/** A stock y-websocket client in Node, reading what the server holds for a section. */
export async function serverReader(baseUrl: string, sectionId: string, client: ApiClient): Promise<StockClient & { textNow(): string }> {
  const reader = stockClient(baseUrl, sectionId, { cookie: client.cookie });
  // A silent reader: no awareness state, so it shows up in nobody's presence.
  reader.provider.awareness.setLocalState(null);
  await waitFor(() => reader.provider.synced, 10_000, 'reader synced');
  return Object.assign(reader, { textNow: () => fragmentText(reader.text) });
}

export { waitFor };

/** What a workshop suite shares: one server, one Chromium, the seeded NTT+ workshop. */
export interface WorkshopInChromium {
  server: TestServer;
  browser: Browser;
  w: Workshop;
}

/**
 * Registers the suite's hooks: start the server and Chromium and seed the
 * workshop before the file's tests, close both after. `set` receives them.
 */
export function workshopInChromium(set: (suite: WorkshopInChromium) => void): void {
  let server: TestServer | null = null;
  let browser: Browser | null = null;
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
    set({ server, browser, w: await seedWorkshop(server) });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
}

/** One serious or critical axe-core finding: the rule, where, and how to fix it. */
export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

let axeSource: string | null = null;

/**
 * A11Y1: axe-core's serious and critical violations on `page` as it is now. The
 * script is evaluated through the DevTools protocol (page.evaluate), which the
 * app's CSP (script-src 'self') does not govern, so no context needs bypassCSP.
 * `exclude` takes selectors left out (e.g. a third party's markup).
 */
export async function axeViolations(page: Page, opts: { exclude?: string[] } = {}): Promise<AxeFinding[]> {
  axeSource ??= readFileSync(join(process.cwd(), 'node_modules/axe-core/axe.min.js'), 'utf8');
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.evaluate(axeSource);
  return page.evaluate(async (exclude: string[]) => {
    type Result = { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] };
    const axe = (window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<{ violations: Result[] }> } }).axe;
    const context = exclude.length > 0 ? { include: [document], exclude: exclude.map((s) => [s]) } : document;
    const { violations } = await axe.run(context, { resultTypes: ['violations'] });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.map((n) => n.target.map(String).join(' ')) }));
  }, opts.exclude ?? []);
}
