// @module-tag needs-chromium
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import * as Y from 'yjs';
import { restoreResponseSchema } from '../../shared/schemas/history';
import { snapshotListSchema, snapshotResponseSchema } from '../../shared/schemas/review';
import type { Workshop } from '../helpers/factories';
import type { TestServer } from '../helpers/server';
import { collectErrors, editorOf, editorText, screenshot, sectionUrl, serverReader, signedInContext, waitFor, workshopInChromium } from './browser';

let server: TestServer;
let browser: Browser;
let w: Workshop;
workshopInChromium((suite) => ({ server, browser, w } = suite));

function appendParagraph(doc: Y.Doc, text: string): void {
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  const fragment = doc.getXmlFragment('default');
  fragment.insert(fragment.length, [p]);
}

describe('history in Chromium', () => {
  it('HIS-E1: a coordinator names a snapshot; members open it read-only; the changes since it (for the proposal, and for one section from the workspace) are attributed word by word to person and partner, as text; the coordinator restores the section with a confirmation and the server holds the restored text', async () => {
    const section = w.proposal.sections[0];
    if (!section) throw new Error('no section');
    const before = 'Young people from four towns meet to rebuild trust.';
    const bruno = await serverReader(server.url, section.id, w.editors.bologna);
    try {
      appendParagraph(bruno.doc, before);
      await waitFor(() => bruno.textNow().includes('rebuild trust'), 5000, 'text written');

      // The coordinator names a snapshot in the browser.
      const ctx = await signedInContext(browser, server.url, w.coordinator);
      const page = await ctx.newPage();
      const errors = collectErrors(page);
      await page.goto(`/proposals/${w.proposal.id}`);
      await page.getByTestId('history-link').click();
      await page.getByTestId('history-page').waitFor();
      await page.getByLabel('Name the proposal as it is now').fill('End of the Luleå meeting');
      await page.getByRole('button', { name: 'Take snapshot' }).click();
      const row = page.getByTestId('snapshot').filter({ hasText: 'End of the Luleå meeting' });
      await row.waitFor({ timeout: 5000 });
      const { snapshots } = snapshotListSchema.parse((await w.coordinator.get(`/api/proposals/${w.proposal.id}/snapshots`)).body);
      const snap = snapshots.find((s) => s.name === 'End of the Luleå meeting');
      expect(snap?.sectionId).toBeNull();

      // After the snapshot, Bruno (Comune di Bologna, IT) adds hostile-looking text through a stock client.
      const hostile = ' <img src=x onerror="window.__xss=1"> youth councils';
      const fragment = bruno.doc.getXmlFragment('default');
      const para = fragment.get(fragment.length - 1) as Y.XmlElement;
      (para.get(0) as Y.XmlText).insert(before.length, hostile);
      await waitFor(() => bruno.textNow().includes('youth councils'), 5000, 'edit stored');

      // A reviewer opens the snapshot read-only: the old text, and no restore button.
      const revCtx = await signedInContext(browser, server.url, w.reviewer);
      const rev = await revCtx.newPage();
      const revErrors = collectErrors(rev);
      await rev.goto(`/proposals/${w.proposal.id}/history`);
      await rev.getByTestId('snapshot').filter({ hasText: 'End of the Luleå meeting' }).getByRole('link', { name: 'Open read-only' }).click();
      const revSection = rev.locator(`[data-testid="snapshot-section"][data-section="${section.id}"]`);
      await revSection.filter({ hasText: 'rebuild trust' }).waitFor({ timeout: 5000 });
      expect(await revSection.textContent()).not.toContain('youth councils');
      expect(await rev.getByRole('button', { name: 'Restore this section' }).count()).toBe(0);
      expect(await rev.getByTestId('snapshot-form').count()).toBe(0);

      // What changed since: the insertion is an <ins> titled with Bruno, his partner and country, rendered as text.
      await page.goto(`/proposals/${w.proposal.id}/history`);
      await row.getByRole('link', { name: 'Changes since then' }).click();
      await page.getByTestId('changes-page').waitFor();
      const changed = page.locator(`[data-testid="section-changes"][data-section="${section.id}"]`);
      const ins = changed.locator('ins', { hasText: 'youth councils' });
      await ins.waitFor({ timeout: 5000 });
      expect(await ins.getAttribute('title')).toBe('Inserted by Bruno Bologna · Comune di Bologna (IT)');
      expect(await ins.textContent()).toContain('<img src=x onerror="window.__xss=1">');
      expect(await changed.locator('img').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      const summary = page.getByTestId('partner-summary').first();
      await summary.filter({ hasText: 'Comune di Bologna' }).waitFor();
      expect(await summary.textContent()).toContain('Bruno Bologna');
      await screenshot(page, 'history-changes');

      // From the section in the workspace: what changed in it since the newest snapshot.
      await page.goto(`/proposals/${w.proposal.id}/sections/${section.id}`);
      await page.getByTestId('section-changes-link').click();
      await page.getByRole('heading', { name: 'Changes since “End of the Luleå meeting”' }).waitFor({ timeout: 5000 });
      expect(await page.getByTestId('section-changes').count()).toBe(1);
      await page.locator(`[data-testid="section-changes"][data-section="${section.id}"] ins`, { hasText: 'youth councils' }).waitFor();

      // Restore, with a confirmation; the server's document goes back, and Bruno's client sees it live.
      await page.goto(`/proposals/${w.proposal.id}/history/${snap?.id ?? ''}`);
      const own = page.locator(`[data-testid="snapshot-section"][data-section="${section.id}"]`);
      await own.filter({ hasText: 'rebuild trust' }).waitFor({ timeout: 5000 });
      await own.getByRole('button', { name: 'Restore this section' }).click();
      await own.getByTestId('restore-confirm').waitFor();
      await own.getByRole('button', { name: 'Yes, restore' }).click();
      await own.getByTestId('restore-result').filter({ hasText: 'Restored' }).waitFor({ timeout: 5000 });
      await waitFor(() => !bruno.textNow().includes('youth councils') && bruno.textNow().includes('rebuild trust'), 5000, 'restored text reaches a live client');
      await screenshot(page, 'history-restored');
      expect(errors).toEqual([]);
      expect(revErrors).toEqual([]);
      await ctx.close();
      await revCtx.close();
    } finally {
      bruno.destroy();
    }
  });

  it('WSH13: an editor has the section open; the coordinator restores a snapshot; the editor\'s page shows a banner naming the coordinator and the snapshot, and its link opens the automatic snapshot holding the text the restore replaced', async () => {
    const section = w.proposal.sections.filter((s) => s.ownerPartnerId === w.partners.bologna.id)[1];
    if (!section) throw new Error('no second Bologna section');
    const ctx = await signedInContext(browser, server.url, w.editors.bologna);
    const page = await ctx.newPage();
    const errors = collectErrors(page);
    const reader = await serverReader(server.url, section.id, w.coordinator);
    try {
      // Bruno writes a morning draft; the coordinator names a snapshot of it.
      await page.goto(sectionUrl(w.proposal.id, section.id));
      await editorOf(page).waitFor();
      await page.getByTestId('connection-pill').and(page.locator('[data-state="online"]')).waitFor();
      await editorOf(page).click();
      await page.keyboard.type('Morning draft of the plan.');
      await waitFor(() => reader.textNow().includes('Morning draft of the plan.'), 10_000, 'draft stored');
      const snap = await w.coordinator.post(`/api/proposals/${w.proposal.id}/snapshots`, { name: 'Morning draft' });
      expect(snap.status).toBe(201);
      const snapId = snapshotResponseSchema.parse(snap.body).snapshot.id;

      // Bruno goes on writing; then the coordinator restores the morning draft (through the API).
      await page.keyboard.press('Control+End');
      await page.keyboard.type(' Afternoon edits by Bruno.');
      await waitFor(() => reader.textNow().includes('Afternoon edits by Bruno.'), 10_000, 'afternoon stored');
      expect(await page.getByTestId('restore-banner').count()).toBe(0);
      const res = await w.coordinator.post(`/api/sections/${section.id}/restore`, { snapshotId: snapId });
      expect(res.status, JSON.stringify(res.body)).toBe(200);

      // Bruno's page: the restored text, and a banner saying who restored what.
      await waitFor(async () => !(await editorText(page)).includes('Afternoon edits'), 10_000, 'editor shows the restored text');
      expect(await editorText(page)).toContain('Morning draft of the plan.');
      const banner = page.getByTestId('restore-banner');
      await banner.waitFor({ timeout: 10_000 });
      expect(await banner.textContent()).toContain('Chiara Coordinator restored this section to the snapshot “Morning draft”.');
      await screenshot(page, 'restore-banner');
      const { backupSnapshotId } = restoreResponseSchema.parse(res.body);

      // Its link opens the automatic snapshot: "Before restoring “Morning draft”", holding Bruno's afternoon text.
      await banner.getByRole('link', { name: 'Open the text from before the restore' }).click();
      await page.getByTestId('snapshot-view').waitFor({ timeout: 10_000 });
      expect(new URL(page.url()).pathname).toBe(`/proposals/${w.proposal.id}/history/${backupSnapshotId}`);
      await page.getByRole('heading', { name: 'Snapshot “Before restoring “Morning draft”” (read-only)' }).waitFor({ timeout: 10_000 });
      const kept = page.locator(`[data-testid="snapshot-section"][data-section="${section.id}"]`);
      await kept.filter({ hasText: 'Morning draft of the plan. Afternoon edits by Bruno.' }).waitFor({ timeout: 10_000 });
      expect(errors).toEqual([]);
    } finally {
      reader.destroy();
      await ctx.close();
    }
  });
});
