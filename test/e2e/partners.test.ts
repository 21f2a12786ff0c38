// @module-tag needs-chromium
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { contentLocale, findSectionTemplate, inLocale, templateTitle, themeLabel } from '../../shared/templates';
import type { Partner, Proposal } from '../../shared/schemas';
import { addPartner, bologna, createProposal, getProposal, helsinki, joinAs, lulea, signUp, type UserClient } from '../helpers/factories';
import { startTestServer, type TestServer } from '../helpers/server';
import { axeViolations, collectErrors, launchChromium, screenshot, signedInContext, waitFor } from './browser';

/**
 * CTRY4, CTRY5, CTRY8, CTRY9 in Chromium, with the whole interface in Italian: the
 * new-proposal form (call, theme, deadline, language, a live preview), the country
 * picker (an Estonian partner by typing "Estonia" and picking it; text never cut into
 * "ES"), editing a partner, and removing one whose sections another partner takes over.
 */
let server: TestServer;
let browser: Browser;
/** A small world: an Italian coordinator of Bologna (the lead), partners in Luleå and Helsinki, a reviewer of Helsinki. */
let w: {
  proposal: Proposal;
  coordinator: UserClient;
  partners: { bologna: Partner; lulea: Partner; helsinki: Partner };
  reviewer: UserClient;
};

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  const coordinator = await signUp(server, { name: 'Chiara Coordinatrice', locale: 'it' });
  const created = await createProposal(coordinator, { title: 'NTT+ Rete di città', leadPartner: bologna });
  const partners = {
    bologna: created.partners.find((p) => p.isLead)!,
    lulea: await addPartner(coordinator, created.id, lulea),
    helsinki: await addPartner(coordinator, created.id, helsinki),
  };
  const reviewer = (await joinAs(server, coordinator, created.id, partners.helsinki.id, 'reviewer', { name: 'Rita Revisora' })).client;
  w = { proposal: await getProposal(coordinator, created.id), coordinator, partners, reviewer };
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function italianPage(path: string): Promise<{ page: Page; errors: string[] }> {
  const ctx = await signedInContext(browser, server.url, w.coordinator);
  const page = await ctx.newPage();
  const errors = collectErrors(page);
  await page.goto(path);
  return { page, errors };
}

/** The add-partner form on the partners page. */
const addForm = (page: Page) => page.getByRole('form', { name: 'Aggiungi partner' });

describe('CTRY8: the new-proposal form', () => {
  it('CTRY8: an Italian coordinator chooses the call, theme, deadline and language, sees what the call creates, and creates the proposal', async () => {
    const { page, errors } = await italianPage('/proposals');
    const form = page.getByTestId('new-proposal');
    await form.getByLabel('Titolo della proposta').fill('Gemellaggio civico 2027');
    await form.getByLabel('Bando', { exact: true }).selectOption({ label: templateTitle('town-twinning-meeting', 'it') });
    // The preview follows the chosen call: its sections, in the working language, with criteria and budgets, and its rules.
    const preview = page.getByTestId('template-preview');
    const programme = inLocale(findSectionTemplate('town-twinning-meeting', 'programme')!.title, 'it');
    await preview.getByRole('cell', { name: programme }).waitFor();
    expect(await preview.getByRole('row').count()).toBe(7); // header + 6 sections
    await preview.getByText('Almeno 2 partner, da almeno 2 paesi').waitFor();
    await preview.getByText(/Al massimo 10 pagine/).waitFor();
    expect(await preview.getByRole('row').nth(3).innerText()).toMatch(/^3\s/);
    const n = new Intl.NumberFormat('it');
    expect(await preview.getByRole('row').nth(3).innerText()).toContain(`${n.format(1500)}–${n.format(5000)}`);
    await form.getByLabel('Tema', { exact: true }).selectOption({ label: themeLabel('town-twinning-meeting', 'civic-participation', 'it') });
    await form.getByLabel('Scadenza').fill('2027-03-15');
    await form.getByLabel('Lingua di lavoro').selectOption('it');
    await form.getByLabel("Nome dell'organizzazione").fill('Comune di Bologna');
    await form.getByLabel('Città').fill('Bologna');
    const country = form.getByRole('combobox', { name: 'Paese' });
    await country.fill('Ital');
    await page.getByRole('listbox', { name: 'Paesi' }).getByRole('option', { name: 'Italia', exact: true }).click();
    expect(await country.inputValue()).toBe('Italia');
    await screenshot(page, 'ctry-new-proposal-it');
    expect(await axeViolations(page)).toEqual([]);
    await form.getByRole('button', { name: 'Crea proposta' }).click();
    await page.waitForURL(/\/proposals\/[0-9a-f-]{36}$/);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const proposal = await getProposal(w.coordinator, id);
    expect(proposal).toMatchObject({ title: 'Gemellaggio civico 2027', templateId: 'town-twinning-meeting', theme: 'civic-participation', deadline: '2027-03-15', language: 'it' });
    expect(proposal.partners).toEqual([expect.objectContaining({ name: 'Comune di Bologna', country: 'IT', isLead: true })]);
    expect(proposal.sections.map((s) => s.title)).toEqual(
      findSectionTemplateTitles('town-twinning-meeting', ['summary', 'objectives', 'programme', 'participants', 'logistics', 'follow-up'], contentLocale('it')),
    );
    expect(errors).toEqual([]);
  });
});

