import type { ChangeAuthor, DiffRun, PartnerContribution, ProposalChanges, SectionDiff } from '../../shared/schemas/history';
import { pooledSectionState } from '../commands/take-snapshot';
import type { ServerContext } from '../context';
import { listDocClients, listDocDeleterUpdates, listDocRows, recordDocClients } from '../db/doc-clients';
import type { SectionRow } from '../db/sections';
import { snapshotSectionState } from '../db/snapshots';
import type { Sql } from '../db/sql';
import type { AuthorCount } from './attributed-diff';

/**
 * "What changed since": attributed diffs of sections between a snapshot and
 * now (or a later snapshot). Inserted text is attributed through the client
 * id of its Yjs items (doc_clients, plus the remaining log rows); deleted
 * text to the sender of the first remaining log row whose delete set covers
 * it, then to the users whose compacted deletions (doc_deleters) cover it.
 * Deletions no record covers are attributed to "Unknown" (userId null).
 */

const unknownAuthor: ChangeAuthor = { userId: null, name: 'Unknown', partnerId: null, partnerName: null, country: null };

/** Resolves user ids to authors (name and partner in this proposal), cached per request. */
export class AuthorBook {
  private readonly cache = new Map<string, Promise<ChangeAuthor>>();
  constructor(
    private readonly db: Sql,
    private readonly proposalId: string,
  ) {}

  author(userId: string | null): Promise<ChangeAuthor> {
    if (!userId) return Promise.resolve(unknownAuthor);
    let hit = this.cache.get(userId);
    if (!hit) {
      hit = this.db
        .query<{ name: string; partnerId: string | null; partnerName: string | null; country: string | null }>(
          `select u.name, m.partner_id as "partnerId", p.name as "partnerName", p.country
             from users u
             left join members m on m.user_id = u.id and m.proposal_id = $2
             left join partners p on p.id = m.partner_id
            where u.id = $1`,
          [userId, this.proposalId],
        )
        .then(([r]) => (r ? { userId, name: r.name, partnerId: r.partnerId, partnerName: r.partnerName, country: r.country?.trim() ?? null } : unknownAuthor));
      this.cache.set(userId, hit);
    }
    return hit;
  }
}

/** The per-partner (then per-person) totals of several authors' counts. */
export function summarise(counts: readonly { author: ChangeAuthor; count: AuthorCount }[]): PartnerContribution[] {
  const partners = new Map<string, PartnerContribution>();
  for (const { author, count } of counts) {
    const key = author.partnerId ?? '';
    let p = partners.get(key);
    if (!p) {
      p = { partnerId: author.partnerId, partnerName: author.partnerName, country: author.country, insertedChars: 0, deletedChars: 0, people: [] };
      partners.set(key, p);
    }
    p.insertedChars += count.inserted;
    p.deletedChars += count.deleted;
    let person = p.people.find((x) => x.userId === author.userId);
    if (!person) {
      person = { userId: author.userId, name: author.name, insertedChars: 0, deletedChars: 0 };
      p.people.push(person);
    }
    person.insertedChars += count.inserted;
    person.deletedChars += count.deleted;
  }
  const out = [...partners.values()].filter((p) => p.insertedChars + p.deletedChars > 0);
  for (const p of out) p.people.sort((a, b) => b.insertedChars + b.deletedChars - (a.insertedChars + a.deletedChars));
  return out.sort((a, b) => b.insertedChars + b.deletedChars - (a.insertedChars + a.deletedChars));
}

export interface DiffStates {
  since: Uint8Array;
  until: Uint8Array;
}

/** What diffs reach: the database, and the work pool that merges and compares. */
export type DiffContext = Pick<ServerContext, 'db' | 'work'>;

/** The states to compare: the `since` snapshot's, and the `until` snapshot's or the stored one (merged on the work pool). Null when a snapshot lacks the section. */
export async function diffStates(ctx: DiffContext, sectionId: string, sinceId: string, untilId: string | null): Promise<DiffStates | null> {
  const since = await snapshotSectionState(ctx.db, sinceId, sectionId);
  if (!since) return null;
  const until = untilId ? await snapshotSectionState(ctx.db, untilId, sectionId) : await pooledSectionState(ctx, ctx.db, sectionId);
  if (!until) return null;
  return { since: since.state, until: until.state };
}

/** One section's attributed diff, with the raw per-author counts for proposal totals. The rows are read here, compared on the work pool. */
export async function sectionDiff(
  ctx: DiffContext,
  book: AuthorBook,
  section: Pick<SectionRow, 'id' | 'number' | 'title'>,
  states: DiffStates,
): Promise<{ diff: SectionDiff; counts: { author: ChangeAuthor; count: AuthorCount }[] }> {
  const { db } = ctx;
  const rows = await listDocRows(db, section.id);
  const deleters = await listDocDeleterUpdates(db, section.id);
  const { diff: raw, clients: fromRows } = await ctx.work.run({
    kind: 'diff',
    since: states.since,
    until: states.until,
    rows: rows.map((r) => ({ update: r.update, userId: r.userId })),
    deleters,
  });
  const known = await listDocClients(db, section.id);
  const fresh = new Map([...fromRows].filter(([c]) => !known.has(c)));
  if (fresh.size > 0) await recordDocClients(db, section.id, fresh);
  const clients = new Map([...fromRows, ...known]);

  const userOfKey = (key: string | null): string | null => {
    if (!key) return null;
    if (key.startsWith('u:')) return key.slice(2);
    if (key.startsWith('c:')) return clients.get(Number(key.slice(2))) ?? null;
    return null;
  };
  const runs: DiffRun[] = [];
  for (const r of raw.runs) {
    if (r.op === 'same') runs.push({ op: 'same', text: r.text });
    else runs.push({ op: r.op, text: r.text, author: await book.author(userOfKey(r.author)) });
  }
  // Several keys (client ids) may belong to one user: merge per user.
  const perUser = new Map<string, AuthorCount>();
  for (const [key, c] of raw.byAuthor) {
    const user = userOfKey(key || null) ?? '';
    const t = perUser.get(user) ?? { inserted: 0, deleted: 0 };
    t.inserted += c.inserted;
    t.deleted += c.deleted;
    perUser.set(user, t);
  }
  const counts = [];
  for (const [user, count] of perUser) counts.push({ author: await book.author(user || null), count });
  return {
    diff: { sectionId: section.id, number: section.number, title: section.title, runs, byPartner: summarise(counts), changed: raw.changed },
    counts,
  };
}

/** Every section the `since` (and `until`) snapshot holds, and the totals per partner. */
export async function proposalChanges(
  ctx: DiffContext,
  proposalId: string,
  sections: readonly SectionRow[],
  sinceId: string,
  untilId: string | null,
): Promise<ProposalChanges> {
  const book = new AuthorBook(ctx.db, proposalId);
  const out: SectionDiff[] = [];
  const all: { author: ChangeAuthor; count: AuthorCount }[] = [];
  for (const section of sections) {
    const states = await diffStates(ctx, section.id, sinceId, untilId);
    if (!states) continue;
    const { diff, counts } = await sectionDiff(ctx, book, section, states);
    out.push(diff);
    all.push(...counts);
  }
  return { since: sinceId, until: untilId, sections: out, byPartner: summarise(all) };
}
