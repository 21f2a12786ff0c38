import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as Y from 'yjs';
import { compactDoc } from '../../server/db/doc-compaction';
import { appendDocUpdates, appendToOpenDocs, loadDoc, loadStoredDoc } from '../../server/db/doc-updates';
import { openPGliteFromDump, type PreparedStatement, type Sql } from '../../server/db/sql';

/**
 * The PGlite backend through PGlite's public API only (PGL). Each test runs on a
 * real PGlite, a clone of the migrated template, seen through a view that records
 * which of PGlite's members the backend touches.
 */
const onPGlite = !inject('databaseUrl');

/** PGlite's members the backend may use: its documented, public API. */
const publicMembers = new Set(['query', 'exec', 'transaction', 'close', 'closed', 'dumpDataDir']);

let db: Sql;
const touched = new Set<string>();
let proposalId: string;
let partnerId: string;

/** A view of `pg` that records each member the backend reads, and forwards to PGlite itself. */
function recording(pg: PGlite): PGlite {
  return new Proxy(pg, {
    get(target, prop) {
      if (typeof prop === 'string') touched.add(prop);
      // PGlite's own getters and methods run on PGlite itself (they read its private fields).
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

beforeAll(async () => {
  if (!onPGlite) return;
  db = await openPGliteFromDump(new Blob([readFileSync(inject('pgliteTemplate'))]), recording);
  const [p] = await db.query<{ id: string }>(`insert into proposals (title, template_id) values ('P', 'cerv-network-of-towns') returning id`);
  const [pa] = await db.query<{ id: string }>(`insert into partners (proposal_id, name, town, country, is_lead) values ($1, 'Bologna', 'Bologna', 'IT', true) returning id`, [p!.id]);
  proposalId = p!.id;
  partnerId = pa!.id;
});
afterAll(async () => {
  if (onPGlite) await db.close();
});

async function newSection(status = 'drafting'): Promise<string> {
  const [s] = await db.query<{ id: string }>(
    `insert into sections (proposal_id, key, position, number, title, criterion, min_chars, max_chars, owner_partner_id, status)
     values ($1, $2, 1, '1', 'Relevance', 'relevance', 100, 5000, $3, $4) returning id`,
    [proposalId, `k${Math.random()}`, partnerId, status],
  );
  return s!.id;
}

/** `count` keystrokes typed at the end of a fresh doc, each as the update a client sends. */
function keystrokes(count: number, text = 'abcdefghijklmnopqrstuvwxyz'): Uint8Array[] {
  const doc = new Y.Doc();
  const out: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => out.push(u));
  for (let i = 0; i < count; i++) doc.getText('t').insert(i, text[i % text.length]!);
  doc.destroy();
  return out;
}

const textOf = (doc: Y.Doc) => {
  const s = doc.getText('t').toString();
  doc.destroy();
  return s;
};

describe.runIf(onPGlite)('PGlite through its public API', () => {
  it('PGL1: the log append, a batch, a load, a compaction and a transaction touch only public PGlite members', async () => {
    touched.clear();
    const id = await newSection();
    const strokes = keystrokes(30);
    await appendToOpenDocs(db, [{ docId: id, update: strokes[0]!, userId: null }]);
    await appendToOpenDocs(db, strokes.slice(1, 20).map((update) => ({ docId: id, update, userId: null })));
    const loaded = await loadDoc(db, id);
    expect(loaded.updates).toHaveLength(20);
    const doc = new Y.Doc();
    for (const u of strokes.slice(0, 20)) Y.applyUpdate(doc, u);
    expect(await compactDoc(db, id, Y.encodeStateAsUpdate(doc), loaded.lastSeq)).toBe(true);
    doc.destroy();
    await db.transaction(async (tx) => {
      await appendToOpenDocs(tx, [{ docId: id, update: strokes[20]!, userId: null }]);
    });
    expect(textOf(await loadStoredDoc(db, id))).toBe('abcdefghijklmnopqrstu');

    expect([...touched].filter((m) => !publicMembers.has(m))).toEqual([]);
    expect(touched.has('exec')).toBe(true);
    expect(touched.has('query')).toBe(true);
    expect(touched.has('transaction')).toBe(true);
  });

  it('PGL1: no server module names a private PGlite member or sends its own protocol messages', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const path = join(dir, f);
        if (statSync(path).isDirectory()) walk(path);
        else if (f.endsWith('.ts')) files.push(path);
      }
    };
    walk('server');
    expect(files.length).toBeGreaterThan(20);
    const offending = files.filter((f) => /_runExclusive|execProtocol|\._pgl|pglite-wire/.test(readFileSync(f, 'utf8')));
    expect(offending).toEqual([]);
  });

  it('PGL2: a hot statement is prepared once per session, also when its first callers arrive together', async () => {
    const stmt: PreparedStatement = { name: 'twinpad_test_pgl2', text: 'select $1::int8 * 2 as n, $2::uuid as id', types: ['int8', 'uuid?'] };
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => db.execute<{ n: number; id: string | null }>(stmt, [i, null])));
    expect(results.map((r) => r[0]?.n)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(results.every((r) => r[0]?.id === null)).toBe(true);
    const prepared = await db.query<{ name: string; statement: string }>(`select name, statement from pg_prepared_statements where name = $1`, [stmt.name]);
    expect(prepared).toHaveLength(1);
    expect(prepared[0]!.statement).toContain(stmt.text);
  });

  it('PGL3: a statement that fails to prepare rejects each call with its error, and is not remembered as prepared', async () => {
    const broken: PreparedStatement = { name: 'twinpad_test_pgl3', text: 'select $1::int8 from no_such_table', types: ['int8'] };
    await expect(db.execute(broken, [1])).rejects.toThrow(/no_such_table/);
    await expect(db.execute(broken, [2])).rejects.toThrow(/no_such_table/);
    expect(await db.query(`select 1 from pg_prepared_statements where name = $1`, [broken.name])).toHaveLength(0);
    const unsafe: PreparedStatement = { name: 'x; drop table doc_updates', text: 'select 1', types: [] };
    await expect(db.execute(unsafe, [])).rejects.toThrow(/statement name/);
    expect(await db.query(`select to_regclass('doc_updates') is not null as present`)).toEqual([{ present: true }]);
  });

  it('PGL4: an append issued while a transaction is open waits for it and is not part of it: a rollback leaves the append stored', async () => {
    const id = await newSection();
    const [a, b, c] = keystrokes(3);
    let single: Promise<unknown> | null = null;
    let batch: Promise<unknown> | null = null;
    const settled: string[] = [];
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`update sections set title = 'renamed' where id = $1`, [id]);
        single = appendToOpenDocs(db, [{ docId: id, update: a!, userId: null }]).finally(() => settled.push('single'));
        batch = appendToOpenDocs(db, [b!, c!].map((update) => ({ docId: id, update, userId: null }))).finally(() => settled.push('batch'));
        // The transaction keeps working (statements and loop turns) while both appends are pending: neither may settle inside it.
        for (let i = 0; i < 5; i++) {
          await tx.query(`select 1`);
          await new Promise((resolve) => setImmediate(resolve));
        }
        expect(settled).toEqual([]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await single).toEqual([expect.any(Number)]);
    expect(await batch).toEqual([expect.any(Number), expect.any(Number)]);
    expect((await loadDoc(db, id)).updates.map((u) => Buffer.from(u).toString('hex'))).toEqual([a, b, c].map((u) => Buffer.from(u!).toString('hex')));
    const [section] = await db.query<{ title: string }>(`select title from sections where id = $1`, [id]);
    expect(section?.title).toBe('Relevance');
  });

  it('PGL5: a prepared append inside a transaction rolls back with it', async () => {
    const id = await newSection();
    const [a] = keystrokes(1);
    await expect(
      db.transaction(async (tx) => {
        expect(await appendDocUpdates(tx, [{ docId: id, update: a!, userId: null }])).toEqual([expect.any(Number)]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await loadDoc(db, id)).updates).toEqual([]);
  });
});
