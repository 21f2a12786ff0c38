// @module-tag needs-chromium
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { getProposal, signUp, type Workshop } from '../helpers/factories';
import type { TestServer } from '../helpers/server';
import { axeViolations, collectErrors, screenshot, signedInContext, waitFor, workshopInChromium } from './browser';

let server: TestServer;
let browser: Browser;
let w: Workshop;
workshopInChromium((suite) => ({ server, browser, w } = suite));

/** The path of an invitation link: the page is opened on the test's own origin, where the cookie is. */
const pathOf = (link: string) => new URL(link).pathname;

describe('invitation links in the browser', () => {
  it('TEAM11, TEAM12: the coordinator bulk-invites 10 addresses, copies a link, revokes one, and the revoked link then shows the refusal', async () => {
    const ctx = await signedInContext(browser, server.url, w.coordinator);
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const page = await ctx.newPage();
    const errors = collectErrors(page);
    await page.goto(`/proposals/${w.proposal.id}/partners`);
    const panel = page.getByTestId('invitations');
    await panel.getByLabel('Partner', { exact: true }).selectOption(w.partners.lulea.id);
    await panel.getByLabel('Role', { exact: true }).selectOption('editor');
    await panel.getByRole('radio', { name: 'Paste e-mail addresses' }).check();

    const people = Array.from({ length: 10 }, (_, i) => `person${i + 1}@lulea.example`);
    // As a mail program copies them: names, angle brackets, semicolons and a repeat in other case.
    const pasted = `Anna Andersson <${people[0]}>; ${people.slice(1, 5).join(', ')}\n${people.slice(5).join('\n')}\n${people[3]!.toUpperCase()}`;
    await panel.getByLabel('E-mail addresses', { exact: true }).fill(`${pasted}\nnot-an-address`);
    await panel.getByTestId('invite-emails-preview').filter({ hasText: 'Entry 12 is not an e-mail address: “not-an-address”' }).waitFor();
    expect(await panel.getByRole('button', { name: 'Create 10 links' }).isDisabled()).toBe(true);
    await panel.getByLabel('E-mail addresses', { exact: true }).fill(pasted);
    await panel.getByTestId('invite-emails-preview').filter({ hasText: '10 addresses. 1 repeated address is counted once.' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await panel.getByRole('button', { name: 'Create 10 links' }).click();

    const links = panel.getByTestId('bulk-links');
    await links.getByText('10 personal links made: send each person their own.').waitFor();
    expect(await links.getByTestId('bulk-link').count()).toBe(10);
    const emails = await links.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-email')));
    expect(emails).toEqual(people);
    await screenshot(page, 'invitations-bulk-links');

    // Copy the first person's link: the clipboard holds exactly it.
    const first = await links.getByLabel(`Link: ${people[0]}`).inputValue();
    expect(first).toMatch(/\/invite\/[a-z2-7]{32}$/);
    await links.getByRole('button', { name: `Copy the link for ${people[0]}` }).click();
    await links.getByRole('button', { name: `Copy the link for ${people[0]}` }).filter({ hasText: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(first);

    // The pending list has the ten; revoke the second person's after confirming.
    const table = panel.getByTestId('invitations-table');
    await waitFor(async () => (await table.locator('tbody tr[data-state="pending"][data-email$="@lulea.example"]').count()) === 10);
    const revoked = await links.getByLabel(`Link: ${people[1]}`).inputValue();
    await table.getByRole('button', { name: `Revoke the link for ${people[1]}` }).click();
    const dialog = page.getByRole('dialog', { name: `Revoke the link for ${people[1]}? Nobody can join through it any more.` });
    expect(await axeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Yes, revoke' }).click();
    await panel.getByText(`The link for ${people[1]} is revoked.`).waitFor();
    await waitFor(async () => (await table.locator(`tr[data-email="${people[1]}"]`).count()) === 0);
    await panel.getByLabel('Also show used, expired and revoked links').check();
    await table.locator(`tr[data-email="${people[1]}"][data-state="revoked"]`).filter({ hasText: 'Revoked' }).waitFor();
    await screenshot(page, 'invitations-revoked');

    // Someone opening the revoked link, signed out, reads why it fails; the others still work.
    const other = await signedInContext(browser, server.url, null);
    const visitor = await other.newPage();
    await visitor.goto(pathOf(revoked));
    await visitor.getByTestId('invite-refusal').filter({ hasText: 'This invitation link was revoked by the coordinator. Ask them for a new one.' }).waitFor();
    expect(await visitor.getByRole('button', { name: 'Join the proposal' }).count()).toBe(0);
    await screenshot(visitor, 'invitations-revoked-link');
    // In Italian, the reason is Italian.
    const italian = await browser.newContext({ baseURL: server.url, locale: 'it-IT' });
    const lettore = await italian.newPage();
    await lettore.goto(pathOf(revoked));
    await lettore.getByTestId('invite-refusal').filter({ hasText: 'Questo link di invito è stato revocato dal coordinatore.' }).waitFor();
    await italian.close();
    await visitor.goto(pathOf(first));
    await visitor.getByTestId('invite-preview').filter({ hasText: 'Luleå kommun' }).waitFor();
    expect(errors).toEqual([]);
    await other.close();
    await ctx.close();
  });

  it('TEAM11: a link for many people lets two people join, and the list counts them', async () => {
    const ctx = await signedInContext(browser, server.url, w.coordinator);
    const page = await ctx.newPage();
    await page.goto(`/proposals/${w.proposal.id}/partners`);
    const panel = page.getByTestId('invitations');
    await panel.getByLabel('Partner', { exact: true }).selectOption(w.partners.laCoruna.id);
    await panel.getByLabel('Role', { exact: true }).selectOption('reviewer');
    await panel.getByRole('radio', { name: 'A link for many people' }).check();
    await panel.getByLabel('How many people may join').fill('201');
    await panel.getByRole('button', { name: 'Create link' }).click();
    await panel.getByRole('alert').filter({ hasText: 'How many people may join' }).waitFor();
    await panel.getByLabel('How many people may join').fill('2');
    await panel.getByLabel('Valid for (days)').fill('3');
    await panel.getByRole('button', { name: 'Create link' }).click();
    await panel.getByText(/^For up to 2 people, valid until /).waitFor();
    const link = await panel.getByTestId('invite-link').inputValue();

    const joiners = [await signUp(server, { name: 'Carmen Uno' }), await signUp(server, { name: 'Diego Dos' })];
    for (const joiner of joiners) {
      const jctx = await signedInContext(browser, server.url, joiner);
      const jpage = await jctx.newPage();
      await jpage.goto(pathOf(link));
      await jpage.getByRole('button', { name: 'Join the proposal' }).click();
      await jpage.waitForURL(new RegExp(`/proposals/${w.proposal.id}$`));
      await jctx.close();
    }
    const members = (await getProposal(w.coordinator, w.proposal.id)).members;
    for (const joiner of joiners) expect(members.find((m) => m.userId === joiner.user.id)).toMatchObject({ role: 'reviewer', partnerId: w.partners.laCoruna.id });

    // The list refreshes from the live stream: the link is used up, 2 of 2.
    await panel.getByLabel('Also show used, expired and revoked links').check();
    await panel.getByTestId('invitations-table').locator('tr[data-state="used_up"]').filter({ hasText: 'Anyone with the link' }).filter({ hasText: '2 of 2' }).waitFor();
    // A third person is told the link is used up.
    const third = await signedInContext(browser, server.url, await signUp(server));
    const tpage = await third.newPage();
    await tpage.goto(pathOf(link));
    await tpage.getByTestId('invite-refusal').filter({ hasText: 'This invitation link has been used as many times as it allows.' }).waitFor();
    await third.close();
    await ctx.close();
  });
});
