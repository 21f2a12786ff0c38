import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appendDocUpdates, appendToOpenDocs, docLogStats, loadDoc, refused } from '../../server/db/doc-updates';
import { listMigrations, migrate } from '../../server/db/migrate';
import { ensurePGliteImage, pgliteImagePath } from '../../server/db/pglite-image';
import { lockSection } from '../../server/db/sections';
import { openPGlite, openPostgres, type Sql } from '../../server/db/sql';
import { openTestDatabase, type TestDatabase } from '../helpers/db';
import { waitFor } from '../helpers/yclient';

/**
 * The storage contract: one suite, run on whichever backend this run uses
 * (PGlite by default, Postgres when DATABASE_URL is set; CI runs both).
 */
let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(async () => {
  await t.dispose();
});

async function insertUser(db: Sql, email: string): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `insert into users (email, name, password_hash, color) values ($1, 'Test', 'x', '#123456') returning id`,
    [email],
  );
  if (!row) throw new Error('no row');
  return row.id;
}

describe(`storage contract`, () => {
  it('STO1: every migration is applied once, and a second run applies nothing', async () => {
    const rows = await t.db.query<{ version: number }>('select version from schema_migrations order by version');
    expect(rows.map((r) => r.version)).toEqual(listMigrations().map((m) => m.version));
    expect(await migrate(t.db)).toEqual([]);
  });

  it('STO3: bytea, int8, timestamptz and jsonb round-trip with the same JS types on both backends', async () => {
    const bytes = new Uint8Array(256).map((_, i) => i);
    const [row] = await t.db.query<{ b: Uint8Array; n: number; at: Date; j: { a: number[] } }>(
      `select $1::bytea as b, 9007199254740::int8 as n, '2026-05-01T10:00:00Z'::timestamptz as at, '{"a":[1,2]}'::jsonb as j`,
      [bytes],
    );
    expect(row).toBeDefined();
    expect(row!.b).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(row!.b).equals(Buffer.from(bytes))).toBe(true);
    expect(row!.n).toBe(9007199254740);
    expect(row!.at).toBeInstanceOf(Date);
    expect(row!.at.toISOString()).toBe('2026-05-01T10:00:00.000Z');
    expect(row!.j).toEqual({ a: [1, 2] });
    // A view into a larger buffer sends only its own bytes; empty stays empty.
    const view = bytes.subarray(10, 13);
    const [parts] = await t.db.query<{ v: Uint8Array; e: Uint8Array }>(`select $1::bytea as v, $2::bytea as e`, [view, new Uint8Array(0)]);
    expect([...parts!.v]).toEqual([10, 11, 12]);
    expect(parts!.e).toBeInstanceOf(Uint8Array);
    expect(parts!.e.byteLength).toBe(0);
  });

  it('STO4: a transaction that throws leaves no trace; one that returns commits', async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await insertUser(tx, 'rollback@example.org');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await t.db.query(`select 1 from users where email = 'rollback@example.org'`)).toHaveLength(0);

    const id = await t.db.transaction(async (tx) => {
      const inner = await tx.transaction((nested) => insertUser(nested, 'commit@example.org'));
      return inner;
    });
    const rows = await t.db.query<{ id: string }>(`select id from users where email = 'commit@example.org'`);
    expect(rows.map((r) => r.id)).toEqual([id]);
  });

  it('STO4: constraint violations reject and roll back the whole transaction', async () => {
    await insertUser(t.db, 'unique@example.org');
    await expect(
      t.db.transaction(async (tx) => {
        await insertUser(tx, 'first-of-two@example.org');
        await insertUser(tx, 'unique@example.org');
      }),
    ).rejects.toThrow();
    expect(await t.db.query(`select 1 from users where email = 'first-of-two@example.org'`)).toHaveLength(0);
  });

  it('STO5: this file has a database of its own (no rows from other files)', async () => {
    const rows = await t.db.query<{ n: number }>(`select count(*)::int as n from proposals`);
    expect(rows[0]?.n).toBe(0);
  });
});

