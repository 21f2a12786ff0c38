import * as Y from 'yjs';
import type { JSONContent } from '@tiptap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limits } from '../../shared/limits';
import { restoreResponseSchema } from '../../shared/schemas/history';
import { snapshotListSchema, snapshotResponseSchema } from '../../shared/schemas/review';
import { parseConfig } from '../../server/config';
import { appendDocUpdates, loadStoredDoc } from '../../server/db/doc-updates';
import { sectionChars } from '../../shared/document/text-blocks';
import { insertSnapshot } from '../../server/db/snapshots';
import { startServer, type RunningServer } from '../../server/server';
import { openTestDatabase, type TestDatabase } from '../helpers/db';
import { createProposal, signUp, type UserClient } from '../helpers/factories';
import type { ApiClient } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { rawClient, waitFor } from '../helpers/yclient';
import { bold, bullets, heading, italic, para, text, writeTiptap } from '../unit/export-content';

/**
 * SEC15: heavy work (snapshots, exports, diffs, preflight) runs off the main
 * event loop. While one heavy request on a proposal of about 3 MB is in
 * flight, small requests sent one after another all complete before it
 * answers: an ordering, not a time. On a server that merges and renders on its
 * own loop, the small requests wait behind that work and the big answer wins.
 */

let server: TestServer;
let coordinator: UserClient;
let proposalId: string;

const words = 'young people towns partners citizens meeting Bologna Luleå Coruña Helsinki democracy participation employment energy inclusion network'.split(' ');
const sentence = (seed: number, length: number) => {
  let s = '';
  for (let i = 0; s.length < length; i++) s += (s ? ' ' : '') + words[(seed * 7 + i * 3) % words.length];
  return s;
};

