// @module-tag needs-chromium
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import * as Y from 'yjs';
import { sectionResponseSchema, type SectionStatus } from '../../shared/schemas';
import type { Workshop } from '../helpers/factories';
import type { ApiClient } from '../helpers/http';
import type { TestServer } from '../helpers/server';
import { collectErrors, editorOf, screenshot, sectionUrl, serverReader, signedInContext, waitFor, workshopInChromium } from './browser';

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

async function setStatus(client: ApiClient, sectionId: string, status: SectionStatus): Promise<void> {
  const res = await client.patch(`/api/sections/${sectionId}`, status === 'approved' ? { status, justification: 'Approved short for the test (VRD9)' } : { status });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(sectionResponseSchema.parse(res.body).section.status).toBe(status);
}

/** Selects `text` inside the editor through a DOM range, as a mouse selection would. */
async function selectInEditor(page: Page, text: string): Promise<void> {
  await editorOf(page).evaluate((el, wanted) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const at = (n.textContent ?? '').indexOf(wanted);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(n, at);
      range.setEnd(n, at + wanted.length);
      const sel = window.getSelection();
      sel?.removeAllRanges();
      sel?.addRange(range);
      return;
    }
    throw new Error(`text not found: ${wanted}`);
  }, text);
}

function thread(page: Page) {
  return page.getByTestId('thread');
}

