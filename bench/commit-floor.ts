import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendDocUpdates } from '../server/db/doc-updates';
import { migrate } from '../server/db/migrate';
import { openPGlite, openPostgres, type Sql } from '../server/db/sql';
import type { TwinpadEnv } from './processes';
import { summarize, type LatencySummary } from './scenarios';

/**
 * The commit floor: what the server's own append (`appendDocUpdates`, one 25-byte
 * row, committed) costs alone, with nothing else running, when commits arrive
 * `gapMs` apart. Persist-then-broadcast puts one such commit between every
 * update's arrival and its relay, so a scenario's Twinpad latency is at least the
 * reference's plus this. On a shared VM the cost depends on the gap: a process
 * that sleeps between commits finds its caches cold.
 */
export interface CommitFloor {
  /** Mean gap between commits, ms (0: back to back). */
  gapMs: number;
  /** The rate scenario this gap is the arrival gap of, or 'hot'. */
  label: string;
  commit: LatencySummary;
}

const ROW = new Uint8Array([1, 1, 200, 200, 200, 1, 0, 4, 1, 1, 116, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

/**
 * A proposal with one open section for the floor's rows: the append stores rows of
 * open sections only (it reads the section's status in the insert). Deleting the
 * proposal deletes the section and, through the trigger, its rows.
 */
async function withFloorSection<T>(db: Sql, fn: (docId: string) => Promise<T>): Promise<T> {
  const [proposal] = await db.query<{ id: string }>(`insert into proposals (title, template_id) values ('Commit floor', 'cerv-network-of-towns') returning id`);
  if (!proposal) throw new Error('no proposal');
  try {
    const [partner] = await db.query<{ id: string }>(
      `insert into partners (proposal_id, name, town, country, is_lead) values ($1, 'Bench', 'Bologna', 'IT', true) returning id`,
      [proposal.id],
    );
    const [section] = await db.query<{ id: string }>(
      `insert into sections (proposal_id, key, position, number, title, criterion, min_chars, max_chars, owner_partner_id, status)
       values ($1, $2, 1, '1', 'Floor', 'relevance', 100, 5000, $3, 'drafting') returning id`,
      [proposal.id, `floor-${randomUUID()}`, partner?.id],
    );
    if (!section) throw new Error('no section');
    return await fn(section.id);
  } finally {
    await db.query('delete from proposals where id = $1', [proposal.id]);
  }
}

async function timeCommits(db: Sql, gapMs: number, count: number): Promise<LatencySummary> {
  return withFloorSection(db, async (docId) => {
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
      const started = performance.now();
      await appendDocUpdates(db, [{ docId, update: ROW, userId: null }]);
      times.push(performance.now() - started);
    }
    return summarize(times);
  });
}

export interface FloorDatabase {
  db: Sql;
  dispose(): Promise<void>;
}

/**
 * A database of the backend's kind for the bench process alone (PGlite: a temp dir;
 * Postgres: the bench's database). Open it while the server starts: PGlite's initdb
 * takes seconds, and nothing is measured then.
 */
export async function openFloorDatabase(env: TwinpadEnv): Promise<FloorDatabase> {
  if (env.databaseUrl) {
    const db = await openPostgres(env.databaseUrl, { max: 1 });
    return { db, dispose: () => db.close() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'twinpad-floor-'));
  const db = await openPGlite(dir);
  await migrate(db);
  return {
    db,
    async dispose() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Commit cost back to back and at each scenario's arrival gap, in the bench process (no server involved). */
export async function measureCommitFloor(own: FloorDatabase, gaps: readonly { label: string; gapMs: number }[]): Promise<CommitFloor[]> {
  try {
    await timeCommits(own.db, 0, 200); // warm the statements and the JIT
    const out: CommitFloor[] = [{ label: 'hot', gapMs: 0, commit: await timeCommits(own.db, 0, 300) }];
    // About 2-4 s a gap: the whole bench must stay under 10 minutes.
    for (const { label, gapMs } of gaps) out.push({ label, gapMs, commit: await timeCommits(own.db, gapMs, Math.min(300, Math.ceil(4_000 / gapMs))) });
    return out;
  } finally {
    await own.dispose();
  }
}
