import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { listMigrations, migrate } from '../../server/db/migrate';
import { openPGlite, openPostgres, type Sql } from '../../server/db/sql';
import { openTestDatabase, type TestDatabase } from '../helpers/db';

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
      expect([...ra, ...rb].sort()).toEqual(all);
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
