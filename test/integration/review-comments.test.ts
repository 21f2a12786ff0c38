import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { commentResponseSchema, threadsResponseSchema, type Thread } from '../../shared/schemas/review';
import { limits } from '../../shared/limits';
import { encodeAnchorPosition, resolveAnchor } from '../../server/comment-anchors';
import { ApiClient } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { buildWorld, type CollabWorld, type UserClient } from '../helpers/factories';
import { fragmentText, stockClient, typeParagraph, waitFor, type StockClient } from '../helpers/yclient';

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

async function threads(user: UserClient, sectionId: string): Promise<Thread[]> {
  const res = await user.get(`/api/sections/${sectionId}/comments`);
  expect(res.status).toBe(200);
  return threadsResponseSchema.parse(res.body).threads;
}

async function comment(user: UserClient, sectionId: string, body: object): Promise<string> {
  const res = await user.post(`/api/sections/${sectionId}/comments`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return commentResponseSchema.parse(res.body).comment.id;
}

describe('review: comment threads', () => {
  it('REV1: a reviewer and an editor of another partner comment on a section they cannot edit', async () => {
    const section = world.sectionIds[0]!;
    const view = await world.reviewer.get(`/api/sections/${section}`);
    expect((view.body as { section: { abilities: { edit: boolean } } }).section.abilities.edit).toBe(false);
    const byReviewer = await comment(world.reviewer, section, { body: 'Please name the towns.' });
    const byEditor = await comment(world.editor, section, { body: 'Luleå agrees.', parentId: byReviewer });
    const [thread] = await threads(world.coordinator, section);
    expect(thread?.id).toBe(byReviewer);
    expect(thread?.comments.map((c) => c.id)).toEqual([byReviewer, byEditor]);
    expect(thread?.comments[0]?.author.name).toBe('Reviewer');
    expect(thread?.anchor).toBeNull();
  });

  it('REV2: non-members get 404 for every comment route; without a session 401', async () => {
    const section = world.sectionIds[1]!;
    const id = await comment(world.coordinator, section, { body: 'Mine' });
    expect((await world.outsider.get(`/api/sections/${section}/comments`)).status).toBe(404);
    expect((await world.outsider.post(`/api/sections/${section}/comments`, { body: 'hi' })).status).toBe(404);
    expect((await world.outsider.patch(`/api/comments/${id}`, { resolved: true })).status).toBe(404);
    expect((await world.outsider.delete(`/api/comments/${id}`)).status).toBe(404);
    const anon = new ApiClient(server.url);
    expect((await anon.get(`/api/sections/${section}/comments`)).status).toBe(401);
  });

  it('REV3: bodies are plain text, trimmed, not empty, and at most the comment limit (else 400)', async () => {
    const section = world.sectionIds[1]!;
    expect((await world.reviewer.post(`/api/sections/${section}/comments`, { body: '   ' })).status).toBe(400);
    expect((await world.reviewer.post(`/api/sections/${section}/comments`, { body: 'x'.repeat(limits.commentMaxChars + 1) })).status).toBe(400);
    const ok = await world.reviewer.post(`/api/sections/${section}/comments`, { body: '<script>alert(1)</script>' });
    expect(ok.status).toBe(201);
    expect(commentResponseSchema.parse(ok.body).comment.body).toBe('<script>alert(1)</script>');
    expect((await world.reviewer.post(`/api/sections/${section}/comments`, { body: 'x', mentions: [world.outsider.user.id] })).status).toBe(400);
    expect((await world.reviewer.post(`/api/sections/${section}/comments`, { body: 'x', mentions: [world.editor.user.id] })).status).toBe(201);
  });

  it('REV4: resolve and reopen follow the policy: author, coordinator, owner partner editors; a reply reopens', async () => {
    const section = world.sectionIds[2]!;
    // The editor's partner owns this section.
    expect((await world.coordinator.patch(`/api/sections/${section}`, { ownerPartnerId: world.partnerId })).status).toBe(200);
    const byCoordinator = await comment(world.coordinator, section, { body: 'Shorten this.' });
    expect((await world.reviewer.patch(`/api/comments/${byCoordinator}`, { resolved: true })).status).toBe(403);
    expect((await world.editor.patch(`/api/comments/${byCoordinator}`, { resolved: true })).status).toBe(200);
    let [thread] = await threads(world.reviewer, section);
    expect(thread?.status).toBe('resolved');
    expect(thread?.resolvedBy?.name).toBe('Editor');
    expect(thread?.abilities.resolve).toBe(false);
    await comment(world.reviewer, section, { body: 'Not yet, sorry.', parentId: byCoordinator });
    [thread] = await threads(world.reviewer, section);
    expect(thread?.status).toBe('open');
    const byReviewer = await comment(world.reviewer, world.sectionIds[3]!, { body: 'Typo.' });
    expect((await world.editor.patch(`/api/comments/${byReviewer}`, { resolved: true })).status).toBe(403);
    expect((await world.reviewer.patch(`/api/comments/${byReviewer}`, { resolved: true })).status).toBe(200);
    expect((await world.coordinator.patch(`/api/comments/${byReviewer}`, { resolved: false })).status).toBe(200);
  });

  it('REV5: members edit only their own comments; deleting is soft and keeps the thread readable', async () => {
    const section = world.sectionIds[4]!;
    const root = await comment(world.reviewer, section, { body: 'First' });
    const reply = await comment(world.editor, section, { body: 'Second', parentId: root });
    expect((await world.editor.patch(`/api/comments/${root}`, { body: 'Hijacked' })).status).toBe(403);
    const edited = await world.reviewer.patch(`/api/comments/${root}`, { body: 'First, edited' });
    expect(edited.status).toBe(200);
    expect(commentResponseSchema.parse(edited.body).comment.editedAt).not.toBeNull();
    expect((await world.reviewer.delete(`/api/comments/${reply}`)).status).toBe(403);
    expect((await world.reviewer.delete(`/api/comments/${root}`)).status).toBe(204);
    const [thread] = await threads(world.editor, section);
    expect(thread?.comments.map((c) => [c.deleted, c.body])).toEqual([
      [true, ''],
      [false, 'Second'],
    ]);
    expect((await world.reviewer.patch(`/api/comments/${root}`, { body: 'back' })).status).toBe(403);
    // The coordinator moderates: may delete anyone's comment.
    expect((await world.coordinator.delete(`/api/comments/${reply}`)).status).toBe(204);
  });
});

describe('review: anchors', () => {
  it('REV6: an anchor survives concurrent inserts and deletes before, inside and after its range; deleting the range detaches it with its quote', async () => {
    const section = world.sectionIds[5]!;
    const a = track(stockClient(server.url, section, world.coordinator));
    const b = track(stockClient(server.url, section, world.coordinator));
    await waitFor(() => a.provider.synced && b.provider.synced);
    typeParagraph(a, 'The quick brown fox jumps over the lazy dog');
    await waitFor(() => fragmentText(b.doc).includes('lazy dog'));
    const textA = (a.text.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const quote = 'brown fox';
    const at = textA.toString().indexOf(quote);
    const anchor = { start: encodeAnchorPosition(textA, at), end: encodeAnchorPosition(textA, at + quote.length), quote };
    const threadId = await comment(world.reviewer, section, { body: 'Which fox?', anchor });

    // Concurrent edits on both clients, before, after, and inside the range.
    const textB = (b.text.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    textA.insert(0, 'Yesterday ');
    textB.insert(textB.length, ', twice');
    textB.delete(0, 4); // "The " before the range
    textA.delete(textA.toString().indexOf(' jumps'), 6); // after the range
    await waitFor(() => fragmentText(a.doc) === fragmentText(b.doc) && fragmentText(a.doc).includes('twice') && !fragmentText(a.doc).includes('jumps'));
    await waitFor(async () => (await server.ctx.db.query(`select 1 from doc_updates where doc_id = $1`, [section])).length >= 1);
    expect(resolveAnchor(a.doc, anchor).text).toBe('brown fox');
    await waitFor(async () => (await threads(world.editor, section)).find((t) => t.id === threadId)?.detached === false);

    const inside = textB.toString().indexOf('fox');
    textB.insert(inside, 'red ');
    await waitFor(() => fragmentText(a.doc).includes('brown red fox'));
    expect(resolveAnchor(a.doc, anchor).text).toBe('brown red fox');

    const start = textA.toString().indexOf('brown');
    textA.delete(start, 'brown red fox'.length);
    await waitFor(() => !fragmentText(b.doc).includes('fox'));
    expect(resolveAnchor(b.doc, anchor).detached).toBe(true);
    await waitFor(async () => (await threads(world.editor, section)).find((t) => t.id === threadId)?.detached === true, 5000, 'detached in the API');
    const [thread] = (await threads(world.editor, section)).filter((t) => t.id === threadId);
    expect(thread?.anchor?.quote).toBe(quote);
    expect(thread?.comments[0]?.body).toBe('Which fox?');
  });
});
