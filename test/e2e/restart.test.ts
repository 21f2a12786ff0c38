// @module-tag needs-chromium
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { parseConfig } from '../../server/config';
import { startServer, type RunningServer } from '../../server/server';
import { seedWorkshop, type Workshop } from '../helpers/factories';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorOf, editorText, launchChromium, sectionUrl, serverReader, signedInContext, waitFor } from './browser';

let first: TestServer;
let current: RunningServer;
let browser: Browser;
let w: Workshop;

beforeAll(async () => {
  first = await startTestServer();
  current = first;
  browser = await launchChromium();
  w = await seedWorkshop(first);
});

afterAll(async () => {
  await browser?.close();
  if (current !== first) await current.close();
  await first?.stop();
});

/** Stops the server the way a deploy does (rooms flushed, sockets closed with 1001). */
async function stop(): Promise<void> {
  await current.close();
}

/** The same server again: same database, same port, so the page's URL still works. */
async function start(): Promise<void> {
  current = await startServer(parseConfig({ PORT: String(first.port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', STATIC_DIR: './dist' }), {
    db: first.database.db,
  });
}

describe('server restart', () => {
  it('E2E4: the server stops and restarts while a user types; nothing typed is lost', async () => {
    const section = w.proposal.sections.find((s) => s.ownerPartnerId === w.partners.bologna.id);
    if (!section) throw new Error('no Bologna section');
    const ctx = await signedInContext(browser, first.url, w.editors.bologna);
    const page = await ctx.newPage();
    await page.goto(sectionUrl(w.proposal.id, section.id));
    await page.locator('[data-testid="connection-pill"][data-state="online"]').waitFor();
    await editorOf(page).click();

    const before = 'Typed before the restart. ';
    const during = 'Typed while the server is down. ';
    const after = 'Typed after it came back.';
    const reader = await serverReader(first.url, section.id, w.coordinator);
    // Start typing, stop the server in the middle of it, type while it is down, then start it again.
    const typing = page.keyboard.type(before, { delay: 20 });
    await waitFor(() => reader.textNow().length >= 5, 10_000, 'first keystrokes on the server');
    reader.destroy();
    const stopping = stop();
    await typing;
    await stopping;
    await page.locator('[data-testid="connection-pill"][data-state="offline"]').waitFor();
    await page.keyboard.type(during, { delay: 5 });
    await start();
    await page.keyboard.type(after, { delay: 5 });

    const fresh = await serverReader(first.url, section.id, w.coordinator);
    try {
      await waitFor(() => fresh.textNow() === before + during + after, 30_000, 'everything typed reaches the restarted server');
      await page.locator('[data-testid="connection-pill"][data-state="online"][data-unsynced="0"]').waitFor({ timeout: 20_000 });
      expect(await editorText(page)).toBe(before + during + after);
    } finally {
      fresh.destroy();
    }
    await ctx.close();
  });
});
