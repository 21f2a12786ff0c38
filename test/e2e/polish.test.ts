// @module-tag needs-chromium
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import * as Y from 'yjs';
import { catalogues } from '../../shared/i18n';
import { sessionResponseSchema, type Locale } from '../../shared/schemas';
import type { Workshop } from '../helpers/factories';
import { workshopSection } from '../helpers/factories';
import { ApiClient } from '../helpers/http';
import type { TestServer } from '../helpers/server';
import { collectErrors, editorOf, screenshot, sectionUrl, serverReader, signedInContext, waitFor, workshopInChromium } from './browser';

let server: TestServer;
let browser: Browser;
let w: Workshop;
workshopInChromium((suite) => ({ server, browser, w } = suite));

const section = (i: number) => workshopSection(w, i);

async function setLocale(client: ApiClient, locale: Locale): Promise<void> {
  expect((await client.patch('/api/me', { locale })).status).toBe(200);
}

/** Appends a paragraph to a section through a Node client, as another member typing would. */
async function writeParagraph(sectionId: string, text: string): Promise<void> {
  const writer = await serverReader(server.url, sectionId, w.coordinator);
  try {
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText(text)]);
    writer.text.insert(writer.text.length, [p]);
    await waitFor(() => writer.textNow().includes(text), 5000, 'paragraph stored');
  } finally {
    writer.destroy();
  }
}

const title = (page: Page, expected: string) => waitFor(async () => (await page.title()) === expected, 10_000, `document.title "${expected}"`).catch(async (err: unknown) => {
  throw new Error(`${String(err)}; it is "${await page.title()}"`);
});

