// @module-tag needs-chromium
import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import * as Y from 'yjs';
import { catalogues } from '../../shared/i18n';
import { snapshotResponseSchema } from '../../shared/schemas';
import type { Locale } from '../../shared/schemas';
import type { Workshop } from '../helpers/factories';
import { workshopSection } from '../helpers/factories';
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

const section = (i: number) => workshopSection(w, i);

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

  let snapshotId = '';
  const s = () => section(0);
  const id = () => w.proposal.id;

  beforeAll(async () => {
    await setLocale(w.coordinator, locale);
    // Text, a snapshot and a thread, so the pages show their real content.
    const writer = await serverReader(server.url, s().id, w.coordinator);
    try {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(`Young people in four towns take part in local decisions (${locale}).`)]);
      writer.text.insert(writer.text.length, [p]);
      await waitFor(() => writer.textNow().includes(`(${locale})`), 5000, 'text stored');
    } finally {
      writer.destroy();
    }
    const snap = await w.coordinator.post(`/api/proposals/${id()}/snapshots`, { name: `Before the workshop ${locale}` });
    expect(snap.status).toBe(201);
    snapshotId = snapshotResponseSchema.parse(snap.body).snapshot.id;
    const comment = await w.coordinator.post(`/api/sections/${s().id}/comments`, { body: 'Please add the Luleå numbers.' });
    expect(comment.status).toBe(201);
  });

  /** A page of the coordinator's, in this locale. */
  async function coordinatorPage(): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await signedInContext(browser, server.url, w.coordinator);
    return { ctx, page: await ctx.newPage() };
  }

  it(`A11Y1: proposals and the projector have no serious or critical axe violations (${locale})`, async () => {
    const { ctx, page } = await coordinatorPage();
    await checkPage(page, 'proposals', '/proposals', h1);
    expect(await page.locator('html').getAttribute('lang')).toBe(locale);
    await checkPage(page, 'projector', `/proposals/${id()}/present`, (p) => p.getByTestId('present-section').first().waitFor());
    await ctx.close();
  });

  it(`A11Y1: the workspace with a section open, the comments panel and the mention list open has no serious or critical axe violations (${locale})`, async () => {
    const { ctx, page } = await coordinatorPage();
    await checkPage(page, 'workspace', sectionUrl(id(), s().id), async (p) => {
      await editorOf(p).waitFor();
      await p.getByTestId('comments-panel').getByTestId('thread').first().waitFor();
    });
    await page.getByTestId('comments-panel').getByRole('button', { name: catalogues[locale]['comments.onSection'] }).click();
    await page.getByTestId('comment-input').fill('Ask @');
    await page.getByTestId('mention-list').waitFor();
    expectClean('workspace with the mention list', await axeViolations(page));
    await ctx.close();
  });

  it(`A11Y1: the board and the partners page have no serious or critical axe violations (${locale})`, async () => {
    const { ctx, page } = await coordinatorPage();
    await checkPage(page, 'board', `/proposals/${id()}/board`, (p) => p.getByTestId('board-grid').waitFor());
    await checkPage(page, 'partners', `/proposals/${id()}/partners`, h1);
    await ctx.close();
  });

  it(`A11Y1: history, a snapshot, the changes since it and a section's latest changes have no serious or critical axe violations (${locale})`, async () => {
    const { ctx, page } = await coordinatorPage();
    await checkPage(page, 'history', `/proposals/${id()}/history`, (p) => p.getByTestId('snapshot').first().waitFor());
    await checkPage(page, 'snapshot', `/proposals/${id()}/history/${snapshotId}`, (p) => p.getByTestId('snapshot-section').first().waitFor());
    await checkPage(page, 'changes', `/proposals/${id()}/changes/${snapshotId}`, h1);
    await checkPage(page, 'section changes', `/proposals/${id()}/sections/${s().id}/changes`, h1);
    await ctx.close();
  });
});
