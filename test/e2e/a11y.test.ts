// @module-tag needs-chromium
import { describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import * as Y from 'yjs';
import { catalogues } from '../../shared/i18n';
import { snapshotResponseSchema } from '../../shared/schemas';
import type { Locale } from '../../shared/schemas';
import type { Workshop } from '../helpers/factories';
import type { ApiClient } from '../helpers/http';
import type { TestServer } from '../helpers/server';
import { axeViolations, editorOf, sectionUrl, serverReader, signedInContext, waitFor, workshopInChromium, type AxeFinding } from './browser';

/**
 * A11Y1: axe-core finds no serious or critical violation on any page, in English
 * and in Italian: sign in, sign up, proposals, the workspace (a section open, the
 * comments panel, the mention list open), board, partners, history (the list, a
 * snapshot, the changes since it, a section's latest changes) and the projector.
 */

let server: TestServer;
let browser: Browser;
let w: Workshop;
workshopInChromium((suite) => ({ server, browser, w } = suite));

function section(i: number) {
  const s = w.proposal.sections[i];
  if (!s) throw new Error(`no section ${i}`);
  return s;
}

/** Fails with every finding listed: rule, impact, help and the elements. */
function expectClean(page: string, findings: AxeFinding[]): void {
  const listed = findings.map((f) => `${f.id} (${f.impact}): ${f.help}\n    ${f.targets.join('\n    ')}`);
  expect(listed, `axe-core on ${page}`).toEqual([]);
}

async function setLocale(client: ApiClient, locale: Locale): Promise<void> {
  const res = await client.patch('/api/me', { locale });
  expect(res.status).toBe(200);
}

/** A visitor's context in `locale` (the language picker's remembered choice). */
async function visitorContext(locale: Locale): Promise<BrowserContext> {
  const ctx = await signedInContext(browser, server.url, null);
  await ctx.addInitScript((l) => window.localStorage.setItem('twinpad.locale', l), locale);
  return ctx;
}

async function checkPage(page: Page, name: string, url: string, ready: (p: Page) => Promise<unknown>): Promise<void> {
  await page.goto(url);
  await ready(page);
  expectClean(name, await axeViolations(page));
}

const h1 = (p: Page) => p.getByRole('heading', { level: 1 }).first().waitFor();

describe.each<Locale>(['en', 'it'])('accessibility (%s)', (locale) => {
  it(`A11Y1: sign-in and sign-up have no serious or critical axe violations (${locale})`, async () => {
    const ctx = await visitorContext(locale);
    const page = await ctx.newPage();
    await checkPage(page, 'sign in', '/login', h1);
    expect(await page.locator('html').getAttribute('lang')).toBe(locale);
    await checkPage(page, 'sign up', '/signup', h1);
    await ctx.close();
  });

  it(`A11Y1: proposals, workspace (comments, mention list), board, partners, history and projector have no serious or critical axe violations (${locale})`, async () => {
    await setLocale(w.coordinator, locale);
    const s = section(0);
    // Text, a snapshot and a thread, so the pages show their real content.
    const writer = await serverReader(server.url, s.id, w.coordinator);
    try {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(`Young people in four towns take part in local decisions (${locale}).`)]);
      writer.text.insert(writer.text.length, [p]);
      await waitFor(() => writer.textNow().includes(`(${locale})`), 5000, 'text stored');
    } finally {
      writer.destroy();
    }
    const snap = await w.coordinator.post(`/api/proposals/${w.proposal.id}/snapshots`, { name: `Before the workshop ${locale}` });
    expect(snap.status).toBe(201);
    const snapshotId = snapshotResponseSchema.parse(snap.body).snapshot.id;
    const comment = await w.coordinator.post(`/api/sections/${s.id}/comments`, { body: 'Please add the Luleå numbers.' });
    expect(comment.status).toBe(201);

    const ctx = await signedInContext(browser, server.url, w.coordinator);
    const page = await ctx.newPage();
    const id = w.proposal.id;
    await checkPage(page, 'proposals', '/proposals', h1);

    // The workspace with a section open and the comments panel, then the mention list open.
    await checkPage(page, 'workspace', sectionUrl(id, s.id), async (p) => {
      await editorOf(p).waitFor();
      await p.getByTestId('comments-panel').getByTestId('thread').first().waitFor();
    });
    await page.getByTestId('comments-panel').getByRole('button', { name: catalogues[locale]['comments.onSection'] }).click();
    const input = page.getByTestId('comment-input');
    await input.fill('Ask @');
    await page.getByTestId('mention-list').waitFor();
    expectClean('workspace with the mention list', await axeViolations(page));

    await checkPage(page, 'board', `/proposals/${id}/board`, h1);
    await checkPage(page, 'partners', `/proposals/${id}/partners`, h1);
    await checkPage(page, 'history', `/proposals/${id}/history`, (p) => p.getByTestId('snapshot').first().waitFor());
    await checkPage(page, 'snapshot', `/proposals/${id}/history/${snapshotId}`, (p) => p.getByTestId('snapshot-section').first().waitFor());
    await checkPage(page, 'changes', `/proposals/${id}/changes/${snapshotId}`, h1);
    await checkPage(page, 'section changes', `/proposals/${id}/sections/${s.id}/changes`, h1);
    await checkPage(page, 'projector', `/proposals/${id}/present`, (p) => p.getByTestId('present-section').first().waitFor());
    await ctx.close();
  });
});
