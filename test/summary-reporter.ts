import type { Reporter, TestCase, TestModule, TestSuite, TestRunEndReason } from 'vitest/node';
import { missingIn, requirementNames, skipLine, type MissingMeta, type Requirement } from './helpers/requirements';

declare module '@vitest/runner' {
  interface TaskMeta extends MissingMeta {}
}

export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  /** Of `skipped`: tests whose file needs a part this machine lacks. */
  skippedMissing: number;
  /** Each missing part, with the files skipped for it. */
  missing: Map<Requirement, Set<string>>;
}

/** A hook of this suite or of one around it failed (a failed beforeAll leaves its tests "skipped"). */
function setupFailed(test: TestCase): boolean {
  for (let p: TestSuite | TestModule = test.parent; ; p = p.parent) {
    if (p.errors().length > 0) return true;
    if (p.type === 'module') return false;
  }
}

/** Counts a run: a file whose setup or import fails counts as failed, never as skipped. */
export function summarize(testModules: ReadonlyArray<TestModule>, unhandledErrors: number): Summary {
  const s: Summary = { passed: 0, failed: 0, skipped: 0, skippedMissing: 0, missing: new Map() };
  for (const mod of testModules) {
    const tests = [...mod.children.allTests()];
    // A file that failed to load has no tests but is a failure all the same.
    if (tests.length === 0 && mod.state() === 'failed') s.failed++;
    const failedBefore = s.failed;
    for (const test of tests) {
      const state = test.result().state;
      switch (state) {
        case 'passed':
          s.passed++;
          break;
        case 'failed':
          s.failed++;
          break;
        case 'skipped':
        case 'pending': {
          if (setupFailed(test)) {
            s.failed++;
            break;
          }
          s.skipped++;
          const needs = missingIn(test.meta());
          if (needs.length > 0) s.skippedMissing++;
          for (const need of needs) {
            const files = s.missing.get(need) ?? new Set<string>();
            files.add(mod.relativeModuleId);
            s.missing.set(need, files);
          }
          break;
        }
        default: {
          const never: never = state;
          throw new Error(`unknown test state ${String(never)}`);
        }
      }
    }
    // A hook that failed after every test passed (an afterAll) is a failure too.
    const hookErrors = [mod, ...mod.children.allSuites()].some((x) => x.errors().length > 0);
    if (tests.length > 0 && hookErrors && s.failed === failedBefore) s.failed++;
  }
  s.failed += unhandledErrors;
  return s;
}

/** The closing lines: what was skipped for a missing part, then `N passed, N failed, N skipped`. */
export function summaryLines(s: Summary): string[] {
  const lines: string[] = [];
  for (const need of requirementNames) {
    const files = s.missing.get(need);
    if (!files) continue;
    const list = [...files].sort();
    lines.push(`skipped ${list.length} file${list.length === 1 ? '' : 's'}: ${skipLine(need)}: ${list.join(' ')}`);
  }
  const extra = s.skippedMissing > 0 ? ` (${s.skippedMissing} of them for a missing service; TWINPAD_REQUIRE_ALL=1 makes that a failure)` : '';
  lines.push(`${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped${extra}`);
  return lines;
}

/**
 * Prints the closing lines after vitest's own summary, so the last line of
 * every test run states the result.
 */
export default class SummaryReporter implements Reporter {
  private readonly write: (text: string) => void;

  /** vitest passes the reporter's options object; a test passes `write` to capture the lines. */
  constructor(options: { write?: (text: string) => void } = {}) {
    this.write = options.write ?? ((text) => setImmediate(() => process.stdout.write(text)));
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>, _reason: TestRunEndReason): void {
    this.write(`\n${summaryLines(summarize(testModules, unhandledErrors.length)).join('\n')}\n`);
  }
}
