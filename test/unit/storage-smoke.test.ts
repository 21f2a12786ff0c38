import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../helpers/db';

let t: TestDatabase;
beforeAll(async () => { t = await openTestDatabase(); });
afterAll(async () => { await t.dispose(); });

describe('smoke', () => {
  it('bytea and int8 round-trip', async () => {
    const [p] = await t.db.query<{ id: string }>(`insert into users (email, name, password_hash, color) values ('a@b.c','A','x','#000') returning id`);
    expect(p).toBeDefined();
    const rows = await t.db.query<{ n: number; b: Uint8Array }>(`select 5::int8 as n, $1::bytea as b`, [new Uint8Array([1, 2, 3])]);
    expect(rows[0]?.n).toBe(5);
    expect(Array.from(rows[0]!.b)).toEqual([1, 2, 3]);
  });
});
