// @module-tag needs-chromium
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import * as Y from 'yjs';
import type { Workshop } from '../helpers/factories';
import type { TestServer } from '../helpers/server';
import { collectErrors, editorOf, editorText, sectionUrl, serverReader, signedInContext, waitFor, workshopInChromium } from './browser';

let server: TestServer;
let browser: Browser;
let w: Workshop;
workshopInChromium((suite) => ({ server, browser, w } = suite));

/** Appends a paragraph through a Node client, as another writer would. */
function appendParagraph(doc: Y.Doc, text: string): void {
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  const fragment = doc.getXmlFragment('default');
  fragment.insert(fragment.length, [p]);
}

describe('read-only sections', () => {
  it('E2E2: a reviewer’s editor is read-only, says why, and typing changes nothing on the server', async () => {
    const section = w.proposal.sections[1];
    if (!section) throw new Error('no section');
    const writer = await serverReader(server.url, section.id, w.coordinator);
    try {
      appendParagraph(writer.doc, 'Seeded by the coordinator.');

      const ctx = await signedInContext(browser, server.url, w.reviewer);
      const page = await ctx.newPage();
      const errors = collectErrors(page);
      await page.goto(sectionUrl(w.proposal.id, section.id));
      await editorOf(page).filter({ hasText: 'Seeded by the coordinator.' }).waitFor();
      await page.getByTestId('lock-banner').filter({ hasText: 'You are a reviewer: you can read and comment' }).waitFor();
      expect(await editorOf(page).getAttribute('contenteditable')).toBe('false');
      expect(await page.getByRole('button', { name: 'Bold' }).isDisabled()).toBe(true);

      await editorOf(page).click();
      await page.keyboard.type('The reviewer tries to write');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Backspace');

      // A round trip after the keystrokes: the coordinator writes, the reviewer sees it.
      appendParagraph(writer.doc, 'Barrier from the coordinator.');
      await editorOf(page).filter({ hasText: 'Barrier from the coordinator.' }).waitFor();

      expect(await editorText(page)).not.toContain('The reviewer tries to write');
      expect(writer.textNow()).toBe('Seeded by the coordinator.\nBarrier from the coordinator.');
      // A fresh reader sees the same: nothing of the reviewer's reached the server.
      const fresh = await serverReader(server.url, section.id, w.coordinator);
      try {
        expect(fresh.textNow()).toBe('Seeded by the coordinator.\nBarrier from the coordinator.');
      } finally {
        fresh.destroy();
      }
      expect(await page.getByTestId('refused-banner').count()).toBe(0);
      expect(errors).toEqual([]);
      await ctx.close();
    } finally {
      writer.destroy();
    }
  });

  it('E2E2: an editor of another partner opens the section read-only with the owner named', async () => {
    const section = w.proposal.sections[2];
    if (!section) throw new Error('no section');
    const ctx = await signedInContext(browser, server.url, w.editors.lulea);
    const page = await ctx.newPage();
    await page.goto(sectionUrl(w.proposal.id, section.id));
    await page.getByTestId('lock-banner').filter({ hasText: 'Owned by Comune di Bologna (IT): you can read and comment' }).waitFor();
    expect(await editorOf(page).getAttribute('contenteditable')).toBe('false');

    // The coordinator hands the section to Luleå: the open editor becomes writable without a reload.
    const res = await w.coordinator.patch(`/api/sections/${section.id}`, { ownerPartnerId: w.partners.lulea.id });
    expect(res.status).toBe(200);
    await waitFor(async () => (await editorOf(page).getAttribute('contenteditable')) === 'true', 15_000, 'editor becomes writable');
    expect(await page.getByTestId('lock-banner').count()).toBe(0);
    await editorOf(page).click();
    await page.keyboard.type('Luleå writes now.');
    const reader = await serverReader(server.url, section.id, w.coordinator);
    try {
      await waitFor(() => reader.textNow().includes('Luleå writes now.'), 10_000, 'server has Luleå text');
    } finally {
      reader.destroy();
    }
    await ctx.close();
  });
});
