// @module-tag needs-chromium
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { catalogues } from '../../shared/i18n';
import type { Proposal } from '../../shared/schemas';
import { addPartner, createProposal, getProposal, helsinki, joinAs, laCoruna, lulea, signUp, type UserClient } from '../helpers/factories';
import { startTestServer, type TestServer } from '../helpers/server';
import { artifactsDir, axeViolations, collectErrors, launchChromium, screenshot, signedInContext } from './browser';

/**
 * The board as a real grid in Chromium (BRD4, BRD5): partners with flags down
 * the side, sections across, blockers beside the grid, nothing wraps, the grid
 * scrolls sideways from the keyboard, it prints on one landscape page, and in
 * Italian no English word from our catalogues shows in the grid or the blockers.
 */

let server: TestServer;
let browser: Browser;
let coordinator: UserClient;
let proposal: Proposal;
/** Section ids, by what the setup did to them. */
let overdueId: string;
let verdictId: string;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  coordinator = await signUp(server, { name: 'Chiara Coordinatrice', locale: 'it' });
  const created = await createProposal(coordinator, {
    title: 'Rete di città gemellate',
    language: 'it',
    leadPartner: { name: 'Comune di Bologna', town: 'Bologna', country: 'IT', kind: 'municipality' },
  });
  const partners = [await addPartner(coordinator, created.id, lulea), await addPartner(coordinator, created.id, laCoruna), await addPartner(coordinator, created.id, helsinki)];
  const reviewer = (await joinAs(server, coordinator, created.id, partners[2]!.id, 'reviewer', { name: 'Rita Revisora', locale: 'it' })).client;
  // Spread the sections over the four partners; leave the lead with the first ones.
  const sections = created.sections;
  for (const [i, s] of sections.entries()) {
    if (i < 4) continue;
    const owner = partners[i % 3]!;
    expect((await coordinator.patch(`/api/sections/${s.id}`, { ownerPartnerId: owner.id })).status).toBe(200);
  }
  overdueId = sections[1]!.id;
  expect((await coordinator.patch(`/api/sections/${overdueId}`, { dueDate: '2020-01-15', status: 'drafting' })).status).toBe(200);
  expect((await coordinator.patch(`/api/sections/${sections[6]!.id}`, { dueDate: '2099-06-30' })).status).toBe(200);
  expect((await coordinator.patch(`/api/sections/${sections[2]!.id}`, { blocked: { reason: 'Aspettiamo il sindaco' } })).status).toBe(200);
  expect((await reviewer.post(`/api/sections/${sections[3]!.id}/comments`, { body: 'Quale calendario?' })).status).toBe(201);
  verdictId = sections[4]!.id;
  expect((await coordinator.patch(`/api/sections/${verdictId}`, { status: 'drafting' })).status).toBe(200);
  expect((await reviewer.request('PUT', `/api/sections/${verdictId}/verdict`, { verdict: 'ready' })).status).toBe(200);
  proposal = await getProposal(coordinator, created.id);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function openBoard(locale: 'en' | 'it'): Promise<{ page: Page; errors: string[]; close(): Promise<void> }> {
  expect((await coordinator.patch('/api/me', { locale })).status).toBe(200);
  const ctx = await signedInContext(browser, server.url, coordinator);
  const page = await ctx.newPage();
  const errors = collectErrors(page);
  await page.goto(`/proposals/${proposal.id}/board`);
  await page.getByTestId('board-grid').waitFor();
  await page.getByTestId('submit-gate').waitFor();
  return { page, errors, close: () => ctx.close() };
}

