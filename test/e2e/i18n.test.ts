// @module-tag needs-chromium
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { userResponseSchema } from '../../shared/schemas';
import { createProposal, signUp } from '../helpers/factories';
import { startTestServer, type TestServer } from '../helpers/server';
import { launchChromium, screenshot, sectionUrl, signedInContext } from './browser';

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

describe('interface language', () => {
  it('I18N4: switching to Italian shows the Italian interface, also after a reload, and is stored on the user', async () => {
    const user = await signUp(server, { name: 'Giulia Rossi' });
    const proposal = await createProposal(user, { title: 'Gemellaggio 2026', deadline: '2026-03-05' });
    const ctx = await signedInContext(browser, server.url, user);
    const page = await ctx.newPage();
    await page.goto('/proposals');
    await page.getByRole('heading', { level: 1, name: 'Your proposals' }).waitFor();

    await page.getByTestId('language-picker').selectOption('it');
    await page.getByRole('heading', { level: 1, name: 'Le tue proposte' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Le tue proposte' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('it');
    // Dates follow the locale.
    await page.getByText('Scadenza: 5 marzo 2026').waitFor();
    await page.getByRole('button', { name: 'Esci' }).waitFor();

    // The workspace, too: toolbar labels and the connection pill.
    const section = proposal.sections[0];
    if (!section) throw new Error('no section');
    await page.goto(sectionUrl(proposal.id, section.id));
    await page.getByRole('button', { name: 'Grassetto' }).waitFor();
    await page.locator('[data-testid="connection-pill"]', { hasText: 'Online' }).waitFor();
    await page.getByRole('heading', { name: 'Indicazioni' }).waitFor();
    await screenshot(page, 'workspace-it');

    const me = await user.get('/api/me');
    expect(userResponseSchema.parse(me.body).user.locale).toBe('it');
    await ctx.close();
  });
});
