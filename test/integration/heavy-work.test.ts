import * as Y from 'yjs';
import type { JSONContent } from '@tiptap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotResponseSchema } from '../../shared/schemas/review';
import { appendDocUpdates } from '../../server/db/doc-updates';
import { createProposal, signUp, type UserClient } from '../helpers/factories';
import { startTestServer, type TestServer } from '../helpers/server';
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

beforeAll(async () => {
  // Built before any connection is open: it holds this process's loop for seconds, and a keep-alive socket the server closed meanwhile would reset the next request.
  const update = bigSectionUpdate();
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
