// @module-tag needs-chromium
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { IntlMessageFormat } from 'intl-messageformat';
import * as Y from 'yjs';
import { catalogues, type MessageKey, type MessageParams } from '../../shared/i18n';
import { proposalResponseSchema, sectionResponseSchema } from '../../shared/schemas';
import { accept, invite, signUp, type UserClient } from '../helpers/factories';
import { startTestServer, type TestServer } from '../helpers/server';
import { collectErrors, editorOf, launchChromium, screenshot, sectionUrl, serverReader, signedInContext, waitFor } from './browser';

/**
 * PART1: the partnership flow of issue 18, in Chromium, with the whole interface in
 * Italian: a coordinator creates a proposal with a chosen call and deadline, adds an
 * Estonian partner with the country picker, bulk-invites ten addresses and revokes
 * one link (which then fails), a reviewer signs off on a section and the coordinator
 * sees it on the board; the board grid, blockers, meter reasons and activity feed
 * carry no English word of our catalogues. Screenshots: test/e2e/artifacts/partnership-it-*.png.
 */

let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

/** An Italian message, ICU plurals included. */
function it_(key: MessageKey, params: MessageParams = {}): string {
  return String(new IntlMessageFormat(catalogues.it[key], 'it').format(params));
}

/** The words of a catalogue's messages (literal text only: placeholders and ICU syntax left out). */
function catalogueWords(messages: Readonly<Record<string, string>>, locale: string): Set<string> {
  const words = new Set<string>();
  const walk = (elements: unknown): void => {
    if (!Array.isArray(elements)) return;
    for (const el of elements as { type: number; value?: unknown; options?: Record<string, { value: unknown }>; children?: unknown }[]) {
      if (el.type === 0 && typeof el.value === 'string') for (const w of el.value.match(/\p{L}+/gu) ?? []) words.add(w.toLowerCase());
      if (el.options) for (const o of Object.values(el.options)) walk(o.value);
      if (el.children) walk(el.children);
    }
  };
  for (const message of Object.values(messages)) walk(new IntlMessageFormat(message, locale).getAst());
  return words;
}

/** Proper names that read the same in every language. */
const properNames = new Set(['twinpad', 'cerv', 'eu', 'ue', 'docx', 'markdown', 'html', 'pdf', 'url', 'e', 'mail']);

/**
 * English words of our catalogues that no Italian message uses: the words a page in
 * Italian must not show (whole words, case-insensitive; names of people, towns and
 * the proposal are the test's own data and are left out by the caller).
 */
function englishOnlyWords(): Set<string> {
  const en = catalogueWords(catalogues.en, 'en');
  const itWords = catalogueWords(catalogues.it, 'it');
  return new Set([...en].filter((w) => !itWords.has(w) && !properNames.has(w) && w.length > 1));
}

function englishIn(text: string, english: ReadonlySet<string>, ownWords: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  for (const w of text.match(/\p{L}+/gu) ?? []) {
    const lower = w.toLowerCase();
    if (english.has(lower) && !ownWords.has(lower)) found.add(w);
  }
  return [...found];
}

async function italianContext(client: UserClient | null): Promise<{ ctx: BrowserContext; page: Page; errors: string[] }> {
  const ctx = await signedInContext(browser, server.url, client);
  await ctx.addInitScript(() => window.localStorage.setItem('twinpad.locale', 'it'));
  contexts.push(ctx);
  const page = await ctx.newPage();
  return { ctx, page, errors: collectErrors(page) };
}

const proposalTitle = 'Reti di città per i giovani 2027';
const estonian = { name: 'Tallinna Linnavalitsus', town: 'Tallinn' };
const addresses = Array.from({ length: 10 }, (_, i) => `partner${i + 1}@comune-esempio.it`);
/** Words of the test's own data (people, towns, organisations, addresses): names, not English. */
const ownWords = new Set(
  [proposalTitle, estonian.name, estonian.town, 'Giulia Bianchi', 'Comune di Bologna', 'Bologna', 'Marta Rossi', ...addresses]
    .join(' ')
    .toLowerCase()
    .match(/\p{L}+/gu),
);