function findSectionTemplateTitles(templateId: string, keys: string[], locale: ReturnType<typeof contentLocale>): string[] {
  return keys.map((k) => inLocale(findSectionTemplate(templateId, k)!.title, locale));
}

describe('CTRY4: the country picker', () => {
  it('CTRY4: typing "Estonia" and picking it adds an Estonian partner (EE), from the keyboard', async () => {
    const { page, errors } = await italianPage(`/proposals/${w.proposal.id}/partners`);
    const form = addForm(page);
    await form.getByLabel("Nome dell'organizzazione").fill('Tartu linn');
    await form.getByLabel('Città').fill('Tartu');
    const country = form.getByRole('combobox', { name: 'Paese' });
    await country.fill('Estonia');
    expect(await country.getAttribute('aria-expanded')).toBe('true');
    const options = page.getByRole('listbox', { name: 'Paesi' }).getByRole('option');
    expect(await options.allInnerTexts()).toEqual([expect.stringContaining('Estonia')]);
    expect(await axeViolations(page)).toEqual([]);
    expect(await country.getAttribute('aria-activedescendant')).toBe(await options.first().getAttribute('id'));
    await country.press('Enter');
    expect(await country.getAttribute('aria-expanded')).toBe('false');
    expect(await country.getAttribute('data-country')).toBe('EE');
    await screenshot(page, 'ctry-picker-estonia-it');
    await form.getByRole('button', { name: 'Aggiungi partner' }).click();
    await page.getByTestId('partner-list').getByText('Tartu linn').waitFor();
    const partners = (await getProposal(w.coordinator, w.proposal.id)).partners;
    expect(partners.find((p) => p.name === 'Tartu linn')?.country).toBe('EE');
    expect(errors).toEqual([]);
  });

  it('CTRY4: arrows move through the candidates, Escape closes the list; text that names no single country is never stored', async () => {
    const { page } = await italianPage(`/proposals/${w.proposal.id}/partners`);
    const form = addForm(page);
    const before = (await getProposal(w.coordinator, w.proposal.id)).partners.length;
    await form.getByLabel("Nome dell'organizzazione").fill('Pärnu linn');
    await form.getByLabel('Città').fill('Pärnu');
    const country = form.getByRole('combobox', { name: 'Paese' });
    await country.fill('Eston');
    await country.press('Escape');
    expect(await country.getAttribute('aria-expanded')).toBe('false');
    // Submitting the half-typed name: the field says why, and nothing is sent.
    await form.getByRole('button', { name: 'Aggiungi partner' }).click();
    await form.getByText('Scegli un paese dall’elenco').first().waitFor();
    expect(await country.getAttribute('data-country')).toBe('');
    expect((await getProposal(w.coordinator, w.proposal.id)).partners.length).toBe(before);

    // "Estonia" typed in full and left without picking: exactly one country has that name, so it is EE, never ES.
    await country.fill('Estonia');
    await form.getByLabel('Città').focus();
    await waitFor(async () => (await country.getAttribute('data-country')) === 'EE', 5000, 'EE on blur');
    await form.getByRole('button', { name: 'Aggiungi partner' }).click();
    await page.getByTestId('partner-list').getByText('Pärnu linn').waitFor();
    const stored = (await getProposal(w.coordinator, w.proposal.id)).partners.find((p) => p.name === 'Pärnu linn');
    expect(stored?.country).toBe('EE');

    // Arrows move the active option through the candidates; Enter picks it.
    await country.fill('S');
    const list = page.getByRole('listbox', { name: 'Paesi' });
    const first = await list.getByRole('option').nth(0).getAttribute('id');
    const second = await list.getByRole('option').nth(1).getAttribute('id');
    expect(await country.getAttribute('aria-activedescendant')).toBe(first);
    await country.press('ArrowDown');
    expect(await country.getAttribute('aria-activedescendant')).toBe(second);
    await country.press('ArrowUp');
    expect(await country.getAttribute('aria-activedescendant')).toBe(first);
    await country.fill('Svezi');
    await country.press('Enter');
    expect(await country.getAttribute('data-country')).toBe('SE');
    expect(await country.inputValue()).toBe('Svezia');
    // Every partner stored through the picker has a real code.
    for (const p of (await getProposal(w.coordinator, w.proposal.id)).partners) expect(p.country).toMatch(/^[A-Z]{2}$/);
    expect((await getProposal(w.coordinator, w.proposal.id)).partners.some((p) => p.country === 'ES' && p.name.startsWith('Pärnu'))).toBe(false);
  });
});

