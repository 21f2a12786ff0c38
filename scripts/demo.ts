/**
 * npm run demo: seeds a populated proposal on the embedded database (DATA_DIR,
 * default ./data; or DATABASE_URL) through the real server code and HTTP API,
 * writes some drafted section text through a stock y-websocket client, and
 * prints the logins. Running it again finds the demo and only prints them.
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { configFromProcess } from '../server/config';
import { startServer } from '../server/server';
import { userResponseSchema, type Locale, type Role } from '../shared/schemas';
import {
  invitationAcceptedSchema,
  invitationCreatedSchema,
  partnerResponseSchema,
  proposalListSchema,
  proposalResponseSchema,
  type PartnerInput,
  type Proposal,
} from '../shared/schemas/domain';

const PASSWORD = 'twinpad-demo-2026';
const TITLE = 'NTT+ Network of Towns: young people in the Arctic and the Mediterranean';

interface DemoUser {
  key: 'coordinator' | 'bologna' | 'lulea' | 'laCoruna' | 'helsinki' | 'reviewer';
  name: string;
  email: string;
  locale: Locale;
  partner: PartnerKey;
  role: Role;
}
type PartnerKey = 'bologna' | 'lulea' | 'laCoruna' | 'helsinki';

const partnerInputs: Record<PartnerKey, PartnerInput> = {
  bologna: { name: 'Comune di Bologna', town: 'Bologna', country: 'IT', kind: 'municipality' },
  lulea: { name: 'Luleå kommun', town: 'Luleå', country: 'SE', kind: 'municipality' },
  laCoruna: { name: 'Concello da Coruña', town: 'La Coruña', country: 'ES', kind: 'municipality' },
  helsinki: { name: 'Helsingin kaupunki', town: 'Helsinki', country: 'FI', kind: 'municipality' },
};

const users: DemoUser[] = [
  { key: 'coordinator', name: 'Chiara Bianchi', email: 'chiara@bologna.demo', locale: 'it', partner: 'bologna', role: 'coordinator' },
  { key: 'bologna', name: 'Marco Ferri', email: 'marco@bologna.demo', locale: 'it', partner: 'bologna', role: 'editor' },
  { key: 'lulea', name: 'Lena Nilsson', email: 'lena@lulea.demo', locale: 'sv', partner: 'lulea', role: 'editor' },
  { key: 'laCoruna', name: 'Carmen Varela', email: 'carmen@coruna.demo', locale: 'es', partner: 'laCoruna', role: 'editor' },
  { key: 'helsinki', name: 'Heikki Virtanen', email: 'heikki@helsinki.demo', locale: 'fi', partner: 'helsinki', role: 'editor' },
  { key: 'reviewer', name: 'Rita Berg', email: 'rita@review.demo', locale: 'en', partner: 'helsinki', role: 'reviewer' },
];

/** Drafted text by section position: paragraphs, and which partner owns it. */
const drafts: { index: number; owner: PartnerKey; paragraphs: string[] }[] = [
  {
    index: 0,
    owner: 'bologna',
    paragraphs: [
      'NTT+ brings together four towns at the two ends of Europe, Bologna, Luleå, La Coruña and Helsinki, to give young people a real voice in local decisions.',
      'Over 24 months the partners hold four transnational meetings, each hosted by one town, where young citizens, officials and NGOs work on shared challenges: youth employment, renewable energy and inclusion.',
    ],
  },
  {
    index: 1,
    owner: 'lulea',
    paragraphs: [
      'Luleå and Helsinki face long winters and a shrinking young population; Bologna and La Coruña face youth unemployment above the national average.',
      'The network builds on the twinning links of the 2010 NTT+ meetings and turns them into a lasting structure for youth participation.',
    ],
  },
  {
    index: 2,
    owner: 'laCoruna',
    paragraphs: ['Each meeting ends with a public citizens’ forum. Results are published in the four languages of the partnership.'],
  },
  { index: 3, owner: 'helsinki', paragraphs: [] },
];

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

async function signUpOrIn(base: string, u: DemoUser): Promise<Session> {
  const s = new Session(base);
  const login = await s.call('POST', '/api/auth/login', { email: u.email, password: PASSWORD });
  if (login.status === 200) return s;
  await s.expect('POST', '/api/auth/signup', 201, { email: u.email, password: PASSWORD, name: u.name, locale: u.locale });
  return s;
}

function cookieSocket(cookie: string | undefined): typeof WebSocket {
  class CookieWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: cookie ? { cookie } : {} });
    }
  }
  return CookieWebSocket as unknown as typeof WebSocket;
}