describe('a partnership in Italian', () => {
  it('PART1: create with a call and deadline, add an Estonian partner, bulk-invite 10 and revoke one, a reviewer signs off and the coordinator sees it; no English word on the board, blockers, meter reasons or activity', async () => {
    const coordinator = await signUp(server, { name: 'Giulia Bianchi', locale: 'it' });
    const { page, errors } = await italianContext(coordinator);

    // (1) A proposal with a chosen call, theme, deadline and working language.
    await page.goto('/proposals');
    await page.getByRole('heading', { level: 1, name: it_('proposals.title') }).waitFor();
    const form = page.getByTestId('new-proposal');
    await form.getByLabel(it_('proposals.titleLabel'), { exact: true }).fill(proposalTitle);
    await form.getByLabel(it_('newProposal.template'), { exact: true }).selectOption('town-twinning-meeting');
    await form.getByLabel(it_('newProposal.theme'), { exact: true }).selectOption({ index: 1 });
    await form.getByLabel(it_('newProposal.deadline'), { exact: true }).fill('2027-03-05');
    await form.getByLabel(it_('newProposal.language'), { exact: true }).selectOption('it');
    await form.getByLabel(it_('proposals.partnerName'), { exact: true }).fill('Comune di Bologna');
    await form.getByLabel(it_('proposals.town'), { exact: true }).fill('Bologna');
    const leadCountry = form.getByRole('combobox', { name: it_('country.label') });
    await leadCountry.fill('Itali');
    await form.getByRole('option', { name: /Italia/ }).first().click();
    await page.getByTestId('template-preview').waitFor();
    await screenshot(page, 'partnership-it-1-new-proposal-form');
    await form.getByRole('button', { name: it_('proposals.create') }).click();
    await waitFor(() => /\/proposals\/[^/]+$/.test(new URL(page.url()).pathname), 10_000, 'taken to the new proposal');
    const proposalId = decodeURIComponent(new URL(page.url()).pathname.split('/')[2] ?? '');
    const created = proposalResponseSchema.parse((await coordinator.get(`/api/proposals/${proposalId}`)).body).proposal;
    expect(created).toMatchObject({ title: proposalTitle, templateId: 'town-twinning-meeting', deadline: '2027-03-05', language: 'it' });
    expect(created.partners.find((p) => p.isLead)?.country).toBe('IT');
    await screenshot(page, 'partnership-it-1-proposal-created');

    // (2) An Estonian partner, chosen with the picker ("Eston" is never cut into "ES").
    await page.goto(`/proposals/${proposalId}/partners`);
    const add = page.getByTestId('add-partner');
    await add.getByLabel(it_('proposals.partnerName'), { exact: true }).fill(estonian.name);
    await add.getByLabel(it_('proposals.town'), { exact: true }).fill(estonian.town);
    await add.getByRole('combobox', { name: it_('country.label') }).fill('Eston');
    await add.getByRole('option', { name: /Estonia/ }).first().click();
    await screenshot(page, 'partnership-it-2-estonian-partner-picked');
    await add.getByRole('button', { name: it_('partners.add') }).click();
    await page.getByTestId('partner-list').getByText(estonian.name).waitFor();
    const withPartner = proposalResponseSchema.parse((await coordinator.get(`/api/proposals/${proposalId}`)).body).proposal;
    const tallinn = withPartner.partners.find((p) => p.name === estonian.name);
    expect(tallinn?.country).toBe('EE');
    await screenshot(page, 'partnership-it-2-estonian-partner-added');

    // (3) Ten personal links from a pasted list; one is revoked and then refused.
    const panel = page.getByTestId('invitations');
    await panel.getByLabel(it_('onboarding.partner'), { exact: true }).selectOption({ label: `${estonian.name} (EE)` });
    await panel.getByLabel(it_('onboarding.kind.bulk'), { exact: true }).check();
    await panel.getByLabel(it_('onboarding.emails'), { exact: true }).fill(addresses.join('\n'));
    await panel.getByTestId('invite-emails-preview').getByText(it_('onboarding.preview.count', { count: 10 })).waitFor();
    await panel.getByRole('button', { name: it_('onboarding.createBulk', { count: 10 }) }).click();
    const links = panel.getByTestId('bulk-links').getByTestId('bulk-link');
    await waitFor(async () => (await links.count()) === 10, 10_000, 'ten personal links');
    await screenshot(page, 'partnership-it-3-ten-links');
    const revokedEmail = addresses[3] ?? '';
    const revokedUrl = await panel.getByTestId('bulk-links').locator(`tr[data-email="${revokedEmail}"]`).getByTestId('bulk-link').inputValue();
    const table = panel.getByTestId('invitations-table');
    const row = table.locator('tr', { hasText: revokedEmail });
    await row.getByRole('button', { name: it_('onboarding.revokeFor', { who: revokedEmail }) }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: it_('onboarding.revoke') }).click();
    await dialog.waitFor({ state: 'detached' });
    await screenshot(page, 'partnership-it-3-link-revoked');
    // Someone opens the revoked link: refused, in Italian.
    const latecomer = await signUp(server, { name: 'Marta Rossi', locale: 'it' });
    const { page: late } = await italianContext(latecomer);
    await late.goto(new URL(revokedUrl).pathname);
    await late.getByTestId('invite-refusal').getByText(it_('error.code.invitation_revoked')).waitFor();
    await screenshot(late, 'partnership-it-3-revoked-link-refused');
    const token = new URL(revokedUrl).pathname.split('/').pop() ?? '';
    const refused = await latecomer.post(`/api/invitations/${token}/accept`);
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect((refused.body as { error: { code: string } }).error.code).toBe('invitation_revoked');

    // (4) A reviewer signs off on a section; the coordinator sees it on the board.
    const reviewer = await signUp(server, { name: 'Kadri Tamm', locale: 'it' });
    if (!tallinn) throw new Error('no Estonian partner');
    await accept(reviewer, (await invite(coordinator, proposalId, tallinn.id, 'reviewer')).token);
    const section = created.sections[0];
    if (!section) throw new Error('no section');
    // Text in the section moves it to drafting (and verdicts need text).
    const writer = await serverReader(server.url, section.id, coordinator);
    try {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText('Le città della rete confrontano come i giovani partecipano alle decisioni locali.')]);
      writer.text.insert(writer.text.length, [p]);
      await waitFor(() => writer.textNow().includes('decisioni locali'), 5000, 'text stored');
    } finally {
      writer.destroy();
    }
    // A drafting section takes verdicts: the first persisted edit moves it there by itself (VRD6).
    const status = async () => sectionResponseSchema.parse((await coordinator.get(`/api/sections/${section.id}`)).body).section.status;
    await waitFor(async () => (await status()) === 'drafting', 15_000, 'the first edit moves the section to drafting');
    const { page: rev, errors: revErrors } = await italianContext(reviewer);
    await rev.goto(sectionUrl(proposalId, section.id));
    await editorOf(rev).getByText('decisioni locali').waitFor();
    await rev.getByTestId('verdict-note').fill('Chiaro e completo.');
    await rev.getByTestId('verdict-ready').click();
    await rev.getByTestId('verdict-mine').waitFor();
    await screenshot(rev, 'partnership-it-4-reviewer-signs-off');
    await page.goto(`/proposals/${proposalId}/board`);
    const verdictCell = page.getByTestId('board-verdicts').locator(`td[data-section-id="${section.id}"]`);
    await waitFor(async () => (await verdictCell.getAttribute('data-ready')) === '1', 10_000, 'the verdict on the board');
    await page.getByTestId('activity-feed').locator('li').first().waitFor();
    await screenshot(page, 'partnership-it-4-board-with-verdict');

    // (5) No English word of our catalogues on the board (grid, blockers, activity) or in the meter reasons.
    const english = englishOnlyWords();
    const boardTexts: Record<string, string> = {
      grid: await page.getByTestId('board-grid').innerText(),
      blockers: await page.getByTestId('submit-gate').innerText(),
      activity: await page.getByTestId('activity-feed').innerText(),
    };
    await page.goto(sectionUrl(proposalId, section.id));
    await page.getByTestId('meter-parts').waitFor();
    boardTexts.meter = await page.getByTestId('section-meter').innerText();
    await screenshot(page, 'partnership-it-5-meter-reasons');
    // The check can fail: English text is caught, and every area had text to check.
    expect(englishIn(`${catalogues.en['status.changes_requested']}, ${catalogues.en['activity.title']}`, english, ownWords).length).toBeGreaterThan(1);
    for (const [where, text] of Object.entries(boardTexts)) expect(text.trim().length, where).toBeGreaterThan(0);
    const found = Object.fromEntries(Object.entries(boardTexts).map(([where, text]) => [where, englishIn(text, english, ownWords)]));
    expect(found).toEqual({ grid: [], blockers: [], activity: [], meter: [] });
    expect(errors).toEqual([]);
    expect(revErrors).toEqual([]);
  });
});
