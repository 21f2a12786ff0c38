import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSnapshot, legacySnapshotLabel, type SnapshotKind } from '../../server/db/snapshots';
import { limits } from '../../shared/limits';
import { auditPageSchema } from '../../shared/schemas/domain';
import { snapshotListSchema } from '../../shared/schemas/review';
import { buildWorld, type CollabWorld } from '../helpers/factories';
import { startTestServer, type TestServer } from '../helpers/server';
import { openEventStream } from '../helpers/event-stream';
import { waitFor } from '../helpers/yclient';

/**
 * SEC29: the coordinator deletes manual snapshots, so a proposal at the SEC16
 * limit of manual snapshots can take new ones. Automatic snapshots stay.
 */

let server: TestServer;
let world: CollabWorld;

beforeAll(async () => {
  server = await startTestServer();
  world = await buildWorld(server);
});
afterAll(async () => {
  await server.stop();
});

const seed = (kind: SnapshotKind, name: string) =>
  insertSnapshot(server.ctx.db, { proposalId: world.proposal.id, label: legacySnapshotLabel(kind, name), kind, sectionId: null, createdBy: world.coordinator.user.id, states: [] });

const snapshotIds = async () =>
  snapshotListSchema.parse((await world.coordinator.get(`/api/proposals/${world.proposal.id}/snapshots`)).body).snapshots.map((s) => s.id);

describe('SEC29 deleting a manual snapshot', () => {
  it(`SEC29 at the limit of ${limits.maxSnapshotsPerProposal} manual snapshots, deleting one lets exactly one more be taken`, async () => {
    const ids: string[] = [];
    for (let i = 0; i < limits.maxSnapshotsPerProposal; i++) ids.push(await seed('manual', `Manual ${i}`));
    const refused = await world.coordinator.post(`/api/proposals/${world.proposal.id}/snapshots`, { name: 'One too many' });
    expect(refused.status).toBe(413);

    const gone = await world.coordinator.delete(`/api/snapshots/${ids[0]}`);
    expect(gone.status, JSON.stringify(gone.body)).toBe(204);
    expect(await snapshotIds()).not.toContain(ids[0]);

    const taken = await world.coordinator.post(`/api/proposals/${world.proposal.id}/snapshots`, { name: 'Fits again' });
    expect(taken.status, JSON.stringify(taken.body)).toBe(201);
    const again = await world.coordinator.post(`/api/proposals/${world.proposal.id}/snapshots`, { name: 'Past it again' });
    expect(again.status).toBe(413);
    expect(again.body).toMatchObject({ error: { code: 'snapshot_limit', params: { limit: limits.maxSnapshotsPerProposal } } });

    const audit = auditPageSchema.parse((await world.coordinator.get(`/api/proposals/${world.proposal.id}/audit`)).body);
    const deleted = audit.events.find((e) => e.action === 'snapshot.deleted');
    expect(deleted?.data).toMatchObject({ snapshotId: ids[0], name: 'Manual 0', kind: 'manual' });
  });

  it('SEC29 other members learn at once: taking and deleting a manual snapshot reach an open event stream as activity entries', async () => {
    const stream = await openEventStream(server.url, world.reviewer.cookie, world.proposal.id);
    try {
      expect(stream.status).toBe(200);
      await waitFor(() => stream.events.length > 0, 5000, 'the stream started');
      const actions = () => stream.events.flatMap((e) => (e.type === 'activity' ? [e.event.action] : []));
      // Whatever the tests before left (up to the limit), one manual snapshot goes, so one can be taken.
      const listed = snapshotListSchema.parse((await world.coordinator.get(`/api/proposals/${world.proposal.id}/snapshots`)).body).snapshots;
      const id = listed.find((s) => s.kind === 'manual')?.id ?? (await seed('manual', 'Seeded for the stream'));
      expect((await world.coordinator.delete(`/api/snapshots/${id}`)).status).toBe(204);
      await waitFor(() => actions().includes('snapshot.deleted'), 5000, 'snapshot.deleted reached the stream');
      const taken = await world.coordinator.post(`/api/proposals/${world.proposal.id}/snapshots`, { name: 'Seen by the stream' });
      expect(taken.status, JSON.stringify(taken.body)).toBe(201);
      await waitFor(() => actions().includes('snapshot.created'), 5000, 'snapshot.created reached the stream');
      expect(actions().filter((a) => a.startsWith('snapshot.'))).toEqual(['snapshot.deleted', 'snapshot.created']);
    } finally {
      stream.close();
    }
  });

  it.each(['approval', 'submission', 'meeting', 'before_restore'] as const)('SEC29 an automatic snapshot (%s) is refused with 409 snapshot_not_manual and kept', async (kind) => {
    const id = await seed(kind, `Automatic ${kind}`);
    const res = await world.coordinator.delete(`/api/snapshots/${id}`);
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: { code: 'snapshot_not_manual', params: { kind } } });
    expect(await snapshotIds()).toContain(id);
  });

  it('SEC29 an editor and a reviewer get 403 and the snapshot stays', async () => {
    const id = await seed('manual', 'Kept');
    for (const client of [world.editor, world.reviewer]) {
      const res = await client.delete(`/api/snapshots/${id}`);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error: { code: 'forbidden' } });
    }
    expect(await snapshotIds()).toContain(id);
  });

  it('SEC29 a non-member gets 404 as for an unknown snapshot, and the snapshot stays', async () => {
    const id = await seed('manual', 'Private');
    const res = await world.outsider.delete(`/api/snapshots/${id}`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'not_found' } });
    const unknown = await world.coordinator.delete('/api/snapshots/00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(await snapshotIds()).toContain(id);
  });
});
