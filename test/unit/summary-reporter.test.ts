import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startVitest } from 'vitest/node';
import SummaryReporter from '../summary-reporter';
import { requirementTags, type Requirement } from '../helpers/requirements';

/**
 * WSH17-WSH18: the closing line counts a file whose setup or import fails as
 * failed, and a file skipped for a missing part as skipped, named. A real
 * vitest run over test/fixtures/summary (outside every project's include glob)
 * feeds the reporter real TestModule objects.
 */
const fixtures = fileURLToPath(new URL('../fixtures/summary/', import.meta.url));
const requireAllSetup = fileURLToPath(new URL('../require-all.ts', import.meta.url));

async function closingLines(missing: Requirement[], strict: boolean): Promise<string[]> {
  let out = '';
  const vitest = await startVitest(
    'test',
    [],
    {
      root: fixtures,
      config: false,
      include: ['*.fixture.ts'],
      watch: false,
      pool: 'threads',
      maxWorkers: 1,
      reporters: [new SummaryReporter({ write: (text) => (out += text) })],
      tags: requirementTags(missing, strict),
      provide: { missingRequirements: missing },
      setupFiles: strict ? [requireAllSetup] : [],
    },
    { server: { watch: null } },
  );
  await vitest.close();
  return out.trim().split('\n');
}

describe('test summary', () => {
  it('WSH17: a file whose beforeAll or import fails counts as failed, not skipped; a file skipped for a missing service is named with how to provide it, and its hooks never run', async () => {
    const lines = await closingLines(['postgres'], false);
    expect(lines.at(-1)).toBe('1 passed, 4 failed, 3 skipped (2 of them for a missing service; TWINPAD_REQUIRE_ALL=1 makes that a failure)');
    expect(lines).toContain('skipped 1 file: needs a Postgres server (set DATABASE_URL or run one on 127.0.0.1:5432 with a database "test") — see README "Test it": needs-postgres.fixture.ts');
  }, 60_000);

  it('WSH18: with TWINPAD_REQUIRE_ALL=1 a file that needs a missing service fails instead of being skipped', async () => {
    const lines = await closingLines(['postgres'], true);
    expect(lines.at(-1)).toBe('1 passed, 6 failed, 1 skipped');
    expect(lines.some((l) => l.startsWith('skipped '))).toBe(false);
  }, 60_000);

  it('WSH17: with nothing missing the tagged file runs (and here its failing hook fails it)', async () => {
    const lines = await closingLines([], false);
    expect(lines).toEqual(['1 passed, 6 failed, 1 skipped']);
  }, 60_000);
});
