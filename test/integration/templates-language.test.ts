import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPageSchema, proposalResponseSchema } from '../../shared/schemas/domain';
import { snapshotListSchema } from '../../shared/schemas/review';
import { findTemplate, type CallTemplate } from '../../shared/templates';
import { createProposal, signUp, type UserClient } from '../helpers/factories';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let chiara: UserClient;
beforeAll(async () => {
  server = await startTestServer();
  chiara = await signUp(server, { name: 'Chiara Rossi', locale: 'it' });
});
afterAll(async () => {
  await server?.stop();
});

const cerv = findTemplate('cerv-network-of-towns')!;
const twinning = findTemplate('town-twinning-meeting')!;

/** Every English text of a template (titles, prompts, criteria, themes, required items), for scanning responses. */
function englishTexts(t: CallTemplate): string[] {
  return [
    t.title.en,
    ...t.criteria.map((c) => c.label.en),
    ...t.themes.map((th) => th.label.en),
    ...t.sections.flatMap((s) => [s.title.en, ...s.guidance.map((g) => g.en), ...(s.requiredItems ?? []).map((r) => r.label.en)]),
  ];
}

describe('a proposal in its language (TPL2, TPL3)', () => {
  it('TPL2: a proposal written in Italian gets Italian section titles, guidance and required items; nothing of the template in English', async () => {
    const p = await createProposal(chiara, { title: 'Reti civiche', language: 'it', theme: 'renewable-energy' });
    expect(p.language).toBe('it');
    expect(p.sections.map((s) => s.title)).toEqual(cerv.sections.map((s) => s.title.it));
    expect(p.sections[0]?.title).toBe('Sintesi del progetto');
    for (const [i, s] of p.sections.entries()) {
      expect(s.guidance).toEqual(cerv.sections[i]!.guidance.map((g) => g.it));
      expect(s.requiredItems).toEqual((cerv.sections[i]!.requiredItems ?? []).map((r) => ({ key: r.key, label: r.label.it })));
    }
    const body = JSON.stringify((await chiara.get(`/api/proposals/${p.id}`)).body);
    const english = englishTexts(cerv).filter((text) => body.includes(text));
    expect(english).toEqual([]);
  });

  it('TPL2: the other languages likewise; a language outside the five gets English', async () => {
    const fi = await createProposal(chiara, { title: 'Kaupunkien verkosto', language: 'fi', templateId: 'town-twinning-meeting' });
    expect(fi.sections.map((s) => s.title)).toEqual(twinning.sections.map((s) => s.title.fi));
    const de = await createProposal(chiara, { title: 'Städtenetz', language: 'de' });
    expect(de.sections.map((s) => s.title)).toEqual(cerv.sections.map((s) => s.title.en));
    const none = await createProposal(chiara, { title: 'Default language' });
    expect(none.sections[0]?.title).toBe('Project summary');
  });

  it('TPL3: the proposal names criteria and themes by id only; the client names them in the reader\u2019s language', async () => {
    const p = await createProposal(chiara, { title: 'Solo id', language: 'it', theme: 'young-people' });
    const res = await chiara.get(`/api/proposals/${p.id}`);
    const { proposal } = proposalResponseSchema.parse(res.body);
    expect(proposal.themes).toEqual(cerv.themes.map((t) => ({ id: t.id })));
    for (const c of proposal.completeness.byCriterion) expect(Object.keys(c).sort()).toEqual(['criterion', 'score', 'sections']);
    const raw = res.body as { proposal: { completeness: { byCriterion: Record<string, unknown>[] }; themes: Record<string, unknown>[] } };
    expect(raw.proposal.completeness.byCriterion.every((c) => !('label' in c))).toBe(true);
    expect(raw.proposal.themes.every((t) => !('label' in t))).toBe(true);
  });
});

describe('automatic snapshot names (TPL4)', () => {
  it('TPL4: approving a section stores its snapshot as a kind with the section\u2019s number and (Italian) title; no English name in the list or the activity', async () => {
    const p = await createProposal(chiara, { title: 'Approvazioni', language: 'it' });
    const section = p.sections[1]!;
    for (const status of ['drafting', 'ready_for_review', 'in_review']) {
      const res = await chiara.patch(`/api/sections/${section.id}`, { status });
      expect(res.status, `${status}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    // An empty section's approval needs a justification (VRD9).
    const approved = await chiara.patch(`/api/sections/${section.id}`, { status: 'approved', justification: 'Testo in arrivo dal partner' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);

    const list = await chiara.get(`/api/proposals/${p.id}/snapshots`);
    expect(list.status).toBe(200);
    const { snapshots } = snapshotListSchema.parse(list.body);
    const snap = snapshots.find((s) => s.kind === 'approval' && s.sectionId === section.id);
    expect(snap?.label).toEqual({ kind: 'approval', params: { number: '1.1', title: 'Contesto e obiettivi generali' } });
    expect(snap?.name).toBe('1.1 Contesto e obiettivi generali');
    expect(JSON.stringify(list.body)).not.toMatch(/Approved|Submitted|Meeting (start|end)|Before (repair|restoring)/);

    const audit = auditPageSchema.parse((await chiara.get(`/api/proposals/${p.id}/audit`)).body);
    const event = audit.events.find((e) => e.action === 'section.approved');
    expect(event?.sectionId).toBe(section.id);
    expect(JSON.stringify(audit)).not.toMatch(/Approved:/);
  });

  it('TPL4: a meeting\u2019s start and end snapshots are kinds with the meeting\u2019s name', async () => {
    const p = await createProposal(chiara, { title: 'Incontri', language: 'it' });
    const started = await chiara.post(`/api/proposals/${p.id}/meetings`, { name: 'Riunione di Luleå', city: 'Luleå', date: '2027-02-01' });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const meetingId = (started.body as { meeting: { id: string } }).meeting.id;
    const ended = await chiara.post(`/api/meetings/${meetingId}/end`, {});
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    const { snapshots } = snapshotListSchema.parse((await chiara.get(`/api/proposals/${p.id}/snapshots`)).body);
    expect(snapshots.filter((s) => s.kind === 'meeting').map((s) => s.label).sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([
      { kind: 'meeting_end', params: { meeting: 'Riunione di Luleå' } },
      { kind: 'meeting_start', params: { meeting: 'Riunione di Luleå' } },
    ]);
  });
});