describe.runIf(!inject('databaseUrl'))('PGlite data directory', () => {
  it('STO6: rows survive closing and reopening the same data directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twinpad-sto6-'));
    try {
      const first = await openPGlite(dir);
      await migrate(first);
      const id = await insertUser(first, 'persist@example.org');
      await first.close();
      const second = await openPGlite(dir);
      expect(await migrate(second)).toEqual([]);
      const rows = await second.query<{ id: string }>(`select id from users where email = 'persist@example.org'`);
      expect(rows.map((r) => r.id)).toEqual([id]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.runIf(!!inject('databaseUrl'))('Postgres server', () => {
  it('STO2: concurrent migrations on a fresh schema serialise on the advisory lock', async () => {
    const url = inject('databaseUrl');
    const schema = `t_mig_${Date.now().toString(36)}`;
    const admin = await openPostgres(url, { max: 1 });
    await admin.exec(`create schema ${schema}`);
    const a = await openPostgres(url, { schema, max: 2 });
    const b = await openPostgres(url, { schema, max: 2 });
    try {
      const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
      const all = listMigrations().map((m) => m.version);
      expect([...ra, ...rb].sort((x, y) => x - y)).toEqual(all);
      const rows = await a.query<{ n: number }>('select count(*)::int as n from schema_migrations');
      expect(rows[0]?.n).toBe(all.length);
    } finally {
      await a.close();
      await b.close();
      await admin.exec(`drop schema ${schema} cascade`);
      await admin.close();
    }
  });
});

describe('json parameters', () => {
  it('STO3: a jsonb parameter given as JSON text or as a value is stored once, not double-encoded', async () => {
    const [row] = await t.db.query<{ a: unknown; b: unknown }>(`select $1::jsonb as a, $2::jsonb as b`, [JSON.stringify([1, 'x']), { k: [2] }]);
    expect(row?.a).toEqual([1, 'x']);
    expect(row?.b).toEqual({ k: [2] });
  });
});

describe('the doc log refuses locked sections', () => {
  async function sectionWithStatus(status: string): Promise<string> {
    const [p] = await t.db.query<{ id: string }>(`insert into proposals (title, template_id) values ('P', 'cerv-network-of-towns') returning id`);
    const [pa] = await t.db.query<{ id: string }>(`insert into partners (proposal_id, name, town, country, is_lead) values ($1, 'Bologna', 'Bologna', 'IT', true) returning id`, [p!.id]);
    const [s] = await t.db.query<{ id: string }>(
      `insert into sections (proposal_id, key, position, number, title, criterion, min_chars, max_chars, owner_partner_id, status)
       values ($1, 'k', 1, '1', 'Relevance', 'relevance', 100, 5000, $2, $3) returning id`,
      [p!.id, pa!.id, status],
    );
    return s!.id;
  }
  const row = (docId: string, byte: number) => ({ docId, update: Uint8Array.of(byte), userId: null });
  const logOf = async (docId: string) => (await t.db.query<{ update: Uint8Array }>(`select update from doc_updates where doc_id = $1 order by seq`, [docId])).map((r) => r.update[0]);

  it('WSH6: a batch with rows of open, approved, final and missing sections stores the open ones in order and refuses the others row by row', async () => {
    const [open, approved, final, other] = await Promise.all([sectionWithStatus('drafting'), sectionWithStatus('approved'), sectionWithStatus('final'), sectionWithStatus('in_review')]);
    const missing = '00000000-0000-4000-8000-000000000001';
    const batch = [row(open, 1), row(approved, 2), row(other, 3), row(open, 4), row(final, 5), row(missing, 6), row(approved, 7), row(other, 8)];
    const outcomes = await appendToOpenDocs(t.db, batch);
    expect(outcomes.map((o) => (o === refused ? o : 'seq'))).toEqual(['seq', refused, 'seq', 'seq', refused, refused, refused, 'seq']);
    const seqs = outcomes.filter((o): o is number => o !== refused);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs); // in input order
    expect(await logOf(open)).toEqual([1, 4]);
    expect(await logOf(other)).toEqual([3, 8]);
    for (const id of [approved, final, missing]) expect(await logOf(id)).toEqual([]);
    // The one-row statement (prepared) refuses too; the strict append throws.
    expect(await appendToOpenDocs(t.db, [row(approved, 9)])).toEqual([refused]);
    expect(await appendToOpenDocs(t.db, [row(open, 10)])).toEqual([expect.any(Number)]);
    await expect(appendDocUpdates(t.db, [row(open, 11), row(final, 12)])).rejects.toThrow(/refused/);
    expect(await logOf(open)).toEqual([1, 4, 10, 11]);
  });

  it('WSH6: an append that meets an approval in flight waits for it, then is refused; nothing reaches the log after the approval read it', async () => {
    const id = await sectionWithStatus('in_review');
    expect(await appendToOpenDocs(t.db, [row(id, 1)])).toEqual([expect.any(Number)]);
    let single: Promise<unknown> | null = null;
    let batch: Promise<unknown> | null = null;
    const readByApproval = await t.db.transaction(async (tx) => {
      await lockSection(tx, id);
      // Issued while the approval holds the row: one row (prepared) and a batch (literals on PGlite, parameters on Postgres).
      single = appendToOpenDocs(t.db, [row(id, 2)]);
      batch = appendToOpenDocs(t.db, [row(id, 3), row(id, 4)]);
      if (t.backend === 'postgres') {
        // Both are really waiting on the row lock before the approval commits (PGlite runs them after the transaction).
        const [{ pid }] = (await tx.query<{ pid: number }>('select pg_backend_pid() as pid')) as [{ pid: number }];
        await waitFor(async () => {
          const [r] = await t.db.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where $1 = any(pg_blocking_pids(pid))', [pid]);
          return r?.n === 2;
        }, 10_000, 'both appends blocked by the approval');
      }
      await tx.query(`update sections set status = 'approved' where id = $1`, [id]);
      return (await tx.query<{ update: Uint8Array }>(`select update from doc_updates where doc_id = $1 order by seq`, [id])).map((r) => r.update[0]);
    });
    expect(await single).toEqual([refused]);
    expect(await batch).toEqual([refused, refused]);
    expect(readByApproval).toEqual([1]);
    expect(await logOf(id)).toEqual([1]);
  });
});

describe('the doc log reads back exactly what it stored', () => {
  async function openSection(): Promise<string> {
    const [p] = await t.db.query<{ id: string }>(`insert into proposals (title, template_id) values ('P', 'cerv-network-of-towns') returning id`);
    const [pa] = await t.db.query<{ id: string }>(`insert into partners (proposal_id, name, town, country, is_lead) values ($1, 'Luleå', 'Luleå', 'SE', true) returning id`, [p!.id]);
    const [s] = await t.db.query<{ id: string }>(
      `insert into sections (proposal_id, key, position, number, title, criterion, min_chars, max_chars, owner_partner_id)
       values ($1, 'k', 1, '1', 'Relevance', 'relevance', 100, 5000, $2) returning id`,
      [p!.id, pa!.id],
    );
    return s!.id;
  }
  /** Deterministic bytes of every value 0-255, `length` long (a long row wraps in base64 and hex text). */
  const bytesOf = (seed: number, length: number) => Uint8Array.from({ length }, (_, i) => (seed * 31 + i * 7) % 256);
  const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');

  it('PGL6: a load returns the snapshot, then every later row byte for byte in seq order, with its seqs, last seq and byte count', async () => {
    const id = await openSection();
    const rows = [1, 2, 57, 58, 76, 77, 300, 4096].map((length, i) => bytesOf(i + 1, length));
    const seqs: number[] = [];
    seqs.push(...(await appendDocUpdates(t.db, [{ docId: id, update: rows[0]!, userId: null }])));
    seqs.push(...(await appendDocUpdates(t.db, rows.slice(1, 4).map((update) => ({ docId: id, update, userId: null })))));
    const whole = await loadDoc(t.db, id);
    expect(whole.snapshot).toBeNull();
    expect(whole.updates.map(hex)).toEqual(rows.slice(0, 4).map(hex));
    expect(whole.seqs).toEqual(seqs);
    expect(whole.lastSeq).toBe(seqs[3]);
    expect(whole.updateBytes).toBe(1 + 2 + 57 + 58);

    const snapshot = bytesOf(99, 70_000);
    await t.db.query(`insert into doc_snapshots (doc_id, state, upto_seq) values ($1, $2, $3)`, [id, snapshot, seqs[1]]);
    for (const update of rows.slice(4)) seqs.push(...(await appendDocUpdates(t.db, [{ docId: id, update, userId: null }])));
    const loaded = await loadDoc(t.db, id);
    expect(hex(loaded.snapshot!)).toBe(hex(snapshot));
    expect(loaded.snapshotSeq).toBe(seqs[1]);
    expect(loaded.updates.map(hex)).toEqual(rows.slice(2).map(hex));
    expect(loaded.seqs).toEqual(seqs.slice(2));
    expect(loaded.lastSeq).toBe(seqs.at(-1));
    expect(loaded.updateBytes).toBe(57 + 58 + 76 + 77 + 300 + 4096);
    expect(await docLogStats(t.db, id)).toEqual({ rows: 8, bytes: 1 + 2 + 57 + 58 + 76 + 77 + 300 + 4096 });
  });

  it('PGL6: a doc with no snapshot and no rows loads empty, at seq 0', async () => {
    const id = await openSection();
    expect(await loadDoc(t.db, id)).toEqual({ snapshot: null, snapshotSeq: 0, updates: [], seqs: [], lastSeq: 0, updateBytes: 0 });
  });

  it('PGL7: an update given as a view into a larger buffer is stored as its own bytes, alone and in a batch', async () => {
    const id = await openSection();
    const buffer = bytesOf(7, 64);
    const alone = buffer.subarray(5, 9);
    const batch = [buffer.subarray(0, 1), buffer.subarray(60, 64), buffer.subarray(10, 30)];
    await appendDocUpdates(t.db, [{ docId: id, update: alone, userId: null }]);
    await appendDocUpdates(t.db, batch.map((update) => ({ docId: id, update, userId: null })));
    expect((await loadDoc(t.db, id)).updates.map(hex)).toEqual([alone, ...batch].map(hex));
  });
});

describe.runIf(!inject('databaseUrl'))('PGlite data directory: a restart', () => {
  it('PGL9: after closing and reopening the data directory, a load returns the same snapshot and rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twinpad-pgl9-'));
    const image = pgliteImagePath();
    await ensurePGliteImage(image);
    try {
      const first = await openPGlite(dir, { image });
      const [p] = await first.query<{ id: string }>(`insert into proposals (title, template_id) values ('P', 'cerv-network-of-towns') returning id`);
      const [pa] = await first.query<{ id: string }>(`insert into partners (proposal_id, name, town, country, is_lead) values ($1, 'Oulu', 'Oulu', 'FI', true) returning id`, [p!.id]);
      const [s] = await first.query<{ id: string }>(
        `insert into sections (proposal_id, key, position, number, title, criterion, min_chars, max_chars, owner_partner_id)
         values ($1, 'k', 1, '1', 'Relevance', 'relevance', 100, 5000, $2) returning id`,
        [p!.id, pa!.id],
      );
      const id = s!.id;
      const rows = Array.from({ length: 50 }, (_, i) => Uint8Array.from({ length: 20 + i }, (_, j) => (i * 13 + j) % 256));
      const seqs = await appendDocUpdates(first, rows.map((update) => ({ docId: id, update, userId: null })));
      await first.query(`insert into doc_snapshots (doc_id, state, upto_seq) values ($1, $2, $3)`, [id, Uint8Array.from({ length: 30_000 }, (_, i) => i % 251), seqs[9]]);
      const before = await loadDoc(first, id);
      await first.close();
      const second = await openPGlite(dir, { image });
      try {
        const after = await loadDoc(second, id);
        expect(after.updates).toHaveLength(40);
        expect({ ...after, snapshot: Buffer.from(after.snapshot!).toString('hex'), updates: after.updates.map((u) => Buffer.from(u).toString('hex')) }).toEqual({
          ...before,
          snapshot: Buffer.from(before.snapshot!).toString('hex'),
          updates: before.updates.map((u) => Buffer.from(u).toString('hex')),
        });
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
