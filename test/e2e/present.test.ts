// @module-tag needs-chromium
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import * as Y from 'yjs';
import { sectionResponseSchema } from '../../shared/schemas';
import { meetingListSchema } from '../../shared/schemas/history';
import type { Workshop } from '../helpers/factories';
import { workshopSection } from '../helpers/factories';
import type { TestServer } from '../helpers/server';
import { collectErrors, editorOf, screenshot, sectionUrl, serverReader, signedInContext, waitFor, workshopInChromium } from './browser';

let server: TestServer;
let browser: Browser;
let w: Workshop;
workshopInChromium((suite) => ({ server, browser, w } = suite));

const sectionAt = (i: number) => workshopSection(w, i);

async function focusOf(projector: Page): Promise<string | null> {
  return projector.getByTestId('present').getAttribute('data-focus-section');
}

describe('workshop mode in Chromium', () => {
  it('HIS-E2, HIS-E3: a coordinator starts a meeting (name, city, date) and the banner appears for everyone; the projector follows the facilitator to another section; a participant follows and unfollows with one click; the projector follows the scroll position, also after it reopens; ending the meeting shows what each partner changed during it', async () => {
    // Luleå owns section 3, so Lena can write there during the meeting.
    const lenaSection = sectionAt(3);
    const res = await w.coordinator.patch(`/api/sections/${lenaSection.id}`, { ownerPartnerId: w.partners.lulea.id });
    expect(sectionResponseSchema.parse(res.body).section.ownerPartnerId).toBe(w.partners.lulea.id);

    // A section longer than a screen, for following the scroll position.
    const longSection = sectionAt(6);
    const writer = await serverReader(server.url, longSection.id, w.coordinator);
    try {
      const fragment = writer.doc.getXmlFragment('default');
      for (let i = 0; i < 40; i++) {
        const p = new Y.XmlElement('paragraph');
        p.insert(0, [new Y.XmlText(`Paragraph ${i}: the towns compare how young people take part in local decisions.`)]);
        fragment.insert(fragment.length, [p]);
      }
      await waitFor(() => writer.textNow().includes('Paragraph 39'), 5000, 'long section stored');
    } finally {
      writer.destroy();
    }

    const facCtx = await signedInContext(browser, server.url, w.coordinator);
    const fac = await facCtx.newPage();
    const facErrors = collectErrors(fac);
    await fac.goto(sectionUrl(w.proposal.id, sectionAt(0).id));
    await editorOf(fac).waitFor();
    await fac.getByText('Start a meeting').click();
    const form = fac.getByTestId('start-meeting-form');
    await form.getByLabel('Meeting name').fill('NTT+ workshop');
    await form.getByLabel('City').fill('Luleå');
    await form.getByLabel('Date').fill('2026-11-27');
    await form.getByRole('button', { name: 'Start meeting' }).click();
    await fac.getByTestId('meeting-banner').filter({ hasText: 'NTT+ workshop' }).waitFor({ timeout: 5000 });
    const { meetings } = meetingListSchema.parse((await w.coordinator.get(`/api/proposals/${w.proposal.id}/meetings`)).body);
    const meeting = meetings[0];
    expect(meeting?.endedAt).toBeNull();
    expect(meeting?.city).toBe('Luleå');

    // A participant sees the banner; the projector opens on the facilitator's section.
    const lenaCtx = await signedInContext(browser, server.url, w.editors.lulea);
    const lena = await lenaCtx.newPage();
    const lenaErrors = collectErrors(lena);
    await lena.goto(sectionUrl(w.proposal.id, lenaSection.id));
    await lena.getByTestId('meeting-banner').filter({ hasText: 'NTT+ workshop, Luleå' }).waitFor({ timeout: 5000 });

    const projCtx = await signedInContext(browser, server.url, w.reviewer);
    const projector = await projCtx.newPage();
    const projErrors = collectErrors(projector);
    await projector.goto(`/proposals/${w.proposal.id}/present`);
    await projector.getByTestId('present-meeting').waitFor();
    await waitFor(async () => (await focusOf(projector)) === sectionAt(0).id, 5000, 'projector on the first section');

    // The facilitator moves to another section: the projector follows.
    const target = sectionAt(5);
    await fac.getByTestId(`sidebar-section-${target.key}`).click();
    await waitFor(async () => (await focusOf(projector)) === target.id, 10_000, 'projector follows the facilitator');
    // ...and scrolls the section to the top of its view.
    await waitFor(
      async () =>
        projector.evaluate((id) => {
          const pane = document.querySelector('[data-testid="present"]');
          const el = document.querySelector(`[data-section="${id}"]`);
          if (!pane || !el) return false;
          return Math.abs(el.getBoundingClientRect().top - pane.getBoundingClientRect().top) < 4;
        }, target.id),
      1000,
      'focused section scrolled into view',
    );
    await screenshot(projector, 'present-follows');

    // Lena follows: she is taken to the facilitator's section; she unfollows with one click and stays put.
    await lena.getByTestId('follow').click();
    await waitFor(() => lena.url().endsWith(`/sections/${target.id}`), 5000, 'follower taken to the facilitator’s section');
    await lena.getByTestId('unfollow').click();
    await lena.getByTestId('follow').waitFor();
    await lena.getByTestId(`sidebar-section-${lenaSection.key}`).click();
    await waitFor(() => lena.url().endsWith(`/sections/${lenaSection.id}`), 5000, 'Lena back in her section');
    await fac.getByTestId(`sidebar-section-${sectionAt(1).key}`).click();
    await waitFor(async () => (await focusOf(projector)) === sectionAt(1).id, 5000, 'projector on section 1');
    // Lena's page has received the move (her banner shows it) and she stayed where she was.
    await lena.locator(`[data-testid="meeting-banner"][data-focus-section="${sectionAt(1).id}"]`).waitFor({ timeout: 5000 });
    expect(lena.url()).toContain(`/sections/${lenaSection.id}`);

    // The facilitator scrolls a long section to its end: the projector shows that section's end too.
    await fac.getByTestId(`sidebar-section-${longSection.key}`).click();
    await waitFor(async () => (await focusOf(projector)) === longSection.id, 5000, 'projector on the long section');
    await editorOf(fac).filter({ hasText: 'Paragraph 39' }).waitFor({ timeout: 5000 });
    await fac.evaluate(() => {
      const main = document.getElementById('main');
      if (main) main.scrollTop = main.scrollHeight;
    });
    const projectorScroll = () =>
      projector.evaluate((id) => {
        const pane = document.querySelector<HTMLElement>('[data-testid="present"]');
        const el = document.querySelector<HTMLElement>(`[data-section="${id}"]`);
        return pane && el ? { focus: pane.dataset.focusSection, scrollTop: pane.scrollTop, clientHeight: pane.clientHeight, top: el.offsetTop, height: el.offsetHeight } : null;
      }, longSection.id);
    const facilitatorScroll = () =>
      fac.evaluate(() => {
        const main = document.getElementById('main');
        return main ? { scrollTop: main.scrollTop, scrollHeight: main.scrollHeight, clientHeight: main.clientHeight } : null;
      });
    await waitFor(
      async () =>
        projector.evaluate((id) => {
          const pane = document.querySelector<HTMLElement>('[data-testid="present"]');
          const el = document.querySelector(`[data-section="${id}"]`);
          if (!pane || !el) return false;
          const paneTop = pane.getBoundingClientRect().top;
          return el.getBoundingClientRect().top < paneTop - 100 && Math.abs(el.getBoundingClientRect().bottom - (paneTop + pane.clientHeight)) < 4;
        }, longSection.id),
      5000,
      'projector scrolled to the end of the long section',
    ).catch(async (err: unknown) => {
      // What each side had, to tell a lost report from a wrong position.
      console.log('HIS-E2 scroll state', JSON.stringify({ projector: await projectorScroll(), facilitator: await facilitatorScroll() }));
      throw err;
    });
    await screenshot(projector, 'present-scrolled');
    // A projector that (re)opens now starts at the same place, however late its sections fill in.
    await projector.reload();
    await waitFor(async () => (await focusOf(projector)) === longSection.id, 5000, 'reopened projector on the long section');
    await waitFor(
      async () =>
        projector.evaluate((id) => {
          const pane = document.querySelector<HTMLElement>('[data-testid="present"]');
          const el = document.querySelector(`[data-section="${id}"]`);
          if (!pane || !el || !el.textContent?.includes('Paragraph 39')) return false;
          const paneTop = pane.getBoundingClientRect().top;
          return Math.abs(el.getBoundingClientRect().bottom - (paneTop + pane.clientHeight)) < 4;
        }, longSection.id),
      5000,
      'reopened projector at the end of the long section',
    );

    // Lena writes during the meeting.
    await waitFor(async () => (await editorOf(lena).getAttribute('contenteditable')) === 'true', 10_000, 'Lena can write');
    await editorOf(lena).click();
    await lena.keyboard.insertText('A youth council meets every month in Luleå.');
    // The projector shows her text live.
    await projector.locator(`[data-section="${lenaSection.id}"]`, { hasText: 'youth council meets' }).waitFor({ timeout: 5000 });

    // Ending the meeting (with a confirmation) opens what changed during it, per section and per partner.
    await fac.getByTestId('end-meeting').click();
    await fac.getByTestId('end-meeting-confirm').getByRole('button', { name: 'Confirm' }).click();
    await fac.getByTestId('changes-page').waitFor({ timeout: 5000 });
    await fac.getByRole('heading', { name: 'Changes during NTT+ workshop' }).waitFor();
    const changed = fac.locator(`[data-testid="section-changes"][data-section="${lenaSection.id}"]`);
    const ins = changed.locator('ins', { hasText: 'youth council' });
    await ins.waitFor({ timeout: 5000 });
    expect(await ins.getAttribute('title')).toBe('Inserted by Lena Luleå · Luleå kommun (SE)');
    await fac.getByTestId('partner-summary').first().filter({ hasText: 'Luleå kommun' }).waitFor();
    await screenshot(fac, 'meeting-changes');

    // The banner goes for everyone.
    await lena.getByTestId('meeting-banner').waitFor({ state: 'detached', timeout: 5000 });
    expect(facErrors).toEqual([]);
    expect(lenaErrors).toEqual([]);
    expect(projErrors).toEqual([]);
    await facCtx.close();
    await lenaCtx.close();
    await projCtx.close();
  });
});