/** Words of `message` a reader sees: ICU argument names, keywords and `#` left out. */
function visibleWords(message: string): string[] {
  const text = message
    .replace(/\{\s*\w+\s*,\s*(plural|select|selectordinal|number|date|time)\s*,?/g, ' ')
    .replace(/\b(zero|one|two|few|many|other)\s*\{/g, ' ')
    .replace(/=\d+\s*\{/g, ' ')
    .replace(/\{\s*\w+\s*\}/g, ' ');
  return (text.match(/\p{L}{4,}/gu) ?? []).map((w) => w.toLowerCase());
}

/** Words of the English catalogue that the Italian one never uses. */
function englishOnlyWords(): Set<string> {
  const italian = new Set(Object.values(catalogues.it).flatMap(visibleWords));
  return new Set(Object.values(catalogues.en).flatMap(visibleWords).filter((w) => !italian.has(w)));
}

describe('the board grid in Chromium', () => {
  it('BRD4: partners with flags down the side, sections across, one cell per assignment, verdicts, blockers beside the grid; nothing wraps; the grid scrolls from the keyboard; no serious axe finding', async () => {
    const { page, errors, close } = await openBoard('en');
    const grid = page.getByTestId('board-grid');
    // Rows: the four partners, each with its country's flag; columns: every section.
    const rows = grid.getByTestId('board-row');
    expect(await rows.count()).toBe(4);
    expect(await rows.locator('th abbr.flag').allInnerTexts()).toEqual(proposal.partners.map((p) => p.country));
    expect(await grid.getByTestId('board-col').count()).toBe(proposal.sections.length);
    const first = proposal.sections[0]!;
    const header = grid.getByRole('link', { name: `${first.number} ${first.title}`, exact: true });
    expect(await header.innerText()).toBe(first.number);
    expect(await header.locator('xpath=..').getAttribute('title')).toBe(`${first.number} ${first.title}`);
    // One cell per assignment, in its owner's row; the other cells are empty.
    expect(await grid.getByTestId('board-cell').count()).toBe(proposal.sections.length);
    expect(await grid.getByTestId('board-empty-cell').count()).toBe(proposal.sections.length * 3);
    expect(await grid.getByTestId('board-empty-cell').first().innerText()).toBe('');
    for (const s of proposal.sections.slice(0, 6)) {
      const row = rows.filter({ has: page.locator(`[data-testid="board-cell"][data-section-id="${s.id}"]`) });
      expect(await row.getAttribute('data-partner-id')).toBe(s.ownerPartnerId);
    }
    // A cell: status, meter, due date (overdue marked) and open threads.
    const overdue = grid.locator(`[data-testid="board-cell"][data-section-id="${overdueId}"]`);
    expect(await overdue.getAttribute('data-overdue')).toBe('true');
    expect(await overdue.innerText()).toMatch(/Drafting[\s\S]*0%[\s\S]*Overdue since 15 Jan/);
    expect(await grid.locator(`[data-testid="board-cell"][data-section-id="${proposal.sections[3]!.id}"]`).innerText()).toContain('1 open thread');
    expect(await grid.locator(`[data-testid="board-cell"][data-section-id="${proposal.sections[6]!.id}"]`).innerText()).toContain('Due 30 Jun');
    const verdicts = grid.getByTestId('board-verdicts').locator(`td[data-section-id="${verdictId}"]`);
    expect(await verdicts.getAttribute('data-ready')).toBe('1');
    expect(await verdicts.innerText()).toContain('✓1');

    // The blockers sit beside the grid: to its right, on the same band, not above it.
    const area = (await page.locator('.board__grid-area').boundingBox())!;
    const gate = (await page.getByTestId('submit-gate').boundingBox())!;
    expect(gate.x).toBeGreaterThanOrEqual(area.x + area.width);
    expect(gate.y).toBeLessThan(area.y + area.height);
    expect(gate.y + 1).toBeGreaterThanOrEqual(area.y);
    const blockers = page.getByTestId('submit-gate').getByTestId('blocker');
    expect(await blockers.filter({ hasText: 'Blocked: Aspettiamo il sindaco' }).count()).toBe(1);
    expect(await blockers.filter({ hasText: '1 open comment thread' }).count()).toBe(1);

    // Nothing wraps: every header link, partner name, status chip and cell line is one line box,
    // and every column header is exactly as tall as the corner header's text.
    const lines = await page.evaluate(() => {
      const els = [...document.querySelectorAll('.board__col a, .board__partner-name, .board__grid .chip, .board__line')];
      return els.map((el) => ({ rects: el.getClientRects().length, height: el.getBoundingClientRect().height, line: parseFloat(getComputedStyle(el).lineHeight) || 0 }));
    });
    expect(lines.length).toBeGreaterThan(proposal.sections.length * 3);
    for (const l of lines) expect(l.rects).toBe(1);
    const heights = await grid.locator('.board__col a').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().height));
    expect(new Set(heights).size).toBe(1);

    // The grid scrolls sideways in a labelled, focusable region, from the keyboard too.
    const region = page.getByRole('region', { name: 'Partners by sections (scrolls sideways)' });
    expect(await region.getAttribute('tabindex')).toBe('0');
    const { scrollWidth, clientWidth } = await region.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
    expect(scrollWidth).toBeGreaterThan(clientWidth);
    await region.focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => (document.querySelector('[data-testid="board-grid-scroll"]')?.scrollLeft ?? 0) > 0);

    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'board-grid-en');
    expect(errors).toEqual([]);
    await close();
  });

  it('BRD4: printed to PDF in landscape, the grid and its blockers fit on one page', async () => {
    const { page, close } = await openBoard('en');
    await page.emulateMedia({ media: 'print' });
    // In print, the grid is laid out to the page: nothing is cut off to the right.
    const fits = await page.getByTestId('board-grid-scroll').evaluate((el) => el.scrollWidth <= el.clientWidth + 1);
    expect(fits).toBe(true);
    // What the page looks like: A4 landscape at 96 dpi, less the 8 mm margins.
    await page.setViewportSize({ width: 1063, height: 733 });
    await screenshot(page, 'board-print');
    const pdf = await page.pdf({ format: 'A4', landscape: true, printBackground: true });
    mkdirSync(artifactsDir, { recursive: true });
    writeFileSync(join(artifactsDir, 'board-print.pdf'), pdf);
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? [];
    expect(pages.length).toBe(1);
    await close();
  });

  it('BRD5: in Italian, the grid and the blockers carry no English word from our catalogues', async () => {
    const { page, errors, close } = await openBoard('it');
    await page.getByRole('heading', { name: 'Partner e sezioni' }).waitFor();
    const english = englishOnlyWords();
    expect(english.size).toBeGreaterThan(100);
    const texts = [
      await page.getByTestId('board-grid-scroll').innerText(),
      await page.getByTestId('submit-gate').innerText(),
      ...(await page.getByTestId('board-grid-scroll').locator('[title]').evaluateAll((els) => els.map((el) => el.getAttribute('title') ?? ''))),
      ...(await page.getByTestId('board-grid-scroll').locator('a[aria-label]').evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? ''))),
      (await page.getByTestId('board-grid-scroll').getAttribute('aria-label')) ?? '',
    ];
    const seen = texts.flatMap((t) => (t.match(/\p{L}{4,}/gu) ?? []).map((w) => w.toLowerCase()));
    expect(seen.length).toBeGreaterThan(50);
    expect(seen.filter((w) => english.has(w))).toEqual([]);
    // Every message was rendered: no ICU syntax left over.
    for (const t of texts) expect(t).not.toMatch(/[{}]/);
    const gate = await page.getByTestId('submit-gate').innerText();
    expect(gate).toContain('Bloccata: Aspettiamo il sindaco');
    expect(gate).toContain('1 discussione aperta');
    expect(gate).toMatch(/Non pronta per l’invio: \d+ ostacoli/);
    await screenshot(page, 'board-grid-it');
    expect(errors).toEqual([]);
    await close();
  });
});
