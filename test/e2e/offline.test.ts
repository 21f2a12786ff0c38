// @module-tag needs-chromium
import { describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, WebSocketRoute } from 'playwright-core';
import type { Workshop } from '../helpers/factories';
import type { TestServer } from '../helpers/server';
import { collectErrors, editorOf, editorText, sectionUrl, serverReader, signedInContext, waitFor, workshopInChromium } from './browser';

let server: TestServer;
let browser: Browser;
let w: Workshop;
workshopInChromium((suite) => ({ server, browser, w } = suite));

/**
 * Chromium's offline mode leaves open WebSockets alone, so the context's
 * /collab sockets go through a route we can cut: while "offline", open sockets
 * are closed, new ones are refused, and frames still in flight are dropped.
 */
async function cuttableNetwork(ctx: BrowserContext) {
  let offline = false;
  const open = new Set<{ page: WebSocketRoute; upstream: WebSocketRoute }>();
  await ctx.routeWebSocket(/\/collab\//, (page) => {
    if (offline) {
      void page.close({ code: 1001, reason: 'offline' });
      return;
    }
    const upstream = page.connectToServer();
    const pair = { page, upstream };
    open.add(pair);
    page.onMessage((m) => {
      if (!offline) upstream.send(m);
    });
    upstream.onMessage((m) => {
      if (!offline) page.send(m);
    });
    page.onClose((code, reason) => {
      open.delete(pair);
      void upstream.close({ code, reason });
    });
    upstream.onClose((code, reason) => {
      open.delete(pair);
      void page.close({ code, reason });
    });
  });
  return {
    async goOffline() {
      offline = true;
      await ctx.setOffline(true);
      for (const pair of [...open]) {
        open.delete(pair);
        await pair.upstream.close();
        await pair.page.close({ code: 1001, reason: 'network lost' });
      }
    },
    async goOnline() {
      offline = false;
      await ctx.setOffline(false);
    },
  };
}

describe('offline and back', () => {
  it('E2E3: text typed offline stays local (nothing reaches anyone) and arrives once the connection is back', async () => {
    const section = w.proposal.sections.find((s) => s.ownerPartnerId === w.partners.bologna.id);
    if (!section) throw new Error('no Bologna section');
    const ctxA = await signedInContext(browser, server.url, w.editors.bologna);
    const ctxB = await signedInContext(browser, server.url, w.coordinator);
    const net = await cuttableNetwork(ctxA);
    const a = await ctxA.newPage();
    const b = await ctxB.newPage();
    const errors = [...collectErrors(a), ...collectErrors(b)];
    const url = sectionUrl(w.proposal.id, section.id);
    await a.goto(url);
    await b.goto(url);
    for (const page of [a, b]) await page.locator('[data-testid="connection-pill"][data-state="online"]').waitFor();

    await editorOf(a).click();
    await a.keyboard.type('Online first. ');
    await editorOf(b).filter({ hasText: 'Online first.' }).waitFor();

    await net.goOffline();
    await a.locator('[data-testid="connection-pill"][data-state="offline"]').waitFor();
    await a.keyboard.type('Typed while offline in Bologna.');
    await a.locator('[data-testid="connection-pill"][data-state="offline"]').filter({ hasText: 'unsynced' }).waitFor();
    expect(Number(await a.getByTestId('connection-pill').getAttribute('data-unsynced'))).toBeGreaterThan(0);
    // Closing the page now would lose nothing (IndexedDB keeps it), but the page still warns.
    const warns = () =>
      a.evaluate(() => {
        const event = new Event('beforeunload', { cancelable: true });
        window.dispatchEvent(event);
        return event.defaultPrevented;
      });
    expect(await warns()).toBe(true);

    // Meanwhile the coordinator writes; once that has reached the server and B,
    // check that nothing of A's offline text has reached either.
    await editorOf(b).click();
    await b.keyboard.press('Control+End');
    await b.keyboard.type(' Coordinator meanwhile.');
    const reader = await serverReader(server.url, section.id, w.coordinator);
    try {
      await waitFor(() => reader.textNow().includes('Coordinator meanwhile.'), 10_000, 'server has the coordinator text');
      expect(reader.textNow()).not.toContain('Typed while offline');
      expect(await editorText(b)).not.toContain('Typed while offline');
      expect(await editorText(a)).not.toContain('Coordinator meanwhile.');

      await net.goOnline();
      await waitFor(() => reader.textNow().includes('Typed while offline in Bologna.'), 20_000, 'offline text reaches the server');
      await editorOf(b).filter({ hasText: 'Typed while offline in Bologna.' }).waitFor();
      await editorOf(a).filter({ hasText: 'Coordinator meanwhile.' }).waitFor();
      await a.locator('[data-testid="connection-pill"][data-state="online"][data-unsynced="0"]').waitFor();
      expect(await warns()).toBe(false);
      await waitFor(async () => (await editorText(a)) === (await editorText(b)), 10_000, 'pages converge');
    } finally {
      reader.destroy();
    }
    expect(errors).toEqual([]);
    await ctxA.close();
    await ctxB.close();
  });

  it('E2E3: offline edits to a section whose rights were withdrawn meanwhile are refused (4403), dropped from the document but shown to their author (WSH11), and the section turns read-only', async () => {
    const section = w.proposal.sections.filter((s) => s.ownerPartnerId === w.partners.bologna.id)[3];
    if (!section) throw new Error('no Bologna section');
    const ctx = await signedInContext(browser, server.url, w.editors.bologna);
    const net = await cuttableNetwork(ctx);
    const page = await ctx.newPage();
    await page.goto(sectionUrl(w.proposal.id, section.id));
    await page.locator('[data-testid="connection-pill"][data-state="online"]').waitFor();
    await editorOf(page).click();
    await page.keyboard.type('Saved while allowed.');
    await page.locator('[data-testid="connection-pill"][data-state="online"][data-unsynced="0"]').waitFor();

    await net.goOffline();
    await page.keyboard.type(' Written offline after losing the section.');
    const res = await w.coordinator.patch(`/api/sections/${section.id}`, { ownerPartnerId: w.partners.helsinki.id });
    expect(res.status).toBe(200);
    await net.goOnline();

    // The refused words are kept and shown (WSH11); that notice replaces the generic refused banner.
    await page.getByTestId('unsaved-words-text').filter({ hasText: 'Written offline after losing the section.' }).waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('refused-banner').count()).toBe(0);
    await page.getByTestId('lock-banner').filter({ hasText: 'Owned by Helsingin kaupunki (FI)' }).waitFor({ timeout: 20_000 });
    expect(await editorOf(page).getAttribute('contenteditable')).toBe('false');
    await editorOf(page).filter({ hasText: 'Saved while allowed.' }).waitFor();
    await waitFor(async () => !(await editorText(page)).includes('Written offline'), 10_000, 'stale text dropped from the page');

    const reader = await serverReader(server.url, section.id, w.coordinator);
    try {
      expect(reader.textNow()).toBe('Saved while allowed.');
    } finally {
      reader.destroy();
    }
    // It does not loop: after the refusal the page stays connected, read-only.
    await page.locator('[data-testid="connection-pill"][data-state="online"]').waitFor();
    await ctx.close();
  });
});