/** Writes paragraphs into a section through a stock y-websocket client, and waits until a second client reads them back. */
async function writeSection(base: string, session: Session, sectionId: string, paragraphs: string[]): Promise<void> {
  const url = base.replace(/^http/, 'ws') + '/collab';
  const open = (doc: Y.Doc) =>
    new WebsocketProvider(url, sectionId, doc, { WebSocketPolyfill: cookieSocket(session.cookie) as unknown as typeof globalThis.WebSocket, disableBc: true });
  const until = async (ok: () => boolean, what: string) => {
    const deadline = Date.now() + 15_000;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`demo: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const doc = new Y.Doc();
  const writer = open(doc);
  await until(() => writer.synced, 'writer sync');
  const fragment = doc.getXmlFragment('default');
  if (fragment.length === 0) {
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
  const check = new Y.Doc();
  const reader = open(check);
  await until(() => reader.synced && check.getXmlFragment('default').length >= paragraphs.length, 'the server to hold the draft');
  for (const [p, d] of [[writer, doc], [reader, check]] as const) {
    p.destroy();
    d.destroy();
  }
}

async function main(): Promise<void> {
  const server = await startServer(configFromProcess({ PORT: '0', LOG_LEVEL: 'error' }));
  const base = server.url;
  try {
    const sessions = new Map<DemoUser['key'], Session>();
    for (const u of users) sessions.set(u.key, await signUpOrIn(base, u));
    const coord = sessions.get('coordinator');
    if (!coord) throw new Error('no coordinator');

    const list = proposalListSchema.parse(await coord.expect('GET', '/api/proposals', 200));
    const existing = list.proposals.find((p) => p.title === TITLE);
    if (existing) {
      printLogins(existing.id, 'The demo proposal already exists; nothing was changed.');
      return;
    }

    const created = proposalResponseSchema.parse(
      await coord.expect('POST', '/api/proposals', 201, { title: TITLE, leadPartner: partnerInputs.bologna, theme: 'young-people', deadline: '2026-09-18' }),
    ).proposal;
    const lead = created.partners.find((p) => p.isLead);
    if (!lead) throw new Error('no lead partner');
    const partnerIds: Record<PartnerKey, string> = { bologna: lead.id, lulea: '', laCoruna: '', helsinki: '' };
    for (const key of ['lulea', 'laCoruna', 'helsinki'] as const) {
      partnerIds[key] = partnerResponseSchema.parse(await coord.expect('POST', `/api/proposals/${created.id}/partners`, 201, partnerInputs[key])).partner.id;
    }
    for (const u of users) {
      if (u.key === 'coordinator') continue;
      const s = sessions.get(u.key);
      if (!s) continue;
      const { token } = invitationCreatedSchema.parse(
        await coord.expect('POST', `/api/proposals/${created.id}/invitations`, 201, { partnerId: partnerIds[u.partner], role: u.role }),
      );
      invitationAcceptedSchema.parse(await s.expect('POST', `/api/invitations/${token}/accept`, 200));
    }

    const sections = created.sections;
    for (let i = 0; i < sections.length; i++) {
      const section = sections[i];
      if (!section) continue;
      const draft = drafts.find((d) => d.index === i);
      const owner: PartnerKey = draft?.owner ?? (['bologna', 'lulea', 'laCoruna', 'helsinki'] as const)[i % 4] ?? 'bologna';
      const due = new Date(Date.UTC(2026, 5, 1 + (i % 20) * 3)).toISOString().slice(0, 10);
      await coord.expect('PATCH', `/api/sections/${section.id}`, 200, { ownerPartnerId: partnerIds[owner], dueDate: due });
      if (draft && draft.paragraphs.length > 0) {
        await writeSection(base, coord, section.id, draft.paragraphs);
        await coord.call('PATCH', `/api/sections/${section.id}`, { status: 'drafting' });
      }
    }
    const proposal: Proposal = proposalResponseSchema.parse(await coord.expect('GET', `/api/proposals/${created.id}`, 200)).proposal;
    printLogins(proposal.id, `Seeded “${proposal.title}”: ${proposal.partners.length} partners, ${proposal.members.length} people, ${proposal.sections.length} sections.`);
  } finally {
    await server.close();
  }
}

function printLogins(proposalId: string, headline: string): void {
  console.log(headline);
  console.log(`Password for every demo account: ${PASSWORD}`);
  for (const u of users) {
    const partner = partnerInputs[u.partner];
    console.log(`  ${u.email.padEnd(24)} ${u.name.padEnd(17)} ${u.role.padEnd(12)} ${partner.name} (${partner.country})`);
  }
  console.log(`Start the app with \`npm start\` (or \`npm run dev\`) and open /proposals/${proposalId}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
