import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JSONContent } from '@tiptap/core';
import { createProposal, signUp, type UserClient } from '../helpers/factories';
import { startTestServer, type TestServer } from '../helpers/server';
import { stockClient, waitFor } from '../helpers/yclient';
import { para, text, writeTiptap } from '../unit/export-content';

/**
^ * SEC8 through the real server: a member types pathological text into a section
 * (a stock y-websocket client writing Tiptap content, as the editor does), and the
 * Markdown and HTML exports answer 200 with that text, instead of a 500 from a
 * RangeError or a frozen event loop.
 */

let server: TestServer;
let coordinator: UserClient;
let proposalId: string;
let sectionId: string;

/**
 * Past what `Math.max(...runs)` could take: exports run on worker threads, whose
 * 4 MB stack took about 500,000 arguments (the main thread's, about 120,000).
 * 1.2 MB each, in two blocks written in separate frames (the frame limit is 2 MiB).
 */
const backtickRuns = '`a'.repeat(600_000);
const newlines = `a${'\n'.repeat(40_000)}b`;
const content: JSONContent[] = [
  para(text(backtickRuns, [{ type: 'code' }])),
  { type: 'codeBlock', content: [text(backtickRuns)] },
  para(text(newlines)),
];

/** Writes `content` into the section, and waits until a second client reads all its characters back from the server. */
async function writeAndConfirm(): Promise<void> {
  const writer = stockClient(server.url, sectionId, coordinator);
  const reader = stockClient(server.url, sectionId, coordinator);
  try {
    await waitFor(() => writer.provider.synced, 10_000, 'writer sync');
    // One block a frame: each is under the frame limit, the section under the document limit.
    for (let i = 1; i <= content.length; i++) writer.doc.transact(() => writeTiptap(writer.doc, content.slice(0, i)));
    const want = backtickRuns.length * 2 + newlines.length;
    const held = () => {
      let n = 0;
      const walk = (el: Y.XmlElement | Y.XmlFragment) => {
        for (const c of el.toArray()) {
          if (c instanceof Y.XmlText) n += c.length;
          else if (c instanceof Y.XmlElement) walk(c);
        }
      };
      walk(reader.doc.getXmlFragment('default'));
      return n;
    };
    await waitFor(() => reader.provider.synced && held() === want, 20_000, 'the server to hold the text');
  } finally {
    writer.destroy();
    reader.destroy();
  }
}

beforeAll(async () => {
  server = await startTestServer();
  coordinator = await signUp(server, { name: 'Coordinator' });
  const proposal = await createProposal(coordinator, { title: 'Pathological export' });
  proposalId = proposal.id;
  sectionId = proposal.sections[0]!.id;
  await writeAndConfirm();
});

afterAll(async () => {
  await server?.stop();
});

async function download(format: 'md' | 'html'): Promise<{ status: number; body: string }> {
  const res = await fetch(`${server.url}/api/proposals/${proposalId}/export?format=${format}`, { headers: coordinator.cookie ? { cookie: coordinator.cookie } : {} });
  return { status: res.status, body: await res.text() };
}

describe('SEC8: pathological section text exports through the API', () => {
  it('SEC8 a section with 600,000 backtick runs (code span and code block) and 40,000 newlines exports as Markdown with 200, every fence longer than the runs inside', async () => {
    const res = await download('md');
    expect(res.status).toBe(200);
    // The code span: a fence of 2 (the longest run is 1) and a pad, because the text starts with a backtick.
    expect(res.body).toContain(`\n\`\` ${backtickRuns} \`\`\n`);
    // The code block: a fence of at least 3.
    expect(res.body).toContain(`\n\`\`\`\n${backtickRuns}\n\`\`\`\n`);
    // Newlines inside a paragraph read as spaces.
    expect(res.body).toContain(`\na${' '.repeat(40_000)}b\n`);
  });

  it('SEC8 the same section exports as HTML with 200', async () => {
    const res = await download('html');
    expect(res.status).toBe(200);
    expect(res.body).toContain(`<pre><code>${backtickRuns}</code></pre>`);
  });
});
