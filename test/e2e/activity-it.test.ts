// @module-tag needs-chromium
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { catalogues } from '../../shared/i18n';
import { findTemplate } from '../../shared/templates';
import { addPartner, createProposal, joinAs, signUp } from '../helpers/factories';
import { startTestServer, type TestServer } from '../helpers/server';
import { collectErrors, launchChromium, screenshot, sectionUrl, signedInContext, waitFor } from './browser';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const cerv = findTemplate('cerv-network-of-towns')!;

/** Words of the English catalogue that no Italian message uses ("partner", which Italian shares, is not one). */
function englishOnlyWords(): Set<string> {
  const words = (s: string) => s.replace(/\{\w+\}/g, ' ').match(/[A-Za-z]{4,}/g) ?? [];
  const italian = new Set(Object.values(catalogues.it).flatMap((m) => words(m).map((w) => w.toLowerCase())));
  return new Set(
    Object.values(catalogues.en)
      .flatMap(words)
      .map((w) => w.toLowerCase())
      .filter((w) => !italian.has(w)),
  );
}

/** The English words of `text` that only the English catalogue has. */
function englishIn(text: string, english: ReadonlySet<string>): string[] {
  return (text.match(/[A-Za-zÀ-ÿ]{4,}/g) ?? []).filter((w) => english.has(w.toLowerCase()));
}

async function textOf(page: Page, testId: string): Promise<string> {
  return page.getByTestId(testId).innerText();
}

describe('an Italian reader (TPL3, TPL4, TPL5)', () => {
  it('TPL5: the activity feed, the history page\u2019s automatic snapshots, the criterion names in the meter and the guidance prompts are Italian', async () => {
    const english = englishOnlyWords();
    const chiara = await signUp(server, { name: 'Chiara Rossi', locale: 'it' });
    const p = await createProposal(chiara, { title: 'Reti civiche', language: 'it' });
    const tallinn = await addPartner(chiara, p.id, { name: 'Tallinna Linnavalitsus', town: 'Tallinn', country: 'EE' });
    await joinAs(server, chiara, p.id, tallinn.id, 'editor', { name: 'Kadri Tamm' });
    const section = p.sections[1]!;
    for (const status of ['drafting', 'ready_for_review', 'in_review']) {
      expect((await chiara.patch(`/api/sections/${section.id}`, { status })).status).toBe(200);
    }
    expect((await chiara.patch(`/api/sections/${section.id}`, { status: 'approved', justification: 'Testo in arrivo' })).status).toBe(200);
    expect((await chiara.patch(`/api/sections/${p.sections[2]!.id}`, { ownerPartnerId: tallinn.id })).status).toBe(200);
    expect((await chiara.post(`/api/proposals/${p.id}/snapshots`, { name: 'Dopo Bologna' })).status).toBe(201);
    const meeting = await chiara.post(`/api/proposals/${p.id}/meetings`, { name: 'Riunione di Luleå', city: 'Luleå', date: '2027-02-01' });
    expect(meeting.status).toBe(201);
    expect((await chiara.post(`/api/meetings/${(meeting.body as { meeting: { id: string } }).meeting.id}/end`, {})).status).toBe(200);

    const ctx = await signedInContext(browser, server.url, chiara);
    const page = await ctx.newPage();
    const errors = collectErrors(page);

    // The board's activity feed: a sentence per event, no raw action code, no English word of our catalogues.
    await page.goto(`/proposals/${p.id}/board`);
    const feed = page.getByTestId('activity-feed');
    await feed.getByText('ha approvato 1.1 Contesto e obiettivi generali', { exact: false }).waitFor();
    await feed.getByText('Kadri Tamm si è unito', { exact: false }).waitFor();
    const feedText = await textOf(page, 'activity-feed');
    expect(feedText).not.toMatch(/\b(member|section|snapshot|meeting|proposal|partner|invitation)\.[a-z_]+\b/);
    expect(englishIn(feedText, english)).toEqual([]);
    expect(feedText).toContain('ha creato l’istantanea «Dopo Bologna»');
    await screenshot(page, 'activity-feed-it');

    // The history page: automatic snapshots named in Italian, the manual one as typed.
    await page.goto(`/proposals/${p.id}/history`);
    await page.getByTestId('history-page').waitFor();
    const history = page.getByTestId('history-page');
    await history.getByText('Approvata: 1.1 Contesto e obiettivi generali').waitFor();
    await history.getByText('Inizio dell’incontro: Riunione di Luleå').waitFor();
    await history.getByText('Fine dell’incontro: Riunione di Luleå').waitFor();
    await history.getByText('Dopo Bologna').first().waitFor();
    const names = await history.locator('.card__title').allInnerTexts();
    expect(names.join('\n')).not.toMatch(/Approved|Meeting (start|end)|Submitted|Before/);
    await screenshot(page, 'history-it');
    await ctx.close();
    expect(errors).toEqual([]);
  });

  it('TPL3: an English proposal read in Italian: guidance, required items and criterion names in Italian, section titles as the proposal has them', async () => {
    const giulia = await signUp(server, { name: 'Giulia Bianchi', locale: 'it' });
    const p = await createProposal(giulia, { title: 'Civic networks', language: 'en' });
    const risk = p.sections.find((s) => s.key === 'risk-management')!;
    expect(risk.guidance[0]).toBe(cerv.sections.find((s) => s.key === 'risk-management')!.guidance[0]!.en);
    const ctx = await signedInContext(browser, server.url, giulia);
    const page = await ctx.newPage();
    const errors = collectErrors(page);
    await page.goto(sectionUrl(p.id, risk.id));
    await page.getByRole('heading', { name: 'Indicazioni' }).waitFor();
    await page.getByText('Quali rischi potrebbero impedire al progetto di raggiungere i suoi obiettivi?').waitFor();
    await page.getByTestId('required-items').getByText('Tabella dei rischi critici e delle misure di attenuazione').waitFor();
    expect(await page.getByText('Which risks could prevent the project from reaching its objectives?').count()).toBe(0);
    // The meter's criterion names.
    const meter = page.getByTestId('proposal-meter');
    await meter.getByText('Pertinenza').waitFor();
    await meter.getByText('Qualità: progettazione e attuazione').waitFor();
    await meter.getByText('Qualità: partenariato').waitFor();
    await meter.getByText('Impatto').waitFor();
    const meterText = await meter.innerText();
    expect(meterText).not.toMatch(/Relevance|Quality|Impact|Not scored/);
    // The section keeps the proposal's language for its title.
    await waitFor(async () => (await page.getByText('2.1.5').count()) > 0 && (await page.getByText('Risk management').count()) > 0, 10_000, 'the English section title');
    await screenshot(page, 'workspace-guidance-it');
    await ctx.close();
    expect(errors).toEqual([]);
  });
});