/** About 1.5 MB of stored Yjs: 2,500 paragraphs of marked runs, headings and lists, as a long real section would hold. */
export function bigSectionUpdate(): Uint8Array {
  const content: JSONContent[] = [];
  for (let p = 0; p < 2500; p++) {
    if (p % 50 === 0) content.push(heading(2, `Work package ${p / 50}`));
    const runs: JSONContent[] = [];
    for (let r = 0; r < 6; r++) runs.push(text(`${sentence(p + r, 60)} `, ...(r % 3 === 1 ? [bold] : r % 3 === 2 ? [italic] : [])));
    content.push(p % 10 === 9 ? bullets(sentence(p, 120), sentence(p + 1, 120)) : para(...runs));
  }
  const doc = new Y.Doc();
  try {
    writeTiptap(doc, content);
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

/**
 * Sends `count` GET /healthz one after another while `heavy` is in flight, and
 * says for each whether it completed before `heavy` answered.
 */
async function smallRequestsDuring<T>(heavy: Promise<T>, count: number): Promise<{ before: boolean[]; result: T }> {
  let answered = false;
  const settled = heavy.finally(() => (answered = true));
  const before: boolean[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    before.push(!answered);
  }
  return { before, result: await settled };
}

const heavySections = 2;
let bigSectionId: string;

let bigUpdate: Uint8Array;
/** Another document of the same kind (other client ids): with the first, a section of about 3 MB. */
let secondBigUpdate: Uint8Array;

beforeAll(async () => {
  // Built before any connection is open: it holds this process's loop for seconds, and a keep-alive socket the server closed meanwhile would reset the next request.
  const update = bigSectionUpdate();
  bigUpdate = update;
  secondBigUpdate = bigSectionUpdate();
  server = await startTestServer();
  coordinator = await signUp(server);
  const proposal = await createProposal(coordinator);
  proposalId = proposal.id;
  bigSectionId = proposal.sections.find((s) => s.position === 0)!.id;
  const sections = [...proposal.sections].sort((a, b) => a.position - b.position).slice(0, heavySections);
  for (const s of sections) await appendDocUpdates(server.ctx.db, [{ docId: s.id, update, userId: coordinator.user.id }]);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe('SEC15: heavy work runs off the main event loop', () => {
  it('SEC15 a snapshot of a 3 MB proposal: ten /healthz sent one after another while it runs all complete before it answers', async () => {
    const heavy = coordinator.post(`/api/proposals/${proposalId}/snapshots`, { name: 'Big one' });
    const { before, result } = await smallRequestsDuring(heavy, 10);
    expect(result.status, JSON.stringify(result.body)).toBe(201);
    expect(snapshotResponseSchema.parse(result.body).snapshot.sections).toBeGreaterThanOrEqual(heavySections);
    expect(before).toEqual(new Array(10).fill(true));
  });

  it.each(['md', 'html', 'docx'] as const)('SEC15 an export (%s) of a 3 MB proposal: ten /healthz sent one after another while it runs all complete before it answers', async (format) => {
    const heavy = coordinator.get(`/api/proposals/${proposalId}/export?format=${format}`);
    const { before, result } = await smallRequestsDuring(heavy, 10);
    expect(result.status).toBe(200);
    expect(before).toEqual(new Array(10).fill(true));
  });

  it('SEC15 "what changed since" in a 1.5 MB section: ten /healthz sent one after another while it runs all complete before it answers', async () => {
    const taken = await coordinator.post(`/api/proposals/${proposalId}/snapshots`, { name: 'Since' });
    expect(taken.status).toBe(201);
    const since = snapshotResponseSchema.parse(taken.body).snapshot.id;
    const heavy = coordinator.get(`/api/sections/${bigSectionId}/changes?since=${since}`);
    const { before, result } = await smallRequestsDuring(heavy, 10);
    expect(result.status).toBe(200);
    expect(before).toEqual(new Array(10).fill(true));
  });
});

/** A proposal of its own with a few short sections written, for the limit tests. */
async function smallProposal(client: UserClient): Promise<{ id: string; sectionIds: string[] }> {
  const proposal = await createProposal(client);
  const sectionIds = [...proposal.sections].sort((a, b) => a.position - b.position).map((s) => s.id);
  const doc = new Y.Doc();
  writeTiptap(doc, [para(text('A short paragraph of the work plan.'))]);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  for (const id of sectionIds.slice(0, 3)) await appendDocUpdates(server.ctx.db, [{ docId: id, update, userId: client.user.id }]);
  return { id: proposal.id, sectionIds };
}

const manualCount = async (client: ApiClient, proposal: string) =>
  snapshotListSchema.parse((await client.get(`/api/proposals/${proposal}/snapshots`)).body).snapshots.filter((s) => s.kind === 'manual').length;

/** Bytes a snapshot stores (its section states). */
async function snapshotBytes(snapshotId: string): Promise<number> {
  const [row] = await server.ctx.db.query<{ bytes: number }>(`select coalesce(sum(octet_length(state)), 0)::int8 as bytes from snapshot_sections where snapshot_id = $1`, [snapshotId]);
  return Number(row?.bytes ?? 0);
}

describe('SEC16: snapshot limits per proposal', () => {
  it(`SEC16 the ${limits.maxSnapshotsPerProposal}th manual snapshot is taken; the next is refused with 413 snapshot_limit; meeting snapshots do not count and are never refused`, async () => {
    const p = await smallProposal(coordinator);
    for (let i = 0; i < limits.maxSnapshotsPerProposal - 1; i++) {
      await insertSnapshot(server.ctx.db, { proposalId: p.id, label: { kind: 'manual', params: { name: `Earlier ${i}` } }, kind: 'manual', sectionId: null, createdBy: coordinator.user.id, states: [] });
    }
    const atLimit = await coordinator.post(`/api/proposals/${p.id}/snapshots`, { name: 'The last one allowed' });
    expect(atLimit.status, JSON.stringify(atLimit.body)).toBe(201);
    expect(await manualCount(coordinator, p.id)).toBe(limits.maxSnapshotsPerProposal);

    const past = await coordinator.post(`/api/proposals/${p.id}/snapshots`, { name: 'One too many' });
    expect(past.status).toBe(413);
    expect(past.body).toEqual({ error: { code: 'snapshot_limit', params: { limit: limits.maxSnapshotsPerProposal } } });
    expect(await manualCount(coordinator, p.id)).toBe(limits.maxSnapshotsPerProposal);

    // Automatic snapshots: a meeting's start and end still work at the limit, and the manual count is unchanged.
    const meeting = await coordinator.post(`/api/proposals/${p.id}/meetings`, { name: 'Kick-off', city: 'Luleå', date: '2026-12-03' });
    expect(meeting.status, JSON.stringify(meeting.body)).toBe(201);
    const meetingId = (meeting.body as { meeting: { id: string } }).meeting.id;
    expect((await coordinator.post(`/api/meetings/${meetingId}/end`)).status).toBe(200);
    const all = snapshotListSchema.parse((await coordinator.get(`/api/proposals/${p.id}/snapshots`)).body).snapshots;
    expect(all.filter((s) => s.kind === 'meeting')).toHaveLength(2);
    expect(all.filter((s) => s.kind === 'manual')).toHaveLength(limits.maxSnapshotsPerProposal);
  });

  it(`SEC16 manual snapshots may store exactly ${limits.maxSnapshotBytesPerProposal} bytes in all; one that would pass it is refused with 413 snapshot_size_limit`, async () => {
    const p = await smallProposal(coordinator);
    const first = await coordinator.post(`/api/proposals/${p.id}/snapshots`, { name: 'Measure' });
    expect(first.status).toBe(201);
    const size = await snapshotBytes(snapshotResponseSchema.parse(first.body).snapshot.id);
    expect(size).toBeGreaterThan(0);
    // Filler states, made by the database itself (a repeated byte: stored compressed, counted at its full length),
    // bring the total to the limit less one more snapshot of the same size.
    let fill = limits.maxSnapshotBytesPerProposal - 2 * size;
    const chunk = 8 * 1024 * 1024;
    for (let i = 0; fill > 0; i++) {
      const n = Math.min(chunk, fill);
      const id = await insertSnapshot(server.ctx.db, { proposalId: p.id, label: { kind: 'manual', params: { name: `Filler ${i}` } }, kind: 'manual', sectionId: null, createdBy: coordinator.user.id, states: [] });
      await server.ctx.db.query(`insert into snapshot_sections (snapshot_id, section_id, state, chars) values ($1, $2, convert_to(repeat('a', $3::int), 'UTF8'), 0)`, [
        id,
        p.sectionIds[i % p.sectionIds.length]!,
        n,
      ]);
      fill -= n;
    }
    const atLimit = await coordinator.post(`/api/proposals/${p.id}/snapshots`, { name: 'Exactly at the limit' });
    expect(atLimit.status, JSON.stringify(atLimit.body)).toBe(201);
    const past = await coordinator.post(`/api/proposals/${p.id}/snapshots`, { name: 'One byte past' });
    expect(past.status).toBe(413);
    expect(past.body).toEqual({
      error: { code: 'snapshot_size_limit', params: { limit: limits.maxSnapshotBytesPerProposal, used: limits.maxSnapshotBytesPerProposal, size } },
    });
  });
});

describe('SEC16: restore backups are pruned, never refused', () => {
  /** The section's restore backups, newest first. */
  const backups = async (proposal: string, section: string) =>
    snapshotListSchema
      .parse((await coordinator.get(`/api/proposals/${proposal}/snapshots`)).body)
      .snapshots.filter((s) => s.kind === 'before_restore' && s.sectionId === section)
      .map((s) => s.id);

  it.each([
    ['at the limit', limits.maxRestoreBackupsPerSection - 1, 0],
    ['one past it', limits.maxRestoreBackupsPerSection, 1],
  ] as const)(`SEC16 a restore with %s of ${limits.maxRestoreBackupsPerSection} backups keeps the newest ${limits.maxRestoreBackupsPerSection}, its own included`, async (_case, earlier, pruned) => {
    const p = await smallProposal(coordinator);
    const section = p.sectionIds[0]!;
    const taken = await coordinator.post(`/api/proposals/${p.id}/snapshots`, { name: 'Restore point' });
    expect(taken.status).toBe(201);
    const seeded: string[] = [];
    for (let i = 0; i < earlier; i++) {
      const id = await insertSnapshot(server.ctx.db, { proposalId: p.id, label: { kind: 'before_restore', params: {}, restored: { kind: 'manual', params: { name: 'Restore point' } } }, kind: 'before_restore', sectionId: section, createdBy: coordinator.user.id, states: [] });
      // A second apart, oldest first: inserts in one millisecond would tie, and ties go by id.
      await server.ctx.db.query(`update snapshots set created_at = now() - make_interval(secs => $2) where id = $1`, [id, earlier - i]);
      seeded.push(id);
    }
    const restored = await coordinator.post(`/api/sections/${section}/restore`, { snapshotId: snapshotResponseSchema.parse(taken.body).snapshot.id });
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    const own = restoreResponseSchema.parse(restored.body).backupSnapshotId;
    const kept = await backups(p.id, section);
    expect(kept).toHaveLength(earlier + 1 - pruned);
    expect(kept).toContain(own);
    expect(kept.filter((id) => seeded.includes(id)).sort()).toEqual(seeded.slice(pruned).sort());
  });
});

describe('SEC16: heavy requests at once per instance', () => {
  it(`SEC16 ${limits.maxExportsAtOnce} exports run at once and both answer 200; one more while they run gets 429 export_busy with Retry-After`, async () => {
    const running = Array.from({ length: limits.maxExportsAtOnce }, () => coordinator.get(`/api/proposals/${proposalId}/export?format=md`));
    await waitFor(() => server.ctx.work.inFlight('export') === limits.maxExportsAtOnce, 20_000, 'both exports running');
    const past = await coordinator.get(`/api/proposals/${proposalId}/export?format=md`);
    expect(past.status).toBe(429);
    expect(past.headers.get('retry-after')).toBe(String(limits.busyRetryAfterSeconds));
    expect(past.body).toEqual({ error: { code: 'export_busy', params: { limit: limits.maxExportsAtOnce } } });
    for (const res of await Promise.all(running)) expect(res.status).toBe(200);
    expect(server.ctx.work.inFlight('export')).toBe(0);
    expect((await coordinator.get(`/api/proposals/${proposalId}/export?format=html`)).status).toBe(200);
  });

  it(`SEC16 ${limits.maxSnapshotJobsAtOnce} manual snapshots run at once and both answer 201; one more while they run gets 429 snapshot_busy with Retry-After`, async () => {
    const running = Array.from({ length: limits.maxSnapshotJobsAtOnce }, (_, i) => coordinator.post(`/api/proposals/${proposalId}/snapshots`, { name: `At once ${i}` }));
    await waitFor(() => server.ctx.work.inFlight('snapshot') === limits.maxSnapshotJobsAtOnce, 20_000, 'both snapshots running');
    const past = await coordinator.post(`/api/proposals/${proposalId}/snapshots`, { name: 'One too many at once' });
    expect(past.status).toBe(429);
    expect(past.headers.get('retry-after')).toBe(String(limits.busyRetryAfterSeconds));
    expect(past.body).toEqual({ error: { code: 'snapshot_busy', params: { limit: limits.maxSnapshotJobsAtOnce } } });
    for (const res of await Promise.all(running)) expect(res.status).toBe(201);
  });

  it('SEC15 a job that throws (an undecodable stored update) answers 500 for that request only; the pool goes on serving', async () => {
    const broken = await smallProposal(coordinator);
    const healthy = await smallProposal(coordinator);
    await appendDocUpdates(server.ctx.db, [{ docId: broken.sectionIds[0]!, update: new Uint8Array([1, 200, 1, 2, 3]), userId: coordinator.user.id }]);
    const [bad, good] = await Promise.all([
      coordinator.get(`/api/proposals/${broken.id}/export?format=md`),
      coordinator.get(`/api/proposals/${healthy.id}/export?format=md`),
    ]);
    expect(bad.status).toBe(500);
    expect(good.status).toBe(200);
    expect((await coordinator.post(`/api/proposals/${healthy.id}/snapshots`, { name: 'After the failure' })).status).toBe(201);
    expect(server.ctx.work.inFlight('export')).toBe(0);
  });
});

describe('SEC15: a worker that dies', () => {
  let database: TestDatabase;
  let small: RunningServer;

  beforeAll(async () => {
    database = await openTestDatabase();
    // Workers with a heap that loads the renderers but is far too small for a 1.5 MB section: its export kills the worker mid-job.
    small = await startServer(parseConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', STATIC_DIR: './dist' }), { db: database.db, work: { maxHeapMb: 16 } });
  });
  afterAll(async () => {
    await small?.close();
    await database?.dispose();
  });

  it('SEC15 a worker killed by its heap limit answers 500 for that export only; a new worker serves the next export', async () => {
    const client = await signUp(small);
    const big = await createProposal(client);
    await appendDocUpdates(small.ctx.db, [{ docId: big.sections[0]!.id, update: bigUpdate, userId: client.user.id }]);
    const tiny = await createProposal(client);
    const crashed = await client.get(`/api/proposals/${big.id}/export?format=docx`);
    expect(crashed.status).toBe(500);
    expect(small.ctx.work.inFlight('export')).toBe(0);
    const next = await client.get(`/api/proposals/${tiny.id}/export?format=md`);
    expect(next.status).toBe(200);
  });
});

describe('SEC15: snapshots taken by approval, restore and submission merge on the pool before their transaction', () => {
  /** A proposal of its own whose first section holds the 1.5 MB section twice over (two different documents: about 3 MB of stored Yjs). */
  async function bigSection(client: UserClient): Promise<{ proposalId: string; sectionId: string }> {
    const proposal = await createProposal(client);
    const sectionId = [...proposal.sections].sort((a, b) => a.position - b.position)[0]!.id;
    await appendDocUpdates(server.ctx.db, [
      { docId: sectionId, update: bigUpdate, userId: client.user.id },
      { docId: sectionId, update: secondBigUpdate, userId: client.user.id },
    ]);
    return { proposalId: proposal.id, sectionId };
  }

  it('SEC15 the approval of a 3 MB section: ten /healthz sent one after another while it runs all complete before it answers; the snapshot is the stored state', async () => {
    const { sectionId } = await bigSection(coordinator);
    for (const status of ['drafting', 'ready_for_review', 'in_review'] as const) {
      expect((await coordinator.patch(`/api/sections/${sectionId}`, { status })).status).toBe(200);
    }
    const heavy = coordinator.patch(`/api/sections/${sectionId}`, { status: 'approved', justification: 'Approved short for the test (VRD9)' });
    const { before, result } = await smallRequestsDuring(heavy, 10);
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(before).toEqual(new Array(10).fill(true));
    const [row] = await server.ctx.db.query<{ state: Uint8Array; chars: number }>(
      `select ss.state, ss.chars from snapshots s join snapshot_sections ss on ss.snapshot_id = s.id where s.section_id = $1 and s.kind = 'approval'`,
      [sectionId],
    );
    const stored = await loadStoredDoc(server.ctx.db, sectionId);
    try {
      expect(row?.chars).toBe(sectionChars(stored));
      expect(Buffer.from(row!.state).equals(Buffer.from(Y.encodeStateAsUpdate(stored)))).toBe(true);
    } finally {
      stored.destroy();
    }
  });

  it('SEC15 the restore of a 3 MB section (its room loaded): ten /healthz sent one after another while it runs all complete before it answers; the backup is exactly the text replaced', async () => {
    const proposal = await createProposal(coordinator);
    const sectionId = [...proposal.sections].sort((a, b) => a.position - b.position)[0]!.id;
    const small = new Y.Doc();
    writeTiptap(small, [para(text('The short text to go back to.'))]);
    await appendDocUpdates(server.ctx.db, [{ docId: sectionId, update: Y.encodeStateAsUpdate(small), userId: coordinator.user.id }]);
    small.destroy();
    const taken = await coordinator.post(`/api/proposals/${proposal.id}/snapshots`, { name: 'Short' });
    expect(taken.status).toBe(201);
    await appendDocUpdates(server.ctx.db, [
      { docId: sectionId, update: bigUpdate, userId: coordinator.user.id },
      { docId: sectionId, update: secondBigUpdate, userId: coordinator.user.id },
    ]);
    const replaced = await loadStoredDoc(server.ctx.db, sectionId);
    const replacedXml = replaced.getXmlFragment('default').toString();
    replaced.destroy();
    // A member in the room: the restore edits the live doc (a raw socket only records what it is sent).
    const watcher = await rawClient(server.url, sectionId, coordinator.cookie);
    try {
      await waitFor(() => watcher.frames.length > 0, 20_000, 'the room loaded');
      const heavy = coordinator.post(`/api/sections/${sectionId}/restore`, { snapshotId: snapshotResponseSchema.parse(taken.body).snapshot.id });
      const { before, result } = await smallRequestsDuring(heavy, 10);
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      expect(before).toEqual(new Array(10).fill(true));
      const backupId = restoreResponseSchema.parse(result.body).backupSnapshotId;
      const [row] = await server.ctx.db.query<{ state: Uint8Array }>(`select state from snapshot_sections where snapshot_id = $1 and section_id = $2`, [backupId, sectionId]);
      const backup = new Y.Doc();
      try {
        Y.applyUpdate(backup, row!.state);
        expect(backup.getXmlFragment('default').toString() === replacedXml).toBe(true);
      } finally {
        backup.destroy();
      }
    } finally {
      watcher.close();
    }
  });

  it('SEC15 the submission of a proposal with a 3 MB section: ten /healthz sent one after another while it runs all complete before it answers; the snapshot holds the stored state', async () => {
    // The short template, two partners in two countries, every section not applicable (so nothing blocks the submission, whatever its size).
    const proposal = await createProposal(coordinator, { templateId: 'town-twinning-meeting' });
    expect((await coordinator.post(`/api/proposals/${proposal.id}/partners`, { name: 'Luleå kommun', town: 'Luleå', country: 'SE' })).status).toBe(201);
    for (const s of proposal.sections) {
      expect((await coordinator.patch(`/api/sections/${s.id}`, { notApplicable: { justification: 'Not for this call' } })).status).toBe(200);
    }
    const sectionId = [...proposal.sections].sort((a, b) => a.position - b.position)[0]!.id;
    await appendDocUpdates(server.ctx.db, [
      { docId: sectionId, update: bigUpdate, userId: coordinator.user.id },
      { docId: sectionId, update: secondBigUpdate, userId: coordinator.user.id },
    ]);
    const heavy = coordinator.post(`/api/proposals/${proposal.id}/submit`);
    const { before, result } = await smallRequestsDuring(heavy, 10);
    expect(result.status, JSON.stringify(result.body)).toBe(201);
    expect(before).toEqual(new Array(10).fill(true));
    const [row] = await server.ctx.db.query<{ state: Uint8Array; chars: number }>(
      `select ss.state, ss.chars from snapshots s join snapshot_sections ss on ss.snapshot_id = s.id where s.proposal_id = $1 and s.kind = 'submission' and ss.section_id = $2`,
      [proposal.id, sectionId],
    );
    const stored = await loadStoredDoc(server.ctx.db, sectionId);
    try {
      expect(row?.chars).toBe(sectionChars(stored));
      expect(Buffer.from(row!.state).equals(Buffer.from(Y.encodeStateAsUpdate(stored)))).toBe(true);
    } finally {
      stored.destroy();
    }
  });
});
