// @module-tag needs-chromium
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Workshop } from '../helpers/factories';
import type { TestServer } from '../helpers/server';
import { axeViolations, collectErrors, editorOf, screenshot, sectionUrl, signedInContext, waitFor, workshopInChromium } from './browser';

/**
 * VRD1, VRD7, VRD9 in Chromium: a reviewer signs off, the coordinator sees it in
 * the section header; an owner whose section is in review sees the editor locked
 * and why; the coordinator approves a short section with a justification.
 * The workshop's sections belong to the lead (Bologna); the reviewer is Helsinki's.
 */
let server: TestServer;
let browser: Browser;
let w: Workshop;
workshopInChromium((suite) => ({ server, browser, w } = suite));

async function moveTo(sectionId: string, ...statuses: string[]): Promise<void> {
  for (const status of statuses) expect((await w.coordinator.patch(`/api/sections/${sectionId}`, { status })).status).toBe(200);
}

describe('VRD verdicts in Chromium', () => {
  it('VRD1: a reviewer signs off "ready" with a note; the coordinator sees it live in the section header, with the note on demand', async () => {
    const section = w.proposal.sections[0]!;
    await moveTo(section.id, 'drafting');

    const coordCtx = await signedInContext(browser, server.url, w.coordinator);
    const coordPage = await coordCtx.newPage();
    const coordErrors = collectErrors(coordPage);
    await coordPage.goto(sectionUrl(w.proposal.id, section.id));
    await coordPage.getByTestId('verdict-summary').filter({ hasText: 'No verdicts yet' }).waitFor();
    // The coordinator's partner owns the section: no verdict buttons for them.
    expect(await coordPage.getByTestId('verdict-ready').count()).toBe(0);

    const revCtx = await signedInContext(browser, server.url, w.reviewer);
    const revPage = await revCtx.newPage();
    const revErrors = collectErrors(revPage);
    await revPage.goto(sectionUrl(w.proposal.id, section.id));
    const group = revPage.getByRole('group', { name: 'Your verdict on this section' });
    await group.waitFor();
    await group.getByLabel('Note (optional)').fill('Clear and complete.\nThe budget matches the work plan.');
    await group.getByRole('button', { name: 'Ready', exact: true }).click();
    await revPage.getByTestId('verdict-mine').filter({ hasText: 'You said: ready' }).waitFor();
    expect(await group.getByRole('button', { name: 'Ready', exact: true }).getAttribute('aria-pressed')).toBe('true');
    expect(await axeViolations(revPage)).toEqual([]);
    await screenshot(revPage, 'verdict-reviewer-ready');

    // The coordinator's open page updates through the event stream.
    await coordPage.getByTestId('verdict-summary').filter({ hasText: '1 ready' }).waitFor({ timeout: 15_000 });
    await coordPage.getByText('Show who and why').click();
    const entry = coordPage.getByTestId('verdict-entry');
    await entry.filter({ hasText: 'Rita Reviewer (ready)' }).waitFor();
    expect(await entry.innerText()).toContain('The budget matches the work plan.');
    expect(await axeViolations(coordPage)).toEqual([]);
    await screenshot(coordPage, 'verdict-coordinator-header');
    expect([...coordErrors, ...revErrors]).toEqual([]);
    await coordCtx.close();
    await revCtx.close();
  });

  it('VRD7: an owner whose section goes into review sees the editor locked, with the reason', async () => {
    const section = w.proposal.sections[1]!;
    expect((await w.coordinator.patch(`/api/sections/${section.id}`, { ownerPartnerId: w.partners.lulea.id })).status).toBe(200);
    await moveTo(section.id, 'drafting', 'ready_for_review');
    const ctx = await signedInContext(browser, server.url, w.editors.lulea);
    const page = await ctx.newPage();
    await page.goto(sectionUrl(w.proposal.id, section.id));
    await waitFor(async () => (await editorOf(page).getAttribute('contenteditable')) === 'true', 15_000, 'the owner writes');

    await moveTo(section.id, 'in_review');
    await page
      .getByTestId('lock-banner')
      .filter({ hasText: 'This section is in review: you can edit it again once changes are requested or it is reopened.' })
      .waitFor({ timeout: 15_000 });
    expect(await editorOf(page).getAttribute('contenteditable')).toBe('false');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'verdict-owner-in-review');

    // Changes requested: the owner writes again, without a reload.
    expect((await w.coordinator.patch(`/api/sections/${section.id}`, { status: 'changes_requested', reason: 'Add the roles of the partners' })).status).toBe(200);
    await waitFor(async () => (await editorOf(page).getAttribute('contenteditable')) === 'true', 15_000, 'writable again');
    await ctx.close();
  });

  it('VRD9: approving a short section asks the coordinator for a justification, showing why, and approves with it', async () => {
    const section = w.proposal.sections[2]!;
    await moveTo(section.id, 'drafting', 'ready_for_review', 'in_review');
    const ctx = await signedInContext(browser, server.url, w.coordinator);
    const page = await ctx.newPage();
    await page.goto(sectionUrl(w.proposal.id, section.id));
    await page.getByTestId('status-action-approved').click();
    const dialog = page.getByRole('dialog', { name: 'Approve with a justification' });
    await dialog.waitFor();
    expect(await dialog.getByTestId('approval-reasons').innerText()).toContain(`The text has 0 characters, below the minimum of ${section.minChars}.`);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'verdict-approval-justification');
    await dialog.getByLabel('Why approve it anyway?').fill('Agreed at the Luleå meeting: the annex covers it.');
    await dialog.getByRole('button', { name: 'Approve' }).click();
    await waitFor(
      async () => ((await w.coordinator.get(`/api/sections/${section.id}`)).body as { section: { status: string } }).section.status === 'approved',
      15_000,
      'approved',
    );
    await ctx.close();
  });
});
