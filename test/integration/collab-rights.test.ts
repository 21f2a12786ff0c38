import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeCode } from '../../shared/protocol';
import { startTestServer, type TestServer } from '../helpers/server';
import { buildWorld, type CollabWorld } from '../helpers/factories';
import { fragmentText, rawClient, stockClient, textUpdate, typeParagraph, updateFrame, waitFor, type StockClient } from '../helpers/yclient';

let server: TestServer;
let world: CollabWorld;
const clients: StockClient[] = [];
const track = (c: StockClient) => (clients.push(c), c);

beforeAll(async () => {
  server = await startTestServer();
  world = await buildWorld(server);
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.stop();
});

describe('collab: rights change live', () => {
  it('COL10: an owner change closes the old owner\'s socket with 4001; it reconnects read-only and a later edit gets 4403 (the latency is in `npm run bench -- --only rights`)', async () => {
    const section = world.sectionIds[0]!;
    // Give the section to the editor's partner: the editor writes.
    const assign = await world.coordinator.patch(`/api/sections/${section}`, { ownerPartnerId: world.partnerId });
    expect(assign.status).toBe(200);
    const editor = track(stockClient(server.url, section, world.editor));
    const watcher = track(stockClient(server.url, section, world.coordinator));
    await waitFor(() => editor.provider.synced && watcher.provider.synced);
    typeParagraph(editor, 'written while owner');
    await waitFor(() => fragmentText(watcher.doc).includes('written while owner'));

    const leadPartnerId = world.proposal.partners.find((p) => p.id !== world.partnerId)!.id;
    const back = await world.coordinator.patch(`/api/sections/${section}`, { ownerPartnerId: leadPartnerId });
    expect(back.status).toBe(200);
    await waitFor(() => editor.closes.some((c) => c.code === closeCode.rightsChanged), 10_000, '4001 after the owner change');
    // The stock client reconnects (4001 is not final) and syncs read-only.
    await waitFor(() => editor.provider.synced, 5000, 'reconnected');
    typeParagraph(editor, 'written after losing ownership');
    await waitFor(() => editor.closes.some((c) => c.code === closeCode.editRefused), 5000, '4403 after downgrade');
    expect(fragmentText(watcher.doc)).not.toContain('after losing ownership');
  });

  it('COL10: removing a member closes their sockets with 4404', async () => {
    const section = world.sectionIds[1]!;
    const raw = await rawClient(server.url, section, world.reviewer.cookie);
    const del = await world.coordinator.delete(`/api/members/${world.proposal.id}/${world.reviewer.user.id}`);
    expect([200, 204]).toContain(del.status);
    await waitFor(() => raw.closed !== null, 10_000, 'closed after the removal');
    expect(raw.closed?.code).toBe(closeCode.notFound);
  });

  it('COL10: logout closes that session\'s sockets with 4401', async () => {
    const section = world.sectionIds[2]!;
    const raw = await rawClient(server.url, section, world.editor.cookie);
    const out = await world.editor.post('/api/auth/logout');
    expect(out.status).toBe(204);
    await waitFor(() => raw.closed !== null, 10_000, 'closed after the logout');
    expect(raw.closed?.code).toBe(closeCode.sessionEnded);
    raw.send(updateFrame(textUpdate('late')));
  });
});
