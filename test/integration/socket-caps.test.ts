import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limits } from '../../shared/limits';
import { startTestServer, type TestServer } from '../helpers/server';
import { createProposal, signUp, type UserClient } from '../helpers/factories';
import { rawClient, rawUpgrade, waitFor, type RawClient } from '../helpers/yclient';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

/** A new user with a proposal of their own, and its section ids. */
async function userWithSections(on: TestServer): Promise<{ user: UserClient; sectionIds: string[] }> {
  const user = await signUp(on);
  const proposal = await createProposal(user);
  return { user, sectionIds: proposal.sections.map((s) => s.id) };
}

/** Opens a socket, or gives the refused upgrade's status. */
async function open(on: TestServer, sectionId: string, cookie: string | undefined): Promise<RawClient | number> {
  try {
    return await rawClient(on.url, sectionId, cookie);
  } catch (err) {
    const status = /upgrade refused: (\d+)/.exec(String(err))?.[1];
    if (!status) throw err;
    return Number(status);
  }
}

const upgradeHeaders = (on: TestServer, cookie: string | undefined) => ({ Origin: on.url, Cookie: cookie });

describe('SEC12 per-user socket cap', () => {
  it('SEC12 a user holds exactly maxSocketsPerUser sockets; the next upgrade gets 429 too_many_sockets; closing one lets one more in', async () => {
    const { user, sectionIds } = await userWithSections(server);
    const held: RawClient[] = [];
    try {
      // Across the user's sections, as tabs would be.
      for (let i = 0; i < limits.maxSocketsPerUser; i++) {
        const s = await open(server, sectionIds[i % sectionIds.length]!, user.cookie);
        if (typeof s === 'number') throw new Error(`socket ${i + 1} refused with ${s}`);
        held.push(s);
      }
      const refused = await rawUpgrade(server.url, `/collab/${sectionIds[0]}`, upgradeHeaders(server, user.cookie));
      expect(refused.status).toBe(429);
      expect(JSON.parse(refused.after.toString())).toEqual({ error: { code: 'too_many_sockets', params: {} } });
      // Another user is not affected.
      const other = await userWithSections(server);
      const theirs = await open(server, other.sectionIds[0]!, other.user.cookie);
      expect(typeof theirs).not.toBe('number');
      if (typeof theirs !== 'number') theirs.close();
      // Closing one frees exactly one place.
      held.pop()!.close();
      await waitFor(() => server.ctx.collab.caps.countOf(user.user.id) === limits.maxSocketsPerUser - 1, 5000, 'the closed socket freed');
      const again = await open(server, sectionIds[0]!, user.cookie);
      expect(typeof again).not.toBe('number');
      if (typeof again !== 'number') held.push(again);
      expect(await open(server, sectionIds[0]!, user.cookie)).toBe(429);
    } finally {
      for (const s of held) s.close();
    }
  });

  it('SEC12 upgrades sent all at once count while their admission is in flight: exactly maxSocketsPerUser of them open', async () => {
    const { user, sectionIds } = await userWithSections(server);
    const burst = limits.maxSocketsPerUser + 36;
    const results = await Promise.all(Array.from({ length: burst }, (_, i) => open(server, sectionIds[i % sectionIds.length]!, user.cookie)));
    const opened = results.filter((r): r is RawClient => typeof r !== 'number');
    try {
      expect(opened.length).toBe(limits.maxSocketsPerUser);
      expect(results.filter((r) => r === 429).length).toBe(burst - limits.maxSocketsPerUser);
    } finally {
      for (const s of opened) s.close();
    }
    await waitFor(() => server.ctx.collab.caps.countOf(user.user.id) === 0, 5000, 'every slot freed');
  });
});

describe('SEC12 per-instance connection cap', () => {
  it('SEC12 with MAX_CONNECTIONS=3 exactly three sockets open; the next upgrade gets 503 server_full before any socket exists; closing one lets one more in', async () => {
    const small = await startTestServer({ MAX_CONNECTIONS: '3' });
    const held: RawClient[] = [];
    try {
      const users = await Promise.all([userWithSections(small), userWithSections(small)]);
      for (let i = 0; i < 3; i++) {
        const { user, sectionIds } = users[i % 2]!;
        const s = await open(small, sectionIds[0]!, user.cookie);
        if (typeof s === 'number') throw new Error(`socket ${i + 1} refused with ${s}`);
        held.push(s);
      }
      const sockets = small.ctx.collab.stats().sockets;
      const refused = await rawUpgrade(small.url, `/collab/${users[1]!.sectionIds[0]}`, upgradeHeaders(small, users[1]!.user.cookie));
      expect(refused.status).toBe(503);
      expect(JSON.parse(refused.after.toString())).toEqual({ error: { code: 'server_full', params: {} } });
      expect(refused.closedByServer).toBe(true);
      expect(small.ctx.collab.stats().sockets).toBe(sockets);
      // Even without a session: the cap is checked before any query.
      expect((await rawUpgrade(small.url, `/collab/${users[1]!.sectionIds[0]}`, { Origin: small.url })).status).toBe(503);
      held.pop()!.close();
      await waitFor(() => small.ctx.collab.caps.count === 2, 5000, 'the closed socket freed');
      const again = await open(small, users[0]!.sectionIds[0]!, users[0]!.user.cookie);
      expect(typeof again).not.toBe('number');
      if (typeof again !== 'number') held.push(again);
      expect(await open(small, users[0]!.sectionIds[0]!, users[0]!.user.cookie)).toBe(503);
    } finally {
      for (const s of held) s.close();
      await small.stop();
    }
  });

  it('SEC12 refused and aborted upgrades free their place: after a burst of bad upgrades the count is back to zero', async () => {
    const { user, sectionIds } = await userWithSections(server);
    await waitFor(() => server.ctx.collab.caps.count === 0, 5000, 'no sockets left from earlier tests');
    await Promise.all([
      rawUpgrade(server.url, `/collab/${sectionIds[0]}`, { Origin: 'https://evil.example' }),
      rawUpgrade(server.url, `/collab/${sectionIds[0]}`, { Origin: server.url }),
      rawUpgrade(server.url, '/collab/not-a-uuid', upgradeHeaders(server, user.cookie)),
      // A handshake ws itself aborts (bad version) after admission.
      rawUpgrade(server.url, `/collab/${sectionIds[0]}`, { ...upgradeHeaders(server, user.cookie), 'Sec-WebSocket-Version': '8' }),
    ]);
    await waitFor(() => server.ctx.collab.caps.count === 0, 5000, 'every refused upgrade freed its place');
    expect(server.ctx.collab.caps.countOf(user.user.id)).toBe(0);
  });
});