describe('CTRY5: editing and removing partners and people', () => {
  it('CTRY5: a coordinator edits a partner in place: town and country through the picker', async () => {
    const { page, errors } = await italianPage(`/proposals/${w.proposal.id}/partners`);
    await page.getByRole('button', { name: `Modifica ${w.partners.helsinki.name}` }).click();
    const form = page.getByRole('form', { name: `Modifica il partner ${w.partners.helsinki.name}` });
    const country = form.getByRole('combobox', { name: 'Paese' });
    expect(await country.inputValue()).toBe('Finlandia');
    await form.getByLabel('Città').fill('Espoo');
    await country.fill('Svezia');
    await page.getByRole('listbox', { name: 'Paesi' }).getByRole('option', { name: 'Svezia', exact: true }).click();
    await form.getByRole('button', { name: 'Salva' }).click();
    await page.locator(`[data-partner="${w.partners.helsinki.id}"][data-country="SE"]`).waitFor();
    const partner = (await getProposal(w.coordinator, w.proposal.id)).partners.find((p) => p.id === w.partners.helsinki.id);
    expect(partner).toMatchObject({ town: 'Espoo', country: 'SE' });
    // Back as it was, through the API.
    expect((await w.coordinator.patch(`/api/partners/${w.partners.helsinki.id}`, { town: 'Helsinki', country: 'FI' })).status).toBe(200);
    expect(errors).toEqual([]);
  });

  it('CTRY5: removing a partner shows its sections and hands them to the partner chosen; the lead cannot be removed, with the reason shown', async () => {
    const extra = (await w.coordinator.post(`/api/proposals/${w.proposal.id}/partners`, { name: 'Tallinna linn', town: 'Tallinn', country: 'EE' })).body as { partner: { id: string } };
    const [s1, s2] = w.proposal.sections.slice(2, 4);
    for (const s of [s1!, s2!]) expect((await w.coordinator.patch(`/api/sections/${s.id}`, { ownerPartnerId: extra.partner.id })).status).toBe(200);

    const { page, errors } = await italianPage(`/proposals/${w.proposal.id}/partners`);
    const lead = page.getByRole('button', { name: `Rimuovi ${w.partners.bologna.name}` });
    expect(await lead.isDisabled()).toBe(true);
    await page.getByText('Il partner capofila non può essere rimosso.').first().waitFor();

    await page.getByRole('button', { name: 'Rimuovi Tallinna linn' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rimuovere Tallinna linn?' });
    await dialog.getByText('È responsabile di queste 2 sezioni:').waitFor();
    expect(await dialog.getByTestId('remove-partner-sections').getByRole('listitem').count()).toBe(2);
    await dialog.getByLabel('Partner che le prende in carico').selectOption(w.partners.lulea.id);
    await screenshot(page, 'ctry-remove-partner-it');
    expect(await axeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Rimuovi il partner' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('Tallinna linn rimosso.').waitFor();

    const after = await getProposal(w.coordinator, w.proposal.id);
    expect(after.partners.some((p) => p.id === extra.partner.id)).toBe(false);
    for (const s of [s1!, s2!]) expect(after.sections.find((x) => x.id === s.id)?.ownerPartnerId).toBe(w.partners.lulea.id);
    expect(errors).toEqual([]);
  });

  it('CTRY6: the only coordinator\'s role and removal are disabled with the reason; another person is removed after a confirmation', async () => {
    const { page, errors } = await italianPage(`/proposals/${w.proposal.id}/partners`);
    const members = page.getByTestId('members');
    const me = w.coordinator.user;
    expect(await members.getByTestId(`role-${me.email}`).isDisabled()).toBe(true);
    expect(await members.getByTestId(`remove-${me.email}`).isDisabled()).toBe(true);
    await members.getByTestId('last-coordinator-reason').first().waitFor();
    const reviewer = w.reviewer.user;
    await members.getByTestId(`remove-${reviewer.email}`).click();
    const dialog = page.getByRole('dialog', { name: `Togliere ${reviewer.name} dalla proposta?` });
    await dialog.getByRole('button', { name: 'Rimuovi', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await members.locator(`[data-email="${reviewer.email}"]`).waitFor({ state: 'detached' });
    expect((await getProposal(w.coordinator, w.proposal.id)).members.some((m) => m.userId === reviewer.id)).toBe(false);
    expect(errors).toEqual([]);
  });
});
