import { describe, expect, inject, it } from 'vitest';
import { runPgliteBench } from '../../bench/pglite';

/** bench/pglite.ts runs every hot statement through both paths (the figures themselves are the bench's, never a test's). */
describe.runIf(!inject('databaseUrl'))('the PGlite statement bench', () => {
  it('PGL8: runPgliteBench times each hot statement through the shipped path and plain query, with p50 and p99', async () => {
    const result = await runPgliteBench({ rows: 120, samples: 3 });
    expect(result.rows).toBe(120);
    const statements = [
      'append 1 row',
      'append batch of 8 rows (2 sections)',
      'append batch of 64 rows (2 sections)',
      'load 120 rows',
      'load a snapshot of 120 keystrokes',
      'session lookup',
    ];
    expect(result.results.map((r) => `${r.statement}/${r.path}`)).toEqual(statements.flatMap((s) => [`${s}/shipped`, `${s}/query`]));
    for (const r of result.results) {
      expect(r.ms.count).toBe(r.statement.startsWith('load 120') ? 5 : 3);
      expect(r.ms.p99).toBeGreaterThanOrEqual(r.ms.p50);
      expect(r.ms.p50).toBeGreaterThan(0);
    }
  });
});