describe('polish', () => {
  it('A11Y3: each page has its own translated document.title', async () => {
    const p = w.proposal.title;
    const s = section(1);
    const visitor = await signedInContext(browser, server.url, null);
    const anon = await visitor.newPage();
    await anon.goto('/login');
    await title(anon, 'Sign in · Twinpad');
    await anon.goto('/signup');
    await title(anon, 'Create an account · Twinpad');
    await visitor.close();

    for (const [locale, names] of [
      ['en', { proposals: 'Your proposals', board: 'Board', history: 'History', partners: 'Partners', present: 'Projector' }],
      ['it', { proposals: 'Le tue proposte', board: 'Bacheca', history: 'Cronologia', partners: 'Partner', present: 'Proiettore' }],
    ] as const) {
      await setLocale(w.coordinator, locale);
      const ctx = await signedInContext(browser, server.url, w.coordinator);
      const page = await ctx.newPage();
      await page.goto('/proposals');
      await title(page, `${names.proposals} · Twinpad`);
      await page.goto(sectionUrl(w.proposal.id, s.id));
      await title(page, `${s.number} ${s.title} · ${p} · Twinpad`);
      // Moving inside the app (no reload) changes the title too.
      await page.getByTestId('board-link').click();
      await title(page, `${names.board} · ${p} · Twinpad`);
      await page.goto(`/proposals/${w.proposal.id}/history`);
      await title(page, `${names.history} · ${p} · Twinpad`);
      await page.goto(`/proposals/${w.proposal.id}/partners`);
      await title(page, `${names.partners} · ${p} · Twinpad`);
      await page.goto(`/proposals/${w.proposal.id}/present`);
      await title(page, `${names.present} · ${p} · Twinpad`);
      await ctx.close();
    }
    await setLocale(w.coordinator, 'en');
  });

  it('A11Y4: a signed-out visitor loads the app without a console error or a failed request; /api/me keeps its 401, /api/session answers 200', async () => {
    const ctx = await signedInContext(browser, server.url, null);
    const page = await ctx.newPage();
    const errors = collectErrors(page);
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await title(page, 'Sign in · Twinpad');
    await page.goto('/proposals');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(errors).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(failed).toEqual([]);
    await ctx.close();

    const visitor = new ApiClient(server.url);
    expect((await visitor.get('/api/me')).status).toBe(401);
    const anonymous = await visitor.get('/api/session');
    expect(anonymous.status).toBe(200);
    expect(sessionResponseSchema.parse(anonymous.body).user).toBeNull();
    const signedIn = await w.coordinator.get('/api/session');
    expect(sessionResponseSchema.parse(signedIn.body).user?.id).toBe(w.coordinator.user.id);
  });

  it('A11Y5: the sidebar does not overflow with "Changes requested" in Italian and Finnish', async () => {
    // Two sections with the longest status names.
    const asked = section(2);
    const ready = section(3);
    for (const [s, status] of [
      [asked, 'changes_requested'],
      [ready, 'ready_for_review'],
    ] as const) {
      expect((await w.coordinator.patch(`/api/sections/${s.id}`, { status: 'drafting' })).status).toBe(200);
      expect((await w.coordinator.patch(`/api/sections/${s.id}`, { status: 'ready_for_review' })).status).toBe(200);
      if (status === 'changes_requested') expect((await w.coordinator.patch(`/api/sections/${s.id}`, { status, reason: 'Aggiungere i dati di Luleå' })).status).toBe(200);
    }
    for (const locale of ['it', 'fi'] as const) {
      await setLocale(w.coordinator, locale);
      const ctx = await signedInContext(browser, server.url, w.coordinator);
      const page = await ctx.newPage();
      await page.goto(sectionUrl(w.proposal.id, section(0).id));
      const item = page.getByTestId(`sidebar-section-${asked.key}`);
      await item.getByText(catalogues[locale]['status.changes_requested']).waitFor();
      const overflowing = await page.evaluate(() => {
        const out: string[] = [];
        const nav = document.querySelector<HTMLElement>('nav.sidebar');
        const side = nav?.closest<HTMLElement>('.workspace__side');
        for (const el of [side, nav, ...document.querySelectorAll<HTMLElement>('.sidebar__item, .sidebar__item *')]) {
          if (el && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).display !== 'inline') out.push(`${el.className}: ${el.scrollWidth} > ${el.clientWidth} "${el.textContent?.slice(0, 40)}"`);
        }
        // Every item's right edge stays inside the sidebar.
        const right = nav?.getBoundingClientRect().right ?? 0;
        for (const el of document.querySelectorAll<HTMLElement>('.sidebar__item .chip')) {
          if (el.getBoundingClientRect().right > right + 1) out.push(`chip past the sidebar: "${el.textContent}"`);
        }
        return out;
      });
      expect(overflowing, `sidebar in ${locale}`).toEqual([]);
      await screenshot(page, `a11y-sidebar-${locale}`);
      await ctx.close();
    }
    await setLocale(w.coordinator, 'en');
  });

  it('A11Y6: the projector view has no app header', async () => {
    const ctx = await signedInContext(browser, server.url, w.coordinator);
    const page = await ctx.newPage();
    await page.goto(`/proposals/${w.proposal.id}/present`);
    await page.getByTestId('present-section').first().waitFor();
    await page.getByRole('heading', { level: 1, name: w.proposal.title }).waitFor();
    expect(await page.locator('.app-header').count()).toBe(0);
    expect(await page.getByRole('banner').count()).toBe(0);
    expect(await page.getByTestId('signed-in-as').count()).toBe(0);
    // The projector fills the window.
    const fills = await page.getByTestId('present').evaluate((el) => Math.abs(el.getBoundingClientRect().height - window.innerHeight) < 2);
    expect(fills).toBe(true);
    await screenshot(page, 'a11y-present-no-header');
    // Elsewhere the header is there.
    await page.goto('/proposals');
    await page.locator('.app-header').waitFor();
    await ctx.close();
  });

  it('A11Y7: mention suggestions work from the keyboard (arrows choose, Enter and Tab insert, Escape closes)', async () => {
    const ctx = await signedInContext(browser, server.url, w.coordinator);
    const page = await ctx.newPage();
    await page.goto(sectionUrl(w.proposal.id, section(4).id));
    await editorOf(page).waitFor();
    await page.getByTestId('comments-panel').getByRole('button', { name: 'Comment on the section' }).click();
    const input = page.getByTestId('comment-input');
    await input.pressSequentially('Please check with @');
    const list = page.getByRole('listbox', { name: 'Members to mention' });
    await list.waitFor();
    const options = list.getByRole('option');
    expect(await options.count()).toBeGreaterThanOrEqual(3);
    // The first option is active; arrows move the active one, announced through aria-activedescendant.
    const activeName = async () => {
      const id = await input.getAttribute('aria-activedescendant');
      expect(id).toBeTruthy();
      const el = page.locator(`[id="${id}"]`);
      expect(await el.getAttribute('aria-selected')).toBe('true');
      return ((await el.textContent()) ?? '').replace(/^@/, '');
    };
    const first = await activeName();
    await input.press('ArrowDown');
    await input.press('ArrowDown');
    const third = await activeName();
    await input.press('ArrowUp');
    const second = await activeName();
    expect(new Set([first, second, third]).size).toBe(3);
    await input.press('Enter');
    await list.waitFor({ state: 'detached' });
    expect(await input.inputValue()).toBe(`Please check with @${second} `);
    // Tab picks too, after filtering.
    await input.pressSequentially('and @Heik');
    await list.getByRole('option', { name: '@Heikki Helsinki' }).waitFor();
    await input.press('Tab');
    expect(await input.inputValue()).toBe(`Please check with @${second} and @Heikki Helsinki `);
    expect(await input.evaluate((el) => el === document.activeElement)).toBe(true);
    // Escape closes the list and keeps the composer and its text.
    await input.pressSequentially('or @Ri');
    await list.waitFor();
    await input.press('Escape');
    await list.waitFor({ state: 'detached' });
    expect(await input.isVisible()).toBe(true);
    expect(await input.inputValue()).toBe(`Please check with @${second} and @Heikki Helsinki or @Ri`);
    await input.press('Control+Enter');
    const thread = page.getByTestId('thread').filter({ hasText: 'Heikki Helsinki' });
    await thread.waitFor();
    await ctx.close();
  });

  it('A11Y8: a resolved thread is no longer highlighted in the editor, also the one just selected', async () => {
    const s = section(5);
    await writeParagraph(s.id, 'The towns share one youth council method.');
    const ctx = await signedInContext(browser, server.url, w.coordinator);
    const page = await ctx.newPage();
    const errors = collectErrors(page);
    await page.goto(sectionUrl(w.proposal.id, s.id));
    const editor = editorOf(page);
    await editor.getByText('youth council method').waitFor();
    // Select the paragraph and comment on it: the new thread is the selected one.
    await editor.getByText('youth council method').click();
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+Home');
    await page.getByTestId('comment-on-selection').click();
    await page.getByTestId('draft-quote').waitFor();
    await page.getByTestId('comment-input').fill('Which method exactly?');
    await page.getByTestId('comment-input').press('Control+Enter');
    const thread = page.getByTestId('thread').filter({ hasText: 'Which method exactly?' });
    await thread.waitFor();
    const highlight = editor.locator('.comment-anchor');
    await highlight.first().waitFor();
    await thread.getByRole('button', { name: 'Resolve' }).click();
    await waitFor(async () => (await highlight.count()) === 0, 10_000, 'highlight gone after resolving');
    // Opening the resolved list and selecting the thread does not bring it back.
    await page.getByTestId('comments-panel').getByRole('button', { name: /resolved/i }).click();
    const resolved = page.locator('[data-testid="thread"][data-status="resolved"]').filter({ hasText: 'Which method exactly?' });
    const isActive = () => resolved.evaluate((el) => el.classList.contains('thread--active'));
    if (!(await isActive())) await resolved.locator('.thread__quote').click();
    await waitFor(isActive, 5000, 'resolved thread selected');
    expect(await highlight.count()).toBe(0);
    // Reopened, it is highlighted again.
    await resolved.getByRole('button', { name: 'Reopen' }).click();
    await highlight.first().waitFor();
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('A11Y9: every toolbar button has a label, a tooltip and an icon; the table tools add and remove rows and columns', async () => {
    const s = section(6);
    const ctx = await signedInContext(browser, server.url, w.coordinator);
    const page = await ctx.newPage();
    await page.goto(sectionUrl(w.proposal.id, s.id));
    const editor = editorOf(page);
    await editor.waitFor();
    const toolbar = page.getByRole('toolbar', { name: 'Formatting' });
    const described = await toolbar.locator('button').evaluateAll((buttons) =>
      buttons.map((b) => ({ label: b.getAttribute('aria-label') ?? '', title: b.getAttribute('title') ?? '', icon: b.querySelector('svg[aria-hidden="true"]') !== null, text: b.textContent?.trim() ?? '' })),
    );
    expect(described.length).toBeGreaterThanOrEqual(16);
    for (const b of described) {
      expect(b.label, JSON.stringify(b)).not.toBe('');
      expect(b.title.startsWith(b.label), JSON.stringify(b)).toBe(true);
      expect(b.icon, JSON.stringify(b)).toBe(true);
      expect(b.text, 'no visible text to disagree with the name').toBe('');
    }
    await editor.click();
    await toolbar.getByRole('button', { name: 'Insert table' }).click();
    const rows = editor.locator('table tr');
    const cols = editor.locator('table tr').first().locator('th, td');
    await waitFor(async () => (await rows.count()) === 3, 5000, 'a 3×3 table');
    await editor.locator('table td').first().click();
    await toolbar.getByRole('button', { name: 'Add row' }).click();
    await waitFor(async () => (await rows.count()) === 4, 5000, 'a row added');
    await toolbar.getByRole('button', { name: 'Delete row' }).click();
    await waitFor(async () => (await rows.count()) === 3, 5000, 'a row deleted');
    await toolbar.getByRole('button', { name: 'Add column' }).click();
    await waitFor(async () => (await cols.count()) === 4, 5000, 'a column added');
    await toolbar.getByRole('button', { name: 'Delete column' }).click();
    await waitFor(async () => (await cols.count()) === 3, 5000, 'a column deleted');
    await screenshot(page, 'a11y-toolbar-table');
    await toolbar.getByRole('button', { name: 'Delete table' }).click();
    await waitFor(async () => (await editor.locator('table').count()) === 0, 5000, 'table deleted');
    await ctx.close();
  });
});
