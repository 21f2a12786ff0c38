import { userColors } from '../shared/schemas/auth';
import { hashPassword } from '../server/auth/password';
import { createSession, SESSION_COOKIE } from '../server/auth/session';
import { insertMember } from '../server/db/members';
import { openPGlite, openPostgres, type Sql } from '../server/db/sql';
import { insertUser } from '../server/db/users';
import type { ServerProcess, TwinpadEnv } from './processes';

/**
 * Who holds the capacity scenario's idle sockets, and where. The sockets are
 * spread over many accounts, each with several tabs in several sections, so
 * that a per-user socket cap (e.g. 50) holds without changing the bench:
 *
 * - sections come in groups of 20, and each group has 5 accounts;
 * - every section has 5 sockets: 3 tabs of one account and 2 tabs of the next;
 * - so each account holds 20 sockets over 8 sections (4 with 3 tabs, 4 with 2).
 *
 * 10,000 sockets over 2,000 sections are 500 accounts of 20 sockets each.
 * Twinpad's accounts are real users, editors of the lead partner in the
 * proposals of their sections, each with its own session cookie.
 */
export const SOCKETS_PER_SECTION = 5;
export const SECTIONS_PER_GROUP = 20;
export const ACCOUNTS_PER_GROUP = 5;
/** Tabs of the group's account `t % 5` in section t; the rest belong to the next account. */
const FIRST_ACCOUNT_TABS = 3;

export interface IdleSocket {
  section: string;
  /** Index into `CapacityLayout.accounts`. */
  account: number;
}

export interface CapacityLayout {
  /** In ramp order: slot-major, so the first `sections` sockets give every section one socket. */
  sockets: IdleSocket[];
  /** One cookie per account (null for the reference, which has no accounts). */
  accounts: (string | null)[];
  sections: number;
}

/** The account (group-local, 0..4) that holds tab `slot` (0..4) of the group's section `t`. */
function accountOf(t: number, slot: number): number {
  return (t + (slot < FIRST_ACCOUNT_TABS ? 0 : 1)) % ACCOUNTS_PER_GROUP;
}

/** Sockets over `sections` (a multiple of 20), in ramp order, with their accounts. */
export function layoutSockets(sections: readonly string[]): IdleSocket[] {
  if (sections.length % SECTIONS_PER_GROUP !== 0) throw new Error(`the capacity layout takes sections in groups of ${SECTIONS_PER_GROUP}`);
  const sockets: IdleSocket[] = [];
  for (let slot = 0; slot < SOCKETS_PER_SECTION; slot++) {
    for (const [s, section] of sections.entries()) {
      const group = Math.floor(s / SECTIONS_PER_GROUP);
      sockets.push({ section, account: group * ACCOUNTS_PER_GROUP + accountOf(s % SECTIONS_PER_GROUP, slot) });
    }
  }
  return sockets;
}

/** The reference server: the same rooms and the same socket order, no accounts. */
export function referenceLayout(sections: number): CapacityLayout {
  const names = Array.from({ length: sections }, (_, i) => `capacity-${i}`);
  const sockets = layoutSockets(names);
  return { sockets, accounts: Array.from({ length: (sections / SECTIONS_PER_GROUP) * ACCOUNTS_PER_GROUP }, () => null), sections };
}

async function call<T>(base: string, method: 'GET' | 'POST', path: string, cookie: string | null, body?: unknown): Promise<{ body: T; cookie: string | null }> {
  const res = await fetch(base + path, {
    method,
    headers: { origin: base, 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  const set = res.headers.getSetCookie()[0]?.split(';')[0] ?? null;
  return { body: (await res.json()) as T, cookie: set ?? cookie };
}

export interface SeededProposal {
  id: string;
  leadPartnerId: string;
  sections: string[];
}

/** Creates the coordinator's proposals, through the API, until they hold at least `sections` sections. */
export async function createCapacityProposals(server: ServerProcess, coordinatorCookie: string, sections: number): Promise<SeededProposal[]> {
  const base = server.url;
  const proposals: SeededProposal[] = [];
  for (let i = 0, total = 0; total < sections; i++) {
    const created = await call<{ proposal: { id: string } }>(base, 'POST', '/api/proposals', coordinatorCookie, {
      title: `Capacity proposal ${i}`,
      leadPartner: { name: 'Comune di Bologna', town: 'Bologna', country: 'IT' },
    });
    const full = await call<{ proposal: { sections: { id: string }[]; partners: { id: string; isLead: boolean }[] } }>(
      base,
      'GET',
      `/api/proposals/${created.body.proposal.id}`,
      coordinatorCookie,
    );
    const lead = full.body.proposal.partners.find((p) => p.isLead);
    if (!lead) throw new Error('a new proposal has no lead partner');
    proposals.push({ id: created.body.proposal.id, leadPartnerId: lead.id, sections: full.body.proposal.sections.map((s) => s.id) });
    total += full.body.proposal.sections.length;
  }
  return proposals;
}

/**
 * The capacity accounts, written straight into the database with the server's
 * own queries: each user is inserted, made an editor of the lead partner in the
 * proposals of its sections, and given a session whose cookie its sockets
 * present. Signing up 500 users through the API costs 500 scrypts (minutes of
 * the server's CPU on a shared 2-core machine); the database path costs one.
 * The caller stops a PGlite server around this (one process per data dir).
 */
export async function seedCapacityAccounts(db: Sql, proposals: readonly SeededProposal[], sections: number): Promise<CapacityLayout> {
  const sectionIds = proposals.flatMap((p) => p.sections).slice(0, sections);
  if (sectionIds.length < sections) throw new Error(`the proposals hold ${sectionIds.length} sections, not ${sections}`);
  const proposalOf = new Map<string, SeededProposal>();
  for (const p of proposals) for (const s of p.sections) proposalOf.set(s, p);
  const sockets = layoutSockets(sectionIds);
  const accountCount = (sections / SECTIONS_PER_GROUP) * ACCOUNTS_PER_GROUP;
  const joins = Array.from({ length: accountCount }, () => new Set<SeededProposal>());
  for (const socket of sockets) joins[socket.account]!.add(proposalOf.get(socket.section)!);
  const passwordHash = await hashPassword('bench password for twinpad');
  const stamp = Date.now().toString(36);
  const now = new Date();
  const accounts: string[] = [];
  for (const [a, proposalsToJoin] of joins.entries()) {
    const user = await insertUser(db, {
      email: `capacity-${stamp}-${a}@example.org`,
      name: `Capacity ${a}`,
      passwordHash,
      locale: 'en',
      color: userColors[a % userColors.length] ?? userColors[0],
    });
    if (!user) throw new Error(`capacity account ${a} exists already`);
    for (const p of proposalsToJoin) {
      if (!(await insertMember(db, { proposalId: p.id, userId: user.id, partnerId: p.leadPartnerId, role: 'editor' }))) {
        throw new Error(`capacity account ${a} is a member of ${p.id} already`);
      }
    }
    const { token } = await createSession(db, user.id, now);
    accounts.push(`${SESSION_COOKIE}=${token}`);
  }
  return { sockets, accounts, sections };
}

/** Runs `fn` on the backend's database from the bench process (a PGlite data dir only while its server is stopped). */
export async function withBackendDatabase<T>(env: TwinpadEnv, fn: (db: Sql) => Promise<T>): Promise<T> {
  const db = env.databaseUrl ? await openPostgres(env.databaseUrl, { max: 1 }) : env.dataDir ? await openPGlite(env.dataDir) : null;
  if (!db) throw new Error('the backend has neither a database URL nor a data dir');
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
