/**
 * Seeds the demo proposal through a Twinpad server's HTTP API, and its drafted
 * text through a stock y-websocket client, exactly as people in browsers would.
 * Every step first looks at what is there, so a second run (or a run after one
 * that stopped half-way) completes the demo and duplicates nothing.
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { userResponseSchema } from '../shared/schemas';
import {
  invitationAcceptedSchema,
  invitationCreatedSchema,
  partnerResponseSchema,
  proposalListSchema,
  proposalResponseSchema,
  type Proposal,
} from '../shared/schemas/domain';
import { deadline, drafts, dueDate, PASSWORD, partnerInputs, partnerKeys, TITLE, users, type DemoUser, type PartnerKey } from './demo-data';

class Session {
  cookie: string | undefined;
  constructor(readonly base: string) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    for (const c of res.headers.getSetCookie()) this.cookie = c.split(';')[0];
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as unknown) : null };
  }

  async expect(method: string, path: string, status: number, body?: unknown): Promise<unknown> {
    const res = await this.call(method, path, body);
    if (res.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${res.status} ${JSON.stringify(res.json)}`);
    return res.json;
  }
}

/** Signs in when the account exists (a second run), else signs up. */
async function signUpOrIn(base: string, u: DemoUser): Promise<{ session: Session; userId: string }> {
  const s = new Session(base);
  const login = await s.call('POST', '/api/auth/login', { email: u.email, password: PASSWORD });
  if (login.status === 200) return { session: s, userId: userResponseSchema.parse(login.json).user.id };
  const created = await s.expect('POST', '/api/auth/signup', 201, { email: u.email, password: PASSWORD, name: u.name, locale: u.locale });
  return { session: s, userId: userResponseSchema.parse(created).user.id };
}

function cookieSocket(cookie: string | undefined): typeof WebSocket {
  class CookieWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: cookie ? { cookie } : {} });
    }
  }
  return CookieWebSocket as unknown as typeof WebSocket;
}

/**
 * Writes paragraphs into a section through a stock y-websocket client unless it
 * holds text already, and waits until a second client reads the text back.
 */
async function writeSection(base: string, session: Session, sectionId: string, paragraphs: string[]): Promise<boolean> {
  const url = base.replace(/^http/, 'ws') + '/collab';
  const open = (doc: Y.Doc) =>
    new WebsocketProvider(url, sectionId, doc, { WebSocketPolyfill: cookieSocket(session.cookie) as unknown as typeof globalThis.WebSocket, disableBc: true });
  const until = async (ok: () => boolean, what: string) => {
    const deadlineMs = Date.now() + 15_000;
    while (!ok()) {
      if (Date.now() > deadlineMs) throw new Error(`demo: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const doc = new Y.Doc();
  const writer = open(doc);
  const check = new Y.Doc();
  try {
    await until(() => writer.synced, 'writer sync');
    const fragment = doc.getXmlFragment('default');
    const write = fragment.length === 0;
    if (write) {
      doc.transact(() => {
        fragment.insert(
          0,
          paragraphs.map((text) => {
            const p = new Y.XmlElement('paragraph');
            p.insert(0, [new Y.XmlText(text)]);
            return p;
          }),
        );
      });
    }
    const reader = open(check);
    try {
      await until(() => reader.synced && check.getXmlFragment('default').length >= paragraphs.length, 'the server to hold the draft');
    } finally {
      reader.destroy();
    }
    return write;
  } finally {
    writer.destroy();
    doc.destroy();
    check.destroy();
  }
}

export interface SeedResult {
  proposal: Proposal;
  /** What this run added; empty when the demo was complete already. */
  changes: string[];
}

/** Seeds (or completes) the demo proposal on the server at `base`. Dates are relative to `today`. */
export async function seedDemo(base: string, today: Date): Promise<SeedResult> {
  const changes: string[] = [];
  const sessions = new Map<DemoUser['key'], { session: Session; userId: string }>();
  for (const u of users) sessions.set(u.key, await signUpOrIn(base, u));
  const coord = sessions.get('coordinator')?.session;
  if (!coord) throw new Error('no coordinator');
  const load = async (id: string) => proposalResponseSchema.parse(await coord.expect('GET', `/api/proposals/${id}`, 200)).proposal;

  const list = proposalListSchema.parse(await coord.expect('GET', '/api/proposals', 200));
  const existing = list.proposals.find((p) => p.title === TITLE);
  let proposal: Proposal;
  if (existing) {
    proposal = await load(existing.id);
  } else {
    const body = { title: TITLE, leadPartner: partnerInputs.bologna, theme: 'young-people', deadline: deadline(today) };
    proposal = proposalResponseSchema.parse(await coord.expect('POST', '/api/proposals', 201, body)).proposal;
    changes.push('the proposal');
  }
  const id = proposal.id;

  const lead = proposal.partners.find((p) => p.isLead);
  if (!lead) throw new Error('no lead partner');
  const partnerIds = { bologna: lead.id } as Record<PartnerKey, string>;
  for (const key of partnerKeys) {
    if (key === 'bologna') continue;
    const found = proposal.partners.find((p) => p.name === partnerInputs[key].name);
    partnerIds[key] = found
      ? found.id
      : partnerResponseSchema.parse(await coord.expect('POST', `/api/proposals/${id}/partners`, 201, partnerInputs[key])).partner.id;
    if (!found) changes.push(`partner ${partnerInputs[key].name}`);
  }

  for (const u of users) {
    const person = sessions.get(u.key);
    if (!person || proposal.members.some((m) => m.userId === person.userId)) continue;
    const body = { partnerId: partnerIds[u.partner], role: u.role };
    const { token } = invitationCreatedSchema.parse(await coord.expect('POST', `/api/proposals/${id}/invitations`, 201, body));
    invitationAcceptedSchema.parse(await person.session.expect('POST', `/api/invitations/${token}/accept`, 200));
    changes.push(`member ${u.email}`);
  }

  for (const [i, section] of proposal.sections.entries()) {
    const draft = drafts.find((d) => d.index === i);
    if (section.dueDate === null) {
      const owner = draft?.owner ?? partnerKeys[i % partnerKeys.length] ?? 'bologna';
      await coord.expect('PATCH', `/api/sections/${section.id}`, 200, { ownerPartnerId: partnerIds[owner], dueDate: dueDate(today, i) });
      changes.push(`section ${section.number} owner and due date`);
    }
    if (draft && draft.paragraphs.length > 0) {
      if (await writeSection(base, coord, section.id, draft.paragraphs)) changes.push(`section ${section.number} text`);
      // Best effort, as before: the status only decorates the demo.
      if (section.status === 'not_started') await coord.call('PATCH', `/api/sections/${section.id}`, { status: 'drafting' });
    }
  }
  return { proposal: await load(id), changes };
}
