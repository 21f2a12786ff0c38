// @module-tag needs-chromium
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { getProposal, type Workshop } from '../helpers/factories';
import type { TestServer } from '../helpers/server';
import { collectErrors, editorOf, screenshot, sectionUrl, signedInContext, workshopInChromium } from './browser';

let server: TestServer;
let browser: Browser;
let w: Workshop;
workshopInChromium((suite) => ({ server, browser, w } = suite));

describe('invitation flow', () => {
  it('E2E5: a coordinator creates a link; a new user signs up through it and lands in the proposal as an editor of the right partner', async () => {
    // One section belongs to Luleå, so the newcomer has something to write.
    const luleaSection = w.proposal.sections[4];
    if (!luleaSection) throw new Error('no section');
    expect((await w.coordinator.patch(`/api/sections/${luleaSection.id}`, { ownerPartnerId: w.partners.lulea.id })).status).toBe(200);

    const coordCtx = await signedInContext(browser, server.url, w.coordinator);
    const coord = await coordCtx.newPage();
    await coord.goto(`/proposals/${w.proposal.id}/partners`);
    await coord.getByLabel('Partner', { exact: true }).selectOption(w.partners.lulea.id);
    await coord.getByLabel('Role', { exact: true }).selectOption('editor');
    await coord.getByRole('button', { name: 'Create link' }).click();
    const link = await coord.getByTestId('invite-link').inputValue();
    expect(link).toMatch(/\/invite\/[a-z2-7]{32}$/);
    await screenshot(coord, 'partners-invitation');

    const newCtx = await signedInContext(browser, server.url, null);
    const page = await newCtx.newPage();
    const errors = collectErrors(page);
    await page.goto(link);
    await page.getByTestId('invite-preview').filter({ hasText: 'Luleå kommun' }).waitFor();
    await page.getByRole('link', { name: 'Create an account to join' }).click();
    await page.getByLabel('Your name').fill('Linnea Lindqvist');
    await page.getByLabel('Email').fill('linnea@lulea.example');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    // Field errors come from the shared schemas, next to the field.
    await page.getByText('Use at least 10 characters').waitFor();
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('button', { name: 'Join the proposal' }).click();
    await page.waitForURL(new RegExp(`/proposals/${w.proposal.id}$`));
    await page.getByRole('navigation', { name: 'Sections' }).waitFor();

    const proposal = await getProposal(w.coordinator, w.proposal.id);
    const member = proposal.members.find((m) => m.email === 'linnea@lulea.example');
    expect(member).toMatchObject({ role: 'editor', partnerId: w.partners.lulea.id, name: 'Linnea Lindqvist' });

    // The link may name the server's public origin rather than 127.0.0.1: stay on the link's origin, where the cookie is.
    // Luleå's section is writable for her; the lead's sections are read-only, with the owner named.
    await page.goto(new URL(sectionUrl(w.proposal.id, luleaSection.id), link).toString());
    await page.locator('[data-testid="connection-pill"][data-state="online"]').waitFor();
    expect(await editorOf(page).getAttribute('contenteditable')).toBe('true');
    const leadSection = w.proposal.sections[0];
    if (!leadSection) throw new Error('no section');
    await page.goto(new URL(sectionUrl(w.proposal.id, leadSection.id), link).toString());
    await page.getByTestId('lock-banner').filter({ hasText: 'Owned by Comune di Bologna (IT): you can read and comment' }).waitFor();
    expect(errors).toEqual([]);
    await coordCtx.close();
    await newCtx.close();
  });
});