describe('review loop in Chromium', () => {
  it('REV-E1: a reviewer comments on selected text of a locked section; the owner sees it live, replies and resolves; bodies are text with safe links', async () => {
    const section = w.proposal.sections[1];
    if (!section) throw new Error('no section');
    const writer = await serverReader(server.url, section.id, w.coordinator);
    try {
      appendParagraph(writer.doc, 'Our towns share a history of industrial decline and renewal.');
      await waitFor(async () => (await w.coordinator.get(`/api/proposals/${w.proposal.id}`)).status === 200, 5000, 'proposal readable');
    } finally {
      writer.destroy();
    }
    for (const s of ['drafting', 'ready_for_review', 'in_review', 'approved'] as const) await setStatus(w.coordinator, section.id, s);

    const ownerCtx = await signedInContext(browser, server.url, w.editors.bologna);
    const owner = await ownerCtx.newPage();
    const ownerErrors = collectErrors(owner);
    await owner.goto(sectionUrl(w.proposal.id, section.id));
    await editorOf(owner).filter({ hasText: 'industrial decline' }).waitFor();
    await owner.getByTestId('lock-banner').waitFor();
    await owner.getByTestId('comments-panel').waitFor();

    const revCtx = await signedInContext(browser, server.url, w.reviewer);
    const rev = await revCtx.newPage();
    const revErrors = collectErrors(rev);
    await rev.goto(sectionUrl(w.proposal.id, section.id));
    await editorOf(rev).filter({ hasText: 'industrial decline' }).waitFor();
    expect(await editorOf(rev).getAttribute('contenteditable')).toBe('false');

    await selectInEditor(rev, 'industrial decline');
    await rev.getByTestId('comment-on-selection').click();
    await rev.getByTestId('draft-quote').filter({ hasText: 'industrial decline' }).waitFor();
    const hostile = 'Cite a source <img src=x onerror="window.__xss=1"> <b>bold</b> https://example.org/report. @Bruno Bologna';
    await rev.getByTestId('comment-input').fill(hostile);
    await rev.getByRole('button', { name: 'Comment', exact: true }).click();
    await thread(rev).filter({ hasText: 'Cite a source' }).waitFor();

    // The owner sees the thread arrive over the event stream, with its highlight in the text.
    await thread(owner).filter({ hasText: 'Cite a source' }).waitFor({ timeout: 5000 });
    await owner.locator('.comment-anchor', { hasText: 'industrial decline' }).waitFor();
    // Bruno was @mentioned: he is told so, live.
    await owner.getByTestId('mention-notice').getByText('Rita Reviewer mentioned you in a comment').waitFor({ timeout: 5000 });
    const body = owner.getByTestId('comment-body').first();
    expect(await body.textContent()).toContain('<img src=x onerror="window.__xss=1"> <b>bold</b>');
    expect(await body.locator('img, b').count()).toBe(0);
    const link = body.locator('a');
    expect(await link.getAttribute('href')).toBe('https://example.org/report');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await owner.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

    // The owner replies; the reviewer sees the reply live.
    await thread(owner).getByRole('button', { name: 'Reply' }).click();
    await thread(owner).getByTestId('comment-input').fill('Added the 2019 OECD report.');
    await thread(owner).getByRole('button', { name: 'Reply' }).click();
    await thread(rev).getByText('Added the 2019 OECD report.').waitFor({ timeout: 5000 });

    // The owner resolves the thread; the reviewer sees it resolved.
    await screenshot(owner, 'review-thread-owner');
    await thread(owner).getByRole('button', { name: 'Resolve' }).click();
    await rev.getByTestId('open-thread-count').filter({ hasText: '(0)' }).waitFor({ timeout: 5000 });
    await rev.getByRole('button', { name: '1 resolved thread' }).click();
    await rev.locator('[data-testid="thread"][data-status="resolved"]').getByText('Resolved by Bruno Bologna').waitFor();
    // The highlight of a resolved thread is no longer drawn.
    expect(await owner.locator('.comment-anchor').count()).toBe(0);
    expect(ownerErrors).toEqual([]);
    expect(revErrors).toEqual([]);
    await ownerCtx.close();
    await revCtx.close();
  });

  it('REV-E2: the meter rises as the owner types past minChars and turns red past maxChars, showing by how much', async () => {
    const section = w.proposal.sections[0];
    if (!section) throw new Error('no section');
    const ctx = await signedInContext(browser, server.url, w.editors.bologna);
    const page = await ctx.newPage();
    const errors = collectErrors(page);
    await page.goto(sectionUrl(w.proposal.id, section.id));
    await waitFor(async () => (await editorOf(page).getAttribute('contenteditable')) === 'true', 10_000, 'editor writable');
    const meter = page.getByTestId('section-meter');
    const score = async () => Number(await meter.getAttribute('data-score'));
    const start = await score();

    await editorOf(page).click();
    const sentence = 'Young people from four towns meet to rebuild trust in democracy. ';
    let typed = 0;
    while (typed <= section.minChars) {
      await page.keyboard.insertText(sentence);
      typed += sentence.length;
    }
    await waitFor(async () => (await score()) >= start + 30, 5000, 'fill reaches its full weight');
    expect(await meter.getAttribute('data-over')).toBe('false');
    const sidebarMeter = page.getByTestId(`sidebar-section-${section.key}`).getByRole('meter');
    expect(Number(await sidebarMeter.getAttribute('aria-valuenow'))).toBe(await score());

    while (typed <= section.maxChars + 50) {
      await page.keyboard.insertText(sentence);
      typed += sentence.length;
    }
    await waitFor(async () => (await meter.getAttribute('data-over')) === 'true', 5000, 'meter turns red');
    const chars = Number(await page.getByTestId('char-count').getAttribute('data-chars'));
    await page.getByTestId('over-limit').filter({ hasText: `${(chars - section.maxChars).toLocaleString('en-GB')} characters over the limit` }).waitFor();
    expect(await score()).toBeLessThan(start + 30);
    await screenshot(page, 'review-meter-over');
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('REV-E3: the owner submits, the coordinator starts review and approves; the owner’s editor locks with a banner; the activity feed and board show it', async () => {
    const section = w.proposal.sections[2];
    if (!section) throw new Error('no section');
    const ownerCtx = await signedInContext(browser, server.url, w.editors.bologna);
    const owner = await ownerCtx.newPage();
    await owner.goto(sectionUrl(w.proposal.id, section.id));
    await waitFor(async () => (await editorOf(owner).getAttribute('contenteditable')) === 'true', 10_000, 'owner editor writable');
    await editorOf(owner).click();
    await owner.keyboard.type('Draft by Bologna. ');
    await owner.getByTestId('status-action-drafting').click();
    await owner.getByTestId('status-action-ready_for_review').click();
    await owner.locator('.section__meta .chip', { hasText: 'Ready for review' }).waitFor();

    const coordCtx = await signedInContext(browser, server.url, w.coordinator);
    const coord = await coordCtx.newPage();
    const coordErrors = collectErrors(coord);
    await coord.goto(sectionUrl(w.proposal.id, section.id));
    await coord.getByTestId('status-action-in_review').click();
    await coord.getByTestId('status-action-approved').waitFor();
    // VRD7: in review, the owner waits: the editor locks and says why.
    await owner.getByTestId('lock-banner').filter({ hasText: 'This section is in review' }).waitFor({ timeout: 10_000 });
    expect(await editorOf(owner).getAttribute('contenteditable')).toBe('false');

    // VRD9: the text is short, so the coordinator approves with a justification.
    await coord.getByTestId('status-action-approved').click();
    await coord.getByTestId('justification-input').fill('Bologna completes it in the annex.');
    const approved = coord.waitForResponse(
      (r) => r.url().endsWith(`/api/sections/${section.id}`) && r.request().method() === 'PATCH' && r.request().postData()?.includes('justification') === true,
    );
    await coord.getByTestId('approval-confirm').click();
    expect((await approved).status()).toBe(200);
    await waitFor(
      async () =>
        (await editorOf(owner).getAttribute('contenteditable')) === 'false' && ((await owner.getByTestId('lock-banner').textContent()) ?? '').includes('Approved'),
      10_000,
      'owner editor locked with a banner',
      20,
    );
    expect(await owner.getByTestId('lock-banner').textContent()).toContain('Approved');
    await screenshot(owner, 'review-approved-locked');

    // The board's grid shows the section's cell as approved, and the activity feed shows the approval.
    await coord.getByTestId('board-link').click();
    await coord.locator(`[data-testid="board-cell"][data-section-id="${section.id}"][data-status="approved"]`).waitFor();
    await coord.getByTestId('activity-feed').getByText(`Chiara Coordinator approved ${section.number} ${section.title}`).waitFor();
    await coord.getByTestId('submit-gate').waitFor();
    expect(await coord.getByTestId('submit-gate').getAttribute('data-ready')).toBe('false');
    expect(await coord.getByTestId('submit-gate').locator('li').count()).toBeGreaterThan(0);
    await screenshot(coord, 'review-board');
    expect(coordErrors).toEqual([]);
    await ownerCtx.close();
    await coordCtx.close();
  });

  it('REV-E4: a highlight follows concurrent edits; deleting the anchored text detaches the thread, which keeps its quote; own comments can be edited and soft-deleted', async () => {
    const section = w.proposal.sections[3];
    if (!section) throw new Error('no section');
    const writer = await serverReader(server.url, section.id, w.coordinator);
    try {
      appendParagraph(writer.doc, 'Alpha beta gamma.');
      const text = () => ((writer.doc.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText);

      const ctx = await signedInContext(browser, server.url, w.reviewer);
      const page = await ctx.newPage();
      const errors = collectErrors(page);
      await page.goto(sectionUrl(w.proposal.id, section.id));
      await editorOf(page).filter({ hasText: 'Alpha beta gamma.' }).waitFor();
      await selectInEditor(page, 'beta');
      await page.getByTestId('comment-on-selection').click();
      await page.getByTestId('comment-input').fill('Check beta.');
      await page.getByRole('button', { name: 'Comment', exact: true }).click();
      await page.locator('.comment-anchor', { hasText: 'beta' }).waitFor();

      // Another writer types before the range: the highlight stays on the same word.
      text().insert(0, 'Intro, ');
      await editorOf(page).filter({ hasText: 'Intro, Alpha beta gamma.' }).waitFor();
      await waitFor(async () => (await page.locator('.comment-anchor').textContent()) === 'beta', 5000, 'highlight follows the word');

      // Editing one's own comment.
      await thread(page).getByRole('button', { name: 'Edit', exact: true }).click();
      await thread(page).getByTestId('comment-input').fill('Check beta, please.');
      await thread(page).getByRole('button', { name: 'Save' }).click();
      await thread(page).getByTestId('comment-body').filter({ hasText: 'Check beta, please.' }).waitFor();
      await thread(page).getByText('edited').waitFor();

      // The anchored word is deleted: the thread stays, detached, with its quote.
      const at = text().toString().indexOf('beta');
      text().delete(at, 'beta'.length);
      await editorOf(page).filter({ hasText: 'Intro, Alpha  gamma.' }).waitFor();
      await thread(page).getByTestId('thread-detached').waitFor({ timeout: 5000 });
      expect(await thread(page).locator('q').textContent()).toBe('beta');
      expect(await page.locator('.comment-anchor').count()).toBe(0);

      // Deleting one's own comment is a soft delete: the thread stays readable.
      await thread(page).getByRole('button', { name: 'Delete', exact: true }).click();
      await thread(page).getByTestId('comment-deleted').waitFor();
      expect(await thread(page).locator('q').textContent()).toBe('beta');
      await screenshot(page, 'review-detached-deleted');
      expect(errors).toEqual([]);
      await ctx.close();
    } finally {
      writer.destroy();
    }
  });
});
