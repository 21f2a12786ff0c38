import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { submitProposal } from '../../server/commands/submit-proposal';
import { appendToOpenDocs, refused } from '../../server/db/doc-updates';
import { lockSection } from '../../server/db/sections';
import { openPostgres, type Sql } from '../../server/db/sql';
import { EventBus } from '../../server/events';
import { WorkPool } from '../../server/work/pool';
import { openTestDatabase, type TestDatabase } from '../helpers/db';
import { textUpdate, waitFor } from '../helpers/yclient';

/**
 * WSH20: the log append locks the open sections of a batch `for key share` in id
 * order; a submit locks every section of the proposal `for update`. Were the
 * submit to lock in position order, a batch of keystrokes in two sections whose
 * position order is the reverse of their id order could deadlock with it. Only
 * on Postgres: PGlite runs one statement or transaction at a time.
 */
describe.runIf(!!inject('databaseUrl'))('WSH20: section lock order', () => {
  let t: TestDatabase;
  /** A second connection: holds a section row while the others queue behind it. */
  let other: Sql;
  /** The submission merges its snapshot on worker threads. */
  let work: WorkPool;
  beforeAll(async () => {
    work = new WorkPool({ threads: 1 });
    t = await openTestDatabase();
    other = await openPostgres(t.databaseUrl!, { schema: t.schema!, max: 1 });
  });
  afterAll(async () => {
    await other?.close();
    await t?.dispose();
    await work?.close();
  });

  /** A proposal whose board is ready to submit, with two sections open to edits (not applicable, so done). */
  async function readyProposal(): Promise<{ userId: string; proposalId: string; sectionIds: string[] }> {
    const [u] = await t.db.query<{ id: string }>(
      `insert into users (email, name, password_hash, color) values ($1, 'Chiara', 'x', '#123456') returning id`,
      [`coordinator-${Math.random()}@example.org`],
    );
    const [p] = await t.db.query<{ id: string }>(`insert into proposals (title, template_id, created_by) values ('Twin towns', 'town-twinning-meeting', $1) returning id`, [u!.id]);
    const [lead] = await t.db.query<{ id: string }>(
      `insert into partners (proposal_id, name, town, country, is_lead) values ($1, 'Bologna', 'Bologna', 'IT', true) returning id`,
      [p!.id],
    );
    await t.db.query(`insert into partners (proposal_id, name, town, country) values ($1, 'Tübingen', 'Tübingen', 'DE')`, [p!.id]);
    await t.db.query(`insert into members (proposal_id, user_id, partner_id, role) values ($1, $2, $3, 'coordinator')`, [p!.id, u!.id, lead!.id]);
    for (const key of ['a', 'b']) {
      await t.db.query(
        `insert into sections (proposal_id, key, position, number, title, criterion, min_chars, max_chars, owner_partner_id, status, not_applicable_reason)
         values ($1, $2, 0, '1', 'Relevance', 'relevance', 0, 5000, $3, 'drafting', 'Not for this call')`,
        [p!.id, key, lead!.id],
      );
    }
    // Position order is the reverse of id order: the higher id comes first.
    const ids = (await t.db.query<{ id: string }>(`select id from sections where proposal_id = $1 order by id`, [p!.id])).map((r) => r.id);
    for (const [i, id] of ids.entries()) await t.db.query(`update sections set position = $2 where id = $1`, [id, ids.length - i]);
    return { userId: u!.id, proposalId: p!.id, sectionIds: ids };
  }

  /** How many backends wait on a lock held, directly or through another waiter, by `pid`. */
  async function waitingBehind(pid: number): Promise<number> {
    const [row] = await t.db.query<{ n: number }>(
      `with recursive w (pid) as (
         select pid from pg_stat_activity where $1 = any(pg_blocking_pids(pid))
         union
         select a.pid from pg_stat_activity a join w on w.pid = any(pg_blocking_pids(a.pid))
       )
       select count(*)::int as n from w`,
      [pid],
    );
    return row?.n ?? 0;
  }

  it('WSH20: a submit and a batch of keystrokes in two sections whose position order is the reverse of their id order both complete', async () => {
    const { userId, proposalId, sectionIds } = await readyProposal();
    const [low, high] = sectionIds as [string, string];
    const ctx = { db: t.db, events: new EventBus(), clock: () => new Date(), work };
    let submit: Promise<unknown> | null = null;
    let append: Promise<unknown> | null = null;
    await other.transaction(async (x) => {
      // X holds the section that comes first by position (the higher id).
      await lockSection(x, high);
      const [{ pid }] = (await x.query<{ pid: number }>('select pg_backend_pid() as pid')) as [{ pid: number }];
      submit = submitProposal(ctx, userId, proposalId);
      submit.catch(() => {}); // awaited below
      await waitFor(async () => (await waitingBehind(pid)) === 1, 10_000, 'the submit waiting behind X');
      // A batch with rows of both sections: it key-shares them in id order.
      append = appendToOpenDocs(t.db, [
        { docId: high, update: textUpdate('Gemellaggio'), userId },
        { docId: low, update: textUpdate('Partnerschaft'), userId },
      ]);
      append.catch(() => {});
      await waitFor(async () => (await waitingBehind(pid)) === 2, 10_000, 'the submit and the append waiting behind X');
    });
    const [submitted, appended] = await Promise.allSettled([submit!, append!]);
    expect(submitted.status === 'rejected' ? submitted.reason : null).toBeNull();
    expect(appended.status === 'rejected' ? appended.reason : null).toBeNull();
    expect(submitted.status === 'fulfilled' && submitted.value).toMatchObject({ kind: 'submission', sectionId: null });
    // Not applicable sections stay open after the submit: both rows are stored.
    expect(appended.status === 'fulfilled' && appended.value).toEqual([expect.any(Number), expect.any(Number)]);
    expect(appended.status === 'fulfilled' && appended.value).not.toContain(refused);
  });
});
