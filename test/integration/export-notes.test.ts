import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Proposal } from '../../shared/schemas/domain';
import { commentResponseSchema } from '../../shared/schemas/review';
import { createProposal, signUp, type UserClient } from '../helpers/factories';
import { startTestServer, type TestServer } from '../helpers/server';
import { docxParagraphs, firstOutOfOrder } from '../unit/export-content';

/**
 * Optional notes: unresolved comment threads, made through the comments API,
 * appear as numbered notes when `notes=1`, and never otherwise.
 */

let server: TestServer;
let coordinator: UserClient;
let proposal: Proposal;

beforeAll(async () => {
  server = await startTestServer();
  coordinator = await signUp(server, { name: 'Chiara Coordinator' });
  proposal = await createProposal(coordinator);
});

afterAll(async () => {
  await server?.stop();
});

async function download(path: string): Promise<Uint8Array> {
  const res = await fetch(server.url + path, { headers: coordinator.cookie ? { cookie: coordinator.cookie } : {} });
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

describe('EXP: notes from open comment threads', () => {
  it('EXP13: with notes=1, open threads become numbered notes in section order; resolved threads and notes=0 leave them out', async (t) => {
    const [first, second] = [...proposal.sections].sort((a, b) => a.position - b.position);
    if (!first || !second) throw new Error('template has fewer than two sections');
    const post = async (sectionId: string, body: string) => coordinator.post(`/api/sections/${sectionId}/comments`, { body });
    const probe = await post(second.id, 'Add the Luleå youth council figures');
    if (probe.status === 404 && (probe.body as { error?: { params?: { what?: string } } }).error?.params?.what === 'endpoint') t.skip();
    expect(probe.status).toBe(201);
    expect((await post(first.id, 'Name the four towns in the first sentence')).status).toBe(201);
    const resolved = commentResponseSchema.parse((await post(first.id, 'Typo fixed already')).body).comment;
    expect((await coordinator.patch(`/api/comments/${resolved.id}`, { resolved: true })).status).toBe(200);

    const md = new TextDecoder().decode(await download(`/api/proposals/${proposal.id}/export?format=md&notes=1`));
    expect(firstOutOfOrder(md, ['1. **Chiara Coordinator**: Name the four towns in the first sentence', '2. **Chiara Coordinator**: Add the Luleå youth council figures'])).toBeNull();
    expect(md).not.toContain('Typo fixed already');

    const zip = await JSZip.loadAsync(await download(`/api/proposals/${proposal.id}/export?format=docx&notes=1`));
    const footnotes = docxParagraphs((await zip.file('word/footnotes.xml')?.async('string')) ?? '').join('\n');
    expect(firstOutOfOrder(footnotes, ['Chiara Coordinator: Name the four towns', 'Chiara Coordinator: Add the Luleå youth council figures'])).toBeNull();
    expect(footnotes).not.toContain('Typo fixed already');
    const documentXml = (await zip.file('word/document.xml')?.async('string')) ?? '';
    expect(documentXml.match(/<w:footnoteReference w:id="\d+"\/>/g)?.length).toBe(2);

    const html = new TextDecoder().decode(await download(`/api/proposals/${proposal.id}/export?format=html&notes=1`));
    expect(html).toContain('Name the four towns in the first sentence');

    const plain = new TextDecoder().decode(await download(`/api/proposals/${proposal.id}/export?format=md`));
    expect(plain).not.toContain('Name the four towns');
  });
});
