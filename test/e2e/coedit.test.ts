// @module-tag needs-chromium
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Workshop } from '../helpers/factories';
import type { TestServer } from '../helpers/server';
import { collectErrors, editorOf, editorText, screenshot, sectionUrl, serverReader, signedInContext, waitFor, workshopInChromium } from './browser';

let server: TestServer;
let browser: Browser;
let w: Workshop;
workshopInChromium((suite) => ({ server, browser, w } = suite));

describe('co-editing in two browsers', () => {
  it('E2E1: two users co-edit one section and each sees the other’s text and named caret', async () => {
    const section = w.proposal.sections.find((s) => s.ownerPartnerId === w.partners.bologna.id);
    if (!section) throw new Error('no Bologna section');
    const ctxA = await signedInContext(browser, server.url, w.coordinator);
    const ctxB = await signedInContext(browser, server.url, w.editors.bologna);
    const a = await ctxA.newPage();
    const b = await ctxB.newPage();
    const errors = [...collectErrors(a), ...collectErrors(b)];

    await a.goto(sectionUrl(w.proposal.id, section.id));
    await b.goto(sectionUrl(w.proposal.id, section.id));
    for (const page of [a, b]) {
      await editorOf(page).waitFor();
      await page.getByTestId('connection-pill').and(page.locator('[data-state="online"]')).waitFor();
      expect(await editorOf(page).getAttribute('contenteditable')).toBe('true');
    }

    await editorOf(a).click();
    await a.keyboard.type('Hello from Chiara in Bologna. ');
    await editorOf(b).click();
    await b.keyboard.press('Control+End');
    await b.keyboard.type('Bruno was here.');

    await editorOf(b).filter({ hasText: 'Hello from Chiara in Bologna.' }).waitFor();
    await editorOf(a).filter({ hasText: 'Bruno was here.' }).waitFor();

    // Named carets carry the name the server stamped (and the partner's flag).
    await a.locator('.collab-caret__label', { hasText: 'Bruno Bologna' }).waitFor();
    await b.locator('.collab-caret__label', { hasText: 'Chiara Coordinator' }).waitFor();

    // Presence: avatars of both people, and the sidebar marker counts them.
    await a.locator('[data-testid="presence"] [data-name="Bruno Bologna"]').waitFor();
    await b.locator('[data-testid="presence"] [data-name="Chiara Coordinator"]').waitFor();
    await a.getByTestId(`sidebar-section-${section.key}`).getByTestId('presence-count').filter({ hasText: '2' }).waitFor();

    // Both pages converge, and the server holds exactly what they show.
    await waitFor(async () => (await editorText(a)) === (await editorText(b)), 10_000, 'pages converge');
    const reader = await serverReader(server.url, section.id, w.coordinator);
    try {
      await waitFor(() => reader.textNow().includes('Bruno was here.') && reader.textNow().includes('Hello from Chiara in Bologna.'), 10_000, 'server has both texts');
    } finally {
      reader.destroy();
    }
    await a.getByTestId('connection-pill').and(a.locator('[data-state="online"]')).waitFor();

    await screenshot(a, 'workspace');
    await a.goto(`/proposals/${w.proposal.id}/partners`);
    await a.getByTestId('members').waitFor();
    await a.getByTestId('assignments').waitFor();
    await screenshot(a, 'partners');

    expect(errors).toEqual([]);
    await ctxA.close();
    await ctxB.close();
  });
});
