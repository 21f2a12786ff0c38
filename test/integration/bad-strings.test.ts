import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limits } from '../../shared/limits';
import { proposalResponseSchema } from '../../shared/schemas/domain';
import type { JsonResponse } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { addPartner, createProposal, lulea, signUp, type UserClient } from '../helpers/factories';

/**
 * SEC22 over HTTP: NUL, lone surrogates (sent the way JSON carries them, as
 * `\ud800` escapes in a raw body) and control characters get 400 naming the
 * field, never 500 from Postgres text or jsonb, and never a silent U+FFFD.
 * Bidirectional controls in titles and names are stripped before storing.
 */
let server: TestServer;
let coordinator: UserClient;
let proposalId: string;
let sectionId: string;
let partnerId: string;

beforeAll(async () => {
  server = await startTestServer();
  coordinator = await signUp(server, { name: 'Coordinator' });
  const proposal = await createProposal(coordinator);
  proposalId = proposal.id;
  sectionId = proposal.sections[0]!.id;
  partnerId = (await addPartner(coordinator, proposal.id, lulea)).id;
});
afterAll(async () => {
  await server?.stop();
});

/** Sends `raw` verbatim as a JSON body, so escapes like `\ud800` reach the server's parser untouched. */
const raw = (method: string, path: string, body: string): Promise<JsonResponse> =>
  coordinator.request(method, `/api${path}`, body, { 'content-type': 'application/json' });

/** A JSON string literal holding `prefix` then the escape sequences in `escapes` (e.g. `\\u0000`). */
const lit = (prefix: string, escapes: string) => `"${prefix}${escapes}"`;

function expectInvalid(res: JsonResponse, field: string): void {
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(400);
  expect(res.body).toMatchObject({ error: { code: 'invalid_input', field } });
}

describe('SEC22 bad strings over HTTP', () => {
  it('SEC22 a comment with NUL gets 400, not 500', async () => {
    expectInvalid(await raw('POST', `/sections/${sectionId}/comments`, `{"body":${lit('hello', '\\u0000world')}}`), 'body');
  });

  it('SEC22 a snapshot name with a lone surrogate gets 400, not 500', async () => {
    expectInvalid(await raw('POST', `/proposals/${proposalId}/snapshots`, `{"name":${lit('Approved', '\\ud800')}}`), 'name');
    expectInvalid(await raw('POST', `/proposals/${proposalId}/snapshots`, `{"name":${lit('Approved', '\\udc00')}}`), 'name');
  });

  it('SEC22 a blocked reason with a lone surrogate gets 400, not 500', async () => {
    expectInvalid(await raw('PATCH', `/sections/${sectionId}`, `{"blocked":{"reason":${lit('waiting', '\\udbff')}}}`), 'blocked.reason');
  });

  it('SEC22 a lone surrogate in a title or name is refused, not silently replaced', async () => {
    const lead = '{"name":"A","town":"B","country":"IT"}';
    expectInvalid(await raw('POST', '/proposals', `{"title":${lit('Twin', '\\ud83d')},"leadPartner":${lead}}`), 'title');
    expectInvalid(await raw('PATCH', `/partners/${partnerId}`, `{"name":${lit('Lule', '\\ude00')}}`), 'name');
    expectInvalid(await raw('PATCH', '/me', `{"name":${lit('Ana', '\\ud800')}}`), 'name');
  });

  it('SEC22 a pair written as two escapes is one astral character and is kept', async () => {
    const res = await raw('POST', '/proposals', `{"title":${lit('Twin ', '\\ud83d\\ude00')},"leadPartner":{"name":"A","town":"B","country":"IT"}}`);
    expect(res.status).toBe(201);
    expect(proposalResponseSchema.parse(res.body).proposal.title).toBe('Twin 😀');
  });

  it('SEC22 NUL in every other user-text field gets 400 naming it', async () => {
    expectInvalid(await raw('PATCH', `/sections/${sectionId}`, `{"reason":${lit('x', '\\u0000')}}`), 'reason');
    expectInvalid(await raw('PATCH', `/sections/${sectionId}`, `{"notApplicable":{"justification":${lit('x', '\\u0000')}}}`), 'notApplicable.justification');
    expectInvalid(await raw('PATCH', `/sections/${sectionId}`, `{"itemsPresent":[${lit('x', '\\u0000')}]}`), 'itemsPresent.0');
    expectInvalid(await raw('POST', `/proposals/${proposalId}/meetings`, `{"name":${lit('M', '\\u0000')},"city":"Luleå","date":"2026-05-01"}`), 'name');
    expectInvalid(await raw('POST', `/proposals/${proposalId}/meetings`, `{"name":"M","city":${lit('Lule', '\\u0000')},"date":"2026-05-01"}`), 'city');
    expectInvalid(await raw('POST', '/proposals', `{"title":"T","theme":${lit('t', '\\u0000')},"leadPartner":{"name":"A","town":"B","country":"IT"}}`), 'theme');
  });

  it('SEC22 a comment keeps newlines and tabs; a title refuses them', async () => {
    const ok = await raw('POST', `/sections/${sectionId}/comments`, `{"body":"line one\\n\\tline two\\r\\nline three"}`);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body).toMatchObject({ comment: { body: 'line one\n\tline two\nline three' } });
    expectInvalid(await raw('POST', '/proposals', `{"title":"two\\nlines","leadPartner":{"name":"A","town":"B","country":"IT"}}`), 'title');
    expectInvalid(await raw('POST', `/proposals/${proposalId}/snapshots`, `{"name":"bell\\u0007"}`), 'name');
  });

  it('SEC22 bidirectional controls are stripped from titles and names before they are stored', async () => {
    const res = await coordinator.patch(`/api/partners/${partnerId}`, { name: 'Lule\u202eå kommun\u202c', town: '\u2066Luleå\u2069' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ partner: { name: 'Luleå kommun', town: 'Luleå' } });
    const rows = await server.database.db.query<{ name: string; town: string }>('select name, town from partners where id = $1', [partnerId]);
    expect(rows[0]).toEqual({ name: 'Luleå kommun', town: 'Luleå' });
    // Nothing but bidi controls is empty once stripped.
    expectInvalid(await coordinator.patch(`/api/partners/${partnerId}`, { name: '\u202e\u200f' }), 'name');
  });

  it('SEC22 a title of exactly the limit in astral characters (code points, not UTF-16 units) is stored; one more is refused', async () => {
    const atLimit = '😀'.repeat(limits.titleMaxChars);
    const res = await coordinator.post('/api/proposals', { title: atLimit, leadPartner: { name: 'A', town: 'B', country: 'IT' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(proposalResponseSchema.parse(res.body).proposal.title).toBe(atLimit);
    expectInvalid(await coordinator.post('/api/proposals', { title: `${atLimit}a`, leadPartner: { name: 'A', town: 'B', country: 'IT' } }), 'title');
  });
});
