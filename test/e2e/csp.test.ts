// @module-tag needs-chromium
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Workshop } from '../helpers/factories';
import type { TestServer } from '../helpers/server';
import { editorOf, sectionUrl, seenCspViolations, signedInContext, takeCspViolations, workshopInChromium } from './browser';

let server: TestServer;
let browser: Browser;
let w: Workshop;
workshopInChromium((suite) => ({ server, browser, w } = suite));

/**
 * SEC24 in Chromium: the workspace runs under the CSP with no violation (every e2e file
 * checks that after each test, through test/e2e/browser.ts), and the collector that
 * checks it does see a violation when there is one: here, provoked on purpose.
 */
describe('SEC24 the CSP in the browser', () => {
  it('SEC24 the workspace loads, connects its socket and edits under the CSP with no violation', async () => {
    const section = w.proposal.sections.find((s) => s.ownerPartnerId === w.partners.bologna.id)!;
    const ctx = await signedInContext(browser, server.url, w.editors.bologna);
    const page = await ctx.newPage();
    const res = await page.goto(sectionUrl(w.proposal.id, section.id));
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await editorOf(page).waitFor();
    await page.getByTestId('connection-pill').and(page.locator('[data-state="online"]')).waitFor();
    await editorOf(page).click();
    await page.keyboard.type('Under the policy.');
    await editorOf(page).filter({ hasText: 'Under the policy.' }).waitFor();
    expect(takeCspViolations()).toEqual([]);
    await ctx.close();
  });

  it('SEC24 an inline script, an inline style element and a foreign connection are blocked and reported to the collector', async () => {
    const ctx = await signedInContext(browser, server.url, w.coordinator);
    const page = await ctx.newPage();
    await page.goto('/');
    await page.locator('#root *').first().waitFor();
    const outcome = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true;';
      document.body.append(script);
      const style = document.createElement('style');
      style.textContent = 'body { outline: 3px solid red; }';
      document.head.append(style);
      let fetched = true;
      try {
        await fetch('http://192.0.2.1:9/');
      } catch {
        fetched = false;
      }
      await new Promise((r) => setTimeout(r, 200));
      return { ran: (window as unknown as { __inlineRan?: boolean }).__inlineRan === true, outline: getComputedStyle(document.body).outlineStyle, fetched };
    });
    expect(outcome).toEqual({ ran: false, outline: 'none', fetched: false });
    await expect.poll(() => seenCspViolations().join('\n'), { timeout: 5000 }).toMatch(/connect-src/);
    const seen = takeCspViolations().join('\n');
    expect(seen).toMatch(/script-src/);
    expect(seen).toMatch(/style-src/);
    expect(seen).toMatch(/connect-src/);
    await ctx.close();
  });
});

