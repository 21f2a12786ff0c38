import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import { buildWorld, testPassword, type HasUrl } from './factories';
import { ApiClient } from './http';
import { fragmentText, stockClient, typeParagraph, waitFor } from './yclient';

/**
 * The backup suites' proposal, made through the real API and a stock collab
 * client, and read back the same way: what a restore must give back exactly.
 */
export interface SeededProposal {
  email: string;
  proposalId: string;
  sectionIds: string[];
}

/** Everything a member reads back: the proposal, two sections' comments, snapshots and document XML. */
export interface ReadBack {
  proposal: unknown;
  comments: unknown[];
  snapshots: unknown;
  documents: string[];
}

export const sectionTexts = ['Twinned towns meet in Bologna — “first” draft ✓', 'Luleå hosts the second meeting; 50 citizens attend.'];

/** Two sections with text (typed by a stock client), a thread with a reply, and a proposal snapshot. */
export async function seedProposal(server: HasUrl): Promise<SeededProposal> {
  const world = await buildWorld(server);
  const sectionIds = world.sectionIds.slice(0, 2);
  for (const [i, sectionId] of sectionIds.entries()) {
    const writer = stockClient(server.url, sectionId, world.coordinator);
    const reader = stockClient(server.url, sectionId, world.reviewer);
    try {
      await waitFor(() => writer.provider.synced && reader.provider.synced, 15_000, 'sync');
      typeParagraph(writer, sectionTexts[i]!);
      // The server relays an edit only once it is stored.
      await waitFor(() => fragmentText(reader.doc).includes(sectionTexts[i]!), 15_000, 'the text stored and relayed');
    } finally {
      writer.destroy();
      reader.destroy();
    }
  }
  const thread = await world.reviewer.post(`/api/sections/${sectionIds[0]}/comments`, { body: 'Which meeting is first?' });
  expect(thread.status).toBe(201);
  const threadId = (thread.body as { comment: { id: string } }).comment.id;
  const reply = await world.coordinator.post(`/api/sections/${sectionIds[0]}/comments`, { body: 'Bologna, in March.', parentId: threadId });
  expect(reply.status).toBe(201);
  const snapshot = await world.coordinator.post(`/api/proposals/${world.proposal.id}/snapshots`, { name: 'Before the backup' });
  expect(snapshot.status).toBe(201);
  return { email: world.coordinator.user.email, proposalId: world.proposal.id, sectionIds };
}

/** Signs in as the seeded coordinator (password and session both restored) and reads everything back. */
export async function readBack(server: HasUrl, seeded: SeededProposal): Promise<ReadBack> {
  const client = new ApiClient(server.url);
  const login = await client.post('/api/auth/login', { email: seeded.email, password: testPassword });
  expect(login.status).toBe(200);
  const proposal = await client.get(`/api/proposals/${seeded.proposalId}`);
  expect(proposal.status).toBe(200);
  const comments = [];
  for (const id of seeded.sectionIds) {
    const res = await client.get(`/api/sections/${id}/comments`);
    expect(res.status).toBe(200);
    comments.push(res.body);
  }
  const snapshots = await client.get(`/api/proposals/${seeded.proposalId}/snapshots`);
  expect(snapshots.status).toBe(200);
  const documents: string[] = [];
  for (const id of seeded.sectionIds) {
    const reader = stockClient(server.url, id, client);
    try {
      await waitFor(() => reader.provider.synced, 15_000, 'sync');
      documents.push(fragmentText(reader.doc));
    } finally {
      reader.destroy();
    }
  }
  return { proposal: proposal.body, comments, snapshots: snapshots.body, documents };
}

export interface CommandResult {
  code: number | null;
  out: string;
}

/** Runs `scripts/<name>.ts` (backup or restore) the way `npm run <name>` does, with `env` only. */
export function runCommand(name: 'backup' | 'restore', args: string[], env: Record<string, string>): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${name}.ts`, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => resolve({ code, out }));
  });
}
